import Foundation
import Testing

/// The built `modelmeter` binary, run as a subprocess: every bad input ends with exactly one
/// line on stderr naming the bad value and what is accepted, a non-zero exit status, nothing on
/// stdout, and no file written.
@Suite struct ExecutableErrorTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let arguments: [String]
        /// Fragments the single stderr line must contain (the bad value, what is accepted).
        let fragments: [String]
        var status: Int32 = 1
        var testDescription: String { arguments.joined(separator: " ") }
    }

    static let cases: [Case] = [
        Case(arguments: ["report", "--format", "json", "--gpu", "v100"], fragments: ["'v100'", "accepted: rtx5090, rtx4090, h100-sxm, h100-pcie, a100-sxm-80gb, l40s"]),
        Case(arguments: ["explain", "Conv3d"], fragments: ["'Conv3d'", "accepted: Attention, Block,"]),
        Case(arguments: ["report", "--format", "json", "--crops", "2by3"], fragments: ["'2by3'", "expected WxH"]),
        Case(arguments: ["report", "--format", "json", "--page", "1654*2339"], fragments: ["'1654*2339'", "expected WIDTHxHEIGHT"]),
        Case(arguments: ["report", "--format", "json", "--page", "0x2339"], fragments: ["0x2339", "0 is not positive"]),
        Case(arguments: ["report", "--format", "json", "--batch", "0"], fragments: ["batch", "0 is not positive"]),
        Case(arguments: ["report", "--format", "json", "--batch", "-3"], fragments: ["batch", "-3 is not positive"]),
        Case(arguments: ["report", "--format", "json", "--batch", "4000000000000"], fragments: ["4000000000000 is more than 65536", "the largest batch that works"]),
        Case(arguments: ["explain", "Attention", "--set", "heads=7"], fragments: ["num_heads = 7 does not divide dim = 768"]),
        Case(arguments: ["report", "--format", "json", "--crops", "5x2"], fragments: ["5x2", "10 crops exceed the vendor's maximum of 9"]),
        Case(arguments: ["report", "--format", "json", "--crops", "0x2"], fragments: ["0x2", "both sides must be at least 1"]),
        Case(arguments: ["report", "--format", "json", "--page", "1654x2339", "--max-crops", "12"], fragments: ["12", "accepted 1…9"]),
        Case(arguments: ["report", "--format", "json", "--page", "1654x2339", "--min-crops", "7", "--max-crops", "6"], fragments: ["7", "maximum 6"]),
        Case(arguments: ["report", "--format", "json", "--page", "1654x2339", "--mode", "base"], fragments: ["--page 1654x2339", "gundam"]),
        Case(arguments: ["report", "--format", "json", "--page", "1654x2339", "--crops", "2x2"], fragments: ["--page 1654x2339", "--crops 2x2", "conflict"]),
        Case(arguments: ["report", "--format", "json", "--gpu-spec", "/nonexistent/gpu.json"], fragments: ["/nonexistent/gpu.json", "does not exist"]),
        Case(arguments: ["report", "--format", "json", "--gpu", "a100-sxm-80gb", "--precision", "fp8"], fragments: ["'fp8'", "accepted: bf16, fp16, fp32"]),
        // Options with a fixed value set: swift-argument-parser names the option, the value and
        // every accepted value on one line, with its --help hint, exit 64 (EX_USAGE).
        Case(arguments: ["report", "--format", "json", "--mode", "huge"],
             fragments: ["'huge'", "'--mode <mode>'", "one of 'tiny', 'small', 'base', 'large' or 'gundam'"], status: 64),
        Case(arguments: ["report", "--format", "json", "--precision", "int4"],
             fragments: ["'int4'", "'--precision <precision>'", "one of 'bf16', 'fp16', 'fp32' or 'fp8'"], status: 64),
        Case(arguments: ["report", "--format", "json", "--attention", "flash"],
             fragments: ["'flash'", "'--attention <attention>'", "one of 'sdpa' and 'eager'"], status: 64),
        Case(arguments: ["report", "--format", "yaml"], fragments: ["'yaml'", "'--format <format>'", "one of 'json', 'csv', 'md' or 'html'"], status: 64),
        Case(arguments: ["explain", "Block", "--format", "yaml"], fragments: ["'yaml'", "'--format <format>'", "one of 'text' and 'json'"], status: 64),
        Case(arguments: ["sweep", "--over", "batch", "--format", "yaml"], fragments: ["'yaml'", "one of 'csv' and 'json'"], status: 64),
        Case(arguments: ["list", "tables"], fragments: ["'tables'", "'<subject>'", "one of 'layers', 'modes', 'gpus' or 'models'"], status: 64),
        Case(arguments: ["sweep", "--over", "pixels"], fragments: ["'pixels'", "'--over <over>'", "one of 'resolution', 'crops', 'batch' or 'tokens'"], status: 64),
        Case(arguments: ["report", "--mode", "huge", "--batch", "2"], fragments: ["'huge'", "See 'modelmeter report --help'"], status: 64),
        // Syntax errors: swift-argument-parser's message and its --help hint, exit 64 (EX_USAGE).
        Case(arguments: ["report", "--batch", "many"], fragments: ["'many'", "--batch", "See 'modelmeter report --help'"], status: 64),
        Case(arguments: ["explain"], fragments: ["<layer>", "See 'modelmeter explain --help'"], status: 64),
    ]

    static func expectOneLineFailure(_ result: Executable.Result, _ c: Case, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(result.status == c.status, sourceLocation: sourceLocation)
        #expect(result.stdout.isEmpty, sourceLocation: sourceLocation)
        #expect(result.stderr.hasSuffix("\n"), sourceLocation: sourceLocation)
        #expect(result.stderrLines.count == 1, "stderr: \(result.stderr)", sourceLocation: sourceLocation)
        let line = String(result.stderrLines.first ?? "")
        #expect(line.hasPrefix("Error: "), sourceLocation: sourceLocation)
        for fragment in c.fragments {
            #expect(line.contains(fragment), "'\(fragment)' missing from: \(line)", sourceLocation: sourceLocation)
        }
    }

    @Test(arguments: cases) func badInput(_ c: Case) throws {
        Self.expectOneLineFailure(try Executable.run(c.arguments), c)
    }

    @Test func invalidGPUSpecFile() throws {
        let folder = try CommandHarness.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("gpu.json")
        try Data(GPUSpecFileTests.valid.replacingOccurrences(of: "\"memoryGB\": 48", with: "\"memoryGB\": 0").utf8).write(to: file)
        let result = try Executable.run(["report", "--format", "json", "--gpu-spec", file.path])
        Self.expectOneLineFailure(result, Case(arguments: [], fragments: [file.path, "'memoryGB'", "not a positive number"]))
        try Data("{ not json".utf8).write(to: file)
        Self.expectOneLineFailure(
            try Executable.run(["explain", "Block", "--gpu-spec", file.path]), Case(arguments: [], fragments: [file.path, "not valid JSON"]))
    }

    @Test func unwritableOutputLeavesNothingBehind() throws {
        let folder = try CommandHarness.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        // A regular file where a parent folder should be: nothing can be created under it,
        // even as root (unlike a chmod-ed folder).
        let blocker = folder.appendingPathComponent("blocker")
        try Data("x".utf8).write(to: blocker)
        let root = CommandHarness.packageRoot.path
        let cases: [([String], [String])] = [
            (["report", "--output", "/proc/forbidden/x", "--root", root], ["/proc/forbidden"]),
            (["report", "--output", blocker.appendingPathComponent("site").path, "--root", root], ["blocker"]),
            (["report", "--format", "json", "--file", blocker.appendingPathComponent("r.json").path], ["r.json", "Not a directory"]),
            (["sweep", "--over", "batch", "--chart-dir", blocker.appendingPathComponent("charts").path], ["charts", "chart folder"]),
            (["sweep", "--over", "batch", "--chart-dir", "/proc/forbidden/charts"], ["/proc/forbidden/charts"]),
        ]
        for (arguments, fragments) in cases {
            Self.expectOneLineFailure(try Executable.run(arguments), Case(arguments: arguments, fragments: fragments))
        }
        #expect(CommandHarness.contents(of: folder) == ["blocker"])
        #expect(try String(contentsOf: blocker, encoding: .utf8) == "x")
    }

    @Test func failedRegenerationKeepsThePreviousSite() throws {
        let folder = try CommandHarness.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let site = folder.appendingPathComponent("site")
        try FileManager.default.createDirectory(at: site, withIntermediateDirectories: true)
        try Data("previous".utf8).write(to: site.appendingPathComponent("marker.txt"))
        let result = try Executable.run(["report", "--output", site.path, "--mode", "huge", "--root", CommandHarness.packageRoot.path])
        Self.expectOneLineFailure(result, Case(arguments: [], fragments: ["'huge'"], status: 64))
        #expect(CommandHarness.contents(of: folder) == ["site"])
        #expect(CommandHarness.contents(of: site) == ["marker.txt"])
    }

    @Test func successPrintsTheSameAsInProcess() throws {
        let result = try Executable.run(["list", "modes"])
        #expect(result.status == 0)
        #expect(result.stderr.isEmpty)
        #expect(result.stdout == (try CommandHarness.output(["list", "modes"])))
        let help = try Executable.run(["--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("SUBCOMMANDS:"))
    }
}
