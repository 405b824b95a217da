import Foundation
import Testing
import ModelMeter

/// The built binary against hostile command lines: refused output folders, full devices,
/// absurd sizes and GPU specs, and kills in the middle of a regeneration.
@Suite("Hostile command lines", .serialized)
struct HostileCLITests {
    struct Run {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    /// Runs the binary in `directory`, with stdout going to `stdoutPath` when given.
    static func run(_ arguments: [String], in directory: URL, stdoutPath: String? = nil) throws -> Run {
        guard let url = Executable.url else { throw HarnessError("no modelmeter binary") }
        let process = Process()
        process.executableURL = url
        process.arguments = arguments
        process.currentDirectoryURL = directory
        let out = Pipe(), err = Pipe()
        let sink = stdoutPath.flatMap { FileHandle(forWritingAtPath: $0) }
        process.standardOutput = sink ?? out
        process.standardError = err
        try process.run()
        let outData = sink == nil ? out.fileHandleForReading.readDataToEndOfFile() : Data()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self))
    }

    /// A scratch project (context/ and templates/ copied) with a file of the user's beside them.
    static func project() throws -> URL {
        let folder = try CommandHarness.temporaryFolder("project")
        for item in ["context", "templates"] {
            try FileManager.default.copyItem(
                at: CommandHarness.packageRoot.appendingPathComponent(item), to: folder.appendingPathComponent(item))
        }
        try Data("mine".utf8).write(to: folder.appendingPathComponent("notes.txt"))
        return folder
    }

    static func expectOneLine(_ run: Run, status: Int32 = 1, _ fragments: [String], sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(run.status == status, "status \(run.status), stderr \(run.stderr)", sourceLocation: sourceLocation)
        let lines = run.stderr.split(separator: "\n")
        #expect(lines.count == 1 && run.stderr.hasPrefix("Error: "), "stderr: \(run.stderr)", sourceLocation: sourceLocation)
        for fragment in fragments {
            #expect(run.stderr.contains(fragment), "'\(fragment)' missing from \(run.stderr)", sourceLocation: sourceLocation)
        }
    }

    @Test("--output ., .., '', /, the project root and a foreign folder are refused; nothing is touched")
    func refusedOutputFolders() throws {
        let project = try Self.project()
        defer { try? FileManager.default.removeItem(at: project) }
        let before = try Self.tree(project.deletingLastPathComponent(), only: project.lastPathComponent)
        let cases: [([String], [String])] = [
            (["report", "--output", "."], ["refusing", "working directory"]),
            (["report", "--output", ".."], ["refusing", "working directory"]),
            (["report", "--output", ""], ["--output is empty"]),
            (["report", "--output", "/"], ["refusing", "root /"]),
            (["report", "--output", "context"], ["not written by modelmeter", "hints/"]),
            (["report", "--output", "templates"], ["not written by modelmeter", ".mustache"]),
        ]
        for (arguments, fragments) in cases {
            Self.expectOneLine(try Self.run(arguments, in: project), fragments)
        }
        Self.expectOneLine(try Self.run(["report", "--root", project.path, "--output", project.path], in: FileManager.default.temporaryDirectory),
                           ["refusing", "project root"])
        #expect(try Self.tree(project.deletingLastPathComponent(), only: project.lastPathComponent) == before)
    }

    @Test("a full device is an error with the OS reason, for --file and for stdout")
    func fullDevice() throws {
        let folder = FileManager.default.temporaryDirectory
        for arguments in [["report", "--format", "json", "--file", "/dev/full"], ["sweep", "--over", "batch", "--file", "/dev/full"]] {
            Self.expectOneLine(try Self.run(arguments, in: folder), ["cannot write /dev/full", "No space left on device"])
        }
        for arguments in [["report", "--format", "json"], ["list", "gpus"], ["explain", "Block"]] {
            Self.expectOneLine(try Self.run(arguments, in: folder, stdoutPath: "/dev/full"), ["standard output", "No space left on device"])
        }
        // The device is written in place, never replaced by a regular file.
        var status = stat()
        #expect(stat("/dev/full", &status) == 0 && (status.st_mode & S_IFMT) == S_IFCHR)
        #expect(try Self.run(["list", "modes"], in: folder, stdoutPath: "/dev/null").status == 0)
    }

    @Test("help and version written to a full device end with one Error line and a non-zero status")
    func helpToFullDevice() throws {
        let folder = FileManager.default.temporaryDirectory
        for arguments in [["--help"], ["--version"], ["report", "--help"], ["sweep", "--help"]] {
            Self.expectOneLine(try Self.run(arguments, in: folder, stdoutPath: "/dev/full"), ["standard output", "No space left on device"])
        }
        #expect(try Self.run(["--version"], in: folder).stdout == "0.1.0\n")
    }

    @Test("an error line that cannot be written (stderr full or closed) still ends with the error's status, not a trap")
    func unwritableStderr() throws {
        guard let url = Executable.url else { throw HarnessError("no modelmeter binary") }
        // 1: a bad value; 64: a usage error (EX_USAGE).
        for (arguments, status) in [("report --format json --batch 0", "1"), ("report --format json --bogus", "64")] {
            for redirect in ["2>/dev/full", "2> >(head -c0 >/dev/null)"] {
                let process = Process()
                process.executableURL = URL(fileURLWithPath: "/bin/bash")
                process.arguments = ["-c", "'\(url.path)' \(arguments) \(redirect); echo $?"]
                let out = Pipe()
                process.standardOutput = out
                try process.run()
                let printed = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                process.waitUntilExit()
                #expect(printed == status + "\n", "\(arguments) \(redirect): \(printed)")
            }
        }
    }

    @Test("a reader that closes the pipe early ends the run with status 141 and nothing on stderr")
    func closedPipe() throws {
        guard let url = Executable.url else { throw HarnessError("no modelmeter binary") }
        let folder = try CommandHarness.temporaryFolder("pipe")
        defer { try? FileManager.default.removeItem(at: folder) }
        // Outputs far larger than a pipe's 64 kB buffer, so the write after `head` exits must fail.
        for arguments in ["report --format json", "report --format json --stage all"] {
            let script = "'\(url.path)' \(arguments) 2>'\(folder.path)/err' | head -c1 >/dev/null; echo ${PIPESTATUS[0]}"
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/bash")
            process.arguments = ["-c", script]
            let out = Pipe()
            process.standardOutput = out
            try process.run()
            let status = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            #expect(status == "141\n", "\(arguments): status \(status)")
            #expect(try Data(contentsOf: folder.appendingPathComponent("err")).isEmpty, "\(arguments) wrote to stderr")
        }
    }

    @Test("empty list values and an empty chart folder are refused; nothing runs")
    func emptyValues() {
        let cases: [([String], String)] = [
            (["sweep", "--over", "batch", "--values=,"], "Error: --values ',' has an empty value; give comma-separated values such as 1,4,16"),
            (["sweep", "--over", "batch", "--values", ""], "Error: --values '' has an empty value; give comma-separated values such as 1,4,16"),
            (["sweep", "--over", "batch", "--values", "1,,4"], "Error: --values '1,,4' has an empty value; give comma-separated values such as 1,4,16"),
            (["sweep", "--over", "crops", "--pages", ","], "Error: --pages ',' has an empty value; give comma-separated values such as 1,4,16"),
            (["page", "--sweep", "batch", "--values", ","], "Error: --values ',' has an empty value; give comma-separated values such as 1,4,16"),
            (["sweep", "--over", "batch", "--chart-dir", ""], "Error: --chart-dir is empty; name the folder for the charts, e.g. charts"),
        ]
        for (arguments, message) in cases {
            #expect(CommandHarness.errorLine(arguments) == message)
        }
    }

    @Test("an over-long path is refused before any folder is created")
    func overLongPaths() throws {
        let folder = try CommandHarness.temporaryFolder("long")
        defer { try? FileManager.default.removeItem(at: folder) }
        // 2,500 one-letter folders: 4,999 bytes, past PATH_MAX (4,096) whatever the folder it starts in.
        let deep = Array(repeating: "a", count: 2_500).joined(separator: "/")
        let name = String(repeating: "b", count: 300)   // past NAME_MAX (255)
        let cases: [([String], [String])] = [
            (["report", "--output", deep], ["--output", "bytes long", "PATH_MAX 4096"]),
            (["sweep", "--over", "batch", "--chart-dir", deep], ["--chart-dir", "bytes long"]),
            (["report", "--format", "json", "--file", deep + ".json"], ["--file", "bytes long"]),
            (["report", "--output", name], ["--output", "300-byte name", "NAME_MAX 255"]),
            (["sweep", "--over", "batch", "--file", "x/" + name], ["--file", "300-byte name"]),
        ]
        for (arguments, fragments) in cases {
            Self.expectOneLine(try Self.run(arguments, in: folder), fragments)
            #expect(CommandHarness.contents(of: folder).isEmpty, "\(arguments.prefix(3)) created \(CommandHarness.contents(of: folder))")
        }
    }

    @Test("sweeps killed while writing charts leave only complete charts, no temporary files")
    func killedSweeps() throws {
        guard let url = Executable.url else { throw HarnessError("no modelmeter binary") }
        let folder = try CommandHarness.temporaryFolder("charts")
        defer { try? FileManager.default.removeItem(at: folder) }
        let arguments = ["sweep", "--over", "crops", "--chart-dir", folder.appendingPathComponent("charts").path, "--file", "/dev/null"]
        let clock = ContinuousClock()
        var status: Int32 = -1
        let full = try clock.measure { status = try Self.run(arguments, in: folder).status }
        #expect(status == 0)
        let expected = CommandHarness.contents(of: folder.appendingPathComponent("charts"))
        #expect(expected.count == 4 && expected.allSatisfy { $0.hasPrefix("sweep-crops-") && $0.hasSuffix(".svg") }, "\(expected)")
        let runtime = Double(full.components.seconds) + Double(full.components.attoseconds) * 1e-18
        var random = SplitMix64(seed: 20)
        for round in 0..<10 {
            try? FileManager.default.removeItem(at: folder.appendingPathComponent("charts"))
            let process = Process()
            process.executableURL = url
            process.arguments = arguments
            process.currentDirectoryURL = folder
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            Thread.sleep(forTimeInterval: runtime * (0.5 + 0.6 * random.unit()))
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            let left = CommandHarness.contents(of: folder.appendingPathComponent("charts"))
            #expect(Set(left).isSubset(of: expected), "round \(round): \(left)")
        }
    }

    @Test("absurd sweep sizes are refused at once with the limit")
    func hugeSweep() throws {
        let clock = ContinuousClock()
        var result: Run?
        let elapsed = try clock.measure {
            result = try Self.run(["sweep", "--over", "batch", "--points", "100000000000"], in: FileManager.default.temporaryDirectory)
        }
        Self.expectOneLine(try #require(result), ["--points", "100000000000", "1000000"])
        #expect(elapsed < .seconds(30))
    }

    @Test("GPU specs with null, absurd or unprintable values name the field and the range")
    func hostileGPUSpecs() throws {
        func decode(_ json: String) -> String {
            do {
                _ = try GPUSpecFile.decode(Data(json.utf8), file: "gpu.json")
                return "accepted"
            } catch {
                return String(describing: error)
            }
        }
        let valid = GPUSpecFileTests.valid
        #expect(decode("null") == "GPU spec file gpu.json: is null; expected a JSON object at the top level")
        #expect(decode(valid.replacingOccurrences(of: "\"memoryBandwidthGBps\": 1000", with: "\"memoryBandwidthGBps\": 5e-324"))
            == "GPU spec file gpu.json: field 'memoryBandwidthGBps' is 5e-324, outside the accepted range 1 to 1000000 GB/s")
        #expect(decode(valid.replacingOccurrences(of: "\"teraFLOPS\": 400", with: "\"teraFLOPS\": 1e300"))
            == "GPU spec file gpu.json: field 'tensorCorePeaks.bf16.teraFLOPS' is 1e+300, outside the accepted range 0.001 to 1000000 TFLOPS")
        #expect(decode(valid.replacingOccurrences(of: "\"memoryGB\": 48", with: "\"memoryGB\": null"))
            == "GPU spec file gpu.json: field 'memoryGB' is null; it must be a number")
        #expect(decode(valid.replacingOccurrences(of: "\"test-gpu\"", with: "\"a,b\""))
            .hasPrefix("GPU spec file gpu.json: field 'id' is 'a,b'; use at most 64 letters"))
        #expect(decode(valid.replacingOccurrences(of: "\"Test GPU\"", with: "\"Test\\nGPU\""))
            == "GPU spec file gpu.json: field 'name' contains the control character U+000A (a line break or tab?); use plain text")
        #expect(decode(valid.replacingOccurrences(of: "\"Test GPU\"", with: "\"\(String(repeating: "x", count: 301))\""))
            == "GPU spec file gpu.json: field 'name' is 301 characters long; the limit is 300")
        #expect(decode(valid.replacingOccurrences(of: "\"memoryGB\"", with: "\"evil\\nkey\": 1, \"memoryGB\""))
            .hasPrefix("GPU spec file gpu.json: field 'evil?key' is not a known field"))
        // Hostile but printable names are accepted (and escaped wherever they are shown).
        #expect(decode(valid.replacingOccurrences(of: "\"Test GPU\"", with: "\"Evil\\\" onload=\\\"alert(1) <script>\"")) == "accepted")
        // An oversized file is refused before it is read.
        let folder = try CommandHarness.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let big = folder.appendingPathComponent("big.json")
        try Data(String(repeating: " ", count: GPUSpecFile.maximumBytes + 1).utf8).write(to: big)
        Self.expectOneLine(try Self.run(["report", "--format", "json", "--gpu-spec", big.path], in: folder), ["big.json", "limit \(GPUSpecFile.maximumBytes)"])
    }

    @Test("killed at any moment, a regeneration leaves a complete site, and the next run cleans up")
    func killedRegenerations() throws {
        let project = try Self.project()
        defer { try? FileManager.default.removeItem(at: project) }
        let clock = ContinuousClock()
        var firstStatus: Int32 = -1
        let first = try clock.measure { firstStatus = try Self.run(["report"], in: project).status }
        #expect(firstStatus == 0)
        let runtime = Double(first.components.seconds) + Double(first.components.attoseconds) * 1e-18
        var random = SplitMix64(seed: 13)
        for round in 0..<8 {
            guard let url = Executable.url else { throw HarnessError("no modelmeter binary") }
            let process = Process()
            process.executableURL = url
            process.arguments = ["report"]
            process.currentDirectoryURL = project
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            // Between 40 % and 110 % of a full run: most kills land while files are written or swapped.
            let delay = runtime * (0.4 + 0.7 * random.unit())
            Thread.sleep(forTimeInterval: delay)
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            try Self.expectCompleteSite(project.appendingPathComponent("output"), round: round)
        }
        #expect(try Self.run(["report"], in: project).status == 0)
        try Self.expectCompleteSite(project.appendingPathComponent("output"), round: 8)
        let hidden = try FileManager.default.contentsOfDirectory(atPath: project.path).filter { $0.hasPrefix(".") }
        #expect(hidden.isEmpty, "leftovers after a clean run: \(hidden)")
        #expect(try String(contentsOf: project.appendingPathComponent("notes.txt"), encoding: .utf8) == "mine")
    }

    /// `output` exists and holds exactly the files its marker lists, none empty.
    static func expectCompleteSite(_ output: URL, round: Int, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let marker = output.appendingPathComponent(".modelmeter-site")
        guard let data = FileManager.default.contents(atPath: marker.path) else {
            Issue.record("round \(round): no complete site at \(output.path)", sourceLocation: sourceLocation)
            return
        }
        let listed = Set(String(decoding: data, as: UTF8.self).split(separator: "\n").dropFirst().map(String.init))
        let present = Set(try tree(output, only: nil).keys).subtracting([".modelmeter-site"])
        #expect(listed == present && listed.count > 40, "round \(round)", sourceLocation: sourceLocation)
        for path in listed {
            #expect((try? Data(contentsOf: output.appendingPathComponent(path)))?.isEmpty == false, "round \(round): \(path)", sourceLocation: sourceLocation)
        }
    }

    /// Every file under `folder` (or under its entry `only`) with its bytes.
    static func tree(_ folder: URL, only: String?) throws -> [String: Data] {
        var files: [String: Data] = [:]
        let start = only.map { folder.appendingPathComponent($0) } ?? folder
        guard let enumerator = FileManager.default.enumerator(atPath: start.path) else { return files }
        for case let path as String in enumerator {
            var isDirectory: ObjCBool = false
            let url = start.appendingPathComponent(path)
            if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue {
                files[path] = try Data(contentsOf: url)
            }
        }
        return files
    }
}

/// A small deterministic generator (SplitMix64), so every run repeats the same cases.
struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
}
