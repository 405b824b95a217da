import ModelMeter

/// `Qwen2DecoderLayer` (`qwen2_model.model.model.layers.N`), pre-norm:
/// `h = x + self_attn(input_layernorm(x))`, `out = h + mlp(post_attention_layernorm(h))`.
/// In DeepEncoder V2 it runs as an encoder layer over `S = 2N` positions under the mixed mask.
public struct Qwen2DecoderLayer: Layer {
    public static let documentation = LayerDoc(
        vendorClass: "Qwen2DecoderLayer", vendorFile: "transformers/models/qwen2/modeling_qwen2.py", knowledgeBase: DeepSeekOCR2Model.knowledgeBase)
    public let typeName = "Qwen2DecoderLayer"
    public var doc: LayerDoc? { Self.documentation }

    /// How `explain` builds this layer (a global view's 512 positions by default).
    public static let recipe = LayerRecipe(
        doc: documentation, parameters: Qwen2EncoderConfiguration.recipeParameters, takesKernel: true,
        build: { a in try Qwen2DecoderLayer(shape: .encoder(images: a["batch"], positions: a["tokens"]), kernel: a.kernel) },
        referenceModules: [], referenceLayer: { run in try Qwen2DecoderLayer(shape: run.decoderShape()) })

    public let shape: DecoderShape
    public let hidden: Symbol
    private let inputNorm: Qwen2RMSNorm
    private let attention: Qwen2SdpaAttention
    private let postAttentionNorm: Qwen2RMSNorm
    private let mlp: Qwen2MLP

    public init(
        shape: DecoderShape, configuration: Qwen2EncoderConfiguration = .deepEncoderV2, kernel: AttentionKernel = .sdpa
    ) throws {
        self.shape = shape
        hidden = Symbol("D", configuration.hiddenSize, "hidden width")
        inputNorm = try Qwen2RMSNorm(shape: shape, hiddenSize: configuration.hiddenSize)
        attention = try Qwen2SdpaAttention(shape: shape, configuration: configuration, kernel: kernel)
        postAttentionNorm = try Qwen2RMSNorm(shape: shape, hiddenSize: configuration.hiddenSize)
        mlp = try Qwen2MLP(shape: shape, configuration: configuration)
    }

    public var symbols: [Symbol] { [shape.batch, shape.tokens, hidden] }

    /// The residual input stays live while each branch runs.
    public var heldActivationElements: Formula { shape.rows * hidden }

    public var steps: [Step] {
        DeepseekV2DecoderLayer.preNormSteps(
            inputNorm: inputNorm, attention: attention, postAttentionNorm: postAttentionNorm, mlp: mlp,
            elements: shape.rows * hidden)
    }
}
