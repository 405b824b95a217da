import ArgumentParser
import Foundation
import LiterateReport

/// The `modelmeter` root command: `report` (default), `explain`, `sweep`, `list`.
public struct ModelMeterCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "modelmeter",
        abstract: "Closed-form FLOPs, bytes, memory and roofline of the DeepSeek-OCR vision stack.",
        discussion: """
        --gpu-spec FILE.json describes a GPU the catalog lacks: {"id", "name", "architecture", \
        "tensorCorePeaks": {"bf16": {"teraFLOPS", "precision", "accumulate"}, …}, "cudaCorePeak": {…}, \
        "memoryBandwidthGBps", "memoryGB", "source"}; dense figures, every number positive.
        """,
        version: "0.1.0",
        subcommands: [ReportCommand.self, ExplainCommand.self, SweepCommand.self, ListCommand.self, PageCommand.self, CompareCommand.self, FitCommand.self],
        defaultSubcommand: ReportCommand.self)

    public init() {}

    /// Parses, runs, and on failure prints exactly one line on stderr (`Error: …`) and exits
    /// non-zero: value errors exit 1, command-line syntax errors 64 (EX_USAGE) with a pointer
    /// to `--help` instead of the full usage screen. Help and version requests print through
    /// the same checked write as every report (a full device is an error). A closed stdout
    /// pipe ends the run quietly with status 141 (see ``StandardOutput``).
    public static func main() {
        signal(SIGPIPE, SIG_IGN)
        do {
            do {
                var command = try parseAsRoot(nil)
                try command.run()
            } catch where exitCode(for: error) == .success {
                try StandardOutput.write(fullMessage(for: error) + "\n")
            }
        } catch {
            // A checked write: Foundation's FileHandle traps when stderr is full or closed. When
            // even the error line cannot be written, the exit status still tells.
            try? FileWriting.write(Data((errorLine(for: error) + "\n").utf8), to: STDERR_FILENO, path: "standard error")
            Foundation.exit(exitCode(for: error).rawValue)
        }
    }

    /// The one-line form of `error`: the first line of swift-argument-parser's message
    /// (`Error: <message>`), plus its `See '… --help'` hint for syntax errors; the usage
    /// screen in between is dropped. A bad value of an option with six or more values, which
    /// the parser lists one per line (`- value`), gets the list on the same line.
    public static func errorLine(for error: Error) -> String {
        let lines = fullMessage(for: error, columns: 10_000)
            .split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard let first = lines.first else { return "Error: \(error)" }
        var line = first.hasPrefix("Error:") ? first : "Error: " + first
        if line.hasSuffix(":") {
            let values = lines.dropFirst().prefix { $0.hasPrefix("- ") }.map { String($0.dropFirst(2)) }
            if !values.isEmpty { line += " " + values.joined(separator: ", ") + "." }
        }
        if let hint = lines.dropFirst().first(where: { $0.hasPrefix("See '") }) {
            line += (line.last.map { ".?!".contains($0) } == true ? " " : ". ") + hint
        }
        return line
    }
}
