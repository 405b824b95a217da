import Foundation
import Testing
import ModelMeter
@testable import DeepSeekOCR

/// What a page costs end to end, against values derived by hand or by evaluating the layers
/// directly (never the closed form checking itself).
@Suite("Page cost")
struct PageCostTests {
    /// An A4 scan: gundam 2×3. Image positions 16·17 + 1 (global) + (3·10)·(2·10 + 1) (local) =
    /// 273 + 630 = 903; with the 10 prompt text tokens P = 913.
    static func a4(batch: Int = 1, outputTokens: Int = 1000, precision: Precision = .bf16) throws -> PageWorkload {
        let workload = try Workload(
            mode: .gundam, crops: try CropGrid(widthTiles: 2, heightTiles: 3), batch: batch, page: try PageSize(parsing: "1654x2339"))
        return try PageWorkload(workload: workload, outputTokens: outputTokens, precision: precision)
    }

    static func step(batch: Int, cached: Int) throws -> PassCost {
        try DeepseekV2ForCausalLM(shape: .decode(batch: batch, context: cached), logits: .last).metrics().forward
    }

    @Test("A4 page: P = 903 image + 10 text = 913 positions")
    func promptTokens() throws {
        let page = try Self.a4()
        #expect(page.workload.visionTokensPerPage == 903)
        #expect(page.promptTokens == 913)
        #expect(page.finalPositions == 1913)
    }

    @Test("the decode integral equals the sum of the steps evaluated one by one (N = 3, B = 1 and 2)")
    func decodeIntegralByHand() throws {
        for batch in [1, 2] {
            let page = try Self.a4(batch: batch, outputTokens: 3)
            let cost = try PageCostEvaluator(for: page).cost(page)
            // Three decode steps against 913, 914 and 915 cached positions, each evaluated directly.
            let steps = try [913, 914, 915].map { try Self.step(batch: batch, cached: $0) }
            #expect(cost.decode.tensorCoreFLOPs == steps.reduce(0) { $0 + $1.tensorCoreFLOPs })
            #expect(cost.decode.cudaCoreFLOPs == steps.reduce(0) { $0 + $1.cudaCoreFLOPs })
            #expect(cost.decode.ioBytes == steps.reduce(0) { $0 + $1.ioBytes })
            // One more cached position per sequence adds, per layer, QKᵀ and PV (2·2·h·d = 4·1280
            // FLOPs) and the K and V reads (2·1280 elements · 2 B), over 12 layers:
            // 4·1280·12 = 61,440 FLOPs and 2·1280·2·12 = 61,440 B per sequence.
            #expect(steps[1].tensorCoreFLOPs - steps[0].tensorCoreFLOPs == batch * 61_440)
            #expect(steps[2].ioBytes - steps[1].ioBytes == batch * 61_440)
            #expect(cost.decodeStep.cost.slope.tensorCoreFLOPs == batch * 61_440)
            #expect(cost.decodeStep.cost.slope.ioBytes == batch * 61_440)
        }
    }

    @Test("eager attention: the causal mask is read per key, and the closed form still equals the steps summed (N = 3)")
    func eagerDecode() throws {
        var workload = try Workload(mode: .base, kernel: .eager)
        workload.decoder.promptTextTokens = 10
        let page = try PageWorkload(workload: workload, outputTokens: 3)
        // Base: 16·17 + 1 = 273 image positions + 10 = 283.
        #expect(page.promptTokens == 283)
        let cost = try PageCostEvaluator(for: page).cost(page)
        let steps = try [283, 284, 285].map {
            try DeepseekV2ForCausalLM(shape: .decode(batch: 1, context: $0), kernel: .eager, logits: .last).metrics().forward
        }
        #expect(cost.decode.ioBytes == steps.reduce(0) { $0 + $1.ioBytes })
        #expect(cost.decode.cudaCoreFLOPs == steps.reduce(0) { $0 + $1.cudaCoreFLOPs })
        // Each layer adds a [B, 1, 1, L + 1] mask: one more key is 12 layers · 1 element · 2 B = 24 B.
        #expect(cost.decodeStep.weightReadsSlope.denseBytes == 24)
        // The fused kernel builds the mask on chip: nothing grows.
        let fused = try PageCostEvaluator().decodeStep(batch: 1)
        #expect(fused.weightReadsSlope == WeightReads())
    }

