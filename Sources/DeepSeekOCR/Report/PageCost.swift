import Foundation
import ModelMeter

/// One page job as a serving system runs it: `B` pages (the workload's batch) go through the
/// vision stack together, their prompts are prefilled together, and `N` output tokens are
/// decoded for each of them, one step per token, against a cache that grows by one position
/// per step.
///
/// ```
/// prompt positions   P = image positions + prompt text tokens
/// decode steps       L = P, P + 1, …, P + N − 1 cached positions (N steps, one per output token)
/// limit              P + N ≤ max_position_embeddings (8192)
/// ```
public struct PageWorkload: Sendable {
    /// A dense page of text: about 1,000 output tokens (a full A4 page of prose in Markdown).
    public static let defaultOutputTokens = 1000

    /// Mode, crops, batch (concurrent pages), kernel, and the prompt text (`decoder.promptTextTokens`).
    public let workload: Workload
    /// Output tokens generated per page, `N`.
    public let outputTokens: Int
    /// Positions `lm_head` runs on in prefill: the last only (serving engines such as vLLM, the
    /// default here) or every position (the Hugging Face forward).
    public let prefillLogits: LogitPositions
    public let precision: Precision

    public init(
        workload: Workload, outputTokens: Int = PageWorkload.defaultOutputTokens,
        prefillLogits: LogitPositions = .last, precision: Precision = .bf16
    ) throws {
        try ModelMeterError.requirePositive(outputTokens, "output tokens", in: "page")
        let prompt = workload.visionTokensPerPage + workload.decoder.promptTextTokens
        let limit = workload.decoder.configuration.maxPositions
        guard prompt < limit, outputTokens <= limit - prompt else {
            throw ModelMeterError.invalidShape(
                layer: "page", what: "output tokens",
                reason: "prompt \(prompt) + output \(outputTokens) positions exceed the decoder's limit of \(limit) "
                    + "(max_position_embeddings); at most \(max(0, limit - prompt)) output tokens fit after this prompt")
        }
        self.workload = workload
        self.outputTokens = outputTokens
        self.prefillLogits = prefillLogits
        self.precision = precision
    }

    /// Prompt positions per sequence, `P`: the page's image positions (newlines and separator
    /// included) plus the prompt's text tokens.
    public var promptTokens: Int { workload.visionTokensPerPage + workload.decoder.promptTextTokens }
    /// Concurrent pages, `B`.
    public var batch: Int { workload.batch }
    /// Positions each sequence holds in the cache after the last step: `P + N`.
    public var finalPositions: Int { promptTokens + outputTokens }
}

/// A forward cost that grows by a fixed amount per cached position:
/// `c(L) = c(0) + Δ·L` for tensor-core FLOPs, CUDA-core FLOPs and DRAM bytes alike.
public struct AffinePassCost: Sendable, Hashable {
    /// `c(0)`: the step cost extrapolated to an empty cache.
    public let intercept: PassCost
    /// `Δ`: what one more cached position adds to the step.
    public let slope: PassCost

    public init(intercept: PassCost, slope: PassCost) {
        self.intercept = intercept
        self.slope = slope
    }

    /// `c(L) = c(0) + Δ·L`.
    public func at(_ cached: Int) throws -> PassCost {
        try AffinePassCost.combine(intercept, 1, slope, cached)
    }

    /// `Σ_{i=0}^{n−1} c(L₀ + i) = n·c(L₀) + Δ·n(n−1)/2`: the cost of `n` steps starting at `L₀`.
    public func sum(from start: Int, steps: Int) throws -> PassCost {
        let first = try at(start)
        return try AffinePassCost.combine(first, steps, slope, AffinePassCost.triangle(steps))
    }

    /// `n(n−1)/2`: how many cached positions the steps after the first add up, together.
    public static func triangle(_ steps: Int) -> Int { steps * (steps - 1) / 2 }

    /// `a·x + b·y`, each field exact or an overflow error.
    static func combine(_ a: PassCost, _ x: Int, _ b: PassCost, _ y: Int) throws -> PassCost {
        func f(_ u: Int, _ v: Int) throws -> Int {
            try ModelMeterError.checkedSum(
                try ModelMeterError.checkedProduct(u, x, "decode sum"), try ModelMeterError.checkedProduct(v, y, "decode sum"),
                "decode sum")
        }
        return PassCost(
            tensorCoreFLOPs: try f(a.tensorCoreFLOPs, b.tensorCoreFLOPs), cudaCoreFLOPs: try f(a.cudaCoreFLOPs, b.cudaCoreFLOPs),
            ioBytes: try f(a.ioBytes, b.ioBytes))
    }

