import ArgumentParser
import DeepSeekOCR
import Foundation
import LiterateReport
import ModelMeter

/// `modelmeter report`: regenerate the knowledge base (default), or print one report.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Regenerate the knowledge base in --output, or print one report with --format.",
        discussion: """
        Without --format, writes output/kb (Markdown), output/html (self-contained HTML), the roofline \
        SVG and report.json; the previous output folder is replaced only when everything rendered.
        """)

    @OptionGroup var options: WorkloadOptions

    @Option(help: "Print a single report instead of the site: json, csv, md or html.")
    var format: String?

    @Option(help: "With --format: write the report to this file instead of stdout.")
    var file: String?

    @Option(help: "Folder the knowledge base is written to.")
    var output: String = "output"

    @Option(help: "Project root holding context/ and templates/.")
    var root: String = "."

    @Flag(help: "Pass raw HTML from hint docs into the HTML pages (<script> is always removed).")
    var allowRawHTML = false

    func run() throws {
        let report = try options.report()
        let generator = SiteGenerator(root: URL(fileURLWithPath: root), allowRawHTML: allowRawHTML)
        guard let format else {
            let written = try generator.generate(report: report, output: URL(fileURLWithPath: output))
            print("modelmeter: wrote \(written.count) files to \(output)/ for \(report.workload.summary) on \(report.gpu.name)")
            return
        }
        let text: String
        switch format.lowercased() {
        case "json": text = try report.json().rendered() + "\n"
        case "csv": text = try report.csv()
        case "md", "html":
            let wanted = format.lowercased() == "md" ? "kb/summary.md" : "html/summary.html"
            let files = try generator.render(report: report)
            text = files.first { $0.path == wanted }.map { String(decoding: $0.data, as: UTF8.self) } ?? ""
        default:
            throw ModelMeterError.unknownName(kind: "format", name: format, accepted: ["json", "csv", "md", "html"])
        }
        try OutputFile.write(text, to: file)
    }
}

/// Writes a report to stdout or, atomically, to a file.
enum OutputFile {
    static func write(_ text: String, to path: String?) throws {
        guard let path else {
            FileHandle.standardOutput.write(Data(text.utf8))
            return
        }
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw ModelMeterError.malformedValue(what: "output file", value: path, expected: "a writable path")
        }
    }
}
