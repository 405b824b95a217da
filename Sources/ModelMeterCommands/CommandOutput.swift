import ArgumentParser
import Foundation
import LiterateReport
import ModelMeter

/// A command whose stdout is a string it returns, so tests can capture it without redirecting
/// the process's stdout: `run()` prints `execute()`.
protocol TextCommand: ParsableCommand {
    /// Performs the command's side effects (files written) and returns what it prints on stdout.
    func execute() throws -> String
}

extension TextCommand {
    func run() throws {
        try StandardOutput.write(try execute())
    }
}

/// Every write to stdout: checked, so a full device is an error, and a reader that closed the
/// pipe ends the process quietly.
enum StandardOutput {
    /// The exit status when the reader of stdout has gone (`… | head -c1`): 128 + SIGPIPE, what
    /// a shell reports for a tool the signal ends, with nothing on stderr. `main` ignores
    /// SIGPIPE, so the write fails with EPIPE and this is the one way such a run ends.
    static let closedPipeStatus: Int32 = 141

    /// Writes `text` to stdout; exits with ``closedPipeStatus`` on a closed pipe, throws a
    /// one-line error for any other failed write.
    static func write(_ text: String) throws {
        guard !text.isEmpty else { return }
        do {
            try FileWriting.write(Data(text.utf8), to: STDOUT_FILENO, path: "standard output")
        } catch let failure as FileWriting.Failure {
            if failure.reason == FileWriting.reason(EPIPE) { exit(closedPipeStatus) }
            throw CommandLineError("cannot write to standard output: \(failure.reason)")
        }
    }
}

/// A command-line mistake that is not a bad value of one layer or workload (conflicting
/// options, an option that does not apply): one line, printed as `Error: <description>`.
struct CommandLineError: Error, Equatable, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// The comma-separated items of a list option (`--values 1,4,16`, given once or more), trimmed;
/// an empty item (`--values ,`, `--values ''`, `1,,4`) is a one-line error naming `option`.
func listItems(_ values: [String], option: String) throws -> [String] {
    let items = values.flatMap { $0.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) } }
    if items.contains(where: \.isEmpty) {
        let given = values.map { "'\($0)'" }.joined(separator: " ")
        throw CommandLineError("\(option) \(given) has an empty value; give comma-separated values such as 1,4,16")
    }
    return items
}

/// Writes a report to stdout (returned as text) or, atomically, to a file.
enum OutputFile {
    /// Returns `text` for stdout when `path` is nil; otherwise writes it to `path` and returns "".
    /// A regular file is replaced atomically; a device or pipe (`/dev/stdout`) is written in place.
    static func write(_ text: String, to path: String?) throws -> String {
        guard let path else { return text }
        guard !path.isEmpty else { throw CommandLineError("--file is empty; name the file to write") }
        do {
            try FileWriting.replaceFile(atPath: path, contents: Data(text.utf8))
        } catch let failure as FileWriting.Failure {
            throw CommandLineError("cannot write \(path): \(failure.reason)")
        }
        return ""
    }

    /// Writes every file into `folder` (created when missing). Each file is written to a
    /// temporary name and renamed, so no partial file is ever left; files of this call already
    /// written are removed again if a later one fails.
    static func writeAll(_ files: [(name: String, text: String)], to folder: String) throws {
        let manager = FileManager.default
        let url = URL(fileURLWithPath: folder)
        var isDirectory: ObjCBool = false
        if manager.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue {
            throw ModelMeterError.malformedValue(what: "chart folder", value: folder, expected: "a folder, not a file")
        }
        do {
            try manager.createDirectory(at: url, withIntermediateDirectories: true)
        } catch {
            throw ModelMeterError.malformedValue(what: "chart folder", value: folder, expected: "a folder that can be created and written")
        }
        var written: [URL] = []
        for file in files {
            let target = url.appendingPathComponent(file.name)
            do {
                try FileWriting.replaceFile(atPath: target.path, contents: Data(file.text.utf8))
                written.append(target)
            } catch let failure as FileWriting.Failure {
                for done in written { try? manager.removeItem(at: done) }
                throw CommandLineError("cannot write the chart \(target.path): \(failure.reason)")
            }
        }
    }
}

/// Left-aligned columns separated by two spaces; the last column is not padded.
func alignedColumns(_ rows: [[String]], indent: String = "  ") -> [String] {
    let columns = rows.map(\.count).max() ?? 0
    var widths = [Int](repeating: 0, count: columns)
    for row in rows {
        for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) }
    }
    return rows.map { row in
        let cells = row.enumerated().map { index, cell in
            index == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[index] - cell.count)
        }
        return indent + cells.joined(separator: "  ")
    }
}