    static func difference(_ a: PassCost, _ b: PassCost) -> PassCost {
        PassCost(
            tensorCoreFLOPs: a.tensorCoreFLOPs - b.tensorCoreFLOPs, cudaCoreFLOPs: a.cudaCoreFLOPs - b.cudaCoreFLOPs,
            ioBytes: a.ioBytes - b.ioBytes)
    }
}

/// Weight bytes one call reads from DRAM, split into the routed experts (only the experts the
/// call's tokens touch, `E_t` per MoE layer) and everything else (attention, dense and shared
/// MLPs, gates, norms, embedding rows, lm_head, the vision stack).
public struct WeightReads: Sendable, Hashable {
    public var denseBytes: Int
    public var routedExpertBytes: Int
    public var totalBytes: Int { denseBytes + routedExpertBytes }

    public init(denseBytes: Int = 0, routedExpertBytes: Int = 0) {
        self.denseBytes = denseBytes
        self.routedExpertBytes = routedExpertBytes
    }

    /// The evaluated call's weight reads (`Totals.forwardWeightReads`, the same formulas the byte
    /// counts use), with the part read inside `RoutedExperts` subtrees set apart.
    public static func of(_ evaluation: EvaluatedLayer) throws -> WeightReads {
        let routed = try evaluation.sum(of: \.forwardWeightReads, in: ExactArithmetic()) { $0 is RoutedExperts }
        return WeightReads(denseBytes: evaluation.totals.forwardWeightReads - routed, routedExpertBytes: routed)
    }
}

/// One model call evaluated once: its forward cost, weight reads, weights held and activation peak.
public struct CallCost: Sendable, Hashable {
    public let forward: PassCost
    public let weightReads: WeightReads
    /// Parameters × bytes per element (loaded whether used or not).
    public let weightBytes: Int
    /// Inference activation peak of the call.
    public let activationBytes: Int

    init(forward: PassCost, weightReads: WeightReads, weightBytes: Int, activationBytes: Int) {
        self.forward = forward
        self.weightReads = weightReads
        self.weightBytes = weightBytes
        self.activationBytes = activationBytes
    }

    init(_ layer: any Layer, precision: Precision) throws {
        let evaluation = try layer.evaluate(precision: precision)
        let metrics = evaluation.metrics
        forward = metrics.forward
        weightReads = try WeightReads.of(evaluation)
        weightBytes = metrics.memory.weightBytes
        activationBytes = metrics.memory.activationBytes
    }
}

/// One decode step of `B` sequences as a function of the cached length `L`, derived from the
/// decoder's own formulas: read off the decode stage's polynomial (the one evaluator in
/// polynomial arithmetic, `L` a variable of degree at most 1 there), or, past the polynomial's
/// exact range, from the step tree evaluated at `L` = 1 and 2 and checked at
/// `L` = max_position_embeddings − 1. A cost that is not affine in `L` is an error, never extrapolated.
public struct DecodeStepCost: Sendable, Hashable {
    public let batch: Int
    /// `c(L) = c(0) + Δ·L` for the whole step (`DeepseekV2ForCausalLM`, `S` = 1).
    public let cost: AffinePassCost
    /// Weight-class reads of the step at `L` = 0 (extrapolated) and their growth per cached
    /// position: 0 except for tables read per key, such as eager attention's causal mask.
    public let weightReadsIntercept: WeightReads
    public let weightReadsSlope: WeightReads
    /// Decoder parameters × bytes per element.
    public let weightBytes: Int

    init(batch: Int, kernel: AttentionKernel, configuration: DeepseekV2Configuration, precision: Precision) throws {
        func step(_ cached: Int) throws -> DeepseekV2ForCausalLM {
            try DeepseekV2ForCausalLM(
                shape: .decode(batch: batch, context: cached), configuration: configuration, kernel: kernel, logits: .last)
        }
        let one = try CallCost(try step(1), precision: precision)
        let two = try CallCost(try step(2), precision: precision)
        let slope = AffinePassCost.difference(two.forward, one.forward)
        cost = AffinePassCost(intercept: AffinePassCost.difference(one.forward, slope), slope: slope)
        let far = configuration.maxPositions - 1
        let farStep = try CallCost(try step(far), precision: precision)
        func affine(_ w: WeightReads, _ cached: Int) -> WeightReads {
            WeightReads(
                denseBytes: w.denseBytes + (two.weightReads.denseBytes - one.weightReads.denseBytes) * cached,
                routedExpertBytes: w.routedExpertBytes + (two.weightReads.routedExpertBytes - one.weightReads.routedExpertBytes) * cached)
        }
        let readsIntercept = affine(one.weightReads, -1)
        guard try cost.at(far) == farStep.forward, affine(readsIntercept, far) == farStep.weightReads else {
            throw ModelMeterError.invalidShape(
                layer: "page", what: "decode step",
                reason: "its cost is not affine in the cached length L (checked at L = 1, 2, \(far)); the closed-form sum does not apply")
        }
        self.batch = batch
        weightReadsIntercept = readsIntercept
        weightReadsSlope = WeightReads(
            denseBytes: two.weightReads.denseBytes - one.weightReads.denseBytes,
            routedExpertBytes: two.weightReads.routedExpertBytes - one.weightReads.routedExpertBytes)
        weightBytes = one.weightBytes
    }
}

