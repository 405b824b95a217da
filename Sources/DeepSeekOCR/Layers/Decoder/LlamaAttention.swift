import ModelMeter

/// `LlamaAttention` (`model.layers.N.self_attn`): the multi-head attention DeepSeek-OCR's
/// decoder runs (`use_mla` false selects transformers' Llama class). Projections without bias,
/// rotary positions on q and k, attention over the `L + S` cached and new keys, output projection.
///
/// The same class computes the grouped-query attention of `transformers` 5.25's llama, mistral and
/// qwen2 decoders (`GroupedQueryAttentionSizes`): `kv` key/value heads shared by `h/kv` query heads
/// each (q/k/v widths `h·d`, `kv·d`, `kv·d`), q/k/v biases (qwen2, `attention_bias`), a sliding
/// window whose cache keeps the last `W − 1` positions (mistral), and the rotary table computed
/// once by the model (`model.rotary_emb`) instead of inside each attention. Eager attention
/// copies K and V to `h` heads (`repeat_kv`) before the score bmm; FlopCounterMode counts
/// `4·B·h·S·Sk·d` either way.
///
/// ```
/// q/k/v/o projections  2·B·S·D·D each
/// RoPE on q and k      3·2·B·S·D (CUDA)
/// attention            4·B·h·S·(L + S)·d   (eager adds the causal mask to the full square)
/// KV cache append      writes 2·B·S·D elements (K and V of the new positions)
/// KV cache read        2·B·h·(L + S)·d elements by the attention core
/// KV cache kept        2·B·(L + S)·D elements (K and V of every position)
/// ```
/// Counted versus executed: FlopCounterMode books the full `S × (L + S)` square for QKᵀ and
/// A·V on both paths; a causal flash kernel skips the tiles above the diagonal and executes about
/// half of it in prefill (all of it in decode, where the one query sees every key).
/// The cache is taken as updated in place (paged or static caches): transformers'
/// `DynamicCache` instead concatenates, copying the whole cache every step; that copy is not
/// counted.
///
/// Saved for backward (training, eager path), each storage once, T = B·S, Sk = L + S:
/// ```
/// q_proj input X        T·D          (k_proj and v_proj keep the same storage)
/// RoPE                  2·T·d        cos and sin, shared by q and k (q·cos keeps cos, not q: the table needs no gradient)
/// scores bmm            2·B·h·S·d    q and k after RoPE (views at B = 1, contiguous copies at B > 1: same count)
/// softmax               4·B·h·S·Sk B P in fp32 (P·V takes the same storage at fp32)
/// P·V                   B·h·Sk·d     v (a view of v_proj's output at B = 1, a copy at B > 1)
/// o_proj input          T·D          the contiguous [B, S, D] copy of the heads
/// ```
public struct LlamaAttention: Layer {
    public static let documentation = LayerDoc(
        vendorClass: "LlamaAttention", vendorFile: "transformers/models/llama/modeling_llama.py")
    /// `LlamaAttention`, or a family's class computing the same (`Qwen2Attention`, `MistralAttention`).
    public let typeName: String
    public var doc: LayerDoc? { Self.documentation }

    /// How `explain` builds this layer and which reference runs verify it.
    public static let recipe = LayerRecipe(
        doc: documentation, parameters: DecoderShape.recipeParameters, takesKernel: true,
        build: { a in try LlamaAttention(shape: DecoderShape(a), kernel: a.kernel) },
        referenceModules: ["attn.LlamaAttention"],
        referenceLayer: { run in try LlamaAttention(shape: run.decoderShape(), kernel: run.kernel) })

    public let shape: DecoderShape
    public let hidden: Symbol
    public let heads: Symbol
    /// Key/value heads when fewer than `heads` (grouped-query attention), else nil.
    public let keyValueHeads: Symbol?
    public let headDim: Symbol
    public let kernel: AttentionKernel
    /// Cached positions attention reads when a sliding window cuts the cache (`min(L, W − 1)`), and
    /// positions the cache keeps after the call (`min(L + S, W − 1)`); nil where the window does not bind.
    private let windowedContext: Symbol?
    private let windowedCache: Symbol?
    /// Q (and attention output) width and K/V width: `D` for DeepSeek-OCR's plain multi-head
    /// attention, `h·d` and `kv·d` otherwise.
    private let queryWidth: Formula
    private let keyValueWidth: Formula
    private let projections: [(name: String, linear: Linear)]
    private let rotary: LlamaRotaryEmbedding?
    private let outputProjection: Linear

