import Foundation
import ModelMeter

/// `DeepseekV2MoE` (`model.layers.1…11.mlp`): the gate routes each token to `k` of `E` routed
/// experts; the routed outputs are weighted and summed, and the fused shared experts run on
/// every token: `y = Σ_top-k w·expert(x) + shared_experts(x)`.
///
/// ```
/// gate              2·B·S·D·E                   (MoEGate)
/// routed experts    6·(B·S·k)·D·F               (ModuleList `experts`: every routed row, whatever the routing)
/// combine           2·B·S·k·D (CUDA)            weight by the gate and sum over k
/// shared experts    6·B·S·D·Fs                  (DeepseekV2MLP, Fs = 2·F)
/// ```
/// Inference (`moe_infer`) sorts the routed rows by expert and skips experts without tokens.
///
/// Saved for backward (the training path), T = B·S; per-expert tensors depend on the routing,
/// their totals do not (the experts' rows add up to T·k):
/// ```
/// gate              X (T·D·e, shared with the shared experts), scores, indices, ce     (MoEGate)
/// dispatch          2·E·T·k B    boolean masks flat_topk_idx == i, T·k each: one for the gather x[mask],
///                                one for the write y[mask] = …; repeat_interleave (a clone) keeps nothing
/// routed experts    (T·k·D + 4·T·k·F)·e      gathered rows, g, silu(g), u, silu(g)·u summed over experts
/// combine           T·k·D·e + 4·T·k B        y (the routed outputs) and the top-k weights (fp32)
/// shared experts    4·T·Fs·e                 (DeepseekV2MLP; its input is the gate's X)
/// ```
public struct DeepseekV2MoE: Layer {
    public static let documentation = LayerDoc(vendorClass: "DeepseekV2MoE", vendorFile: "modeling_deepseekv2.py")
    public let typeName = "DeepseekV2MoE"
    public var doc: LayerDoc? { Self.documentation }

    /// How `explain` builds this layer and which reference runs verify it.
    public static let recipe = LayerRecipe(
        doc: documentation, parameters: DecoderShape.recipeParameters, takesKernel: false,
        build: { a in try DeepseekV2MoE(shape: DecoderShape(a)) },
        referenceModules: ["moe.DeepseekV2MoE"],
        referenceLayer: { run in try DeepseekV2MoE(shape: run.decoderShape()) })

    public let shape: DecoderShape
    public let hidden: Symbol
    public let topK: Symbol
    public let gate: MoEGate
    public let experts: RoutedExperts
    public let sharedExperts: DeepseekV2MLP

    public init(shape: DecoderShape, configuration: DeepseekV2Configuration = .deepSeekOCR) throws {
        try configuration.validate()
        self.shape = shape
        hidden = Symbol("D", configuration.hiddenSize, "hidden width")
        topK = Symbol("k", configuration.expertsPerToken, "experts per token (top-k)")
        gate = try MoEGate(shape: shape, configuration: configuration)
        experts = try RoutedExperts(shape: shape, configuration: configuration)
        // The gate's router logits keep the input X; the shared experts take the same storage.
        sharedExperts = try DeepseekV2MLP(
            shape: shape, hiddenSize: configuration.hiddenSize, intermediateSize: configuration.sharedIntermediateSize,
            inputAlreadySaved: true)
    }

    public var symbols: [Symbol] {
        [shape.batch, shape.tokens, hidden, experts.experts, topK, experts.intermediate, experts.touchedExperts]
    }

    /// The input stays live for the shared experts while the routed experts run.
    public var heldActivationElements: Formula { shape.rows * hidden }