extension DecodeStepCost {
    /// The step from the decode stage's polynomial: `c(0)` and `c(1) − c(0)`; nil where the
    /// polynomial would leave the exact range.
    init?(batch: Int, polynomial: StagePolynomial) {
        guard let empty = polynomial.callCost(batch: batch, positions: 1, cached: 0),
              let one = polynomial.callCost(batch: batch, positions: 1, cached: 1) else { return nil }
        self.batch = batch
        cost = AffinePassCost(intercept: empty.forward, slope: AffinePassCost.difference(one.forward, empty.forward))
        weightReadsIntercept = empty.weightReads
        weightReadsSlope = WeightReads(
            denseBytes: one.weightReads.denseBytes - empty.weightReads.denseBytes,
            routedExpertBytes: one.weightReads.routedExpertBytes - empty.weightReads.routedExpertBytes)
        weightBytes = empty.weightBytes
    }
}

extension StagePolynomial {
    /// The stage's call cost for `batch` sequences (`positions` new, `cached` cached); nil where
    /// the polynomial would leave the exact range.
    func callCost(batch: Int, positions: Int, cached: Int) -> CallCost? {
        guard let variables = variables(batch: batch, positions: positions, cached: cached),
              let metrics = metrics(batch: batch, positions: positions, cached: cached),
              let reads = Self.exact(totals.forwardWeightReads, at: variables),
              let routed = Self.exact(routedWeightReads, at: variables)
        else { return nil }
        return CallCost(
            forward: metrics.forward, weightReads: WeightReads(denseBytes: reads - routed, routedExpertBytes: routed),
            weightBytes: metrics.memory.weightBytes, activationBytes: metrics.memory.activationBytes)
    }
}

extension DecodeStepCost {
    /// Weight-class reads of one step at `L` cached positions: `w(0) + w_Δ·L`.
    public func weightReads(at cached: Int) -> WeightReads {
        WeightReads(
            denseBytes: weightReadsIntercept.denseBytes + weightReadsSlope.denseBytes * cached,
            routedExpertBytes: weightReadsIntercept.routedExpertBytes + weightReadsSlope.routedExpertBytes * cached)
    }
}

/// Evaluates pages, keeping every model evaluation it has done: each stage evaluated once in
/// polynomial arithmetic (`StagePolynomial`: the vision stack per mode and crop grid, the
/// prefill and the decode step once, their batch, positions and cache length variables), so a
/// further page costs a few polynomial values. Where a polynomial would leave the exact 64-bit
/// range the call is evaluated directly (and kept). Not thread-safe: use one evaluator per thread.
public final class PageCostEvaluator {
    struct VisionKey: Hashable { let mode: VisionMode; let crops: CropGrid?; let model: OCRModel }
    struct BatchKey<Key: Hashable>: Hashable { let key: Key; let batch: Int }

