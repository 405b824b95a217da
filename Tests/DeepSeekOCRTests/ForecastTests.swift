import Foundation
import Testing
@testable import DeepSeekOCR
@testable import ModelMeter

/// Measured profiles, the model's kernels, the fitted runtime profiles and the forecast.
@Suite struct ForecastTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    static let seed = root + "/" + ProfileFit.seedStages
    static let reports = root + "/context/measurements/rtx5090-llm-perf-opt/reports/20251107-dsocr"

    /// `Σ` of a column of a kern_sum CSV, read without the project's CSV reader: the first three
    /// fields (Time (%), Total Time (ns), Instances) are plain numbers, so splitting on "," works.
    static func columnSums(_ file: String) throws -> (nanoseconds: Int, instances: Int) {
        let lines = try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n").dropFirst()
        var ns = 0, instances = 0
        for line in lines {
            let fields = line.split(separator: ",", maxSplits: 3)
            ns += try #require(Int(fields[1]))
            instances += try #require(Int(fields[2]))
        }
        return (ns, instances)
    }

    @Test("nsys per-stage totals equal the files' column sums", arguments: ["sam", "clip", "projector", "prefill", "decode"])
    func nsysTotals(stage: String) throws {
        let file = "\(Self.seed)/\(stage)/nsys/summary_cuda_gpu_kern_sum.csv"
        let measured = try NsysLayout.stage(file)
        let sums = try Self.columnSums(file)
        #expect(measured.kernelNanoseconds == sums.nanoseconds)
        #expect(measured.kernelCount == sums.instances)
        #expect(measured.name == stage)
    }

    @Test("the seed's totals, checked by hand against the files")
    func seedTotalsByHand() throws {
        let profile = try MeasuredProfile.read(Self.seed)
        let totals = Dictionary(uniqueKeysWithValues: profile.stages.map { ($0.name, $0.kernelNanoseconds) })
        // projector: 33,696 + 1,792 ns (its two rows).
        #expect(totals["projector"] == 35_488)
        // decode: 64 steps (max_new_tokens: 64 in config.yaml, and 64 argmax reductions in the file).
        let decode = try #require(profile.stages.first { $0.name == "decode" })
        #expect(decode.calls == 64)
        // Wall per token: 707.379 ms / 64 tokens (all-stage stakeholder_summary.md, Decode ms and Tokens rows).
        #expect(abs((decode.wallSecondsPerCall ?? 0) - 0.707379 / 64) < 1e-12)
        #expect(decode.wallSource?.hasSuffix("all-stage/stakeholder_summary.md") == true)
        #expect(profile.gpu == "NVIDIA GeForce RTX 5090")
        #expect(Set(totals.keys) == ["sam", "clip", "projector", "prefill", "decode"])
    }

    @Test("ncu: the Duration rows' sum, in µs → ns")
    func ncuTotals() throws {
        let file = Self.reports + "/ncu/analysis/all_metrics_long.csv"
        let stage = try NcuMetrics.stage(file)
        var ns = 0, kernels = 0
        for line in try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n") where line.contains(",SpeedOfLight,Duration,") {
            ns += Int((try #require(Double(line.split(separator: ",").last!)) * 1000).rounded())
            kernels += 1
        }
        #expect(kernels == 18)
        #expect(stage.kernelNanoseconds == ns)
        #expect(stage.kernelCount == 18)
        // kernel_0001 is top-kernels.yaml's first entry, a cuBLAS GEMV (6.46 µs in the file).
        #expect(stage.kernels[0].kernelClass == .gemv)
        #expect(stage.kernels[0].nanoseconds == 6_460)
    }

    @Test("kernel classes of real kernel names")
    func classes() {
        #expect(KernelClass.of(kernelName: "void flash::flash_fwd_splitkv_kernel<Flash_fwd_kernel_traits<128>>") == .attention)
        #expect(KernelClass.of(kernelName: "fmha_cutlassF_bf16_aligned_64x64_rf_sm80(PyTorchMemEffAttention::AttentionKernel)") == .attention)
        #expect(KernelClass.of(kernelName: "std::enable_if<!T7, void>::type internal::gemvx::kernel<int, int>") == .gemv)
        #expect(KernelClass.of(kernelName: "void cutlass::Kernel2<cutlass_80_tensorop_bf16_s16816gemm_relu_bf16_256x128_32x3_tn_align8>(T1::Params)") == .gemm)
        #expect(KernelClass.of(kernelName: "void at::native::sbtopk::gatherTopK<float, unsigned int, (int)1, (bool)0>") == .moeRouting)
        #expect(KernelClass.of(kernelName: "void at::native::<unnamed>::CatArrayBatchedCopy_vectorized<>") == .copy)
        #expect(KernelClass.of(kernelName: "void at::native::vectorized_elementwise_kernel<(int)4, at::native::silu_kernel>") == .elementwise)
        #expect(KernelClass.of(kernelName: "void at::native::unrolled_elementwise_kernel<at::native::direct_copy_kernel_cuda>") == .copy)
        #expect(KernelClass.of(kernelName: "mystery") == .other)
    }

    @Test("the model's kernels add up to the evaluator's totals", arguments: ["vision", "prefill", "decode"])
    func kernelsSumToTotals(stage: String) throws {
        let workload = try Workload(mode: .gundam)
        let model = try StageReport.model(try #require(ModelStage(rawValue: stage)), workload: workload)
        let evaluated = try model.evaluate(precision: .bf16)
        let kernels = try evaluated.kernels(precision: .bf16)
        #expect(kernels.reduce(0) { $0 + $1.count * $1.cost.tensorCoreFLOPs } == evaluated.metrics.forward.tensorCoreFLOPs)
        #expect(kernels.reduce(0) { $0 + $1.count * $1.cost.cudaCoreFLOPs } == evaluated.metrics.forward.cudaCoreFLOPs)
        #expect(kernels.reduce(0) { $0 + $1.count * $1.cost.ioBytes } == evaluated.metrics.forward.ioBytes)
        #expect(kernels.allSatisfy { $0.count > 0 })
    }

    @Test("a decode step at B = 1 runs its projections as GEMVs; a prefill as GEMMs")
    func gemvAndGemm() throws {
        let evaluator = PageCostEvaluator()
        let step = try evaluator.decodeKernels(batch: 1, context: 100)
        let prefill = try evaluator.prefillKernels(batch: 1, tokens: 100)
        let stepLinears = step.filter { $0.path.hasSuffix("self_attn.q_proj.") }
        #expect(!stepLinears.isEmpty && stepLinears.allSatisfy { $0.kernelClass == .gemv })
        #expect(prefill.filter { $0.path.hasSuffix("self_attn.q_proj.") }.allSatisfy { $0.kernelClass == .gemm })
        // Fused SDPA: scores, softmax and P·V are one kernel per layer (12 decoder layers).
        let attention = step.filter { $0.kernelClass == .attention }
        #expect(attention.reduce(0) { $0 + $1.count } == 12)
        #expect(attention.allSatisfy { $0.term == "SDPA scores QKᵀ" && $0.cost.cudaCoreFLOPs > 0 })
    }

    @Test("bounded least squares recovers known coefficients and keeps an efficiency ≤ 1")
    func leastSquares() {
        // y = 2·x₁ + 3·x₂ + 0.5·x₃ exactly, four rows.
        let xs: [[Double]] = [[1, 0, 2], [0, 1, 1], [1, 1, 0], [2, 1, 4]]
        let rows = xs.map { (y: 2 * $0[0] + 3 * $0[1] + 0.5 * $0[2], x: $0) }
        let c = BoundedLeastSquares.fit(rows, unknowns: [.init(floor: 1, fixed: 1), .init(floor: 1, fixed: 1), .init(floor: 0, fixed: 0)])
        #expect(abs(c[0] - 2) < 1e-9 && abs(c[1] - 3) < 1e-9 && abs(c[2] - 0.5) < 1e-9)
        // y = 0.5·x: faster than the roof; the coefficient (1/e) stays at its floor 1.
        let clamped = BoundedLeastSquares.fit([(y: 1, x: [2.0])], unknowns: [.init(floor: 1, fixed: 1)])
        #expect(clamped == [1])
    }

    @Test("the committed runtime profiles are what the fit gives from the committed data")
    func fitsReproduce() throws {
        for profile in try ProfileFit.fit(root: Self.root) {
            let committed = try Data(contentsOf: URL(fileURLWithPath: try ProfileFit.profilePath(root: Self.root, runtime: profile.name)))
            #expect(try profile.encoded() == committed, "refit \(profile.name) with `modelmeter fit`")
        }
    }

    /// The issue's table: each measurement, read from its file (or the vendor's text), against
    /// the forecast and the bound; ±25 % for the forecast, the bound never slower than measured.
    @Test("forecast within ±25 % of every measurement in the issue's table; bound never above it")
    func issueTable() throws {
        let eager = try RuntimeProfile.load(try ProfileFit.profilePath(root: Self.root, runtime: "hf-eager"))
        let vllm = try RuntimeProfile.load(try ProfileFit.profilePath(root: Self.root, runtime: "vllm"))
        let profile = try MeasuredProfile.read(Self.seed)
        let decodeStage = try #require(profile.stages.first { $0.name == "decode" })
        let prefillStage = try #require(profile.stages.first { $0.name == "prefill" })
        let decode = try #require(try StageComparison(decodeStage, gpu: GPUCatalog.rtx5090, profile: eager))
        let prefill = try #require(try StageComparison(prefillStage, gpu: GPUCatalog.rtx5090, profile: eager))
        // decode kernel time: Σ Total Time (ns) / 64 steps = 179,072,697 ns / 64 (file sum, see nsysTotals).
        let decodeKernel = 179_072_697e-9 / 64
        #expect(abs(decode.forecastKernelSecondsPerCall / decodeKernel - 1) <= 0.25)
        #expect(decode.boundSecondsPerCall <= decodeKernel)
        // decode wall: 707.379 ms / 64 tokens.
        let decodeWall = 0.707379 / 64
        #expect(abs(decode.forecastWallSecondsPerCall / decodeWall - 1) <= 0.25)
        #expect(decode.boundSecondsPerCall <= decodeWall)
        // prefill (vision included): 65,691,733 ns.
        #expect(abs(prefill.forecastKernelSecondsPerCall / 65_691_733e-9 - 1) <= 0.25)
        #expect(prefill.boundSecondsPerCall <= 65_691_733e-9)
        // vLLM on an A100-40G: ~2,500 output tokens/s (README) and 200k pages/day (paper), A4 pages of 1,000 tokens.
        let page = try PageWorkload(
            workload: try Workload(mode: .gundam, crops: try PageCropping.grid(for: try PageSize(width: 1654, height: 2339))),
            outputTokens: 1000)
        let settings = try #require(vllm.serving)
        let serving = try ContinuousServing(
            page: page, gpu: GPUCatalog.a100SXM40GB, settings: settings, evaluator: PageCostEvaluator(for: page), profile: vllm)
        #expect(serving.batch == 100)
        let tokens = try #require(serving.forecastOutputTokensPerSecond)
        let pages = try #require(serving.forecastPagesPerDay)
        #expect(abs(tokens / 2500 - 1) <= 0.25)
        #expect(abs(pages / 200_000 - 1) <= 0.25)
        #expect(serving.boundOutputTokensPerSecond >= 2500)
        #expect(serving.boundPagesPerDay >= 200_000)
    }

    @Test("held-out points are listed with their errors, and each profile names its data")
    func heldOut() throws {
        for runtime in RuntimeProfile.names {
            let profile = try RuntimeProfile.load(try ProfileFit.profilePath(root: Self.root, runtime: runtime))
            let held = profile.points.filter { !$0.fitted }
            #expect(!held.isEmpty, "\(runtime) holds no measurement out of its fit")
            #expect(profile.points.contains { $0.fitted })
            for point in profile.points {
                #expect(point.source.hasPrefix("context/measurements/"))
                #expect(point.relativeError.isFinite)
            }
            #expect(!profile.efficiencies.isEmpty)
            #expect(profile.efficiencies.values.allSatisfy { $0.compute <= 1 && $0.bandwidth <= 1 && !$0.source.isEmpty })
        }
    }

    /// A page small enough for a 1×1 grid runs the global view alone (the vendor skips the crops),
    /// so its vision forecast is below a 2×2 page's. The forecast once passed no grid for it, which
    /// a workload reads as the default 2×2, and priced both pages the same.
    @Test("a 1×1 page's vision forecast runs the global view alone, below a 2×2 page's")
    func singleViewForecast() throws {
        for runtime in RuntimeProfile.names {
            let profile = try RuntimeProfile.load(try ProfileFit.profilePath(root: Self.root, runtime: runtime))
            func visionSeconds(_ grid: CropGrid) throws -> Double {
                let page = try PageWorkload(workload: try Workload(mode: .gundam, crops: grid), outputTokens: 5)
                return try PageForecast(page: page, gpu: GPUCatalog.h200, profile: profile, profileFile: runtime,
                                        evaluator: PageCostEvaluator(for: page)).visionSeconds
            }
            #expect(try visionSeconds(try CropGrid(widthTiles: 1, heightTiles: 1)) < visionSeconds(try CropGrid(widthTiles: 2, heightTiles: 2)), "\(runtime)")
        }
    }

    @Test("a page's forecast is never below its bound, stage by stage")
    func forecastAboveBound() throws {
        let page = try PageWorkload(workload: try Workload(mode: .gundam), outputTokens: 50)
        let evaluator = PageCostEvaluator(for: page)
        let bound = try evaluator.result(page, gpu: GPUCatalog.h200)
        for runtime in RuntimeProfile.names {
            let profile = try RuntimeProfile.load(try ProfileFit.profilePath(root: Self.root, runtime: runtime))
            let forecast = try PageForecast(page: page, gpu: GPUCatalog.h200, profile: profile, profileFile: runtime, evaluator: evaluator)
            #expect(forecast.visionSeconds >= bound.stage(.vision).seconds)
            #expect(forecast.prefillSeconds >= bound.stage(.prefill).seconds)
            #expect(forecast.decodeSeconds >= bound.stage(.decode).seconds)
            #expect(abs(forecast.decodeSecondsPerStep * 50 - forecast.decodeSeconds) <= 1e-12 * forecast.decodeSeconds)
        }
    }

    @Test("continuous batching: the batch limit from weights, the largest chunk and KV per sequence")
    func servingLimit() throws {
        let page = try PageWorkload(workload: try Workload(mode: .gundam), outputTokens: 1000)
        // 24 GB at 0.9: room for only a few sequences; no sequence cap in the way.
        let settings = ServingSettings(maxSequences: 10_000, memoryUtilization: 0.9, encoderBudgetTokens: 8192, source: "test")
        let serving = try ContinuousServing(page: page, gpu: GPUCatalog.rtx4090, settings: settings, evaluator: PageCostEvaluator(for: page))
        let room = serving.usableBytes - Double(serving.weightBytes) - Double(serving.chunkActivationBytes)
        #expect(serving.batch == Int(room / Double(serving.bytesPerSequence)))
        // KV per sequence: (703 + 1000) positions · 61,440 B, plus the step's activations.
        #expect(serving.bytesPerSequence > 1703 * 61_440)
        // 8,192 / 703 image positions per page (693 image + 10 text are the prompt; the budget counts image positions).
        #expect(serving.chunkPages == 8192 / 693)
    }

    @Test("Chrome traces: kernels fall into the record_function range that holds them")
    func chromeTrace() throws {
        let trace: [String: Any] = ["traceEvents": [
            ["cat": "user_annotation", "name": "decode", "ph": "X", "ts": 100.0, "dur": 50.0],
            ["cat": "user_annotation", "name": "decode", "ph": "X", "ts": 200.0, "dur": 50.0],
            ["cat": "cuda_runtime", "name": "cudaLaunchKernel", "ph": "X", "ts": 110.0, "dur": 1.0, "args": ["correlation": 1]],
            ["cat": "cuda_runtime", "name": "cudaLaunchKernel", "ph": "X", "ts": 210.0, "dur": 1.0, "args": ["correlation": 2]],
            ["cat": "cuda_runtime", "name": "cudaLaunchKernel", "ph": "X", "ts": 300.0, "dur": 1.0, "args": ["correlation": 3]],
            ["cat": "kernel", "name": "gemvx<a, b>", "ph": "X", "ts": 1000.0, "dur": 3.5, "args": ["correlation": 1]],
            ["cat": "kernel", "name": "gemvx<a, b>", "ph": "X", "ts": 1010.0, "dur": 4.25, "args": ["correlation": 2]],
            ["cat": "kernel", "name": "other", "ph": "X", "ts": 1020.0, "dur": 1.0, "args": ["correlation": 3]],
        ]]
        let stages = try ChromeTrace.stages(trace, file: "t.json")
        let decode = try #require(stages.first { $0.name == "decode" })
        #expect(decode.calls == 2)
        #expect(decode.kernelNanoseconds == 3_500 + 4_250)
        #expect(decode.kernels.first?.kernelClass == .gemv)
        #expect(stages.first { $0.name == "trace" }?.kernelNanoseconds == 1_000)
    }

    @Test("CSV: quoted names with commas and doubled quotes; ragged rows are an error")
    func csv() throws {
        let rows = try CSV.rows("a,b\n\"x, \"\"y\"\"\",2\r\n", file: "t.csv")
        #expect(rows == [["a", "b"], ["x, \"y\"", "2"]])
        #expect(throws: ModelMeterError.self) { try CSV.records("a,b\n1\n", file: "t.csv", required: ["a"]) }
        #expect(throws: ModelMeterError.self) { try CSV.rows("\"open", file: "t.csv") }
    }
}
