import Foundation
import ModelMeter
import Testing
@testable import DeepSeekOCR
import LiterateReport
@testable import ModelMeterCommands
#if canImport(FoundationXML)
import FoundationXML
#endif

/// `modelmeter sweep` and `Sweep`. Tensor-core totals are checked against the FlopCounterMode
/// measurements in reference/oracle (batch 1), which count exactly the tensor-core terms:
///
/// ```
/// view at 1024 = ImageEncoderViT 976,909,172,736 + VitModel 161,715,683,328 + MlpProjector 1,342,177,280
///              = 1,139,967,033,344
/// view at 640  = 325,620,793,344 + 62,004,756,480 + 524,288,000 = 388,149,837,824
/// ```
/// Tensor-core work is linear in the images a view sees, so a Gundam page with n > 1 crops
/// costs `1024-view + n · 640-view`, and B pages cost B times that.
/// Weights: SAM 95,569,152 + CLIP 303,177,728 + projector 2,622,720 + image_newline 1280 +
/// view_seperator 1280 = 401,372,160 parameters (oracle counts) → 802,744,320 B in bf16.
@Suite struct SweepTests {
    static let view1024 = 976_909_172_736 + 161_715_683_328 + 1_342_177_280
    static let view640 = 325_620_793_344 + 62_004_756_480 + 524_288_000
    static let weightBytes = 2 * (95_569_152 + 303_177_728 + 2_622_720 + 1280 + 1280)

    static func rows(_ csv: String) -> [[String]] {
        csv.split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    }

    @Test func oracleSums() {
        #expect(Self.view1024 == 1_139_967_033_344)
        #expect(Self.view640 == 388_149_837_824)
        #expect(Self.weightBytes == 802_744_320)
    }

    @Test func defaultCropGrids() throws {
        let csv = try CommandHarness.output(["sweep", "--over", "crops"])
        let rows = Self.rows(csv)
        // Grids by crop count, then width; tokens 273 + (h·10)·(w·10 + 1), no local view for 1x1.
        let expected: [(label: String, crops: Int, tokens: Int)] = [
            ("1x1", 1, 273), ("1x2", 2, 273 + 20 * 11), ("2x1", 2, 273 + 10 * 21), ("1x3", 3, 273 + 30 * 11),
            ("3x1", 3, 273 + 10 * 31), ("2x2", 4, 273 + 20 * 21), ("2x3", 6, 273 + 30 * 21), ("3x2", 6, 273 + 20 * 31),
            ("3x3", 9, 273 + 30 * 31),
        ]
        #expect(rows.map { $0[0] } == expected.map(\.label))
        for (row, point) in zip(rows, expected) {
            #expect(row[4] == "\(point.tokens)", "tokens of \(point.label)")
            let tensorCore = Self.view1024 + (point.crops > 1 ? point.crops * Self.view640 : 0)
            #expect(row[5] == "\(tensorCore)", "tensor-core FLOPs of \(point.label)")
            #expect(row[9] == "\(Self.weightBytes)")
        }
        #expect(rows.map { Int($0[4]) } == [273, 493, 483, 603, 583, 693, 903, 893, 1203])
        Golden.check(csv, matches: "sweep-crops.csv")
    }

    @Test func defaultResolutions() throws {
        let json = try CommandHarness.output(["sweep", "--over", "resolution", "--format", "json"])
        // Tokens q·(q + 1) + 1 with q = base/64: tiny 8·9 + 1 = 73, small 10·11 + 1 = 111,
        // base 16·17 + 1 = 273, large 20·21 + 1 = 421; gundam 2x2 273 + 20·21 = 693.
        for (label, tokens) in [("tiny", 73), ("small", 111), ("base", 273), ("large", 421), ("gundam 2x2", 693)] {
            #expect(json.contains("\"label\": \"\(label)\",\n      \"mode\""), "label \(label)")
            #expect(json.contains("\"visionTokensPerPage\": \(tokens)"))
        }
        #expect(json.contains("\"forwardTensorCoreFLOPs\": \(Self.view640)"))          // small = one 640 view
        #expect(json.contains("\"forwardTensorCoreFLOPs\": \(Self.view1024)"))         // base = one 1024 view
        #expect(json.contains("\"forwardTensorCoreFLOPs\": \(Self.view1024 + 4 * Self.view640)"))  // 2,692,566,384,640
    }