    public let kernel: AttentionKernel
    /// SAM's and CLIP's kernels (`--sam-attention`, `--clip-attention`; `kernel` by default).
    public let samKernel: AttentionKernel
    public let clipKernel: AttentionKernel
    public let projectorType: ProjectorType
    public let configuration: DeepseekV2Configuration
    public let precision: Precision
    public let prefillLogits: LogitPositions
    /// The model whose vision stack runs (the decoder is shared).
    public let model: OCRModel
    /// Each stage evaluated once in polynomial arithmetic (vision per mode and grid; prefill and
    /// the decode step for every batch, prompt length and cache length); nil where that fails.
    private var visionPolynomials: [VisionKey: StagePolynomial?] = [:]
    private lazy var prefillPolynomial: StagePolynomial? = try? StagePolynomial(
        stage: .prefill,
        onePage: DeepseekV2ForCausalLM(
            shape: .prefill(batch: 1, tokens: 2), configuration: configuration, kernel: kernel, logits: prefillLogits),
        configuration: configuration, precision: precision)
    private lazy var decodePolynomial: StagePolynomial? = {
        guard let polynomial = try? StagePolynomial(
            stage: .decode,
            onePage: DeepseekV2ForCausalLM(
                shape: .decode(batch: 1, context: 1), configuration: configuration, kernel: kernel, logits: .last),
            configuration: configuration, precision: precision),
            polynomial.degreeInCachedLength <= 1 else { return nil }
        return polynomial
    }()
    private let views = EvaluationCache<PolynomialArithmetic>()
    private var visionDirect: [BatchKey<VisionKey>: CallCost] = [:]
    private var prefillDirect: [BatchKey<Int>: CallCost] = [:]
    /// Decode-step activation peak of one sequence at `L` = prompt (activations scale with `B`: checked).
    private var stepActivationPerSequence: [Int: Int] = [:]
    private var decode: [Int: DecodeStepCost] = [:]

    public init(
        kernel: AttentionKernel = .sdpa, projectorType: ProjectorType = .linear,
        configuration: DeepseekV2Configuration = .deepSeekOCR, precision: Precision = .bf16,
        prefillLogits: LogitPositions = .last, samKernel: AttentionKernel? = nil, clipKernel: AttentionKernel? = nil,
        model: OCRModel = .deepseekOCR
    ) {
        self.model = model
        self.kernel = kernel
        self.samKernel = samKernel ?? kernel
        self.clipKernel = clipKernel ?? kernel
        self.projectorType = projectorType
        self.configuration = configuration
        self.precision = precision
        self.prefillLogits = prefillLogits
    }

    /// The evaluator matching a page's kernel, projector, decoder, precision and prefill head.
    public convenience init(for page: PageWorkload) {
        self.init(
            kernel: page.workload.kernel, projectorType: page.workload.projectorType,
            configuration: page.workload.decoder.configuration, precision: page.precision,
            prefillLogits: page.prefillLogits, samKernel: page.workload.samKernel, clipKernel: page.workload.clipKernel,
            model: page.workload.model)
    }

    private func visionCall(mode: VisionMode, crops: CropGrid?, batch: Int) throws -> CallCost {
        let workload = try Workload(
            mode: mode, crops: crops, batch: batch, kernel: kernel, projectorType: projectorType,
            samKernel: samKernel, clipKernel: clipKernel).running(model)
        return try CallCost(try workload.visionModel(), precision: precision)
    }

    private func prefillCall(batch: Int, tokens: Int) throws -> CallCost {
        let model = try DeepseekV2ForCausalLM(
            shape: .prefill(batch: batch, tokens: tokens), configuration: configuration, kernel: kernel, logits: prefillLogits)
        return try CallCost(model, precision: precision)
    }

    /// The vision stack (every view + projector) of `batch` pages; `crops` is the workload's own
    /// grid (1×1 when the page is small enough to skip crops: only the global view runs).
    public func visionCost(mode: VisionMode, crops: CropGrid?, batch: Int) throws -> CallCost {
        let key = VisionKey(mode: mode, crops: crops, model: model)
        if visionPolynomials[key] == nil {
            let onePage = try Workload(
                mode: mode, crops: crops, batch: 1, kernel: kernel, projectorType: projectorType,
                samKernel: samKernel, clipKernel: clipKernel).running(model).visionModel()
            visionPolynomials[key] = .some(try? StagePolynomial(
                stage: .vision, onePage: onePage, configuration: configuration, precision: precision, cache: views))
        }
        if let polynomial = visionPolynomials[key] ?? nil, let cost = polynomial.callCost(batch: batch, positions: 0, cached: 0) {
            return cost
        }
        if let cached = visionDirect[BatchKey(key: key, batch: batch)] { return cached }
        let cost = try visionCall(mode: mode, crops: crops, batch: batch)
        visionDirect[BatchKey(key: key, batch: batch)] = cost
        return cost
    }

    /// The prefill of `tokens` prompt positions for `batch` sequences.
    public func prefillCost(batch: Int, tokens: Int) throws -> CallCost {
        if let cost = prefillPolynomial?.callCost(batch: batch, positions: tokens, cached: 0) { return cost }
        if let cached = prefillDirect[BatchKey(key: tokens, batch: batch)] { return cached }
        let cost = try prefillCall(batch: batch, tokens: tokens)
        prefillDirect[BatchKey(key: tokens, batch: batch)] = cost
        return cost
    }

