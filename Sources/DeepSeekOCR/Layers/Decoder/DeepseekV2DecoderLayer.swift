import ModelMeter

/// `DeepseekV2DecoderLayer` (`model.layers.N`), pre-norm:
/// `h = x + self_attn(input_layernorm(x))`, `out = h + mlp(post_attention_layernorm(h))`,
/// where `mlp` is the dense `DeepseekV2MLP` in the first `first_k_dense_replace` layers and a
/// `DeepseekV2MoE` after them.
///
/// Saved for backward: the two RMSNorms' sets (each keeps its input, x and h), attention's and
/// the MLP's (each keeps its norm's output as its input); the residual adds keep nothing.
public struct DeepseekV2DecoderLayer: Layer {
    public static let documentation = LayerDoc(vendorClass: "DeepseekV2DecoderLayer", vendorFile: "modeling_deepseekv2.py")
    /// `DeepseekV2DecoderLayer`, or a family's pre-norm layer computing the same (`Qwen2DecoderLayer`, …).
    public let typeName: String
    public var doc: LayerDoc? { Self.documentation }

    /// How `explain` builds this layer and which reference runs verify it.
    public static let recipe = LayerRecipe(
        doc: documentation, parameters: DecoderShape.recipeParameters + [.init("index", 1, "layer index (0 dense, 1…11 MoE)")], takesKernel: true,
        build: { a in try DeepseekV2DecoderLayer(shape: DecoderShape(a), index: a["index"], kernel: a.kernel) },
        referenceModules: ["layer.DeepseekV2DecoderLayer.dense_idx0", "layer.DeepseekV2DecoderLayer.moe_idx1"],
        referenceLayer: { run in try DeepseekV2DecoderLayer(
                shape: run.decoderShape(), index: run.module.hasSuffix("idx0") ? 0 : 1, kernel: run.kernel) })

    public let shape: DecoderShape
    public let hidden: Symbol
    /// Routed experts of the layer's MLP: 0 for a dense layer.
    public let routedExperts: Symbol
    private let inputNorm: DeepseekV2RMSNorm
    private let attention: any Layer
    private let postAttentionNorm: DeepseekV2RMSNorm
    private let mlp: any Layer

    /// Layer `index` of the decoder: dense below `first_k_dense_replace`, MoE from there on.
    public init(
        shape: DecoderShape, index: Int, configuration: DeepseekV2Configuration = .deepSeekOCR,
        kernel: AttentionKernel = .sdpa
    ) throws {
        try configuration.validate()
        guard (0..<configuration.layers).contains(index) else {
            throw ModelMeterError.invalidShape(
                layer: "DeepseekV2DecoderLayer", what: "layer index", reason: "\(index) is outside 0…\(configuration.layers - 1)")
        }
        let isDense = index < configuration.firstDenseLayers
        try self.init(
            shape: shape, hiddenSize: configuration.hiddenSize, routedExperts: isDense ? 0 : configuration.routedExperts,
            attention: try LlamaAttention(shape: shape, configuration: configuration, kernel: kernel),
            mlp: isDense
                ? try DeepseekV2MLP(shape: shape, hiddenSize: configuration.hiddenSize, intermediateSize: configuration.intermediateSize)
                : try DeepseekV2MoE(shape: shape, configuration: configuration))
    }

    /// A pre-norm layer around `attention` and `mlp` with `className`'s RMSNorms (`<family>RMSNorm`).
    public init(
        shape: DecoderShape, hiddenSize: Int, routedExperts: Int, attention: any Layer, mlp: any Layer,
        className: String = "DeepseekV2DecoderLayer", normClassName: String = "DeepseekV2RMSNorm"
    ) throws {
        self.shape = shape
        typeName = className
        hidden = Symbol("D", hiddenSize, "hidden width")
        inputNorm = try DeepseekV2RMSNorm(shape: shape, hiddenSize: hiddenSize, className: normClassName)
        self.attention = attention
        postAttentionNorm = try DeepseekV2RMSNorm(shape: shape, hiddenSize: hiddenSize, className: normClassName)
        self.routedExperts = Symbol("E", routedExperts, "routed experts of the MLP (0: dense)")
        self.mlp = mlp
    }

    public var symbols: [Symbol] { shape.symbols + [hidden, routedExperts] }

    /// The residual input stays live while each branch runs.
    public var heldActivationElements: Formula { shape.rows * hidden }

    public var steps: [Step] {
        Self.preNormSteps(
            inputNorm: inputNorm, attention: attention, postAttentionNorm: postAttentionNorm, mlp: mlp,
            elements: shape.rows * hidden)
    }

    /// A pre-norm layer's forward, shared with Qwen2's: `h = x + self_attn(input_layernorm(x))`,
    /// `out = h + mlp(post_attention_layernorm(h))`; each residual add touches `elements` values.
    static func preNormSteps(
        inputNorm: any Layer, attention: any Layer, postAttentionNorm: any Layer, mlp: any Layer, elements: Formula
    ) -> [Step] {
        [
            .child(Child("input_layernorm", inputNorm)),
            .child(Child("self_attn", attention)),
            .term(.elementwise("attention residual add", .add, elements: elements)),
            .child(Child("post_attention_layernorm", postAttentionNorm)),
            .child(Child("mlp", mlp)),
            .term(.elementwise("MLP residual add", .add, elements: elements)),
        ]
    }
}
