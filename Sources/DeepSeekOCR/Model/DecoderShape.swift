import ModelMeter

/// What one decoder call processes: `B` sequences, each adding `S` new positions after `L`
/// cached ones. Prefill is `S` = prompt length, `L` = 0; a decode step is `S` = 1, `L` = tokens
/// already in the cache. Every decoder layer takes its `B`, `S` and `L` symbols from here.
public struct DecoderShape: Sendable, Hashable {
    public let batch: Symbol
    public let tokens: Symbol
    public let cached: Symbol

    /// Throws unless `batch, newTokens ≥ 1` and `cachedTokens ≥ 0`.
    public init(batch: Int, newTokens: Int, cachedTokens: Int = 0) throws {
        try ModelMeterError.requirePositive(batch, "batch", in: "decoder")
        try ModelMeterError.requirePositive(newTokens, "new tokens per sequence", in: "decoder")
        guard cachedTokens >= 0 else {
            throw ModelMeterError.invalidShape(layer: "decoder", what: "cached tokens", reason: "\(cachedTokens) is negative")
        }
        _ = try ModelMeterError.checkedSum(newTokens, cachedTokens, "L + S")
        _ = try ModelMeterError.checkedProduct(batch, newTokens + cachedTokens, "B·(L + S)")
        self.batch = Symbol("B", batch, "sequences in the batch")
        self.tokens = Symbol("S", newTokens, "new positions per sequence (prompt in prefill, 1 in decode)")
        self.cached = Symbol("L", cachedTokens, "positions already in the KV cache")
    }

    /// A prefill of `tokens` positions per sequence with an empty cache.
    public static func prefill(batch: Int, tokens: Int) throws -> DecoderShape {
        try DecoderShape(batch: batch, newTokens: tokens, cachedTokens: 0)
    }

    /// One decode step: one new token per sequence against `context` cached tokens.
    public static func decode(batch: Int, context: Int) throws -> DecoderShape {
        try DecoderShape(batch: batch, newTokens: 1, cachedTokens: context)
    }

    /// Token rows every linear sees: `B·S`.
    public var rows: Formula { batch * tokens }
    /// Key positions attention reads: `L + S`.
    public var keys: Formula { cached.value == 0 ? tokens.formula : cached + tokens }
    /// The shape's symbols, in the order symbol tables show them.
    public var symbols: [Symbol] { [batch, tokens, cached] }
}

extension DecoderShape {
    /// The `explain` keys every decoder layer takes: a Base page's prefill by default; set
    /// `tokens=1 context=L` for a decode step.
    public static let recipeParameters: [LayerRecipe.Parameter] = [
        .init("batch", 1, "sequences"), .init("tokens", 273, "new positions per sequence (1 for a decode step)"),
        .init("context", 0, "positions already in the KV cache"),
    ]

    /// The shape `explain` settings describe.
    public init(_ arguments: LayerRecipe.Arguments) throws {
        try self.init(batch: arguments["batch"], newTokens: arguments["tokens"], cachedTokens: arguments["context"])
    }
}