    /// The decode step of `batch` sequences, affine in the cached length.
    public func decodeStep(batch: Int) throws -> DecodeStepCost {
        if let cached = decode[batch] { return cached }
        let step = try decodePolynomial.flatMap { DecodeStepCost(batch: batch, polynomial: $0) }
            ?? DecodeStepCost(batch: batch, kernel: kernel, configuration: configuration, precision: precision)
        decode[batch] = step
        return step
    }

    /// The activation peak of the first decode step (cache `L₀` = prompt): `B ×` the peak of one
    /// sequence. The step is evaluated directly at `B` = 1 and 2 there; both must equal the
    /// affine-in-`L` form (a further affinity check) and the peak must double with the batch.
    func firstStepActivationBytes(batch: Int, prompt: Int) throws -> Int {
        if let perSequence = stepActivationPerSequence[prompt] {
            return try ModelMeterError.checkedProduct(perSequence, batch, "decode activations")
        }
        var peaks: [Int] = []
        for b in [1, 2] {
            let metrics = try decodePolynomial?.metrics(batch: b, positions: 1, cached: prompt)
                ?? DeepseekV2ForCausalLM(
                    shape: .decode(batch: b, context: prompt), configuration: configuration, kernel: kernel, logits: .last
                ).metrics(precision: precision)
            guard try decodeStep(batch: b).cost.at(prompt) == metrics.forward else {
                throw ModelMeterError.invalidShape(
                    layer: "page", what: "decode step", reason: "its cost at L = \(prompt) differs from the affine form")
            }
            peaks.append(metrics.memory.activationBytes)
        }
        guard peaks[1] == 2 * peaks[0] else {
            throw ModelMeterError.invalidShape(
                layer: "page", what: "decode step", reason: "its activation peak does not scale with the batch")
        }
        stepActivationPerSequence[prompt] = peaks[0]
        return try ModelMeterError.checkedProduct(peaks[0], batch, "decode activations")
    }

    /// Every GPU-independent number of a page job.
    public func cost(_ page: PageWorkload) throws -> PageCost {
        let w = page.workload
        let batch = w.batch
        let visionCall = try visionCost(mode: w.mode, crops: w.crops, batch: batch)
        let prefillCall = try prefillCost(batch: batch, tokens: page.promptTokens)
        let step = try decodeStep(batch: batch)
        let decodeActivation = try firstStepActivationBytes(batch: batch, prompt: page.promptTokens)
        return try PageCost(
            page: page, vision: visionCall, prefill: prefillCall, decodeStep: step,
            decodeActivationBytes: decodeActivation, kvBytesPerToken: configuration.kvCacheElementsPerToken * precision.bytesPerElement)
    }

    /// Peak memory of a page job (as ``PageCost/peakMemoryBytes``) without pricing its decode
    /// steps: what the search for the largest batch needs.
    public func peakMemoryBytes(_ page: PageWorkload) throws -> Int {
        let w = page.workload
        let batch = w.batch
        let visionCall = try visionCost(mode: w.mode, crops: w.crops, batch: batch)
        let prefillCall = try prefillCost(batch: batch, tokens: page.promptTokens)
        let perToken = configuration.kvCacheElementsPerToken * precision.bytesPerElement
        func cache(_ positions: Int) throws -> Int {
            try ModelMeterError.checkedProduct(try ModelMeterError.checkedProduct(batch, positions, "KV cache"), perToken, "KV cache")
        }
        let memory = PageCost.stageMemory(
            weights: visionCall.weightBytes + (try decodeStep(batch: 1).weightBytes), visionActivations: visionCall.activationBytes,
            prefillActivations: prefillCall.activationBytes,
            decodeActivations: try firstStepActivationBytes(batch: batch, prompt: page.promptTokens),
            promptCache: try cache(page.promptTokens), finalCache: try cache(page.finalPositions))
        return memory.values.max() ?? 0
    }

    /// The page's cost placed on `gpu`.
    public func result(_ page: PageWorkload, gpu: GPUSpec) throws -> PageResult {
        try PageResult(cost: try cost(page), gpu: gpu)
    }
}