    @Test("the closed form equals N·(first step + last step)/2 on the longest page (7,279 steps, cache full at 8,192)")
    func decodeIntegralLong() throws {
        // P + N = 913 + 7279 = 8192: the longest page the model allows.
        let page = try Self.a4(outputTokens: 7279)
        let cost = try PageCostEvaluator(for: page).cost(page)
        let last = try Self.step(batch: 1, cached: 8191)
        let first = try Self.step(batch: 1, cached: 913)
        // An arithmetic series: N·(first + last)/2.
        #expect(cost.decode.ioBytes * 2 == 7279 * (first.ioBytes + last.ioBytes))
        #expect(cost.decode.tensorCoreFLOPs * 2 == 7279 * (first.tensorCoreFLOPs + last.tensorCoreFLOPs))
        #expect(cost.kvCacheBytes == 8192 * 61_440)
    }

    @Test("the whole page is the sum of its stages", arguments: ["rtx5090", "h100-sxm", "a100-40gb", "h200"])
    func totalIsSumOfStages(gpuName: String) throws {
        let gpu = try GPUCatalog.named(gpuName)
        let page = try Self.a4(batch: 4)
        let result = try PageCostEvaluator(for: page).result(page, gpu: gpu)
        let cost = result.cost
        #expect(result.totalCost.tensorCoreFLOPs == cost.vision.forward.tensorCoreFLOPs + cost.prefill.forward.tensorCoreFLOPs + cost.decode.tensorCoreFLOPs)
        #expect(result.totalCost.ioBytes == cost.vision.forward.ioBytes + cost.prefill.forward.ioBytes + cost.decode.ioBytes)
        let seconds = result.stages.map(\.seconds)
        #expect(seconds.count == 3)
        #expect(abs(result.batchSeconds - seconds.reduce(0, +)) <= 1e-15)
        #expect(abs(result.secondsPerPage - result.batchSeconds / 4) <= 1e-15)
        #expect(abs(result.pagesPerDay - 86_400 * 4 / result.batchSeconds) <= 1e-6)
        #expect(abs(result.outputTokensPerSecond - 4 * 1000 / result.batchSeconds) <= 1e-9)
        // Vision and prefill are the same calls the report evaluates.
        let report = try ModelReport(workload: page.workload, gpu: gpu, stages: [.vision])
        #expect(cost.vision.forward == report.totals.forward)
    }

    @Test("doubling the batch halves the per-page share of the dense weights a decode step reads")
    func denseWeightsPerPage() throws {
        // Read once per step for the whole batch (elements): q, k, v, o 4·1280² ·12 = 78,643,200;
        // rotary inv_freq 64·12 = 768; 25 RMSNorm weights ·1280 = 32,000; layer 0's MLP
        // 3·1280·6848 = 26,296,320; 11 gates 64·1280·11 = 901,120; 11 shared experts
        // 3·1280·1792·11 = 75,694,080; lm_head 1280·129,280 = 165,478,400.
        let shared = 78_643_200 + 768 + 32_000 + 26_296_320 + 901_120 + 75_694_080 + 165_478_400
        // Read per sequence: its embedding row (1280) and RoPE cos/sin (2·128 per layer · 12 = 3072).
        let perSequence = 1280 + 3072
        let evaluator = PageCostEvaluator()
        for batch in [1, 2, 4, 8] {
            #expect(try evaluator.decodeStep(batch: batch).weightReads(at: 913).denseBytes == 2 * (shared + batch * perSequence))
        }
        let one = try evaluator.decodeStep(batch: 1).weightReads(at: 913).denseBytes
        let two = try evaluator.decodeStep(batch: 2).weightReads(at: 913).denseBytes
        // Per page: shared/B + per sequence; from B = 1 to 2 the shared part halves.
        #expect(one - 2 * perSequence == 2 * (two / 2 - 2 * perSequence))
        // Routed experts: B = 1 touches k = 6 experts per MoE layer; B = 2 touches
        // 64·(1 − (58/64)²) = 11.44 → 11 (expected under uniform routing), each 3·1280·896.
        #expect(try evaluator.decodeStep(batch: 1).weightReads(at: 913).routedExpertBytes == 2 * 11 * 6 * 3 * 1280 * 896)
        #expect(try evaluator.decodeStep(batch: 2).weightReads(at: 913).routedExpertBytes == 2 * 11 * 11 * 3 * 1280 * 896)
    }

