import Foundation
import Testing
@testable import ModelMeterCommands

/// `modelmeter compare`, `fit` and `page --runtime`: the machine interface and one-line errors.
@Suite struct CompareCommandTests {
    static let root = CommandHarness.packageRoot.path
    static let seed = root + "/context/measurements/rtx5090-llm-perf-opt/reports/20251107-dsocr"

    static func json(_ arguments: [String]) throws -> [String: Any] {
        let text = try CommandHarness.output(arguments + ["--format", "json", "--root", root])
        return try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test("compare --format json: per stage the measured kernel time (the file's sum), bound, forecast and kernel classes")
    func seedStages() throws {
        let object = try Self.json(["compare", "--measured", Self.seed + "/nsys/per-stage"])
        #expect(object["gpu"] as? String == "rtx5090")
        let stages = try #require(object["stages"] as? [String: [String: Any]])
        #expect(Set(stages.keys) == ["sam", "clip", "projector", "prefill", "decode"])
        // Σ Total Time (ns) of each file (decode 179,072,697; prefill 65,691,733; projector 33,696 + 1,792).
        let sums = ["decode": 179_072_697, "prefill": 65_691_733, "projector": 35_488]
        for (name, ns) in sums {
            let stage = try #require(stages[name])
            #expect(stage["measuredKernelNanoseconds"] as? Int == ns)
            #expect(abs((stage["measuredKernelSeconds"] as? Double ?? 0) - Double(ns) * 1e-9) <= 1e-15)
        }
        for (name, stage) in stages {
            let measured = try #require(stage["measuredKernelSeconds"] as? Double)
            let bound = try #require(stage["boundSeconds"] as? Double)
            let forecast = try #require(stage["forecastSeconds"] as? Double)
            #expect(bound < measured, "\(name): the bound must not exceed the measurement")
            #expect(forecast > bound)
            let classes = try #require(stage["kernelClasses"] as? [String: [String: Any]])
            // The classes' measured seconds add up to the stage's.
            let classSum = classes.values.reduce(0.0) { $0 + ($1["measuredSeconds"] as? Double ?? 0) }
            #expect(abs(classSum - measured) <= 1e-12 * measured)
            #expect((stage["file"] as? String)?.hasSuffix("summary_cuda_gpu_kern_sum.csv") == true)
        }
        // 64 decode steps; GEMV kernels: 16,448 + 2,304 + 768 (gemmk1) instances over them.
        let decode = try #require(stages["decode"])
        #expect(decode["calls"] as? Int == 64)
        let gemv = try #require((decode["kernelClasses"] as? [String: [String: Any]])?["gemv"])
        #expect(abs((gemv["measuredCountPerCall"] as? Double ?? 0) - Double(16_448 + 2_304 + 768) / 64) < 1e-12)
    }

    @Test("compare reads the ncu long-form file: its Duration sum, no model stage")
    func ncu() throws {
        let object = try Self.json(["compare", "--measured", Self.seed + "/ncu/analysis/all_metrics_long.csv"])
        let stage = try #require((object["stages"] as? [String: [String: Any]])?["ncu"])
        #expect(stage["measuredKernelCount"] as? Int == 18)
        #expect(stage["modelStage"] is NSNull)
    }

    @Test("compare reads the H200 harness file and its Chrome traces")
    func h200() throws {
        let object = try Self.json(["compare", "--measured", Self.root + "/context/measurements/h200"])
        #expect(object["gpu"] as? String == "h200")
        let stages = try #require(object["stages"] as? [String: [String: Any]])
        // The harness file's kernelSeconds for decode-L1024-b1 is 0.0033246093333…; its kernels' sum matches it.
        let decode = try #require(stages["decode-L1024-b1"])
        #expect(abs((decode["measuredKernelSeconds"] as? Double ?? 0) - 0.0033246093333333332) < 1e-8)
        // The trace holds the same run three times: 3 calls.
        let trace = try #require(stages["decode-L1024-b1 (trace-decode-L1024-b1.json.gz)"])
        #expect(trace["calls"] as? Int == 3)
        #expect(trace["measuredKernelCount"] as? Int == 3 * 1247)
    }

    @Test("page --runtime: a forecast object with the bound's keys, the bound unchanged")
    func pageForecast() throws {
        let plain = try Self.json(["page", "--gpu", "a100-40gb"])
        let object = try Self.json(["page", "--gpu", "a100-40gb", "--runtime", "vllm"])
        let forecast = try #require(object["forecast"] as? [String: Any])
        for key in ["secondsPerPage", "pagesPerDay", "outputTokensPerSecond", "decodeSecondsPerStep"] {
            #expect(forecast[key] is Double, "forecast lacks \(key)")
            #expect(object[key] as? Double == plain[key] as? Double, "the bound's \(key) changed")
        }
        let stages = try #require(forecast["stages"] as? [String: [String: Any]])
        let bound = try #require(object["stages"] as? [String: [String: Any]])
        var total = 0.0
        for name in ["vision", "prefill", "decode"] {
            let seconds = try #require(stages[name]?["seconds"] as? Double)
            #expect(seconds >= (bound[name]?["seconds"] as? Double ?? .infinity))
            total += seconds
        }
        #expect(abs((forecast["secondsPerPage"] as? Double ?? 0) - total) <= 1e-12 * total)
        // Mean step: decode seconds / 1000 steps.
        #expect(abs((forecast["decodeSecondsPerStep"] as? Double ?? 0) - (stages["decode"]?["seconds"] as? Double ?? 0) / 1000) <= 1e-15)
        #expect((forecast["profile"] as? String)?.hasSuffix("context/measurements/fits/vllm.json") == true)
    }

    @Test("page --runtime vllm --serving: continuous batching at the vendor's 100 sequences")
    func continuousBatching() throws {
        let object = try Self.json(["page", "--gpu", "a100-40gb", "--page", "1654x2339", "--runtime", "vllm", "--serving"])
        let serving = try #require(object["serving"] as? [String: Any])
        let continuous = try #require(serving["continuousBatching"] as? [String: Any])
        #expect(continuous["batch"] as? Int == 100)
        // Whole-stack vision at once fits fewer pages than chunked serving.
        #expect((serving["largestBatch"] as? Int ?? 0) < 100)
        let forecast = try #require(continuous["forecast"] as? [String: Any])
        let tokens = try #require(forecast["outputTokensPerSecond"] as? Double)
        // The README's ~2,500 tokens/s (fitted on): within ±25 %.
        #expect(abs(tokens / 2500 - 1) <= 0.25)
    }

    @Test("page --runtime with --gpu-spec: the forecast on a GPU outside the catalog")
    func gpuSpecForecast() throws {
        let folder = try CommandHarness.temporaryFolder()
        let spec = folder.appendingPathComponent("gpu.json")
        try Data(#"{"id":"mygpu","name":"My GPU","architecture":"x","tensorCorePeaks":{"bf16":{"teraFLOPS":300,"precision":"BF16","accumulate":"FP32"}},"cudaCorePeak":{"teraFLOPS":50,"precision":"FP32","accumulate":"FP32"},"memoryBandwidthGBps":2000,"memoryGB":48,"source":"test"}"#.utf8).write(to: spec)
        let object = try Self.json(["page", "--gpu-spec", spec.path, "--runtime", "hf-eager", "--output-tokens", "20"])
        #expect(object["gpu"] as? String == "mygpu")
        let forecast = try #require(object["forecast"] as? [String: Any])
        #expect((forecast["secondsPerPage"] as? Double ?? 0) > (object["secondsPerPage"] as? Double ?? .infinity))
    }

    static let badInputs: [BadInput] = [
        BadInput(arguments: ["compare", "--measured", "/nonexistent/profile"],
                 message: "Error: malformed measured profile path '/nonexistent/profile': expected an existing file or folder"),
        BadInput(arguments: ["compare", "--measured", ".", "--runtime", "tgi"],
                 message: "Error: The value 'tgi' is invalid for '--runtime <runtime>'. Please provide one of 'hf-eager' and 'vllm'. "
                    + "See 'modelmeter compare --help' for more information."),
        BadInput(arguments: ["page", "--runtime", "vllm", "--format", "csv"],
                 message: "Error: --runtime adds a forecast to text and json; csv has the bound only"),
        BadInput(arguments: ["page", "--runtime", "vllm", "--root", "/nonexistent"],
                 message: "Error: malformed runtime profile '/nonexistent/context/measurements/fits/vllm.json': expected a readable modelmeter.runtime/1 JSON file (see context/measurements/fits/)"),
    ]

    @Test("bad input: one line naming what is wrong", arguments: badInputs)
    func badInput(_ input: BadInput) {
        #expect(CommandHarness.errorLine(input.arguments) == input.message)
    }

    @Test("a malformed kernel summary is one error line naming the file and row")
    func malformedCSV() throws {
        let folder = try CommandHarness.temporaryFolder()
        let file = folder.appendingPathComponent("summary_cuda_gpu_kern_sum.csv")
        try Data("Time (%),Total Time (ns),Instances,Name\n1.0,abc,3,\"k<a, b>\"\n".utf8).write(to: file)
        let line = CommandHarness.errorLine(["compare", "--measured", file.path, "--root", Self.root])
        #expect(line == "Error: malformed Total Time (ns) in \(file.path) 'abc': expected a whole number from 0 to 2⁵³")
    }
}
