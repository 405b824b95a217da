import ModelMeter

/// DeepSeek-OCR described once: its documented layer types in page order (each with its hint
/// doc, `explain` recipe and reference checks). The site, `explain`, `list`, verification and
/// tests iterate over this list; adding a layer type means its file, its hint doc and one entry here.
public enum DeepSeekOCRModel: ModelDescription {
    public static let name = "DeepSeek-OCR"

    /// Where the hint docs live, relative to the project root.
    public static let knowledgeBase = "context/hints/dsocr-kb"

    /// Every documented layer type: the vision stack, then the language decoder.
    public static let layers: [LayerRecipe] = [
        Attention.recipe, Block.recipe, MLPBlock.recipe, LayerNorm2d.recipe, PatchEmbed.recipe,
        ImageEncoderViT.recipe, CLIPVisionEmbeddings.recipe, NoTPAttention.recipe, NoTPFeedForward.recipe,
        NoTPTransformerBlock.recipe, NoTPTransformer.recipe, VitModel.recipe, MlpProjector.recipe,
        LlamaAttention.recipe, LlamaRotaryEmbedding.recipe, DeepseekV2RMSNorm.recipe, DeepseekV2MLP.recipe,
        MoEGate.recipe, DeepseekV2MoE.recipe, DeepseekV2DecoderLayer.recipe, DeepseekV2Model.recipe,
        DeepseekV2ForCausalLM.recipe,
    ]
}

extension LayerDoc {
    /// A DeepSeek-OCR layer's doc, in `DeepSeekOCRModel.knowledgeBase`.
    public init(vendorClass: String, vendorFile: String) {
        self.init(vendorClass: vendorClass, vendorFile: vendorFile, knowledgeBase: DeepSeekOCRModel.knowledgeBase)
    }
}
