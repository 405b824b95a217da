import Foundation
import ModelMeter
import Testing

/// `--gpu-spec FILE.json`: the documented shape decodes into a `GPUSpec`; every defect is one
/// line naming the file and the field.
@Suite struct GPUSpecFileTests {
    /// An RTX 6000 Ada-like card (figures invented for the test, round on purpose).
    static let valid = """
    {
      "id": "test-gpu",
      "name": "Test GPU",
      "architecture": "Test arch",
      "tensorCorePeaks": {
        "bf16": { "teraFLOPS": 400, "precision": "BF16", "accumulate": "FP32" },
        "fp8": { "teraFLOPS": 800, "precision": "FP8", "accumulate": "FP32", "sparsity": "dense" }
      },
      "cudaCorePeak": { "teraFLOPS": 100, "precision": "FP32", "accumulate": "FP32" },
      "memoryBandwidthGBps": 1000,
      "memoryGB": 48,
      "source": "made up for tests"
    }
    """

    static func decode(_ text: String) throws -> GPUSpec {
        try GPUSpecFile.decode(Data(text.utf8), file: "spec.json")
    }

    @Test func decodesTheDocumentedShape() throws {
        let spec = try Self.decode(Self.valid)
        #expect(spec.id == "test-gpu")
        #expect(spec.name == "Test GPU")
        #expect(spec.tensorCorePeaks["bf16"] == PeakThroughput(400, precision: "BF16", accumulate: "FP32"))
        #expect(spec.tensorCorePeaks["fp8"]?.teraFLOPS == 800)
        #expect(spec.cudaCorePeak.teraFLOPS == 100)
        #expect(spec.memoryBandwidthGBps == 1000)
        #expect(spec.memoryGB == 48)
        // Ridge: 400e12 / 1000e9 = 400 FLOP/B.
        let point = try RooflinePoint(cost: PassCost(tensorCoreFLOPs: 400, ioBytes: 1), gpu: spec, precision: .bf16)
        #expect(point.ridgePoint == 400)
    }

    struct Defect: Sendable, CustomTestStringConvertible {
        let name: String
        let replace: String
        let with: String
        let message: String
        var testDescription: String { name }
    }

    static let defects: [Defect] = [
        Defect(name: "missing field", replace: "\"memoryGB\": 48,", with: "",
               message: "GPU spec file spec.json: field 'memoryGB' is missing"),
        Defect(name: "missing nested field", replace: "\"teraFLOPS\": 400, ", with: "",
               message: "GPU spec file spec.json: field 'tensorCorePeaks.bf16.teraFLOPS' is missing"),
        Defect(name: "negative figure", replace: "\"memoryGB\": 48", with: "\"memoryGB\": -48",
               message: "GPU spec file spec.json: field 'memoryGB' is -48, not a positive number"),
        Defect(name: "zero roof", replace: "\"teraFLOPS\": 400", with: "\"teraFLOPS\": 0",
               message: "GPU spec file spec.json: field 'tensorCorePeaks.bf16.teraFLOPS' is 0, not a positive number"),
        Defect(name: "zero bandwidth", replace: "\"memoryBandwidthGBps\": 1000", with: "\"memoryBandwidthGBps\": 0",
               message: "GPU spec file spec.json: field 'memoryBandwidthGBps' is 0, not a positive number"),
        Defect(name: "string for a number", replace: "\"memoryGB\": 48", with: "\"memoryGB\": \"48\"",
               message: "GPU spec file spec.json: field 'memoryGB' must be a number"),
        Defect(name: "unknown precision key", replace: "\"fp8\":", with: "\"int8\":",
               message: "GPU spec file spec.json: field 'tensorCorePeaks.int8' names an unknown precision; accepted: bf16, fp16, fp32, fp8"),
        Defect(name: "sparse figure", replace: "\"sparsity\": \"dense\"", with: "\"sparsity\": \"2:4\"",
               message: "GPU spec file spec.json: field 'tensorCorePeaks.fp8.sparsity' is '2:4'; accepted: dense (sparse figures overstate a dense model)"),
        Defect(name: "misspelt field", replace: "\"source\"", with: "\"sauce\"",
               message: "GPU spec file spec.json: field 'sauce' is not a known field; accepted: id, name, architecture, tensorCorePeaks, cudaCorePeak, memoryBandwidthGBps, memoryGB, source"),
        Defect(name: "empty id", replace: "\"id\": \"test-gpu\"", with: "\"id\": \"\"",
               message: "GPU spec file spec.json: field 'id' is empty"),
        Defect(name: "truncated JSON", replace: "\"source\": \"made up for tests\"\n}", with: "\"source\": ",
               message: "GPU spec file spec.json: is not valid JSON"),
    ]

    @Test(arguments: defects) func rejects(_ defect: Defect) throws {
        #expect(Self.valid.contains(defect.replace), "fixture no longer contains the text to replace")
        let text = Self.valid.replacingOccurrences(of: defect.replace, with: defect.with)
        #expect(throws: (any Error).self) { try Self.decode(text) }
        do {
            _ = try Self.decode(text)
        } catch {
            #expect("\(error)" == defect.message)
            #expect(!"\(error)".contains("\n"))
        }
    }

    @Test func rejectsANonObject() {
        #expect(throws: GPUSpecFileError(file: "spec.json", "expected a JSON object at the top level")) {
            try Self.decode("[1, 2]")
        }
    }

    @Test func unreadableFiles() throws {
        #expect(throws: GPUSpecFileError(file: "/nonexistent/gpu.json", "cannot read the file: it does not exist")) {
            try GPUSpecFile.load(path: "/nonexistent/gpu.json")
        }
        let folder = try CommandHarness.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(throws: GPUSpecFileError(file: folder.path, "cannot read the file: it is a folder")) {
            try GPUSpecFile.load(path: folder.path)
        }
    }

    @Test func commandsUseTheSpecFile() throws {
        let folder = try CommandHarness.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("gpu.json")
        try Data(Self.valid.utf8).write(to: file)

        let json = try CommandHarness.output(["report", "--format", "json", "--gpu-spec", file.path])
        #expect(json.contains("\"id\": \"test-gpu\""))
        #expect(json.contains("\"tensorCoreTFLOPS\": 400"))

        // MLPBlock at B·S = 4096 tokens: lin1 2·4096·768·3072 = 19,327,352,832, lin2 the same:
        // 38,654,705,664 FLOP → 38,654,705,664 / 400e12 = 96.6 µs of tensor-core time at least.
        let text = try CommandHarness.output(["explain", "MLPBlock", "--gpu-spec", file.path])
        #expect(text.contains("GPU: Test GPU (test-gpu), precision bf16"))
        #expect(text.contains("ridge 400.00 FLOP/B"))

        // The sweep prices the catalog plus the spec-file GPU.
        let csv = try CommandHarness.output(["sweep", "--over", "batch", "--values", "1", "--gpu-spec", file.path])
        #expect(csv.split(separator: "\n")[0].hasSuffix("time_lower_bound_seconds_l40s,time_lower_bound_seconds_a100-40gb,time_lower_bound_seconds_h200,time_lower_bound_seconds_test-gpu"))

        #expect(CommandHarness.errorLine(["report", "--format", "json", "--gpu", "rtx4090", "--gpu-spec", file.path])
            == "Error: --gpu rtx4090 and --gpu-spec \(file.path) conflict: give one of them")
    }
}
