import ModelMeter

/// What part of the model a module is, for splitting a page's time: the vision stack as one
/// class, the decoder's modules by role.
public enum ModuleClass: String, CaseIterable, Sendable {
    case vision = "vision encoders and projector"
    case attention = "attention"
    case routedExperts = "MoE routed experts"
    case routing = "MoE gate, dispatch and combine"
    case sharedExperts = "MoE shared experts"
    case denseMLP = "dense MLP"
    case lmHead = "lm_head"
    case norms = "RMSNorms"
    case embeddings = "token embeddings"
    case residual = "residual adds"

    /// The modules a class counts in `model`, for tables: the vision class names the model's own encoders.
    public func members(in model: OCRModel) -> String {
        switch self {
        case .vision: return model.description.visionClassMembers
        case .attention: return "`LlamaAttention` (projections, rotary, scores, cache reads; eager's causal mask)"
        case .routedExperts: return "`mlp.experts`: the `E_t` experts the batch's tokens touch per MoE layer"
        case .routing: return "`mlp.gate` and the MoE's own gather, weighting and sum"
        case .sharedExperts: return "`mlp.shared_experts` of the MoE layers"
        case .denseMLP: return "`mlp` of the dense layer 0"
        case .lmHead: return "`lm_head`: hidden width to the 129,280-token vocabulary"
        case .norms: return "`DeepseekV2RMSNorm`: two per layer and the final `norm`"
        case .embeddings: return "`embed_tokens` row lookups"
        case .residual: return "the two residual adds of each decoder layer"
        }
    }

    /// The class of a decoder module: its own role, else the class of the module around it
    /// (`parent`). A shared expert is a `DeepseekV2MLP` inside a MoE; the dense layer's MLP is one
    /// outside. `DeepseekV2Model`'s only own cost term is eager attention's causal mask.
    static func of(_ layer: any Layer, name: String, inside parent: ModuleClass) -> ModuleClass {
        switch layer {
        case is LlamaAttention, is DeepseekV2Model: return .attention
        case is DeepseekV2RMSNorm: return .norms
        case is RoutedExperts: return .routedExperts
        case is DeepseekV2MoE: return .routing
        case is DeepseekV2MLP: return parent == .routing ? .sharedExperts : .denseMLP
        case is Embedding: return .embeddings
        case is DeepseekV2DecoderLayer: return .residual
        default: return name == "lm_head" ? .lmHead : parent
        }
    }

    /// A decoder call's forward cost split by class: each module's own terms
    /// (`total − Σ children count × child total`) charged to its class, times its multiplicity.
    /// The classes add up to the call's total exactly.
    public static func split(decoder evaluation: EvaluatedLayer) throws -> [ModuleClass: PassCost] {
        var classes: [ModuleClass: PassCost] = [:]
        func walk(_ node: EvaluatedLayer, as nodeClass: ModuleClass, times multiplicity: Int) throws {
            var own = node.metrics.forward
            for (child, evaluated) in node.children {
                let childForward = evaluated.metrics.forward
                own -= childForward * child.count
                let count = try ModelMeterError.checkedProduct(multiplicity, child.count, "multiplicity of \(child.name)")
                try walk(evaluated, as: of(child.layer, name: child.name, inside: nodeClass), times: count)
            }
            classes[nodeClass] = try (classes[nodeClass] ?? .zero).adding(own, times: multiplicity)
        }
        try walk(evaluation, as: of(evaluation.layer, name: "", inside: .residual), times: 1)
        return classes.filter { $0.value != .zero }
    }
}

extension PassCost {
    /// Roofline time of this cost when the call it belongs to is bound by `bound`: its bytes
    /// over the bandwidth for a memory-bound call, its compute time (tensor-core FLOPs / tensor
    /// peak + CUDA-core FLOPs / CUDA peak) otherwise. Parts of a call add up to the call's bound.
    public func seconds(whenCallIsBoundBy bound: RooflineBound, gpu: GPUSpec, precision: Precision) throws -> Double {
        let point = try RooflinePoint(cost: self, gpu: gpu, precision: precision)
        return bound == .memory ? point.memorySeconds : point.computeSeconds
    }
}

/// Where a page job's time goes, module class by module class, on one GPU: each call's roofline
/// bound shared among the classes by the resource that binds the call.
///
/// ```
/// vision        the whole vision stage (one class)
/// prefill       class bytes / bandwidth if the call is memory-bound, else class compute time
/// decode        Σ over the N steps of the same rule per step: the class's cost is affine in L,
///               so each run of memory- or compute-bound steps is an arithmetic series
/// ```
/// The classes of a stage add up to the stage's bound; the stages add up to `T`.
public struct PageModuleBreakdown: Sendable {
    public let result: PageResult
    /// The prefill call's forward cost per class.
    public let prefill: [ModuleClass: PassCost]
    /// One decode step per class, `c(L) = c(0) + Δ·L`.
    public let decodeStep: [ModuleClass: AffinePassCost]
    /// Seconds per stage and class (all `B` pages).
    public let seconds: [ModelStage: [ModuleClass: Double]]

