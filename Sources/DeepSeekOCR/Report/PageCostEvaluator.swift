import Foundation
import ModelMeter

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
