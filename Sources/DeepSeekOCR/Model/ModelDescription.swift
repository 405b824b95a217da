import ModelMeter

/// A model described once: its name, its hint-doc folder and its documented layer types in page
/// order (each with its hint doc, `explain` recipe and reference checks). The site, `explain`,
/// `list` and tests iterate over a description; a second model is a second conformer.
public protocol ModelDescription: Sendable {
    /// The name reports print (`DeepSeek-OCR`).
    static var name: String { get }
    /// Where the model's own hint docs live, relative to the project root (shared layers keep theirs).
    static var knowledgeBase: String { get }
    /// Every documented layer type the model runs, in page order.
    static var layers: [LayerRecipe] { get }
}

extension ModelDescription {
    /// The hint docs of `layers`, in page order.
    public static var layerDocs: [LayerDoc] { layers.map(\.doc) }

    /// The layer type named `name` (its vendor class), case-insensitively.
    public static func recipe(named name: String) throws -> LayerRecipe {
        guard let recipe = layers.first(where: { $0.name.lowercased() == name.lowercased() }) else {
            throw ModelMeterError.unknownName(kind: "layer", name: name, accepted: layers.map(\.name))
        }
        return recipe
    }
}

/// DeepSeek-OCR 2 described once: SAM's layer types (shared with DeepSeek-OCR, `net_3` narrowed
/// to 896), DeepEncoder V2's Qwen2 encoder, the linear projector and the shared decoder.
public enum DeepSeekOCR2Model: ModelDescription {
    public static let name = OCRModel.deepseekOCR2.displayName

    /// Where the Qwen2 encoder's hint docs live, relative to the project root.
    public static let knowledgeBase = "context/hints/dsocr2-kb"

    /// The layer types only DeepSeek-OCR 2 runs: the Qwen2 encoder, outermost first.
    public static let encoderLayers: [LayerRecipe] = [
        Qwen2Decoder2Encoder.recipe, CustomQwen2Decoder.recipe, CustomQwen2ModelInner.recipe, Qwen2DecoderLayer.recipe,
        Qwen2SdpaAttention.recipe, Qwen2MLP.recipe, Qwen2RMSNorm.recipe, Qwen2RotaryEmbedding.recipe,
    ]

    /// Decoder positions of the 1024 global view and its separator, `q·q + 1` with `q = 1024/64`:
    /// the default `tokens` of `explain` on a decoder layer (DeepSeek-OCR's is `q·(q + 1) + 1 = 273`).
    public static let globalViewPositions = OCRModel.deepseekOCR2Tokens(crops: nil)

    /// Every documented layer type, with `explain` defaults at this model's shapes: SAM (shared
    /// with DeepSeek-OCR, `net_3` at 896), the Qwen2 encoder, the projector (896 → 1280), then the
    /// shared decoder over the global view's positions.
    public static let layers: [LayerRecipe] = [
        Attention.recipe, Block.recipe, MLPBlock.recipe, LayerNorm2d.recipe, PatchEmbed.recipe,
        ImageEncoderViT.recipe(base: DeepSeekOCR2View.sam),
    ] + encoderLayers + [
        MlpProjector.recipe(
            inputDim: Qwen2EncoderConfiguration.deepEncoderV2.hiddenSize, inputSource: DeepSeekOCR2View.projectorInputSource),
    ] + [
        LlamaAttention.recipe, LlamaRotaryEmbedding.recipe, DeepseekV2RMSNorm.recipe,
        DeepseekV2MLP.recipe, MoEGate.recipe, DeepseekV2MoE.recipe, DeepseekV2DecoderLayer.recipe, DeepseekV2Model.recipe,
        DeepseekV2ForCausalLM.recipe,
    ].map { $0.withDefaults(["tokens": globalViewPositions]) }
}

extension OCRModel {
    /// The model's description: its layer types and hint-doc folder.
    public var description: any ModelDescription.Type {
        switch self {
        case .deepseekOCR: return DeepSeekOCRModel.self
        case .deepseekOCR2: return DeepSeekOCR2Model.self
        }
    }
}
