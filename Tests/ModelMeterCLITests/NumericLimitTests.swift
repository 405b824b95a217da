import Foundation
import Testing
import DeepSeekOCR

/// Every numeric option at its documented limit (works) and one past it (one `Error:` line naming
/// the option and the largest value that works), the values that used to overflow 64 bits and
/// kill the process, and the README's `report --format md|html` for every stage.
@Suite("Numeric limits", .serialized)
struct NumericLimitTests {
    /// One past each limit, with the exact line. The limits, by hand:
    /// batch 2¹⁶ = 65,536; positions 8,192 (`max_position_embeddings`), a decode step's context
    /// one fewer, 8,191; prompt text tokens 8,192 − 693 = 7,499 beside Gundam 2×2's vision tokens
    /// 16·17 + 1 + (2·10)·(2·10 + 1) = 273 + 420 = 693; crop sides 9; page sides 65,535;
    /// projector depth and layer counts 64; other `--set` sizes 2³¹ − 1 = 2,147,483,647;
    /// `sweep --points` 100,000 (200 with `--direct`); `page --benchmark-points` 100,000.
    static let batchPast =
        "Error: workload: invalid batch: 65537 is more than 65536, the largest batch that works (every count of the largest page times the batch must fit 64 bits)"
    static let onePast: [BadInput] = [
        BadInput(arguments: ["report", "--format", "json", "--batch", "65537"],
                 message: batchPast),
        BadInput(arguments: ["sweep", "--over", "batch", "--values", "1,65537"],
                 message: batchPast),
        BadInput(arguments: ["page", "--sweep", "batch", "--values", "65537"],
                 message: batchPast),
        BadInput(arguments: ["report", "--format", "json", "--stage", "prefill", "--tokens", "8193"],
                 message: "Error: workload: invalid --tokens: 8193 is more than 8192, the largest --tokens that works (the decoder's max_position_embeddings is 8192)"),
        BadInput(arguments: ["report", "--format", "json", "--stage", "decode", "--context", "8192"],
                 message: "Error: workload: invalid --context: 8192 is more than 8191, the largest --context that works (the decoder's max_position_embeddings is 8192)"),
        BadInput(arguments: ["report", "--format", "json", "--stage", "prefill", "--prompt-tokens", "7500"],
                 message: "Error: workload: invalid --prompt-tokens: 7500 is more than 7499, the largest --prompt-tokens that works (the decoder's max_position_embeddings is 8192)"),
        BadInput(arguments: ["report", "--format", "json", "--crops", "10x1"],
                 message: "Error: crop grid: invalid 10x1: a side of 10 tiles is more than 9, the largest side that works (the vendor's maximum of 9 crops)"),
        BadInput(arguments: ["report", "--format", "json", "--page", "65536x100"],
                 message: "Error: page 65536x100: invalid width: 65536 is more than 65535, the largest width that works (pixels per side of the largest JPEG or WebP page)"),
        BadInput(arguments: ["report", "--format", "json", "--projector", "mlp_gelu", "--projector-depth", "65"],
                 message: "Error: MlpProjector: invalid --projector-depth: 65 is more than 64, the largest --projector-depth that works (32 times the vendor's 2 Linear layers)"),
        BadInput(arguments: ["explain", "ImageEncoderViT", "--set", "depth=65"],
                 message: "Error: ImageEncoderViT: invalid depth: 65 is more than 64, the largest depth that works (2⅔ times the vendor's deepest stack of 24 layers)"),
        BadInput(arguments: ["explain", "VitModel", "--set", "layers=65"],
                 message: "Error: VitModel: invalid layers: 65 is more than 64, the largest layers that works (2⅔ times the vendor's deepest stack of 24 layers)"),
        BadInput(arguments: ["explain", "DeepseekV2ForCausalLM", "--set", "layers=65"],
                 message: "Error: DeepseekV2ForCausalLM: invalid layers: 65 is more than 64, the largest layers that works (2⅔ times the vendor's deepest stack of 24 layers)"),
        BadInput(arguments: ["explain", "Attention", "--set", "batch=2147483648"],
                 message: "Error: Attention: invalid batch: 2147483648 is more than 2147483647, the largest batch that works (a product of two sizes must fit 64 bits)"),
        BadInput(arguments: ["sweep", "--over", "batch", "--points", "100001"],
                 message: "Error: sweep: invalid --points: 100001 is more than 100000, the largest --points that works (the most one run evaluates in a few seconds)"),
        BadInput(arguments: ["sweep", "--over", "batch", "--points", "201", "--direct"],
                 message: "Error: sweep: invalid --points with --direct: 201 is more than 200, the largest --points with --direct that works (the most one run evaluates in a few seconds)"),
        BadInput(arguments: ["page", "--benchmark-points", "100001"],
                 message: "Error: page: invalid --benchmark-points: 100001 is more than 100000, the largest --benchmark-points that works (the documented benchmark; about 0.2 s in a release build)"),
    ]

