import Foundation
import Testing
import ModelMeter

/// `compare --measured`, `fit` and `page --runtime` against hostile files, run as the built
/// binary so a trap (SIGILL on overflow), a crash or a hang shows as its status: every bad file
/// ends with one `Error:` line and status 1, and nothing outside modelmeter's own files changes.
@Suite("Hostile measured files", .serialized)
struct CompareHostileTests {
    static let root = CommandHarness.packageRoot.path
    static let header = "Time (%),Total Time (ns),Instances,Avg (ns),Med (ns),Min (ns),Max (ns),StdDev (ns),Name\n"
    /// 2⁵³, the largest total of nanoseconds or launches a stage may hold, written out.
    static let twoTo53 = "9007199254740992"

    static func run(_ arguments: [String], in folder: URL) throws -> HostileCLITests.Run {
        try HostileCLITests.run(arguments + ["--root", root], in: folder)
    }

    static func write(_ text: String, _ name: String, in folder: URL) throws -> String {
        let url = folder.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    static func shell(_ script: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-c", script]
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(script)")
    }

    @Test("unreadable, empty, binary, truncated, oversized and endless paths: one Error line each")
    func unreadablePaths() throws {
        let folder = try CommandHarness.temporaryFolder("paths")
        defer { try? FileManager.default.removeItem(at: folder) }
        let nothing = folder.appendingPathComponent("nothing")
        try FileManager.default.createDirectory(at: nothing, withIntermediateDirectories: true)
        _ = try Self.write("my notes\n", "nothing/notes.txt", in: folder)
        let empty = try Self.write("", "empty/summary_cuda_gpu_kern_sum.csv", in: folder)
        let emptyJSON = try Self.write("", "trace.json", in: folder)
        let binary = folder.appendingPathComponent("binary.csv")
        try Data([0x54, 0x69, 0xff, 0xfe, 0x00, 0xc3, 0x28, 0x0a]).write(to: binary)
        let truncated = folder.appendingPathComponent("truncated.json.gz")
        try Self.shell("printf '{\"traceEvents\": []}' | gzip -c | head -c 12 > '\(truncated.path)'")
        // 2 GiB with no blocks on disk: refused by its size before a byte is read.
        let sparse = folder.appendingPathComponent("sparse.json")
        try Self.shell("truncate -s 2G '\(sparse.path)'")
        // 300 MiB of zeros compress to about 300 kB; decompression stops at the 256 MiB limit.
        let bomb = folder.appendingPathComponent("bomb.json.gz")
        try Self.shell("head -c 314572800 /dev/zero | gzip -1 -c > '\(bomb.path)'")
        let limit = String(MeasuredProfile.maximumBytes)
        let cases: [(String, [String])] = [
            (folder.appendingPathComponent("missing.csv").path, ["an existing file or folder"]),
            (nothing.path, ["summary_cuda_gpu_kern_sum.csv, all_metrics_long.csv"]),
            (empty, ["a header row"]),
            (emptyJSON, ["a JSON object"]),
            (binary.path, ["UTF-8 text"]),
            (truncated.path, ["a readable gzip stream"]),
            (sparse.path, ["at most \(limit) bytes (it has 2147483648)"]),
            (bomb.path, ["at most \(limit) bytes once decompressed"]),
            ("/dev/zero", ["a Chrome trace or a modelmeter.measure/1 JSON file"]),
        ]
        for (path, fragments) in cases {
            HostileCLITests.expectOneLine(try Self.run(["compare", "--measured", path], in: folder), fragments)
        }
        #expect(MeasuredProfile.maximumBytes == 268_435_456)
    }

    @Test("Nsight Systems CSVs with wrong columns, bad numbers and totals past 2⁵³ are refused, not trapped")
    func hostileCSV() throws {
        let folder = try CommandHarness.temporaryFolder("csv")
        defer { try? FileManager.default.removeItem(at: folder) }
        func row(_ total: String, _ instances: String = "1", _ name: String = "gemv_kernel") -> String {
            "50.0,\(total),\(instances),1,1,1,1,0,\(name)\n"
        }
        let cases: [(String, [String])] = [
            ("Time,Duration,Name\n1,2,k\n", ["a column named 'Total Time (ns)'"]),
            (Self.header + row("-5"), ["Total Time (ns)", "a whole number from 0 to 2⁵³"]),
            (Self.header + row("abc"), ["'abc'", "a whole number from 0 to 2⁵³"]),
            (Self.header + row("1e400"), ["a whole number from 0 to 2⁵³"]),
            (Self.header + row("9223372036854775807"), ["a whole number from 0 to 2⁵³"]),
            (Self.header + row("10", "9223372036854775807"), ["Instances", "a whole number from 0 to 2⁵³"]),
            // Each value at the limit; their sum one past it would overflow nothing but is refused.
            (Self.header + row(Self.twoTo53) + row("1", "1", "gemv_kernel2"), ["total kernel time (ns)", "9007199254740992"]),
            (Self.header + row("1", Self.twoTo53) + row("1", "1", "gemv_kernel2"), ["total kernel launches", "9007199254740992"]),
            (Self.header + "50.0,10,1\n", ["CSV row 2", "3 fields", "9 fields"]),
            (Self.header + "50.0,10,1,1,1,1,1,0,gemv\"x\"\n", ["quotes only around a whole field"]),
            (Self.header + "50.0,10,1,1,1,1,1,0,\"never closed\n", ["a closing quote"]),
        ]
        for (index, (text, fragments)) in cases.enumerated() {
            let path = try Self.write(text, "case\(index)/run/nsys/summary_cuda_gpu_kern_sum.csv", in: folder)
            HostileCLITests.expectOneLine(try Self.run(["compare", "--measured", path, "--format", "json"], in: folder), fragments)
        }
        // At the limit exactly: 2⁵³ ns in one kernel is read, and printed as the file's sum.
        let atLimit = try Self.write(Self.header + row(Self.twoTo53), "limit/run/nsys/summary_cuda_gpu_kern_sum.csv", in: folder)
        let run = try Self.run(["compare", "--measured", atLimit, "--format", "json"], in: folder)
        #expect(run.status == 0, "\(run.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any]
        let stage = (object?["stages"] as? [String: [String: Any]])?["run"]
        #expect(stage?["measuredKernelNanoseconds"] as? Int == 1 << 53)
    }

    @Test("kernel names with quotes, line breaks and markup are read whole and never printed raw")
    func hostileKernelNames() throws {
        let folder = try CommandHarness.temporaryFolder("names")
        defer { try? FileManager.default.removeItem(at: folder) }
        // One quoted field with a doubled quote, a comma, a line break and markup.
        let name = "\"<script>alert(1)</script> & \"\"x\"\", </text>\n<b>\""
        let text = Self.header + "60.0,300,3,100,100,100,100,0,\(name)\n40.0,200,2,100,100,100,100,0,gemv_kernel\n"
        let path = try Self.write(text, "run/nsys/summary_cuda_gpu_kern_sum.csv", in: folder)
        for format in ["text", "json"] {
            let run = try Self.run(["compare", "--measured", path, "--format", format], in: folder)
            #expect(run.status == 0, "\(run.stderr)")
            #expect(!run.stdout.contains("<script>") && !run.stdout.contains("</text>"), "\(format): \(run.stdout)")
        }
        let run = try Self.run(["compare", "--measured", path, "--format", "json"], in: folder)
        let stage = ((try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])?["stages"] as? [String: [String: Any]])?["run"]
        // 300 + 200 ns over 3 + 2 launches: two rows, the quoted one read as one field.
        #expect(stage?["measuredKernelNanoseconds"] as? Int == 500)
        #expect(stage?["measuredKernelCount"] as? Int == 5)
    }

