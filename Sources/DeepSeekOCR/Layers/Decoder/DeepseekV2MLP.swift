import ModelMeter

/// `DeepseekV2MLP`, a SwiGLU feed-forward: `down_proj(silu(gate_proj(x)) · up_proj(x))`, no
/// biases. It is layer 0's dense MLP (`model.layers.0.mlp`, F = 6848), the fused shared experts
/// of every MoE layer (`mlp.shared_experts`, F = 1792) and each routed expert (F = 896).
///
/// ```
/// gate_proj, up_proj  2·B·S·D·F each     SiLU 4·B·S·F, gate·up B·S·F (CUDA)     down_proj 2·B·S·F·D
/// ```
/// Saved for backward: `(T·D + 4·T·F)·e`, T = B·S: the input x (gate_proj and up_proj share the
/// storage; not counted when an earlier op keeps it, `inputAlreadySaved`), SiLU's input g, the
/// product's operands silu(g) and u, and down_proj's input silu(g)·u.
public struct DeepseekV2MLP: Layer {
    public static let documentation = LayerDoc(vendorClass: "DeepseekV2MLP", vendorFile: "modeling_deepseekv2.py")
    /// `DeepseekV2MLP`, or a family's SwiGLU MLP computing the same (`LlamaMLP`, `Qwen2MLP`, `DeepseekV3MLP`, …).
    public let typeName: String
    public var doc: LayerDoc? { Self.documentation }

    /// How `explain` builds this layer and which reference runs verify it.
    public static let recipe = LayerRecipe(
        doc: documentation, parameters: DecoderShape.recipeParameters + [.init("intermediate", 6848, "SwiGLU width (6848 dense, 1792 shared, 896 routed)")], takesKernel: false,
        build: { a in try DeepseekV2MLP(shape: DecoderShape(a), hiddenSize: 1280, intermediateSize: a["intermediate"]) },
        referenceModules: ["mlp.DeepseekV2MLP.dense"],
        referenceLayer: { run in try DeepseekV2MLP(
                shape: run.decoderShape(), hiddenSize: DeepseekV2Configuration.deepSeekOCR.hiddenSize,
                intermediateSize: DeepseekV2Configuration.deepSeekOCR.intermediateSize) })

    public let shape: DecoderShape
    public let hidden: Symbol
    public let intermediate: Symbol
    private let gateProjection: Linear
    private let upProjection: Linear
    private let downProjection: Linear

    /// Whether SiLU runs as an `act_fn` child module (`transformers` 5.25's MLPs register one).
    public let activationModule: Bool

    /// `inputAlreadySaved`: an earlier op keeps the input's storage (the MoE gate, for the shared experts).
    /// `className`, `bias` (`mlp_bias`) and `activationModule` describe a `transformers` family's MLP.
    public init(
        shape: DecoderShape, hiddenSize: Int, intermediateSize: Int, inputAlreadySaved: Bool = false,
        className: String = "DeepseekV2MLP", bias: Bool = false, activationModule: Bool = false
    ) throws {
        try ModelMeterError.requirePositive(hiddenSize, "hidden_size", in: className)
        try ModelMeterError.requirePositive(intermediateSize, "intermediate_size", in: className)
        self.shape = shape
        typeName = className
        self.activationModule = activationModule
        hidden = Symbol("D", hiddenSize, "hidden width")
        intermediate = Symbol("F", intermediateSize, "SwiGLU width")
        let rows = shape.rows
        gateProjection = try Linear(
            "gate", tokens: rows, inFeatures: hidden.formula, outFeatures: intermediate.formula, bias: bias,
            inputAlreadySaved: inputAlreadySaved)
        // up_proj keeps the same input storage as gate_proj: counted there.
        upProjection = try Linear(
            "up", tokens: rows, inFeatures: hidden.formula, outFeatures: intermediate.formula, bias: bias,
            inputAlreadySaved: true)
        downProjection = try Linear("down", tokens: rows, inFeatures: intermediate.formula, outFeatures: hidden.formula, bias: bias)
    }

    public var symbols: [Symbol] { [shape.batch, shape.tokens, hidden, intermediate] }

    public var steps: [Step] {
        let activations = shape.rows * intermediate
        return [
            .child(Child("gate_proj", gateProjection)),
            activationModule
                ? .child(Child("act_fn", SiLU(elements: activations, className: "SiLUActivation")))
                : .term(.elementwise("SiLU", .silu, elements: activations)),
            .child(Child("up_proj", upProjection)),
            .term(.elementwise("silu(gate)·up", .multiply, elements: activations)),
            .child(Child("down_proj", downProjection)),
        ]
    }
}