    public var steps: [Step] {
        let rows = shape.rows
        let routed = rows * topK * hidden
        return [
            .child(Child("gate", gate)),
            // Training: each of the E experts builds two boolean masks of T·k rows (1 B each).
            .term(CostTerm.dataMovement("dispatch: gather rows by expert", reads: routed, writes: routed)
                .saving(
                    .zero, fixedWidthBytes: 2 * experts.experts * rows * topK,
                    tensors: "2 boolean masks per routed expert (gather and write back), T·k each")),
            .child(Child("experts", experts)),
            .term(CostTerm(
                name: "combine: weight by gate and sum over k", unit: .cudaCore,
                forwardFLOPs: 2 * routed, backwardFLOPs: 2 * routed,
                forwardTraffic: Traffic(activationReads: routed + rows * topK, writes: rows * hidden),
                backwardTraffic: Traffic(activationReads: rows * hidden + routed, writes: routed + rows * topK),
                savedElements: routed, savedFixedWidthBytes: 4 * rows * topK,
                savedTensors: "routed outputs y (T·k rows), top-k weights (fp32)")),
            .child(Child("shared_experts", sharedExperts)),
            .term(.elementwise("routed + shared", .add, elements: rows * hidden)),
        ]
    }
}

/// The `experts` ModuleList of a MoE layer: `E` SwiGLU experts own parameters, but each token
/// runs only `k` of them, so parameters and executions are separate quantities.
///
/// ```
/// parameters        E·3·D·F                          (every expert, loaded or not)
/// FLOPs             2·(B·S·k)·D·F per projection     exact for any routing: only routed rows are computed
/// weights read      E_t·D·F per projection           E_t = distinct experts the step's routed rows touch
/// E_t (expected)    E·(1 − (1 − k/E)^T), T = B·S     uniform routing; best case k, worst case min(E, k·T)
/// saved (training)  (T·k·D + 4·T·k·F)·e              Σ over experts of their gathered rows, g, silu(g), u, silu(g)·u
/// ```
public struct RoutedExperts: Layer, LoopedKernels {
    /// The vendor's eager MoE runs each touched expert on its own: `E_t` launches per term.
    public var loopedLaunches: Int { touchedExperts.value }

    public let typeName = "ModuleList"
    public let shape: DecoderShape
    /// `D`, `F`, `E`, `k` and `E_t`, as every routed-experts module names them.
    public let sizes: RoutedExpertSizes
    public var hidden: Symbol { sizes.hidden }
    public var intermediate: Symbol { sizes.intermediate }
    public var experts: Symbol { sizes.experts }
    public var topK: Symbol { sizes.topK }
    /// Distinct experts the step's routed rows touch, expected under uniform routing (rounded).
    public var touchedExperts: Symbol { sizes.touchedExperts }

    public init(shape: DecoderShape, configuration: DeepseekV2Configuration = .deepSeekOCR) throws {
        try configuration.validate()
        self.shape = shape
        sizes = try RoutedExpertSizes(
            shape: shape, hiddenSize: configuration.hiddenSize, expertWidth: configuration.expertIntermediateSize,
            experts: configuration.routedExperts, perToken: configuration.expertsPerToken)
    }

    /// `E_t` for `tokens` routed tokens: the expected distinct experts, rounded to the nearest whole expert.
    public static func touchedExpertCount(configuration: DeepseekV2Configuration, tokens: Int) -> Int {
        Int(expectedDistinctExperts(
            experts: configuration.routedExperts, perToken: configuration.expertsPerToken, tokens: tokens).rounded())
    }

    /// `E·(1 − (1 − k/E)^T)`: each of `T` tokens picks `k` distinct experts uniformly, so an
    /// expert is missed by one token with probability `1 − k/E`, by all with `(1 − k/E)^T`.
    public static func expectedDistinctExperts(experts: Int, perToken: Int, tokens: Int) -> Double {
        let e = Double(experts)
        return e * (1 - pow(1 - Double(perToken) / e, Double(tokens)))
    }

    /// Fewest and most distinct experts `T` tokens can touch: all pick the same `k`, or all differ.
    public static func distinctExpertRange(experts: Int, perToken: Int, tokens: Int) -> ClosedRange<Int> {
        let (most, overflow) = perToken.multipliedReportingOverflow(by: tokens)
        return perToken...min(experts, overflow ? experts : most)
    }

