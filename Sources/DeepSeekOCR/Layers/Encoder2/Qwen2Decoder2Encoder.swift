import ModelMeter

/// `Qwen2Decoder2Encoder` (`qwen2_model`), DeepEncoder V2's second stage: SAM's
/// `[B, 896, g, g]` map is flattened to `N = g²` visual tokens, the view's learned causal-flow
/// queries (`query_768` for crops, N = 144; `query_1024` for the global view, N = 256) are appended,
/// the Qwen2 stack runs over all `S = 2N` positions, and only the last N rows, the queries'
/// outputs, are kept for the projector.
///
/// ```
/// cat(visual, queries)  reads B·N·D + N·D, writes B·S·D
/// model                 CustomQwen2Decoder over S = 2N positions
/// keep query rows       y[:, N:] is a view: the visual half of every layer's output is computed and dropped
/// ```
public struct Qwen2Decoder2Encoder: Layer {
    public static let documentation = LayerDoc(vendorClass: "Qwen2Decoder2Encoder", vendorFile: "deepencoderv2/qwen2_d2e.py", knowledgeBase: DeepSeekOCR2Model.knowledgeBase)
    public let typeName = "Qwen2Decoder2Encoder"
    public var doc: LayerDoc? { Self.documentation }

    /// How `explain` builds this layer: one global view (`grid=16`) by default, `grid=12` for crops.
    public static let recipe = LayerRecipe(
        doc: documentation,
        parameters: [.init("batch", 1, "images in the view"), .init("grid", 16, "SAM feature grid side g (16 global, 12 crop)")],
        takesKernel: true,
        build: { a in try Qwen2Decoder2Encoder(batch: a["batch"], featureGrid: a["grid"], kernel: a.kernel) },
        referenceModules: [], referenceLayer: { run in try Qwen2Decoder2Encoder(batch: run.decoderShape().batch.value, featureGrid: 16) })

    public let batch: Symbol
    public let visualTokens: Symbol
    public let hidden: Symbol
    public let configuration: Qwen2EncoderConfiguration
    private let decoder: CustomQwen2Decoder
    private let cropQueries: Embedding
    private let globalQueries: Embedding

    /// - Parameter featureGrid: side `g` of SAM's output (12 for a 768 crop, 16 for the 1024 view).
    public init(
        batch: Int, featureGrid: Int, configuration: Qwen2EncoderConfiguration = .deepEncoderV2, kernel: AttentionKernel = .sdpa
    ) throws {
        try ModelMeterError.requirePositive(featureGrid, "feature grid", in: "Qwen2Decoder2Encoder")
        let tokens = try ModelMeterError.checkedProduct(featureGrid, featureGrid, "g²")
        _ = try configuration.queryTable(tokens: tokens)
        self.configuration = configuration
        self.batch = Symbol("B", batch, "images in this view")
        visualTokens = Symbol("N", tokens, "visual tokens per image, g² (as many queries follow)")
        hidden = Symbol("D", configuration.hiddenSize, "hidden width")
        decoder = try CustomQwen2Decoder(
            shape: .encoder(images: batch, positions: try ModelMeterError.checkedProduct(2, tokens, "2N")),
            configuration: configuration, kernel: kernel)
        let width = hidden.formula
        // The tables are read through `.weight` (expand + cat), never looked up: their reads are the cat's.
        cropQueries = try Embedding("query table (read by the cat)", rows: configuration.cropQueries, width: width, lookups: .zero)
        globalQueries = try Embedding("query table (read by the cat)", rows: configuration.globalQueries, width: width, lookups: .zero)
    }

    public var symbols: [Symbol] { [batch, visualTokens, hidden] }

    public var steps: [Step] {
        let visual = batch * visualTokens * hidden
        return [
            .term(.dataMovement(
                "cat(visual tokens, queries)", reads: visual + visualTokens * hidden, writes: 2 * visual)),
            .child(Child("model", decoder)),
            .child(Child("query_768", cropQueries)),
            .child(Child("query_1024", globalQueries)),
        ]
    }
}