    static func trace(_ events: [String]) -> String { "{\"traceEvents\": [" + events.joined(separator: ",") + "]}" }

    @Test("Chrome traces: missing fields, bad durations, 2·10⁵ events with 10⁵ ranges, and overlapping ranges")
    func hostileTraces() throws {
        let folder = try CommandHarness.temporaryFolder("traces")
        defer { try? FileManager.default.removeItem(at: folder) }
        let cases: [(String, [String])] = [
            ("{\"traceEvents\": 5}", ["traceEvents", "an array of events"]),
            (Self.trace(["{\"cat\": \"kernel\", \"name\": \"k\", \"ts\": 1}"]), ["kernel event", "name, ts and dur"]),
            (Self.trace(["{\"cat\": \"kernel\", \"name\": \"k\", \"ts\": 1, \"dur\": -1}"]), ["name, ts and dur"]),
            (Self.trace(["{\"cat\": \"kernel\", \"name\": \"k\", \"ts\": 1, \"dur\": 1e300}"]), ["dur of kernel event", "2⁵³"]),
            (Self.trace(["{\"cat\": \"cuda_runtime\", \"name\": \"l\", \"ts\": 1, \"args\": {\"correlation\": 1e300}}"]), ["no kernel events"]),
            // 5·10¹² µs = 5·10¹⁵ ns each, below 2⁵³ ≈ 9.007·10¹⁵; together above it.
            (Self.trace(["{\"cat\": \"kernel\", \"name\": \"k\", \"ts\": 1, \"dur\": 5e12}",
                         "{\"cat\": \"kernel\", \"name\": \"k\", \"ts\": 2, \"dur\": 5e12}"]), ["kernel time (ns) of trace", "2⁵³"]),
            (Self.trace(["{\"cat\": \"user_annotation\", \"name\": \"sam\", \"ts\": 0, \"dur\": 10}"]), ["no kernel events"]),
        ]
        for (index, (text, fragments)) in cases.enumerated() {
            let path = try Self.write(text, "case\(index).json", in: folder)
            HostileCLITests.expectOneLine(try Self.run(["compare", "--measured", path], in: folder), fragments)
        }
        // 10⁵ disjoint `sam` ranges [10i, 10i + 5], one 2 µs kernel at 10i + 1 in each: a search per
        // kernel over every range would cost 10¹⁰ checks; the sorted index finishes at once.
        let count = 100_000
        var events: [String] = []
        events.reserveCapacity(2 * count)
        for i in 0..<count {
            events.append("{\"cat\":\"gpu_user_annotation\",\"name\":\"sam\",\"ts\":\(10 * i),\"dur\":5}")
            events.append("{\"cat\":\"kernel\",\"name\":\"vectorized_elementwise_kernel\",\"ts\":\(10 * i + 1),\"dur\":2}")
        }
        let big = try Self.write(Self.trace(events), "big.json", in: folder)
        let start = Date()
        let run = try Self.run(["compare", "--measured", big, "--format", "json"], in: folder)
        #expect(Date().timeIntervalSince(start) < 60)
        #expect(run.status == 0, "\(run.stderr)")
        let stage = ((try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])?["stages"] as? [String: [String: Any]])?["sam"]
        #expect(stage?["calls"] as? Int == count)
        #expect(stage?["measuredKernelNanoseconds"] as? Int == count * 2_000)
        #expect(stage?["measuredKernelCount"] as? Int == count)
        // One range over everything and 10⁴ short ones before each kernel: the walk back past
        // short ranges is bounded in total (10⁴ kernels × up to 10⁴ ranges > the limit).
        var overlapping = ["{\"cat\":\"gpu_user_annotation\",\"name\":\"sam\",\"ts\":0,\"dur\":1e9}"]
        for i in 1...10_000 { overlapping.append("{\"cat\":\"gpu_user_annotation\",\"name\":\"clip\",\"ts\":\(10 * i),\"dur\":1}") }
        for i in 1...10_000 { overlapping.append("{\"cat\":\"kernel\",\"name\":\"k\",\"ts\":\(10 * i + 5),\"dur\":1}") }
        #expect(10_000 * 9_999 / 2 > 10_000_000)
        let deep = try Self.write(Self.trace(overlapping), "overlap.json", in: folder)
        HostileCLITests.expectOneLine(try Self.run(["compare", "--measured", deep], in: folder), ["overlapping stage ranges", "10000000"])
    }

    static func harness(_ run: String) -> String {
        "{\"schema\": \"modelmeter.measure/1\", \"provenance\": {\"gpu\": \"NVIDIA H200\"}, \"runs\": [\(run)]}"
    }

    @Test("harness files: wrong schema, negative seconds, and workload values past the CLI options' limits")
    func hostileHarness() throws {
        let folder = try CommandHarness.temporaryFolder("harness")
        defer { try? FileManager.default.removeItem(at: folder) }
        let kernel = "\"kernels\": [{\"name\": \"gemv\", \"count\": 1, \"seconds\": 0.001}]"
        func prefill(_ workload: String) -> String {
            Self.harness("{\"name\": \"prefill-x\", \"stage\": \"prefill\", \(kernel), \"workload\": {\(workload)}}")
        }
        let cases: [(String, [String])] = [
            ("{\"schema\": \"modelmeter.measure/1\", \"runs\": {}}", ["runs", "an array of runs"]),
            ("{\"schema\": \"modelmeter.measure/1\"}", ["runs", "an array of runs"]),
            ("{\"something\": 1}", ["a modelmeter.measure/1 harness file or a Chrome trace"]),
            ("[1, 2]", ["a JSON object"]),
            (Self.harness("{\"stage\": \"prefill\"}"), ["name and stage"]),
            (Self.harness("{\"name\": \"a\", \"stage\": \"prefill\", \"kernels\": [{\"name\": \"k\", \"count\": 1, \"seconds\": -1}]}"),
             ["count ≥ 0 and seconds ≥ 0"]),
            (Self.harness("{\"name\": \"a\", \"stage\": \"prefill\", \"kernels\": [{\"name\": \"k\", \"count\": 1e300, \"seconds\": 1}]}"),
             ["count of k", "2⁵³"]),
            (Self.harness("{\"name\": \"a\", \"stage\": \"prefill\", \"kernels\": [{\"name\": \"k\", \"count\": 1, \"seconds\": 1e300}]}"),
             ["seconds of k", "2⁵³"]),
            (Self.harness("{\"name\": \"a\", \"stage\": \"prefill\", \(kernel), \"stageSeconds\": {\"median\": -2}}"),
             ["wall time of run a", "> 0"]),
            (prefill("\"batch\": 1e300"), ["workload batch", "a whole number"]),
            (prefill("\"batch\": 9223372036854775807"), ["workload batch", "a whole number"]),
            (prefill("\"batch\": 1.5"), ["workload batch", "a whole number"]),
            (prefill("\"batch\": 65537"), ["65537 is more than 65536"]),
            (prefill("\"batch\": -1"), ["batch", "not positive"]),
            (prefill("\"tokens\": 8193"), ["tokens of prefill-x", "8193 is more than 8192"]),
            (prefill("\"tokens\": 0"), ["tokens of prefill-x", "not positive"]),
            (prefill("\"mode\": \"<script>\""), ["mode"]),
            (prefill("\"crops\": \"4294967296x4294967296\""), ["crops"]),
            (Self.harness("{\"name\": \"d\", \"stage\": \"decode\", \(kernel), \"workload\": {\"context\": 8192}}"),
             ["decode context of d", "8192 is more than 8191"]),
            (Self.harness("{\"name\": \"d\", \"stage\": \"decode\", \(kernel), \"workload\": {\"context\": -3}}"),
             ["decode context of d", "negative"]),
        ]
        for (index, (text, fragments)) in cases.enumerated() {
            let path = try Self.write(text, "case\(index).json", in: folder)
            HostileCLITests.expectOneLine(try Self.run(["compare", "--measured", path], in: folder), fragments)
        }
        // The limits themselves are accepted: batch 65,536 is priced (an error past it is the model's, not a trap).
        let atLimit = try Self.write(prefill("\"batch\": 1, \"tokens\": 8192"), "limit.json", in: folder)
        let run = try Self.run(["compare", "--measured", atLimit, "--format", "json"], in: folder)
        #expect(run.status == 0, "\(run.stderr)")
    }

    @Test("per-stage layout: hostile config.yaml values, a symbolic link loop and a huge folder")
    func hostileLayout() throws {
        let folder = try CommandHarness.temporaryFolder("layout")
        defer { try? FileManager.default.removeItem(at: folder) }
        let csv = Self.header + "100.0,1000,10,100,100,100,100,0,gemv_kernel\n"
        let cases: [(String, [String])] = [
            ("max_new_tokens: 9223372036854775807\n", ["max_new_tokens", "a whole number from 0 to 2⁵³"]),
            ("max_new_tokens: 0\n", ["max_new_tokens", "a positive count"]),
            ("max_new_tokens: -4\n", ["max_new_tokens", "a whole number from 0 to 2⁵³"]),
            // 10⁶ steps after the default prompt: the mean cache length passes 8,191.
            ("max_new_tokens: 1000000\n", ["decode context of decode", "is more than 8191"]),
            ("max_new_tokens: 4\nbase_size: 1024\nimage_size: 640\ncrop_mode: true\ndtype: <script>\n", ["precision", "<script>"]),
        ]
        for (index, (config, fragments)) in cases.enumerated() {
            _ = try Self.write(csv, "case\(index)/decode/nsys/summary_cuda_gpu_kern_sum.csv", in: folder)
            _ = try Self.write(config, "case\(index)/decode/config.yaml", in: folder)
            HostileCLITests.expectOneLine(
                try Self.run(["compare", "--measured", folder.appendingPathComponent("case\(index)").path], in: folder), fragments)
        }
        // A link back to the folder itself: the walk does not follow it (or stops at the entry limit).
        let loop = folder.appendingPathComponent("loop")
        _ = try Self.write(csv, "loop/decode/nsys/summary_cuda_gpu_kern_sum.csv", in: folder)
        _ = try Self.write("max_new_tokens: 10\n", "loop/decode/config.yaml", in: folder)
        try FileManager.default.createSymbolicLink(atPath: loop.appendingPathComponent("decode/nsys/again").path, withDestinationPath: loop.path)
        let run = try Self.run(["compare", "--measured", loop.path, "--format", "json"], in: folder)
        #expect(run.status == 0 || run.stderr.contains("entries"), "\(run.stderr)")
        if run.status == 0 {
            let stages = (try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])?["stages"] as? [String: [String: Any]]
            // 1,000 ns over 10 launches and 10 steps, read once.
            #expect(stages?["decode"]?["measuredKernelNanoseconds"] as? Int == 1_000)
            #expect(stages?["decode"]?["calls"] as? Int == 10)
        }
        // More entries than the limit: refused with the limit named, after counting no further.
        let wide = folder.appendingPathComponent("wide")
        try FileManager.default.createDirectory(at: wide, withIntermediateDirectories: true)
        try Self.shell("cd '\(wide.path)' && seq 1 \(MeasuredProfile.maximumFolderEntries + 1) | xargs touch")
        HostileCLITests.expectOneLine(
            try Self.run(["compare", "--measured", wide.path], in: folder), ["at most \(MeasuredProfile.maximumFolderEntries) entries"])
    }

    /// A scratch root with the committed measurements and fits, `fits/<name>` replaced by `text`.
    static func root(fits name: String, _ text: String?) throws -> URL {
        let project = try CommandHarness.temporaryFolder("fits")
        try FileManager.default.createDirectory(at: project.appendingPathComponent("context"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            at: CommandHarness.packageRoot.appendingPathComponent("context/measurements"), to: project.appendingPathComponent("context/measurements"))
        if let text { try Data(text.utf8).write(to: project.appendingPathComponent("context/measurements/fits/\(name)")) }
        return project
    }

    @Test("runtime profiles with hostile names, units, figures and serving settings are refused by compare, page and the site")
    func hostileProfiles() throws {
        let committed = try String(contentsOfFile: Self.root + "/context/measurements/fits/vllm.json", encoding: .utf8)
        let seed = Self.root + "/context/measurements/rtx5090-llm-perf-opt/reports/20251107-dsocr/nsys/per-stage/prefill"
        let cases: [(String, [String])] = [
            (committed.replacingOccurrences(of: "\"name\" : \"vllm\"", with: "\"name\" : \"<script>x</script>\""), ["unknown runtime", "<script>"]),
            (committed.replacingOccurrences(of: "\"unit\" : \"tokens/s\"", with: "\"unit\" : \"<b>tokens</b>\""), ["units s, pages/day, tokens/s"]),
            (committed.replacingOccurrences(of: "\"memoryUtilization\" : 0.9", with: "\"memoryUtilization\" : 1e300"), ["memoryUtilization", "outside (0, 1]"]),
            (committed.replacingOccurrences(of: "\"maxSequences\" : 100", with: "\"maxSequences\" : -100"), ["maxSequences", "not positive"]),
        ]
        for (text, fragments) in cases {
            #expect(text != committed, "the committed profile changed shape; update the replacement")
            let project = try Self.root(fits: "vllm.json", text)
            defer { try? FileManager.default.removeItem(at: project) }
            for arguments in [["compare", "--measured", seed, "--runtime", "vllm"], ["page", "--runtime", "vllm"]] {
                HostileCLITests.expectOneLine(try HostileCLITests.run(arguments + ["--root", project.path], in: project), fragments)
            }
        }
        let folder = FileManager.default.temporaryDirectory
        // A name outside the profiles is refused by the parser (exit 64) before any path is built from it.
        HostileCLITests.expectOneLine(
            try Self.run(["page", "--runtime", "../../etc/passwd"], in: folder), status: 64, ["'--runtime <runtime>'", "'hf-eager' and 'vllm'"])
        HostileCLITests.expectOneLine(try Self.run(["compare", "--measured", seed, "--runtime", ""], in: folder), status: 64, ["runtime"])
    }

    @Test("fit never replaces a file it did not write; compare and fit to a full device end with one Error line")
    func fitAndDevices() throws {
        let project = try Self.root(fits: "vllm.json", "my own notes, not a profile\n")
        defer { try? FileManager.default.removeItem(at: project) }
        let eager = try Data(contentsOf: project.appendingPathComponent("context/measurements/fits/hf-eager.json"))
        let run = try HostileCLITests.run(["fit", "--root", project.path], in: project)
        HostileCLITests.expectOneLine(run, ["refusing to replace", "vllm.json", "modelmeter.runtime/1"])
        #expect(try String(contentsOf: project.appendingPathComponent("context/measurements/fits/vllm.json"), encoding: .utf8)
            == "my own notes, not a profile\n")
        // hf-eager.json is a profile: fit rewrote it (to the same fit) before reaching vllm.json; no temporary files stay.
        #expect(try Data(contentsOf: project.appendingPathComponent("context/measurements/fits/hf-eager.json")) == eager)
        #expect(CommandHarness.contents(of: project.appendingPathComponent("context/measurements/fits")) == ["hf-eager.json", "vllm.json"])

        let seed = Self.root + "/context/measurements/rtx5090-llm-perf-opt/reports/20251107-dsocr/nsys/per-stage"
        for arguments in [["compare", "--measured", seed], ["fit", "--dry-run"]] {
            HostileCLITests.expectOneLine(
                try HostileCLITests.run(arguments + ["--root", Self.root], in: project, stdoutPath: "/dev/full"),
                ["standard output", "No space left on device"])
        }
    }
}
