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

    // MARK: Preprocessing

    /// The mode a page of any size runs in: the crop mode, where the page's size picks the grid.
    static var pageMode: VisionMode { get }
    /// The modes the page-cost page prices one page in, smallest view first (its stacked chart and claims).
    static var pageCostModes: [VisionMode] { get }

    // MARK: How the model's own site describes it

    /// The vision stage's modules, as a sentence part: "the SAM and CLIP encoders".
    static var visionEncoders: String { get }
    /// Where the views come from, as a parenthesis after "every view of the page".
    static var viewsOfAPage: String { get }
    /// What a page's image positions include besides the projected features (a parenthesis body).
    static var imagePositionsInclude: String { get }
    /// The vision module class's members, for the split of a page's time by class.
    static var visionClassMembers: String { get }
    /// The glossary's meaning of "Gundam", the crop mode.
    static var cropModeMeaning: String { get }
    /// The glossary's meaning of "vision tokens".
    static var visionTokensMeaning: String { get }
    /// Who claims what throughput, ending where the page's assumptions begin.
    static var throughputClaims: String { get }
    /// Which pages the claims table prices, as a parenthesis body.
    static var claimedPages: String { get }
    /// A note above a layer page's hint-doc prose where that prose was written for another
    /// model (a shared doc); nil where the doc is this model's own or describes it as it is.
    static func layerNote(for doc: LayerDoc) -> String?
    /// A note above the shared counting conventions where their examples name another model's
    /// modules; nil where they are this model's own.
    static var conventionsNote: String? { get }
    /// The module-tree roots of `named_modules()` paths that belong to the vision stage of the
    /// reference runs (`sam.`, `clip.`, `proj.` for DeepSeek-OCR).
    static var visionReferencePrefixes: [String] { get }

    // MARK: Reference data

    /// The FlopCounterMode run files (`ReferenceRun`) that verify this model, relative to the
    /// project root; DeepSeek-OCR 2 shares the decoder's.
    static var referenceFiles: [String] { get }
    /// The per-view measurement of the whole vision tree, where the model has one, and the
    /// layer each view measured.
    static var visionTreeReference: VisionTreeReferenceSource? { get }
}

/// A vision-tree reference file and how to build the module tree one of its views measured.
public struct VisionTreeReferenceSource: Sendable {
    /// Relative to the project root.
    public let path: String
    public let layer: @Sendable (VisionTreeView) throws -> any Layer

    public init(path: String, layer: @escaping @Sendable (VisionTreeView) throws -> any Layer) {
        self.path = path
        self.layer = layer
    }
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

extension DeepSeekOCR2Model {
    /// The one mode DeepSeek-OCR 2 runs (base 1024, crops 768), under DeepSeek-OCR's crop-mode name.
    public static let pageMode = VisionMode.gundam
    public static let pageCostModes = [VisionMode.gundam]
    public static let visionEncoders = "SAM and the Qwen2 encoder"
    public static let viewsOfAPage =
        "the 1024×1024 global view and, for a page larger than 768 pixels on a side, each 768×768 local crop"
    public static let imagePositionsInclude = "view-separator token included; no image-newline tokens"
    public static let visionClassMembers = "SAM (`sam_model`), the Qwen2 encoder (`qwen2_model`) and the projector, every view"
    public static let cropModeMeaning =
        "DeepSeek-OCR 2's one mode (ModelMeter calls it `gundam`): a 1024×1024 global view of the page plus, "
            + "for a page larger than 768 pixels on a side, a grid of 2 to 6 local crops of 768×768 (here 2×2 unless the page says otherwise)."
    public static let visionTokensMeaning =
        "Positions the vision stack hands the decoder per page: the projected query outputs of the Qwen2 encoder "
        + "(256 for the global view, 144 per crop) plus the view separator; no newline tokens."
    public static let throughputClaims =
        "DeepSeek-OCR 2's authors give no speed or throughput figure (paper and README). Its predecessor's authors report "
        + "\"200k+ pages per day\" for DeepSeek-OCR on one A100-40G (paper, data generation) and about 2,500 output tokens/s "
        + "on an A100-40G with vLLM (repository README); the two models share the decoder, which takes most of a page's time, "
        + "so those figures stand below for scale. Neither states the page mix or the output length;"
    public static let claimedPages = "the default page and the A4 scan"