    @Test("KV cache at the end: B·(P + N)·61,440 B in bf16, twice that in fp32")
    func kvCacheAtEnd() throws {
        for (batch, tokens) in [(1, 1000), (3, 250), (16, 4000)] {
            let page = try Self.a4(batch: batch, outputTokens: tokens)
            let cost = try PageCostEvaluator(for: page).cost(page)
            #expect(cost.kvCacheBytes == batch * (913 + tokens) * 61_440)
            #expect(cost.promptKVCacheBytes == batch * 913 * 61_440)
            // Step i reads K and V of the 913 + i cached positions: 61,440 B each, summed over the steps.
            let cachedPositions = (0..<tokens).reduce(0) { $0 + 913 + $1 }
            #expect(cost.decodeCacheReadBytes == batch * 61_440 * cachedPositions)
        }
        let fp32 = try Self.a4(precision: .fp32)
        #expect(try PageCostEvaluator(for: fp32).cost(fp32).kvCacheBytes == 1913 * 122_880)
    }

    @Test("A4 scan on the RTX 5090, H100 SXM and A100 40GB: decode is memory-bound, its time bytes over bandwidth")
    func a4OnThreeGPUs() throws {
        let page = try Self.a4()
        let evaluator = PageCostEvaluator(for: page)
        var decodeSeconds: [String: Double] = [:]
        for (name, bandwidth, memoryGB) in [("rtx5090", 1792e9, 32.0), ("h100-sxm", 3350e9, 80.0), ("a100-40gb", 1555e9, 40.0)] {
            let result = try evaluator.result(page, gpu: try GPUCatalog.named(name))
            let decode = result.stage(.decode)
            #expect(decode.boundBy == .memory)
            #expect(decode.memoryBoundCalls == 1000)
            // Every step memory-bound: Σ bytes(L)/BW = (all decode bytes)/BW.
            #expect(abs(decode.seconds - Double(result.cost.decode.ioBytes) / bandwidth) <= 1e-12)
            // Each step reads at least the dense weights and 6 experts per MoE layer (B = 1):
            // 2·(shared + per sequence) + 2·11·6·3·1280·896 bytes, so N steps take at least that over BW.
            let weightsPerStep = 2.0 * (347_045_888 + 4352) + 2.0 * 11 * 6 * 3 * 1280 * 896
            #expect(decode.seconds > 1000 * weightsPerStep / bandwidth)
            #expect(Double(result.peakMemoryBytes) < memoryGB * 1e9)
            decodeSeconds[name] = decode.seconds
        }
        // Same bytes on every GPU: decode times scale as the inverse bandwidths (datasheets).
        let ratio = try #require(decodeSeconds["a100-40gb"]) / (try #require(decodeSeconds["h100-sxm"]))
        #expect(abs(ratio - 3350.0 / 1555.0) < 1e-9)
    }

