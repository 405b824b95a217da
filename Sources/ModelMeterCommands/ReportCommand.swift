import ArgumentParser
import DeepSeekOCR
import ModelMeter

/// `modelmeter report`: the JSON module report (and, without --format, the knowledge base).
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Print the cost report of every module of the vendor tree.")

    @OptionGroup var options: WorkloadOptions

    @Option(help: "Output format: json.")
    var format: String = "json"

    func run() throws {
        let report = try options.report()
        guard format == "json" else {
            throw ModelMeterError.unknownName(kind: "format", name: format, accepted: ["json"])
        }
        print(try report.json().rendered())
    }
}
