import ModelMeter

/// `DeepseekV2Experts` (`model.layers.N.mlp.experts`, also `DeepseekV3Experts`): the routed
/// experts of `transformers` 5.25 as one module holding 3-D weights, `gate_up_proj [E, 2F, D]` and
/// `down_proj [E, D, F]`. Each expert hit by the step's tokens gathers its rows, runs
/// `down(silu(gate)·up)` on them, weights them by the router and adds them back (`index_add_`).
/// Under `experts_implementation="eager"` every routed row is one `F.linear` row, so the counted
/// FLOPs are exact whatever the routing.
///
/// ```
/// parameters           3·E·D·F                 every expert, loaded or not
/// gate_up_proj         2·(T·k)·D·2F            T = B·S tokens, k experts each
/// act_fn (SiLU), ·up   T·k·F each (CUDA)
/// down_proj            2·(T·k)·F·D
/// × weight, index_add  T·k·D each (CUDA)
/// weights read         E_t·3·D·F               E_t = distinct experts the step's rows touch (expected, uniform routing)
/// ```
public struct DeepseekV2Experts: Layer {
    public static let documentation = LayerDoc(
        vendorClass: "DeepseekV2Experts", vendorFile: "transformers/models/deepseek_v2/modeling_deepseek_v2.py",
        knowledgeBase: ConfigDecoder.knowledgeBase)
    /// `DeepseekV2Experts` or `DeepseekV3Experts` (the same computation).
    public let typeName: String
    public var doc: LayerDoc? { Self.documentation }

    public let shape: DecoderShape
    /// `D`, `F`, `E`, `k` and `E_t`, shared with DeepSeek-OCR's `RoutedExperts`.
    public let sizes: RoutedExpertSizes
    public var hidden: Symbol { sizes.hidden }
    public var intermediate: Symbol { sizes.intermediate }
    public var experts: Symbol { sizes.experts }
    public var topK: Symbol { sizes.topK }
    /// Distinct experts the step's routed rows touch, expected under uniform routing (rounded).
    public var touchedExperts: Symbol { sizes.touchedExperts }

    public init(shape: DecoderShape, hiddenSize: Int, mixture: MixtureConfig, className: String = "DeepseekV2Experts") throws {
        try ModelMeterError.requirePositive(hiddenSize, "hidden_size", in: className)
        self.shape = shape
        typeName = className
        sizes = try RoutedExpertSizes(
            shape: shape, hiddenSize: hiddenSize, expertWidth: mixture.expertIntermediateSize,
            experts: mixture.routedExperts, perToken: mixture.expertsPerToken)
    }

    public var symbols: [Symbol] { sizes.symbols(shape) }

    public var ownParameters: [ParameterTensor] {
        let (e, d, f) = (experts.value, hidden.value, intermediate.value)
        return [ParameterTensor("gate_up_proj", [e, 2 * f, d]), ParameterTensor("down_proj", [e, d, f])]
    }

    public var steps: [Step] {
        let routedRows = shape.rows * topK
        let activations = routedRows * intermediate
        let perExpert = sizes.weightElementsPerProjection
        return [
            .term(.dataMovement("gather rows by expert", reads: routedRows * hidden, writes: routedRows * hidden)),
            .term(CostTerm.matmul(
                "routed gate_up_proj", m: routedRows, k: hidden.formula, n: 2 * intermediate.formula,
                weightElements: 2 * perExpert, inputNeedsGradient: true)),
            .child(Child("act_fn", SiLU("routed SiLU", elements: activations, className: "SiLUActivation"))),
            .term(.elementwise("routed silu(gate)·up", .multiply, elements: activations)),
            .term(.matmul(
                "routed down_proj", m: routedRows, k: intermediate.formula, n: hidden.formula,
                weightElements: perExpert, inputNeedsGradient: true)),
            .term(.elementwise("× router weight", .multiply, elements: routedRows * hidden)),
            .term(.elementwise("index_add_ into the output", .add, elements: routedRows * hidden)),
        ]
    }
}