    @Test("the decode time's closed form equals the per-step maxima summed, across a roof crossing")
    func decodeTimeAcrossCrossing() throws {
        let page = try Self.a4(batch: 64, outputTokens: 2000)
        let cost = try PageCostEvaluator(for: page).cost(page)
        let tensorTFLOPS = 100.0
        // Bandwidth at which compute and memory time tie halfway between steps 1000 and 1001 (both
        // are affine in L): a crossing inside the run that falls on no step.
        let (a, b) = (try cost.decodeStep.cost.at(913 + 1000), try cost.decodeStep.cost.at(913 + 1001))
        let computeSeconds = Double(a.tensorCoreFLOPs + b.tensorCoreFLOPs) / 2 / (tensorTFLOPS * 1e12)
            + Double(a.cudaCoreFLOPs + b.cudaCoreFLOPs) / 2 / 50e12
        let bandwidth = Double(a.ioBytes + b.ioBytes) / 2 / computeSeconds
        let gpu = GPUSpec(
            id: "test", name: "test GPU", architecture: "test",
            tensorCorePeaks: ["bf16": PeakThroughput(tensorTFLOPS, precision: "BF16", accumulate: "FP32")],
            cudaCorePeak: PeakThroughput(50, precision: "FP32", accumulate: "FP32"),
            memoryBandwidthGBps: bandwidth / 1e9, memoryGB: 1000, source: "test")
        var brute = 0.0
        var memoryBound = 0
        for i in 0..<2000 {
            let point = try RooflinePoint(cost: try cost.decodeStep.cost.at(913 + i), gpu: gpu, precision: .bf16)
            brute += point.timeLowerBoundSeconds
            if point.bound == .memory { memoryBound += 1 }
        }
        let time = try DecodeTime(cost: cost, gpu: gpu)
        #expect(memoryBound > 0 && memoryBound < 2000)
        #expect(time.memoryBoundSteps == memoryBound)
        #expect(abs(time.seconds - brute) <= 1e-9 * brute)
    }

    @Test("bad values: no output tokens, past the 8,192-position limit")
    func badValues() throws {
        #expect(throws: ModelMeterError.invalidShape(layer: "page", what: "output tokens", reason: "0 is not positive")) {
            try Self.a4(outputTokens: 0)
        }
        #expect(throws: ModelMeterError.self) { try Self.a4(outputTokens: -5) }
        // 913 + 7279 = 8192 fits; one more does not.
        #expect(try Self.a4(outputTokens: 7279).finalPositions == 8192)
        #expect(throws: ModelMeterError.self) { try Self.a4(outputTokens: 7280) }
    }

    @Test("the largest batch fits and one more does not (A100 40GB)")
    func largestBatch() throws {
        let page = try Self.a4()
        let evaluator = PageCostEvaluator(for: page)
        let gpu = GPUCatalog.a100SXM40GB
        let largest = try ServingAnalysis.largestBatch(page: page, gpu: gpu, evaluator: evaluator)
        #expect(largest > 1)
        #expect(try evaluator.result(try page.withBatch(largest), gpu: gpu).fitsInMemory)
        let over = try evaluator.result(try page.withBatch(largest + 1), gpu: gpu)
        #expect(!over.fitsInMemory)
        // The search's shortcut gives the same peak as the full cost.
        #expect(try evaluator.peakMemoryBytes(try page.withBatch(largest + 1)) == over.peakMemoryBytes)
        #expect(throws: ModelMeterError.self) { try PageReport.requireFits(over) }
        // Peak memory is at least the weights (2·(2,934,734,080 decoder parameters)) plus the cache at the end.
        #expect(over.peakMemoryBytes >= 2 * 2_934_734_080 + (largest + 1) * 1913 * 61_440)
    }

    @Test("cached batch-affine forms give the same numbers as evaluating the models directly")
    func cachedFormsMatchDirect() throws {
        let evaluator = PageCostEvaluator()
        for batch in [3, 7, 50] {
            let page = try Self.a4(batch: batch)
            let cost = try evaluator.cost(page)
            let vision = try DeepSeekOCRVision(workload: page.workload).metrics()
            #expect(cost.vision.forward == vision.forward)
            #expect(cost.vision.activationBytes == vision.memory.activationBytes)
            let prefill = try DeepseekV2ForCausalLM(shape: .prefill(batch: batch, tokens: 913), logits: .last).metrics()
            #expect(cost.prefill.forward == prefill.forward)
            #expect(cost.prefill.activationBytes == prefill.memory.activationBytes)
        }
    }
}