/// GPU-independent numbers of a page job (all `B` pages together).
public struct PageCost: Sendable {
    public let page: PageWorkload
    public let vision: CallCost
    public let prefill: CallCost
    public let decodeStep: DecodeStepCost
    /// `Σ_{i=0}^{N−1} c(P + i) = N·c(P) + Δ·N(N−1)/2` over the whole batch.
    public let decode: PassCost
    /// The first decode step's cost `c(P)`.
    public let firstStep: PassCost
    /// Bytes that grow with the cache over all decode steps (the K/V reads, and eager's scores):
    /// `(Δ_bytes − Δ_weight reads)·Σ L`, `Σ L = N·P + N(N−1)/2`.
    public let decodeCacheReadBytes: Int
    /// K/V bytes per cached position of one sequence: `2·layers·kv_heads·head_dim·bytes` (61,440 in bf16).
    public let kvBytesPerToken: Int
    /// K/V cache of the batch at the end: `B·(P + N)·kvBytesPerToken`.
    public let kvCacheBytes: Int
    /// K/V cache of the batch after prefill: `B·P·kvBytesPerToken`.
    public let promptKVCacheBytes: Int
    /// Vision and decoder parameters × bytes per element.
    public let weightBytes: Int
    public let decodeActivationBytes: Int

    init(
        page: PageWorkload, vision: CallCost, prefill: CallCost, decodeStep: DecodeStepCost, decodeActivationBytes: Int,
        kvBytesPerToken: Int
    ) throws {
        self.page = page
        self.vision = vision
        self.prefill = prefill
        self.decodeStep = decodeStep
        self.decodeActivationBytes = decodeActivationBytes
        self.kvBytesPerToken = kvBytesPerToken
        let n = page.outputTokens, start = page.promptTokens
        firstStep = try decodeStep.cost.at(start)
        decode = try decodeStep.cost.sum(from: start, steps: n)
        // Σ L over the steps: N·P + N(N−1)/2.
        let cachedPositions = try ModelMeterError.checkedSum(
            try ModelMeterError.checkedProduct(n, start, "Σ L"), AffinePassCost.triangle(n), "Σ L")
        // Weight-class reads that grow with L (eager's mask) are counted with the weights, not here.
        decodeCacheReadBytes = try ModelMeterError.checkedProduct(
            decodeStep.cost.slope.ioBytes - decodeStep.weightReadsSlope.totalBytes, cachedPositions, "cache reads")
        let batch = page.batch
        kvCacheBytes = try ModelMeterError.checkedProduct(
            try ModelMeterError.checkedProduct(batch, page.finalPositions, "KV cache"), kvBytesPerToken, "KV cache")
        promptKVCacheBytes = try ModelMeterError.checkedProduct(
            try ModelMeterError.checkedProduct(batch, start, "KV cache"), kvBytesPerToken, "KV cache")
        weightBytes = try ModelMeterError.checkedSum(vision.weightBytes, decodeStep.weightBytes, "weights")
    }

    /// Weight reads of the first decode step, `w(P)`.
    public var firstStepWeightReads: WeightReads { decodeStep.weightReads(at: page.promptTokens) }

    /// Weight reads over all decode steps: `N·w(P) + w_Δ·N(N−1)/2` (`w_Δ` = 0 unless a table is read per key).
    public var decodeWeightReads: WeightReads {
        let first = firstStepWeightReads, slope = decodeStep.weightReadsSlope
        let n = page.outputTokens, triangle = AffinePassCost.triangle(n)
        return WeightReads(
            denseBytes: first.denseBytes * n + slope.denseBytes * triangle,
            routedExpertBytes: first.routedExpertBytes * n + slope.routedExpertBytes * triangle)
    }

    /// Memory in use during each stage (the stages run one after another):
    /// vision `W + A_vision`, prefill `W + A_prefill + KV(P)`, decode `W + A_step + KV(P + N)`.
    public var stageMemoryBytes: [ModelStage: Int] {
        Self.stageMemory(
            weights: weightBytes, visionActivations: vision.activationBytes, prefillActivations: prefill.activationBytes,
            decodeActivations: decodeActivationBytes, promptCache: promptKVCacheBytes, finalCache: kvCacheBytes)
    }

    /// vision `W + A_vision`, prefill `W + A_prefill + KV(P)`, decode `W + A_step + KV(P + N)`.
    static func stageMemory(
        weights: Int, visionActivations: Int, prefillActivations: Int, decodeActivations: Int, promptCache: Int, finalCache: Int
    ) -> [ModelStage: Int] {
        [
            .vision: weights + visionActivations,
            .prefill: weights + prefillActivations + promptCache,
            .decode: weights + decodeActivations + finalCache,
        ]
    }

    /// Peak memory: the largest of the stages' `weights + activations + KV cache`.
    public var peakMemoryBytes: Int { stageMemoryBytes.values.max() ?? 0 }
}