    /// DeepSeek-OCR's decoder attention: `h = kv = 10` heads of `d = 128`, no bias, rotary inside.
    public init(
        shape: DecoderShape, configuration: DeepseekV2Configuration = .deepSeekOCR, kernel: AttentionKernel = .sdpa
    ) throws {
        try configuration.validate()
        let sizes = GroupedQueryAttentionSizes(
            hiddenSize: configuration.hiddenSize, heads: configuration.heads,
            keyValueHeads: configuration.keyValueHeads, headDim: configuration.headDim)
        try self.init(shape: shape, sizes: sizes, kernel: kernel, rotaryInside: true)
    }

    /// An attention of `sizes`; `rotaryInside`: the module owns its `rotary_emb` (older transformers,
    /// DeepSeek-OCR) rather than receiving the model's table (`transformers` 5.25).
    public init(
        shape: DecoderShape, sizes: GroupedQueryAttentionSizes, kernel: AttentionKernel = .sdpa,
        rotaryInside: Bool = false, className: String = "LlamaAttention"
    ) throws {
        try sizes.validate(className)
        self.shape = shape
        self.kernel = kernel
        typeName = className
        let plain = sizes.keyValueHeads == sizes.heads && sizes.heads * sizes.headDim == sizes.hiddenSize
        let width = Symbol("D", sizes.hiddenSize, plain ? "hidden width, h·d" : "hidden width")
        hidden = width
        let grouped = sizes.keyValueHeads != sizes.heads
        heads = Symbol("h", sizes.heads, grouped ? "attention (query) heads" : "attention heads (= key/value heads)")
        keyValueHeads = grouped ? Symbol("kv", sizes.keyValueHeads, "key/value heads, each shared by h/kv query heads") : nil
        headDim = Symbol("d", sizes.headDim, "head width")
        let (query, keyValue) = plain
            ? (width.formula, width.formula) : (heads * headDim, (keyValueHeads ?? heads) * headDim)
        (queryWidth, keyValueWidth) = (query, keyValue)
        (windowedContext, windowedCache) = Self.window(sizes.slidingWindow, shape: shape)
        let rows = shape.rows
        // q_proj keeps the input X; k_proj and v_proj keep the same storage (counted once, at q_proj).
        projections = try ["q_proj", "k_proj", "v_proj"].enumerated().map { index, name in
            (name, try Linear(
                String(name.prefix(1)), tokens: rows, inFeatures: width.formula,
                outFeatures: index == 0 ? query : keyValue, bias: sizes.queryKeyValueBias,
                inputAlreadySaved: name != "q_proj"))
        }
        rotary = rotaryInside ? try LlamaRotaryEmbedding(shape: shape, headDim: sizes.headDim) : nil
        outputProjection = try Linear(
            "o", tokens: rows, inFeatures: query, outFeatures: width.formula, bias: sizes.outputBias)
    }

    /// The window's symbols: `L_w = min(L, W − 1)` read and `L_c = min(L + S, W − 1)` kept, each
    /// only where the window cuts the cache.
    private static func window(_ window: Int?, shape: DecoderShape) -> (Symbol?, Symbol?) {
        guard let window else { return (nil, nil) }
        let kept = window - 1
        let (l, s) = (shape.cached.value, shape.tokens.value)
        return (
            l > kept ? Symbol("L_w", kept, "cached positions attention reads: min(L, W − 1), sliding window W = \(window)") : nil,
            l + s > kept ? Symbol("L_c", kept, "positions the sliding cache keeps: min(L + S, W − 1), W = \(window)") : nil)
    }

    public var symbols: [Symbol] {
        shape.symbols + [hidden, heads] + [keyValueHeads, headDim, windowedContext, windowedCache].compactMap { $0 }
    }

    /// Key positions the scores cover: `L + S`, or `L_w + S` under a binding sliding window.
    private var attendedKeys: Formula { windowedContext.map { $0 + shape.tokens } ?? shape.keys }