    @Test("one past each limit is one line naming the option and the largest value that works", arguments: onePast)
    func onePastTheLimit(_ input: BadInput) {
        #expect(CommandHarness.errorLine(input.arguments) == input.message)
    }

    /// A GPU spec file with every figure at its accepted maximum (10⁶ TFLOPS, GB/s and GB), so
    /// memory never limits the batch.
    static func largestGPU() throws -> URL {
        let file = try CommandHarness.temporaryFolder("gpu").appendingPathComponent("largest.json")
        let peak = #"{ "teraFLOPS": 1000000, "precision": "FP32", "accumulate": "FP32" }"#
        let json = """
            { "id": "largest", "name": "Largest", "architecture": "test",
              "tensorCorePeaks": { "bf16": \(peak), "fp32": \(peak) }, "cudaCorePeak": \(peak),
              "memoryBandwidthGBps": 1000000, "memoryGB": 1000000, "source": "test" }
            """
        try Data(json.utf8).write(to: file)
        return file
    }

    @Test("every workload option at its limit at once evaluates in 64 bits: the whole model and a whole page job")
    func everyLimitAtOnce() throws {
        // The largest page (3×3 crops, eager, fp32, a 64-layer projector, 8,192 prefill positions,
        // a decode step over 8,191 cached ones) at the largest batch.
        let worst = ["--crops", "3x3", "--attention", "eager", "--precision", "fp32", "--projector", "mlp_gelu",
                     "--projector-depth", "64", "--batch", "65536"]
        let json = try CommandHarness.output(["report", "--format", "json", "--stage", "all", "--tokens", "8192", "--context", "8191"] + worst)
        #expect(json.contains("\"batch\" : 65536") || json.contains("\"batch\": 65536"), "\(json.prefix(400))")
        // A page job: prompt P = 3×3's 16·17 + 1 + (3·10)·(3·10 + 1) = 1,203 vision tokens and no text,
        // N = 8,192 − 1,203 = 6,989 output tokens, on a GPU whose memory holds 2¹⁶ such pages.
        let gpu = try Self.largestGPU()
        defer { try? FileManager.default.removeItem(at: gpu.deletingLastPathComponent()) }
        var page = worst.filter { $0 != "--projector-depth" && $0 != "64" && $0 != "--projector" && $0 != "mlp_gelu" }
        page += ["--projector", "mlp_gelu", "--projector-depth", "64", "--prompt-tokens", "0", "--output-tokens", "6989", "--gpu-spec", gpu.path]
        _ = try CommandHarness.output(["page", "--format", "json"] + page)
        let onePast = page.map { $0 == "6989" ? "6990" : $0 }
        #expect(CommandHarness.errorLine(["page", "--format", "json"] + onePast)?.contains("at most 6989 output tokens fit") == true)
    }

