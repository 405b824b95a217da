import ModelMeter

/// DeepEncoder V2's Qwen2 encoder as `build_qwen2_decoder_as_encoder()` builds it
/// (`deepencoderv2/qwen2_d2e.py`): Qwen2-0.5B's shape without its token embedding.
public struct Qwen2EncoderConfiguration: Sendable, Hashable {
    public var hiddenSize = 896
    public var layers = 24
    public var heads = 14
    /// Grouped-query attention: `num_key_value_heads`, each shared by `heads / keyValueHeads` query heads.
    public var keyValueHeads = 2
    /// SwiGLU width (`intermediate_size`).
    public var intermediateSize = 4864
    /// Causal-flow query tables, one per view size: rows of `query_768` (crops) and `query_1024` (global view).
    public var cropQueries = 144
    public var globalQueries = 256

    public init() {}
    public static let deepEncoderV2 = Qwen2EncoderConfiguration()

    /// Width of one head: `hidden_size / num_attention_heads` (64).
    public var headDim: Int { hiddenSize / heads }
    /// Width of the K and V projections: `kv_heads · head_dim` (128).
    public var keyValueWidth: Int { keyValueHeads * headDim }

    /// Throws unless every size is positive, heads divide the width and K/V heads divide the heads.
    public func validate() throws {
        let sizes = [
            (hiddenSize, "hidden_size"), (layers, "num_hidden_layers"), (heads, "num_attention_heads"),
            (keyValueHeads, "num_key_value_heads"), (intermediateSize, "intermediate_size"),
        ]
        for (value, what) in sizes { try ModelMeterError.requirePositive(value, what, in: "Qwen2Config") }
        try ModelMeterError.requireDivides(heads, "num_attention_heads", hiddenSize, "hidden_size", in: "Qwen2Config")
        try ModelMeterError.requireDivides(keyValueHeads, "num_key_value_heads", heads, "num_attention_heads", in: "Qwen2Config")
    }

    /// The query table the vendor picks for `tokens` visual tokens (`N = 144` → `query_768`,
    /// `N = 256` → `query_1024`); any other count has no table and the vendor code fails.
    public func queryTable(tokens: Int) throws -> String {
        if tokens == cropQueries { return "query_768" }
        if tokens == globalQueries { return "query_1024" }
        throw ModelMeterError.invalidShape(
            layer: "Qwen2Decoder2Encoder", what: "visual tokens",
            reason: "\(tokens) has no causal-flow query table; accepted: \(cropQueries) (768 crops) or \(globalQueries) (1024 view)")
    }
}

extension DecoderShape {
    /// One call of DeepEncoder V2's Qwen2 encoder: `B` images of one view, each a sequence of
    /// `S = 2N` positions (N visual tokens, then N queries), nothing cached.
    public static func encoder(images: Int, positions: Int) throws -> DecoderShape {
        var shape = try DecoderShape.prefill(batch: images, tokens: positions)
        shape.describeAsEncoder()
        return shape
    }

    /// The shape of the encoder's rotary table: `position_ids` is `[1, S]` whatever the batch, so
    /// its batch symbol is not `B` (sweeps scale every `B` with the pages).
    public static func rotaryTable(positions: Int) throws -> DecoderShape {
        let shape = try DecoderShape.encoder(images: 1, positions: positions)
        return DecoderShape(
            batch: Symbol("b₁", 1, "rows of position_ids (1, whatever the batch)"), tokens: shape.tokens, cached: shape.cached)
    }

    private mutating func describeAsEncoder() {
        self = DecoderShape(
            batch: Symbol("B", batch.value, "images in this view"),
            tokens: Symbol("S", tokens.value, "positions per image, 2N (visual tokens, then queries)"),
            cached: Symbol("L", 0, "cached positions (none: the encoder runs once)"))
    }

    private init(batch: Symbol, tokens: Symbol, cached: Symbol) {
        self.batch = batch
        self.tokens = tokens
        self.cached = cached
    }
}

extension Qwen2EncoderConfiguration {
    /// The `explain` keys every Qwen2 encoder layer takes: the global view (N = 256, S = 512) by default.
    public static let recipeParameters: [LayerRecipe.Parameter] = [
        .init("batch", 1, "images in the view"), .init("tokens", 512, "positions per image, 2N (512 global, 288 per crop)"),
    ]
}