    /// Shared docs were written for DeepSeek-OCR: SAM's and the projector's say what changes,
    /// the decoder's that it is the same, the other SAM pages that their examples use 640 crops.
    public static func layerNote(for doc: LayerDoc) -> String? {
        guard doc.knowledgeBase != knowledgeBase else { return nil }
        let tables = "Every table and figure below is computed for DeepSeek-OCR 2's workload."
        switch doc.vendorClass {
        case "ImageEncoderViT":
            return "**In DeepSeek-OCR 2** this page's prose, written for DeepSeek-OCR, differs in two places: `net_3` "
                + "outputs 896 channels (512 → 896) instead of 1024, and its `[B, 896, R/64, R/64]` output feeds the "
                + "Qwen2 encoder (`qwen2_model`) alone, as 256 tokens for the 1024 global view and 144 per 768 crop; no "
                + "CLIP runs and nothing is concatenated. " + tables
        case "MlpProjector":
            return "**In DeepSeek-OCR 2** the projector is one Linear 896 → 1280 (896·1280 + 1280 = 1,148,160 parameters) "
                + "on the Qwen2 encoder's query outputs, one token per SAM token of the view; there is no CLIP and no "
                + "2048-wide concatenation, which this page's prose (written for DeepSeek-OCR) describes. " + tables
        case "DeepseekV2Model", "DeepseekV2ForCausalLM":
            return "**In DeepSeek-OCR 2** the decoder is DeepSeek-OCR's, unchanged, but the prefill's image positions are "
                + "built without `image_newline` tokens: 256 for the global view, its view separator, then 144 per crop "
                + "(`257 + 144·n`); the prose below, written for DeepSeek-OCR, speaks of CLIP and newline tokens. " + tables
        case "LlamaAttention", "LlamaRotaryEmbedding", "DeepseekV2RMSNorm", "DeepseekV2MLP", "MoEGate", "DeepseekV2MoE",
             "DeepseekV2DecoderLayer":
            return "This page is shared with DeepSeek-OCR's site: the decoder is DeepSeek-OCR's, unchanged, and where "
                + "the prose compares it with CLIP's layers it speaks of DeepSeek-OCR. " + tables
        default:
            return "This page is shared with DeepSeek-OCR's site, and its prose gives DeepSeek-OCR's examples (CLIP "
                + "beside SAM, 640 crops); DeepSeek-OCR 2 runs the same class, with 768 crops and the Qwen2 encoder in "
                + "CLIP's place. " + tables
        }
    }
    public static let conventionsNote: String? =
        "These conventions are shared with DeepSeek-OCR's site, and where their examples name CLIP (`vision_model`) they "
        + "describe DeepSeek-OCR: DeepSeek-OCR 2 runs no CLIP. Its Qwen2 encoder (`qwen2_model`) takes CLIP's place; like "
        + "SAM it runs every position of a view in one call and keeps no KV cache, and its modules are called normally, "
        + "so `FlopCounterMode` gives each of them an entry."
    public static let visionReferencePrefixes = ["sam_model.", "qwen2_model.", "projector."]
    /// The decoder's runs: the decoder is DeepSeek-OCR's, unchanged.
    public static let referenceFiles = [ReferenceRun.decoderReferencePath]
    /// Each view is one `DeepSeekOCR2View` of its images at its side.
    public static let visionTreeReference: VisionTreeReferenceSource? = VisionTreeReferenceSource(
        path: "context/reference/dsocr2-reference.json",
        layer: { view in try DeepSeekOCR2View(batch: view.batch, imageSize: view.side) })
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