/// How one stage's time is bounded.
public struct PageStageResult: Sendable {
    public let stage: ModelStage
    /// Model calls in the stage: 1 for vision and prefill, N decode steps.
    public let calls: Int
    public let cost: PassCost
    public let weightReads: WeightReads
    /// Decode: the bytes that grow with the cache (K/V reads); 0 for vision and prefill.
    public let cacheReadBytes: Int
    /// Roofline lower bound of the stage: one roofline per call, summed over calls.
    public let seconds: Double
    /// The bound of the stage's call; for decode, the bound of the majority of steps.
    public let boundBy: RooflineBound
    /// Decode: steps limited by memory bandwidth (the rest by compute).
    public let memoryBoundCalls: Int

    /// Bytes neither weights nor cache reads: activations read and written.
    public var activationBytes: Int { cost.ioBytes - weightReads.totalBytes - cacheReadBytes }
}

/// A page job on one GPU: per-stage time lower bounds and what they imply per page and per day.
///
/// ```
/// time of a call      max(TC FLOPs / TC peak + CUDA FLOPs / CUDA peak, bytes / bandwidth)
/// decode              Σ_{i=0}^{N−1} max(C(P + i), M(P + i)): C and M are affine in the step, so
///                     the steps split at one crossing into a memory-bound and a compute-bound run,
///                     each an arithmetic series
/// T                   vision + prefill + decode       (all B pages)
/// seconds per page    T / B       pages per day  86,400·B / T       output tokens/s  B·N / T
/// ```
public struct PageResult: Sendable {
    public let cost: PageCost
    public let gpu: GPUSpec
    public let stages: [PageStageResult]

    public init(cost: PageCost, gpu: GPUSpec) throws {
        self.cost = cost
        self.gpu = gpu
        let precision = cost.page.precision
        let vision = try RooflinePoint(cost: cost.vision.forward, gpu: gpu, precision: precision)
        let prefill = try RooflinePoint(cost: cost.prefill.forward, gpu: gpu, precision: precision)
        let decode = try DecodeTime(cost: cost, gpu: gpu)
        stages = [
            PageStageResult(
                stage: .vision, calls: 1, cost: cost.vision.forward, weightReads: cost.vision.weightReads, cacheReadBytes: 0,
                seconds: vision.timeLowerBoundSeconds, boundBy: vision.bound, memoryBoundCalls: vision.bound == .memory ? 1 : 0),
            PageStageResult(
                stage: .prefill, calls: 1, cost: cost.prefill.forward, weightReads: cost.prefill.weightReads, cacheReadBytes: 0,
                seconds: prefill.timeLowerBoundSeconds, boundBy: prefill.bound, memoryBoundCalls: prefill.bound == .memory ? 1 : 0),
            PageStageResult(
                stage: .decode, calls: cost.page.outputTokens, cost: cost.decode, weightReads: cost.decodeWeightReads,
                cacheReadBytes: cost.decodeCacheReadBytes, seconds: decode.seconds, boundBy: decode.boundBy,
                memoryBoundCalls: decode.memoryBoundSteps),
        ]
    }

    public var page: PageWorkload { cost.page }
    public func stage(_ stage: ModelStage) -> PageStageResult { stages.first { $0.stage == stage }! }

    /// Time lower bound of the whole batch: the sum of the stages, `T`.
    public var batchSeconds: Double { stages.reduce(0) { $0 + $1.seconds } }
    /// `T / B`: GPU time per page.
    public var secondsPerPage: Double { batchSeconds / Double(page.batch) }
    /// `86,400·B / T`.
    public var pagesPerDay: Double { 86_400 / secondsPerPage }
    /// `B·N / T`: output tokens per second over the whole job.
    public var outputTokensPerSecond: Double { Double(page.batch * page.outputTokens) / batchSeconds }
    /// `B·N / T_decode`: output tokens per second while decoding only.
    public var decodeTokensPerSecond: Double { Double(page.batch * page.outputTokens) / stage(.decode).seconds }
    public var peakMemoryBytes: Int { cost.peakMemoryBytes }
    /// GPU memory in bytes: `memoryGB·10⁹`.
    public var memoryCapacityBytes: Double { gpu.memoryGB * 1e9 }
    public var fitsInMemory: Bool { Double(peakMemoryBytes) <= memoryCapacityBytes }
    /// The sum of the three stages' forward costs.
    public var totalCost: PassCost {
        stages.reduce(PassCost()) {
            PassCost(
                tensorCoreFLOPs: $0.tensorCoreFLOPs + $1.cost.tensorCoreFLOPs, cudaCoreFLOPs: $0.cudaCoreFLOPs + $1.cost.cudaCoreFLOPs,
                ioBytes: $0.ioBytes + $1.cost.ioBytes)
        }
    }
}