    @Test func defaultBatches() throws {
        let rows = Self.rows(try CommandHarness.output(["sweep", "--over", "batch"]))
        #expect(rows.map { $0[0] } == ["batch 1", "batch 2", "batch 4", "batch 8", "batch 16"])
        for (row, batch) in zip(rows, [1, 2, 4, 8, 16]) {
            #expect(row[3] == "\(batch)")
            #expect(row[5] == "\(batch * (Self.view1024 + 4 * Self.view640))")
            #expect(row[9] == "\(Self.weightBytes)")    // weights do not grow with the batch
        }
    }

    @Test func pagesGetTheVendorGrid() throws {
        // A4 → 2x3 (903 tokens), 1920×1080 → 2x1 (483 tokens) with the default 2…6 crops; see PageCroppingTests.
        let rows = Self.rows(try CommandHarness.output(["sweep", "--over", "crops", "--pages", "1654x2339,1920x1080"]))
        #expect(rows.map { $0[0] } == ["1654x2339 (2x3)", "1920x1080 (2x1)"])
        #expect(rows.map { $0[4] } == ["903", "483"])
        #expect(rows[0][5] == "\(Self.view1024 + 6 * Self.view640)")
    }

    @Test func rowsMatchTheFullReport() throws {
        // The sweep's totals are the report's totals for the same workload.
        for arguments in [["--mode", "base"], ["--crops", "3x2", "--batch", "3"], ["--mode", "tiny", "--attention", "eager"]] {
            let workloadOptions = try WorkloadOptions.parse(arguments)
            let report = try ModelReport(workload: try workloadOptions.workload())
            let result = try Sweep(
                dimension: .batch, points: [SweepPoint(label: "x", workload: report.workload)]).evaluate()
            let row = try #require(result.rows.first)
            #expect(row.forward == report.totals.forward)
            #expect(row.activationBytes == report.totals.memory.activationBytes)
            #expect(row.weightBytes == report.totals.memory.weightBytes)
            // Time lower bound = max(TC/TC peak + CUDA/CUDA peak, bytes/bandwidth), per GPU.
            for (gpu, time) in zip(result.gpus, row.timeLowerBoundSeconds) {
                let peak = try gpu.tensorCorePeak(for: .bf16).teraFLOPS * 1e12
                let compute = Double(row.forward.tensorCoreFLOPs) / peak + Double(row.forward.cudaCoreFLOPs) / (gpu.cudaCorePeak.teraFLOPS * 1e12)
                let memory = Double(row.forward.ioBytes) / (gpu.memoryBandwidthGBps * 1e9)
                #expect(time == max(compute, memory))
            }
        }
    }

    /// One polynomial evaluation per shape gives exactly what the exact evaluator gives per
    /// point, for every stage, over batches from 1 to 1000 (the decoder's distinct-experts count
    /// changes with the batch: 6, 11, 16, … up to 64).
    @Test(arguments: [AttentionKernel.sdpa, .eager], [Precision.bf16, .fp32, .fp8])
    func polynomialEvaluationIsExact(kernel: AttentionKernel, precision: Precision) throws {
        var points: [SweepPoint] = []
        let grids = try Sweep.defaultGrids()
        for batch in [1, 2, 3, 5, 8, 13, 64, 1000] {
            for mode in VisionMode.allCases where !mode.cropMode {
                points.append(SweepPoint(label: "", workload: try Workload(mode: mode, batch: batch, kernel: kernel)))
            }
            for grid in grids {
                points.append(SweepPoint(label: "", workload: try Workload(mode: .gundam, crops: grid, batch: batch, kernel: kernel)))
            }
        }
        let stages = ModelStage.allCases
        let fast = try Sweep(dimension: .batch, points: points, precision: precision, stages: stages).evaluate()
        let direct = try Sweep(dimension: .batch, points: points, precision: precision, strategy: .direct, stages: stages).evaluate()
        for (a, b) in zip(fast.rows, direct.rows) {
            #expect(a.forward == b.forward)
            #expect(a.activationBytes == b.activationBytes)
            #expect(a.weightBytes == b.weightBytes)
            #expect(a.kvCacheBytes == b.kvCacheBytes)
            #expect(a.timeLowerBoundSeconds == b.timeLowerBoundSeconds)
        }
        // The polynomial path is really taken: every stage of these shapes is a polynomial in B.
        for stage in stages {
            for workload in [try Workload(mode: .gundam, kernel: kernel), try Workload(mode: .large, kernel: kernel)] {
                _ = try StagePolynomial(stage: stage, workload: workload, precision: precision)
            }
        }
    }