    @Test("the other limits, reached one at a time, work")
    func eachLimitWorks() throws {
        let cases: [[String]] = [
            ["report", "--format", "json", "--stage", "prefill", "--prompt-tokens", "7499"],
            ["report", "--format", "json", "--crops", "9x1"],
            ["report", "--format", "json", "--crops", "1x9"],
            ["report", "--format", "json", "--page", "65535x65535"],
            ["sweep", "--over", "batch", "--values", "65536"],
            ["explain", "ImageEncoderViT", "--set", "depth=64"],
            ["explain", "VitModel", "--set", "layers=64"],
            ["explain", "DeepseekV2ForCausalLM", "--set", "layers=64"],
            ["explain", "Attention", "--set", "batch=2147483647", "--set", "height=1", "--set", "width=1"],
        ]
        for arguments in cases {
            #expect(CommandHarness.errorLine(arguments) == nil, "\(arguments.joined(separator: " "))")
        }
    }

    /// Settings whose counts leave 64 bits, and the key whose bound the last item of the line gives.
    /// Attention at B = 2³¹ − 1: QKV alone is 2·B·S·C·3C = 2·2,147,483,647·4096·768·2304 ≈ 3.1·10²²
    /// > 9.2·10¹⁸; MLPBlock at C = F = 2³¹ − 1: 2·B·S·C·F ≈ 3.8·10²².
    static let overflowingSettings: [(layer: String, settings: [String], key: String)] = [
        ("Attention", ["batch=2147483647"], "batch"),
        ("MLPBlock", ["dim=2147483647", "mlp-dim=2147483647"], "mlp-dim"),
    ]

    @Test("an explain setting past 64 bits names the largest value of that key that fits; it fits and one more does not",
          arguments: 0..<overflowingSettings.count)
    func explainOverflowNamesTheLargestFit(_ index: Int) throws {
        let (layer, settings, key) = Self.overflowingSettings[index]
        func arguments(_ settings: [String]) -> [String] { ["explain", layer] + settings.flatMap { ["--set", $0] } }
        let line = try #require(CommandHarness.errorLine(arguments(settings)))
        #expect(line.hasPrefix("Error: \(layer): invalid --set \(settings.joined(separator: " ")): arithmetic overflow evaluating "), "\(line)")
        // "…; with the other settings kept, the counts fit 64 bits up to …, <key> ≤ N": the bound is checked by running it.
        let bound = try #require(line.split(separator: " ").last.flatMap { Int($0) }, "\(line)")
        #expect(line.hasSuffix("\(key) ≤ \(bound)"), "\(line)")
        func with(_ value: Int) -> [String] { settings.map { $0.hasPrefix(key + "=") ? "\(key)=\(value)" : $0 } }
        #expect(CommandHarness.errorLine(arguments(with(bound))) == nil)
        #expect(CommandHarness.errorLine(arguments(with(bound + 1)))?.contains("arithmetic overflow") == true)
    }

    @Test("every explain key of every layer at 2³¹ − 1, at Int.min, and all at 2³¹ − 1 together: a result or one Error line")
    func everySetKeyAtItsExtremes() {
        for recipe in DeepSeekOCRModel.layers {
            let keys = recipe.parameters.map(\.key)
            var cases = keys.flatMap { key in [["\(key)=\(Int32.max)"], ["\(key)=\(Int.min)"]] }
            cases.append(keys.map { "\($0)=\(Int32.max)" })
            for settings in cases {
                let arguments = ["explain", recipe.name] + settings.flatMap { ["--set", $0] }
                if let line = CommandHarness.errorLine(arguments) {
                    #expect(line.hasPrefix("Error: ") && !line.contains("\n"), "\(arguments): \(line)")
                }
            }
        }
    }

