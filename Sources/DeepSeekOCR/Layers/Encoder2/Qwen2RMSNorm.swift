import ModelMeter

/// `Qwen2RMSNorm` (`qwen2_model.model.model.layers.N.input_layernorm`, `post_attention_layernorm`
/// and the final `norm`): `w · x · rsqrt(mean(x²) + ε)` in fp32, ε = 1e-6. The same computation as
/// the decoder's `DeepseekV2RMSNorm`, whose terms it reuses, at width 896.
///
/// ```
/// RMSNorm (CUDA core)  forward 4·B·S·D, weight D
/// ```
public struct Qwen2RMSNorm: Layer {
    public static let documentation = LayerDoc(
        vendorClass: "Qwen2RMSNorm", vendorFile: "transformers/models/qwen2/modeling_qwen2.py", knowledgeBase: DeepSeekOCR2Model.knowledgeBase)
    public let typeName = "Qwen2RMSNorm"
    public var doc: LayerDoc? { Self.documentation }

    /// How `explain` builds this layer (a global view's 512 positions by default).
    public static let recipe = LayerRecipe(
        doc: documentation, parameters: Qwen2EncoderConfiguration.recipeParameters, takesKernel: false,
        build: { a in try Qwen2RMSNorm(shape: .encoder(images: a["batch"], positions: a["tokens"])) },
        referenceModules: [], referenceLayer: { run in try Qwen2RMSNorm(shape: run.decoderShape()) })

    private let body: DeepseekV2RMSNorm

    public init(shape: DecoderShape, hiddenSize: Int = Qwen2EncoderConfiguration.deepEncoderV2.hiddenSize) throws {
        body = try DeepseekV2RMSNorm(shape: shape, hiddenSize: hiddenSize)
    }

    public var symbols: [Symbol] { body.symbols }
    public var ownParameters: [ParameterTensor] { body.ownParameters }
    public var steps: [Step] { body.steps }
}
