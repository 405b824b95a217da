import ModelMeter

/// `CustomQwen2Decoder` (`qwen2_model.model`): the wrapper `qwen2_d2e.py` builds around
/// `CustomQwen2ModelInner`. It forces SDPA (it refuses `flash_attention_2`, whose kernels take no
/// arbitrary float mask) and forwards the embeddings and token types; all the work is its child's.
public struct CustomQwen2Decoder: Layer {
    public static let documentation = LayerDoc(vendorClass: "CustomQwen2Decoder", vendorFile: "deepencoderv2/qwen2_d2e.py", knowledgeBase: DeepSeekOCR2Model.knowledgeBase)
    public let typeName = "CustomQwen2Decoder"
    public var doc: LayerDoc? { Self.documentation }

    /// How `explain` builds this layer (a global view's 512 positions by default).
    public static let recipe = LayerRecipe(
        doc: documentation, parameters: Qwen2EncoderConfiguration.recipeParameters, takesKernel: true,
        build: { a in try CustomQwen2Decoder(shape: .encoder(images: a["batch"], positions: a["tokens"]), kernel: a.kernel) },
        referenceModules: [], referenceLayer: { run in try CustomQwen2Decoder(shape: run.decoderShape()) })

    public let shape: DecoderShape
    private let inner: CustomQwen2ModelInner

    public init(
        shape: DecoderShape, configuration: Qwen2EncoderConfiguration = .deepEncoderV2, kernel: AttentionKernel = .sdpa
    ) throws {
        self.shape = shape
        inner = try CustomQwen2ModelInner(shape: shape, configuration: configuration, kernel: kernel)
    }

    public var symbols: [Symbol] { [shape.batch, shape.tokens] }
    public var steps: [Step] { [.child(Child("model", inner))] }
}