    /// K and V of every position the sequences hold after this call: `2·B·(L + S)·kv·d`
    /// (`2·B·(L + S)·D` for plain multi-head attention; `L_c` positions under a sliding window).
    public var kvCacheElements: Formula { 2 * shape.batch * (windowedCache?.formula ?? shape.keys) * keyValueWidth }

    public var steps: [Step] {
        let keys = attendedKeys
        var core = ScaledDotProductAttention(
            batch: shape.batch.formula, heads: heads.formula, tokens: shape.tokens.formula, keyTokens: keys,
            headDim: headDim.formula, hasMask: false, causalMask: true, kernel: kernel)
        // transformers' eager code: matmul(q, kᵀ) / √d, softmax(…, dtype=float32).
        core.scalesScoresAfterMatmul = true
        core.softmaxInFP32 = true
        let queriesAndKeys = keyValueHeads == nil && queryWidth == hidden.formula
            ? 2 * shape.rows * hidden : shape.rows * (queryWidth + keyValueWidth)
        var steps: [Step] = projections.map { .child(Child($0.name, $0.linear)) }
        if let rotary { steps.append(.child(Child("rotary_emb", rotary))) }
        steps += [
            // cos and sin ([B, S, d]) are broadcast over heads and read once per tensor.
            .term(CostTerm.elementwise(
                "RoPE on q and k", .rotary, elements: queriesAndKeys, weightElements: 2 * shape.rows * headDim)
                .saving(2 * shape.rows * headDim, tensors: "cos and sin (shared by q and k; q and k are not kept)")),
            // K and V of the new positions go into the cache in place (paged or static cache).
            .term(.dataMovement("KV cache append", reads: 2 * shape.rows * keyValueWidth, writes: 2 * shape.rows * keyValueWidth)),
        ]
        if let keyValueHeads {
            if kernel == .eager {
                // repeat_kv: expand + reshape materialises K and V at h heads.
                let shared = 2 * shape.batch * keyValueHeads * keys * headDim
                steps.append(.term(.dataMovement(
                    "repeat_kv (K and V to h heads)", reads: shared, writes: 2 * shape.batch * heads * keys * headDim)))
            } else {
                // A grouped-query fused kernel reads each K/V head once for its h/kv query heads.
                core.keyValueHeads = keyValueHeads.formula
            }
        }
        let headsWidth = queryWidth == hidden.formula ? "D" : "h·d"
        return steps + core.terms.map(Step.term) + [
            .term(.dataMovement(
                "heads to [B, S, \(headsWidth)] (contiguous)", reads: shape.rows * queryWidth, writes: shape.rows * queryWidth)),
            .child(Child("o_proj", outputProjection)),
        ]
    }
}

/// Sizes of a grouped-query attention as a `config.json` gives them.
public struct GroupedQueryAttentionSizes: Sendable, Hashable {
    public var hiddenSize: Int
    public var heads: Int
    public var keyValueHeads: Int
    public var headDim: Int
    /// Bias on q_proj, k_proj and v_proj (qwen2; llama's `attention_bias`), and on o_proj (llama's `attention_bias`).
    public var queryKeyValueBias = false
    public var outputBias = false
    /// Sliding window `W` (the cache keeps the last `W − 1` positions); nil: full attention.
    public var slidingWindow: Int?

    public init(
        hiddenSize: Int, heads: Int, keyValueHeads: Int, headDim: Int, queryKeyValueBias: Bool = false,
        outputBias: Bool = false, slidingWindow: Int? = nil
    ) {
        self.hiddenSize = hiddenSize
        self.heads = heads
        self.keyValueHeads = keyValueHeads
        self.headDim = headDim
        self.queryKeyValueBias = queryKeyValueBias
        self.outputBias = outputBias
        self.slidingWindow = slidingWindow
    }

    /// Throws unless every size is positive and key/value heads divide the heads.
    func validate(_ layer: String) throws {
        for (value, what) in [(hiddenSize, "hidden_size"), (heads, "num_attention_heads"),
                              (keyValueHeads, "num_key_value_heads"), (headDim, "head_dim")] {
            try ModelMeterError.requirePositive(value, what, in: layer)
        }
        try ModelMeterError.requireDivides(keyValueHeads, "num_key_value_heads", heads, "num_attention_heads", in: layer)
        if let slidingWindow { try ModelMeterError.requirePositive(slidingWindow, "sliding_window", in: layer) }
    }
}
