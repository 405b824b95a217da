import ModelMeter

/// `DeepseekV2Model` (`model`): token embeddings, the decoder layers, the final RMSNorm.
/// In DeepSeek-OCR the image positions of the embedded prompt are overwritten with the
/// projected vision features before the layers run (the vision stage's token assembly).
///
/// Saved for backward: the token ids (int64, `8·B·S` B, kept by the lookup), every layer's set
/// (each layer's input is kept by its first RMSNorm) and the final RMSNorm's; the causal mask
/// is built without gradient and kept by nothing.
public struct DeepseekV2Model: Layer {
    public static let documentation = LayerDoc(vendorClass: "DeepseekV2Model", vendorFile: "modeling_deepseekv2.py")
    /// `DeepseekV2Model`, or a family's model computing the same (`Qwen2Model`, `DeepseekV3Model`, …).
    public let typeName: String
    public var doc: LayerDoc? { Self.documentation }

    /// How `explain` builds this layer and which reference runs verify it.
    public static let recipe = LayerRecipe(
        doc: documentation, parameters: DecoderShape.recipeParameters + [.init("layers", 12, "decoder layers", largest: LayerRecipe.largestLayerCount)], takesKernel: true,
        build: { a in try DeepseekV2Model(shape: DecoderShape(a), configuration: .layers(a["layers"]), kernel: a.kernel) },
        referenceModules: ["embed.embed_tokens"],
        referenceLayer: { run in
            // The reference measured the embedding on its own: the piece at `embed_tokens`.
            try DeepseekV2Model(shape: run.decoderShape(), configuration: .layers(1), kernel: run.kernel)
                .moduleInstance(at: "embed_tokens").layer
        })

    public let shape: DecoderShape
    public let hidden: Symbol
    public let vocabulary: Symbol
    public let kernel: AttentionKernel
    private let embedTokens: Embedding
    private let layers: ModuleContainer
    private let norm: DeepseekV2RMSNorm
    /// The rotary table `transformers` 5.25 computes once per call for every layer; nil when each
    /// attention owns its own (DeepSeek-OCR's vendor code).
    private let rotary: LlamaRotaryEmbedding?
    /// The masks the eager path builds once per call (DeepSeek-OCR: one causal mask over `L + S`).
    public let masks: [EagerMask]

    public init(
        shape: DecoderShape, configuration: DeepseekV2Configuration = .deepSeekOCR, kernel: AttentionKernel = .sdpa
    ) throws {
        try configuration.validate()
        // The first `first_k_dense_replace` layers are dense, the rest MoE: two runs of identical copies.
        var runs: [Child] = []
        let dense = configuration.firstDenseLayers
        if dense > 0 {
            runs.append(Child(indices: 0, count: dense, try DeepseekV2DecoderLayer(
                shape: shape, index: 0, configuration: configuration, kernel: kernel)))
        }
        if configuration.layers > dense {
            runs.append(Child(indices: dense, count: configuration.layers - dense, try DeepseekV2DecoderLayer(
                shape: shape, index: dense, configuration: configuration, kernel: kernel)))
        }
        try self.init(
            shape: shape, hiddenSize: configuration.hiddenSize, vocabularySize: configuration.vocabularySize,
            layers: runs, kernel: kernel)
    }

    /// Embeddings, the runs of decoder layers (`Child(indices:count:)`), the final norm and, for
    /// `transformers` 5.25, the shared `rotary` table; `className`/`normClassName` name the family's classes.
    public init(
        shape: DecoderShape, hiddenSize: Int, vocabularySize: Int, layers runs: [Child], kernel: AttentionKernel,
        rotary: LlamaRotaryEmbedding? = nil, className: String = "DeepseekV2Model",
        normClassName: String = "DeepseekV2RMSNorm", masks: [EagerMask] = [.causal]
    ) throws {
        self.shape = shape
        self.kernel = kernel
        typeName = className
        hidden = Symbol("D", hiddenSize, "hidden width")
        vocabulary = Symbol("V", vocabularySize, "vocabulary")
        embedTokens = try Embedding("token lookup", rows: vocabularySize, width: hidden.formula, lookups: shape.rows)
        layers = ModuleContainer("ModuleList", runs)
        norm = try DeepseekV2RMSNorm(shape: shape, hiddenSize: hiddenSize, className: normClassName)
        self.rotary = rotary
        self.masks = masks
    }

    /// `L_w = min(L, W − 1)` of a sliding-window mask, where the window cuts the cache.
    private var windowedContext: Symbol? {
        guard kernel == .eager, let window = masks.compactMap(\.window).first, shape.cached.value > window - 1 else { return nil }
        return Symbol("L_w", window - 1, "cached positions a sliding-window mask covers: min(L, W − 1), W = \(window)")
    }

    public var symbols: [Symbol] { shape.symbols + [hidden, vocabulary] + [windowedContext].compactMap { $0 } }

    public var steps: [Step] {
        var steps: [Step] = [.child(Child("embed_tokens", embedTokens))]
        if kernel == .eager {
            // The eager path builds each float `[B, 1, S, K]` mask once per call: K = L + S, or
            // min(L, W − 1) + S for the layers of a sliding window (what the sliding cache keeps).
            for mask in masks {
                let keys = mask.window != nil ? windowedContext.map { $0 + shape.tokens } ?? shape.keys : shape.keys
                steps.append(.term(.dataMovement(mask.name, reads: .zero, writes: shape.batch * shape.tokens * keys)))
            }
        }
        if let rotary { steps.append(.child(Child("rotary_emb", rotary))) }
        return steps + [.child(Child("layers", layers)), .child(Child("norm", norm))]
    }
}

/// A mask `transformers`' eager path builds once per call and its layers share: `[B, 1, S, K]`
/// floats, `K` the key positions the cache gives those layers (`get_mask_sizes`): `L + S` for full
/// attention; `min(L, W − 1) + S` for a sliding window `W` (`DynamicSlidingWindowLayer` keeps `W − 1`).
public struct EagerMask: Sendable, Hashable {
    public let name: String
    /// The sliding window of the layers it serves; nil: every cached position.
    public let window: Int?

    public init(name: String, window: Int?) {
        self.name = name
        self.window = window
    }

    /// DeepSeek-OCR's and every full-attention decoder's mask over `L + S` keys.
    public static let causal = EagerMask(name: "causal mask", window: nil)

    /// A sliding-window mask over `min(L, W − 1) + S` keys.
    public static func slidingWindow(_ window: Int) -> EagerMask { EagerMask(name: "sliding-window causal mask", window: window) }
}