/// The decode stage's time: `Σ_{i=0}^{N−1} max(C(L₀ + i), M(L₀ + i))` in closed form.
///
/// ```
/// C(L) = C₀ + C_Δ·L   compute seconds of a step (tensor core + CUDA core)
/// M(L) = M₀ + M_Δ·L   memory seconds of a step
/// D(i) = C(L₀ + i) − M(L₀ + i) is affine in i, so {i : D(i) > 0} is a prefix or a suffix of 0…N−1
/// Σ over a run a…b−1 of x₀ + x_Δ·L = (b − a)·x(L₀ + a) + x_Δ·(b − a)(b − a − 1)/2
/// ```
public struct DecodeTime: Sendable {
    public let seconds: Double
    public let memoryBoundSteps: Int
    public let computeBoundSteps: Int
    public let boundBy: RooflineBound
    /// Compute and memory seconds of the first step and their growth per cached position.
    public let computeSeconds: (first: Double, slope: Double)
    public let memorySeconds: (first: Double, slope: Double)

    public init(cost: PageCost, gpu: GPUSpec) throws {
        let precision = cost.page.precision
        let tensorPeak = try gpu.tensorCorePeak(for: precision).teraFLOPS * 1e12
        let cudaPeak = gpu.cudaCorePeak.teraFLOPS * 1e12
        let bandwidth = gpu.memoryBandwidthGBps * 1e9
        func compute(_ c: PassCost) -> Double { Double(c.tensorCoreFLOPs) / tensorPeak + Double(c.cudaCoreFLOPs) / cudaPeak }
        func memory(_ c: PassCost) -> Double { Double(c.ioBytes) / bandwidth }
        let first = cost.firstStep, slope = cost.decodeStep.cost.slope
        computeSeconds = (compute(first), compute(slope))
        memorySeconds = (memory(first), memory(slope))
        let n = cost.page.outputTokens
        let (c0, cs, m0, ms) = (computeSeconds.first, computeSeconds.slope, memorySeconds.first, memorySeconds.slope)
        func computeBound(_ i: Int) -> Bool { c0 + cs * Double(i) > m0 + ms * Double(i) }
        // D(i) = d0 + ds·i; find the run of compute-bound steps.
        let (d0, ds) = (c0 - m0, cs - ms)
        var computeRun: Range<Int>
        if ds == 0 {
            computeRun = d0 > 0 ? 0..<n : 0..<0
        } else {
            let crossing = -d0 / ds
            if ds > 0 {
                var start = crossing.isFinite ? Int(max(0, min(Double(n), crossing.rounded(.down) + 1))) : n
                while start > 0 && computeBound(start - 1) { start -= 1 }
                while start < n && !computeBound(start) { start += 1 }
                computeRun = start..<n
            } else {
                var end = crossing.isFinite ? Int(max(0, min(Double(n), crossing.rounded(.up)))) : 0
                while end < n && computeBound(end) { end += 1 }
                while end > 0 && !computeBound(end - 1) { end -= 1 }
                computeRun = 0..<end
            }
        }
        /// Σ_{i=a}^{b−1} (x₀ + x_Δ·i).
        func series(_ x0: Double, _ xs: Double, _ run: Range<Int>) -> Double {
            let count = Double(run.count)
            guard run.count > 0 else { return 0 }
            return count * x0 + xs * (Double(run.lowerBound) + Double(run.upperBound - 1)) * count / 2
        }
        let memoryRuns: [Range<Int>] = computeRun.isEmpty ? [0..<n] : [0..<computeRun.lowerBound, computeRun.upperBound..<n]
        seconds = series(c0, cs, computeRun) + memoryRuns.reduce(0) { $0 + series(m0, ms, $1) }
        computeBoundSteps = computeRun.count
        memoryBoundSteps = n - computeRun.count
        if memoryBoundSteps >= computeBoundSteps {
            boundBy = .memory
        } else {
            // The middle compute-bound step decides between tensor-core and CUDA-core compute.
            let middle = computeRun.lowerBound + computeRun.count / 2
            boundBy = try RooflinePoint(cost: try cost.decodeStep.cost.at(cost.page.promptTokens + middle), gpu: gpu, precision: precision).bound
        }
    }
}