    /// Values that used to end in `*** Swift runtime failure: arithmetic overflow ***` (SIGILL),
    /// allocate until killed or never end; run as a process so a regression fails here instead of
    /// killing the test runner.
    static let formerCrashes: [[String]] = [
        ["report", "--format", "json", "--stage", "all", "--prompt-tokens", "9223372036854775807"],
        ["report", "--format", "json", "--crops", "3037000500x3037000500"],
        ["report", "--format", "json", "--batch", "9223372036854775807"],
        ["report", "--format", "json", "--stage", "prefill", "--tokens", "9223372036854775807"],
        ["report", "--format", "json", "--stage", "decode", "--context", "9223372036854775807"],
        ["report", "--format", "json", "--page", "9223372036854775807x9223372036854775807"],
        ["report", "--format", "json", "--min-crops", "9223372036854775807"],
        ["report", "--format", "json", "--projector", "mlp_gelu", "--projector-depth", "2147483647"],
        ["report", "--batch", "9223372036854775807", "--output", "never-created"],
        ["page", "--crops", "9223372036854775807x2"],
        ["page", "--batch", "9223372036854775807"],
        ["page", "--output-tokens", "9223372036854775807"],
        ["page", "--sweep", "output-tokens", "--values", "9223372036854775807"],
        ["page", "--benchmark-points", "9223372036854775807"],
        ["sweep", "--over", "crops", "--values", "4294967296x4294967296"],
        ["sweep", "--over", "batch", "--values", "9223372036854775807"],
        ["sweep", "--over", "batch", "--points", "1000000"],
        ["explain", "ImageEncoderViT", "--set", "depth=2147483647"],
        ["explain", "Attention", "--set", "batch=9223372036854775807"],
        ["explain", "MLPBlock", "--set", "dim=2147483647", "--set", "mlp-dim=2147483647"],
    ]

    @Test("values that used to crash or hang end at once with one Error line", arguments: formerCrashes)
    func formerCrash(_ arguments: [String]) throws {
        let clock = ContinuousClock()
        var result: Executable.Result?
        let elapsed = try clock.measure { result = try Executable.run(arguments) }
        let run = try #require(result)
        #expect(run.status == 1, "status \(run.status): \(run.stderr)")
        #expect(run.stderrLines.count == 1 && run.stderr.hasPrefix("Error: "), "\(run.stderr)")
        #expect(!run.stderr.contains("runtime failure"))
        #expect(elapsed < .seconds(10), "took \(elapsed)")
        #expect(!FileManager.default.fileExists(atPath: CommandHarness.packageRoot.appendingPathComponent("never-created").path))
    }

    @Test("the benchmarks at their largest --points finish")
    func benchmarksAtTheirLimits() throws {
        for arguments in [["sweep", "--over", "batch", "--points", "100000"], ["sweep", "--over", "batch", "--points", "200", "--direct"],
                          ["page", "--benchmark-points", "100000"]] {
            let clock = ContinuousClock()
            var result: Executable.Result?
            let elapsed = try clock.measure { result = try Executable.run(arguments) }
            #expect(result?.status == 0, "\(arguments): \(result?.stderr ?? "")")
            // A few seconds in a release build; a debug build on a shared machine is given a minute.
            #expect(elapsed < .seconds(60), "\(arguments) took \(elapsed)")
        }
    }

    @Test("report --format md and html print the summary page for every stage", arguments: ["vision", "prefill", "decode", "all"])
    func summaryPageForEveryStage(_ stage: String) throws {
        let markdown = try CommandHarness.output(["report", "--format", "md", "--stage", stage])
        #expect(markdown.hasPrefix("# Model summary\n"))
        // Each decoder stage has its own roofline chart; the vision stages are SAM, CLIP and the projector.
        let charts = stage == "vision" ? ["sam_model", "vision_model", "projector"]
            : stage == "all" ? ["sam_model", "vision_model", "projector", "prefill", "decode"] : [stage]
        for chart in charts {
            #expect(markdown.contains("(roofline-stage-\(chart).svg)"), "\(stage): no \(chart) chart")
        }
        let html = try CommandHarness.output(["report", "--format", "html", "--stage", stage])
        #expect(html.hasPrefix("<!doctype html>") || html.hasPrefix("<!DOCTYPE html>"), "\(html.prefix(40))")
        #expect(html.contains("<h1 id=\"model-summary\">Model summary</h1>"))
        // The charts are inlined: the page stands alone.
        #expect(!html.contains("<img src=\"roofline-stage-"))
        #expect(html.components(separatedBy: "<figure class=\"chart\"><svg").count - 1 >= charts.count)
    }
}