    @Test func wholeModelRowsAddTheStages() throws {
        // --stage all sums the three stages' forward FLOPs and keeps each model's weights once.
        let workload = try Workload(mode: .base, batch: 2)
        let report = try ModelReport(workload: workload, stages: ModelStage.allCases)
        let row = try #require(try Sweep(
            dimension: .batch, points: [SweepPoint(label: "x", workload: workload)], stages: ModelStage.allCases).evaluate().rows.first)
        let stageSum = report.stages.reduce(0) { $0 + $1.totals.forward.tensorCoreFLOPs }
        #expect(row.forward.tensorCoreFLOPs == stageSum)
        // Weights: the vision stack's plus the decoder's 2,934,734,080 parameters, in bf16.
        let vision = try #require(report.stage(.vision)).totals.memory.weightBytes
        #expect(row.weightBytes == vision + 2_934_734_080 * 2)
        // KV cache after the decode step: 2 pages × (273 + 10 + 1) positions × 61,440 B.
        #expect(row.kvCacheBytes == 2 * 284 * 61_440)
    }

    @Test func missingRoofsLeaveEmptyCells() throws {
        // The A100 has no FP8 tensor-core roof: its column is empty, its JSON value null.
        let csv = try CommandHarness.output(["sweep", "--over", "batch", "--values", "1", "--precision", "fp8"])
        let header = csv.split(separator: "\n")[0].split(separator: ",")
        let column = try #require(header.firstIndex(of: "time_lower_bound_seconds_a100-sxm-80gb"))
        #expect(Self.rows(csv)[0][column] == "")
        let json = try CommandHarness.output(["sweep", "--over", "batch", "--values", "1", "--precision", "fp8", "--format", "json"])
        #expect(json.contains("\"a100-sxm-80gb\": null"))
        // --gpu keeps one GPU.
        let one = try CommandHarness.output(["sweep", "--over", "batch", "--values", "1,2", "--gpu", "h100-sxm"])
        #expect(one.split(separator: "\n")[0].hasSuffix("weight_bytes,time_lower_bound_seconds_h100-sxm"))
    }

    @Test func chartsAreStandaloneDeterministicSVG() throws {
        let folder = try CommandHarness.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let charts = folder.appendingPathComponent("charts")
        let csv = try CommandHarness.output(["sweep", "--over", "batch", "--chart-dir", charts.path])
        #expect(!csv.isEmpty)
        let names = ["sweep-batch-activation-memory.svg", "sweep-batch-flops.svg", "sweep-batch-io-bytes.svg", "sweep-batch-time-lower-bound.svg"]
        #expect(CommandHarness.contents(of: charts) == names)
        let first = try names.map { try String(contentsOf: charts.appendingPathComponent($0), encoding: .utf8) }
        _ = try CommandHarness.output(["sweep", "--over", "batch", "--chart-dir", charts.path])
        let second = try names.map { try String(contentsOf: charts.appendingPathComponent($0), encoding: .utf8) }
        #expect(first == second)
        for svg in first {
            #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""))
            #expect(svg.hasSuffix("</svg>\n"))
            #expect(svg.contains("pages per batch"))                 // x-axis title
            #if canImport(FoundationXML) || os(macOS)
            let parser = XMLParser(data: Data(svg.utf8))
            #expect(parser.parse(), "SVG is not well-formed XML")
            #endif
        }
        // FLOPs chart: both series in the legend; time chart: one line per catalog GPU.
        #expect(first[1].contains(">tensor core</text>") && first[1].contains(">CUDA core</text>"))
        for gpu in GPUCatalog.all { #expect(first[3].contains(">\(gpu.id)</text>")) }
        // Axis ticks: the batch-16 tensor-core total 16 · 2,692,566,384,640 = 43.08 TFLOP sits
        // under a 50 TFLOP top with a 10 TFLOP step.
        #expect(first[1].contains(">50 TFLOP</text>"))
        #expect(first[1].contains(">10 TFLOP</text>"))
    }

    static let badInputs: [BadInput] = [
        BadInput(arguments: ["sweep", "--over", "pixels"],
                 message: "Error: The value 'pixels' is invalid for '--over <over>'. Please provide one of 'resolution', 'crops', 'batch' or 'tokens'. "
                    + "See 'modelmeter sweep --help' for more information."),
        BadInput(arguments: ["sweep", "--over", "batch", "--format", "xml"],
                 message: "Error: The value 'xml' is invalid for '--format <format>'. Please provide one of 'csv' and 'json'. "
                    + "See 'modelmeter sweep --help' for more information."),
        BadInput(arguments: ["sweep", "--over", "resolution", "--values", "tiny,huge"], message: "Error: unknown mode 'huge'; accepted: tiny, small, base, large, gundam"),
        BadInput(arguments: ["sweep", "--over", "crops", "--values", "2x2,4x3"], message: "Error: crop grid: invalid 4x3: 12 crops exceed the vendor's maximum of 9"),
        BadInput(arguments: ["sweep", "--over", "crops", "--values", "2by2"], message: "Error: malformed crop grid '2by2': expected WxH with whole numbers, e.g. 2x2"),
        BadInput(arguments: ["sweep", "--over", "crops", "--pages", "1654x"], message: "Error: malformed page size '1654x': expected WIDTHxHEIGHT in whole pixels, e.g. 1654x2339"),
        BadInput(arguments: ["sweep", "--over", "crops", "--mode", "base"], message: "Error: sweep: invalid --mode base: a crop sweep needs crop mode (gundam); base has a single view"),
        BadInput(arguments: ["sweep", "--over", "batch", "--pages", "1654x2339"], message: "Error: --pages applies to --over crops, not --over batch"),
        BadInput(arguments: ["sweep", "--over", "batch", "--values", "1,two"], message: "Error: malformed batch size 'two': expected a whole number"),
        BadInput(arguments: ["sweep", "--over", "batch", "--values", "0"], message: "Error: workload: invalid batch: 0 is not positive"),
        BadInput(arguments: ["sweep", "--over", "batch", "--gpu", "a100-sxm-80gb", "--precision", "fp8"], message: "Error: unknown precision for NVIDIA A100 SXM 80GB 'fp8'; accepted: bf16, fp16, fp32"),
    ]

    @Test(arguments: badInputs) func oneLineErrors(_ input: BadInput) {
        #expect(CommandHarness.errorLine(input.arguments) == input.message)
    }

    @Test func absurdBatchRefusedWithTheLimit() throws {
        // 4e12 pages: the 1024-view patch convolution alone would be 2·4e12·768·64·64·3·16² ≈ 1.9e22 FLOP;
        // the batch is refused against its limit, 2¹⁶, before any product is formed.
        let line = try #require(CommandHarness.errorLine(["sweep", "--over", "batch", "--values", "1,4000000000000"]))
        #expect(line == "Error: workload: invalid batch: 4000000000000 is more than 65536, the largest batch that works "
            + "(every count of the largest page times the batch must fit 64 bits)")
    }

    @Test func helpGolden() {
        Golden.check(SweepCommand.helpMessage(columns: 100), matches: "sweep-help.txt")
    }
}