    public init(_ result: PageResult) throws {
        try self.init(result, prefill: try Self.prefill(result.page), decodeStep: try Self.decodeStep(result.page))
    }

    /// The split of `result` given its GPU-independent parts (``prefill(_:)``, ``decodeStep(_:)``
    /// of the same page), so one page on several GPUs is evaluated once.
    public init(_ result: PageResult, prefill: [ModuleClass: PassCost], decodeStep: [ModuleClass: AffinePassCost]) throws {
        self.result = result
        let page = result.page
        self.prefill = prefill
        self.decodeStep = decodeStep

        let gpu = result.gpu, precision = page.precision
        let prefillBound = result.stage(.prefill).boundBy
        let decodeTime = try DecodeTime(cost: result.cost, gpu: gpu)
        var prefillSeconds: [ModuleClass: Double] = [:]
        for (moduleClass, cost) in prefill {
            prefillSeconds[moduleClass] = try cost.seconds(whenCallIsBoundBy: prefillBound, gpu: gpu, precision: precision)
        }
        var decodeSeconds: [ModuleClass: Double] = [:]
        for (moduleClass, cost) in decodeStep {
            decodeSeconds[moduleClass] = decodeTime.seconds(ofPart: try cost.at(page.promptTokens), slope: cost.slope)
        }
        seconds = [.vision: [.vision: result.stage(.vision).seconds], .prefill: prefillSeconds, .decode: decodeSeconds]
    }

    /// The prefill call of `page` per class.
    public static func prefill(_ page: PageWorkload) throws -> [ModuleClass: PassCost] {
        let w = page.workload
        return try ModuleClass.split(decoder: DeepseekV2ForCausalLM(
            shape: .prefill(batch: page.batch, tokens: page.promptTokens), configuration: w.decoder.configuration, kernel: w.kernel,
            logits: page.prefillLogits
        ).evaluate(precision: page.precision))
    }

    /// One decode step of `page` per class, `c(L) = c(0) + Δ·L`: the step evaluated at `L` = 1 and 2.
    public static func decodeStep(_ page: PageWorkload) throws -> [ModuleClass: AffinePassCost] {
        let w = page.workload
        func step(_ cached: Int) throws -> [ModuleClass: PassCost] {
            try ModuleClass.split(decoder: DeepseekV2ForCausalLM(
                shape: .decode(batch: page.batch, context: cached), configuration: w.decoder.configuration, kernel: w.kernel,
                logits: .last
            ).evaluate(precision: page.precision))
        }
        let one = try step(1), two = try step(2)
        var decodeStep: [ModuleClass: AffinePassCost] = [:]
        for moduleClass in Set(one.keys).union(two.keys) {
            let (a, b) = (one[moduleClass] ?? .zero, two[moduleClass] ?? .zero)
            let slope = b - a
            decodeStep[moduleClass] = AffinePassCost(intercept: a - slope, slope: slope)
        }
        return decodeStep
    }

    /// A class's time over the whole job: vision + prefill + decode.
    public func pageSeconds(_ moduleClass: ModuleClass) -> Double {
        ModelStage.allCases.reduce(0) { $0 + (seconds[$1]?[moduleClass] ?? 0) }
    }

    /// The classes of the job, largest page time first.
    public var classesByTime: [ModuleClass] {
        ModuleClass.allCases.filter { pageSeconds($0) > 0 }.sorted { pageSeconds($0) > pageSeconds($1) }
    }

    /// The decode classes, largest first.
    public var decodeClassesByTime: [ModuleClass] {
        let decode = seconds[.decode] ?? [:]
        return ModuleClass.allCases.filter { (decode[$0] ?? 0) > 0 }.sorted { decode[$0]! > decode[$1]! }
    }

    /// One decode step at `cached` positions split by class: each class's share of the step's
    /// bound (bytes for a memory-bound step, compute time otherwise).
    public func decodeStepSeconds(at cached: Int) throws -> (bound: RooflineBound, seconds: [ModuleClass: Double]) {
        try Self.decodeStepSeconds(decodeStep, at: cached, gpu: result.gpu, precision: result.page.precision)
    }

    /// A decode step given per class (`classes`) at `cached` positions, split by the roof that binds the whole step.
    public static func decodeStepSeconds(
        _ classes: [ModuleClass: AffinePassCost], at cached: Int, gpu: GPUSpec, precision: Precision
    ) throws -> (bound: RooflineBound, seconds: [ModuleClass: Double]) {
        let total = try classes.values.reduce(PassCost.zero) { try $0.adding(try $1.at(cached)) }
        let bound = try RooflinePoint(cost: total, gpu: gpu, precision: precision).bound
        var seconds: [ModuleClass: Double] = [:]
        for (moduleClass, cost) in classes {
            seconds[moduleClass] = try cost.at(cached).seconds(whenCallIsBoundBy: bound, gpu: gpu, precision: precision)
        }
        return (bound, seconds)
    }
}