    public var symbols: [Symbol] { sizes.symbols(shape) }

    public var ownParameters: [ParameterTensor] {
        let (e, d, f) = (experts.value, hidden.value, intermediate.value)
        return [
            ParameterTensor("0…\(e - 1).gate_proj.weight", [e, f, d]),
            ParameterTensor("0…\(e - 1).up_proj.weight", [e, f, d]),
            ParameterTensor("0…\(e - 1).down_proj.weight", [e, d, f]),
        ]
    }

    public var steps: [Step] {
        let routedRows = shape.rows * topK
        let expertWeights = sizes.weightElementsPerProjection
        let activations = routedRows * intermediate
        return [
            .term(CostTerm.matmul(
                "routed gate_proj", m: routedRows, k: hidden.formula, n: intermediate.formula,
                weightElements: expertWeights, inputNeedsGradient: true)
                .saving(routedRows * hidden, tensors: "gathered rows x[mask] (T·k in total over the experts)")),
            .term(.elementwise("routed SiLU", .silu, elements: activations)),
            // Same gathered rows as gate_proj: kept there.
            .term(.matmul(
                "routed up_proj", m: routedRows, k: hidden.formula, n: intermediate.formula,
                weightElements: expertWeights, inputNeedsGradient: true, savesInput: false)),
            .term(.elementwise("routed silu(gate)·up", .multiply, elements: activations)),
            .term(.matmul(
                "routed down_proj", m: routedRows, k: intermediate.formula, n: hidden.formula,
                weightElements: expertWeights, inputNeedsGradient: true)),
        ]
    }
}

/// What every routed-experts module (`RoutedExperts`, DeepSeek-OCR's `ModuleList`, and
/// `DeepseekV2Experts`, transformers 5.25's 3-D weights) is sized by and names: the hidden width
/// `D`, one expert's width `F`, `E` experts, `k` per token, and `E_t`, the distinct experts a step's
/// `T = B·S` tokens touch, expected under uniform routing and rounded (`E·(1 − (1 − k/E)^T)`).
/// Both modules read `E_t·D·F` weight elements per projection.
public struct RoutedExpertSizes: Sendable {
    public let hidden: Symbol
    public let intermediate: Symbol
    public let experts: Symbol
    public let topK: Symbol
    public let touchedExperts: Symbol

    public init(shape: DecoderShape, hiddenSize: Int, expertWidth: Int, experts expertCount: Int, perToken: Int) throws {
        hidden = Symbol("D", hiddenSize, "hidden width")
        intermediate = Symbol("F", expertWidth, "one routed expert's SwiGLU width")
        experts = Symbol("E", expertCount, "routed experts")
        topK = Symbol("k", perToken, "experts per token (top-k)")
        let tokens = try ModelMeterError.checkedProduct(shape.batch.value, shape.tokens.value, "B·S")
        let range = RoutedExperts.distinctExpertRange(experts: expertCount, perToken: perToken, tokens: tokens)
        touchedExperts = Symbol(
            "E_t", Int(RoutedExperts.expectedDistinctExperts(experts: expertCount, perToken: perToken, tokens: tokens).rounded()),
            "distinct experts the B·S = \(tokens) tokens touch: E·(1 − (1 − k/E)^(B·S)) expected under uniform "
                + "routing, rounded; best case k = \(range.lowerBound), worst min(E, k·B·S) = \(range.upperBound)")
    }

    /// `B, S, D, F, E, k, E_t`: the symbols both modules list.
    public func symbols(_ shape: DecoderShape) -> [Symbol] {
        [shape.batch, shape.tokens, hidden, intermediate, experts, topK, touchedExperts]
    }

    /// `E_t·D·F`: the weight elements one projection reads over the touched experts.
    public var weightElementsPerProjection: Formula { touchedExperts * hidden * intermediate }
}
