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

extension DeepSeekOCRModel {
    /// Gundam: a 1024 global view plus 640 crops.
    public static let pageMode = VisionMode.gundam
    /// Small (640, 100 tokens), base (1024, 273) and Gundam (a 2×2 grid by default).
    public static let pageCostModes: [VisionMode] = [.small, .base, .gundam]
    public static let visionEncoders = "the SAM and CLIP encoders"
    public static let viewsOfAPage = "the global view and, in Gundam mode, each local crop"
    public static let imagePositionsInclude = "image-newline and view-separator tokens included"
    public static let visionClassMembers = "SAM (`sam_model`), CLIP (`vision_model`) and the projector, every view"
    public static let cropModeMeaning =
        "DeepSeek-OCR's crop mode: a 1024×1024 global view of the page plus a grid of 640×640 local crops "
            + "(here 2×2 unless the page says otherwise)."
    public static let visionTokensMeaning =
        "Positions the vision stack hands the decoder per page: the projected SAM+CLIP features plus newline and separator tokens."
    public static let throughputClaims =
        "DeepSeek-OCR's authors report \"200k+ pages per day\" on one A100-40G (paper, data generation) and about 2,500 "
        + "output tokens/s on an A100-40G with vLLM (repository README). Neither states the page mix or the output length;"
    public static let claimedPages = "three modes and the A4 scan"
    public static let conventionsNote: String? = nil
    /// The shared docs were written for DeepSeek-OCR.
    public static func layerNote(for doc: LayerDoc) -> String? { nil }
    public static let visionReferencePrefixes = ["sam.", "clip.", "proj."]
    public static let referenceFiles = [ReferenceRun.visionReferencePath, ReferenceRun.decoderReferencePath]
    public static let visionTreeReference: VisionTreeReferenceSource? = nil
}

extension LayerDoc {
    /// A DeepSeek-OCR layer's doc, in `DeepSeekOCRModel.knowledgeBase`.
    public init(vendorClass: String, vendorFile: String) {
        self.init(vendorClass: vendorClass, vendorFile: vendorFile, knowledgeBase: DeepSeekOCRModel.knowledgeBase)
    }
}
