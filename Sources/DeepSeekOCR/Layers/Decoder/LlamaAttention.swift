import ModelMeter

/// `LlamaAttention` (`model.layers.N.self_attn`): the multi-head attention DeepSeek-OCR's
/// decoder runs (`use_mla` false selects transformers' Llama class). Projections without bias,
/// rotary positions on q and k, attention over the `L + S` cached and new keys, output projection.
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
    public let typeName = "LlamaAttention"
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
    public let headDim: Symbol
    public let kernel: AttentionKernel
    private let projections: [(name: String, linear: Linear)]
    private let rotary: LlamaRotaryEmbedding
    private let outputProjection: Linear

    public init(
        shape: DecoderShape, configuration: DeepseekV2Configuration = .deepSeekOCR, kernel: AttentionKernel = .sdpa
    ) throws {
        try configuration.validate()
        self.shape = shape
        self.kernel = kernel
        let width = Symbol("D", configuration.hiddenSize, "hidden width, h·d")
        hidden = width
        heads = Symbol("h", configuration.heads, "attention heads (= key/value heads)")
        headDim = Symbol("d", configuration.headDim, "head width")
        let rows = shape.rows
        // q_proj keeps the input X; k_proj and v_proj keep the same storage (counted once, at q_proj).
        projections = try ["q_proj", "k_proj", "v_proj"].map { name in
            (name, try Linear(
                String(name.prefix(1)), tokens: rows, inFeatures: width.formula, outFeatures: width.formula, bias: false,
                inputAlreadySaved: name != "q_proj"))
        }
        rotary = try LlamaRotaryEmbedding(shape: shape, headDim: configuration.headDim)
        outputProjection = try Linear("o", tokens: rows, inFeatures: width.formula, outFeatures: width.formula, bias: false)
    }

    public var symbols: [Symbol] { shape.symbols + [hidden, heads, headDim] }

    /// K and V of every position the sequences hold after this call: `2·B·(L + S)·D`.
    public var kvCacheElements: Formula { 2 * shape.batch * shape.keys * hidden }

    public var steps: [Step] {
        var core = ScaledDotProductAttention(
            batch: shape.batch.formula, heads: heads.formula, tokens: shape.tokens.formula, keyTokens: shape.keys,
            headDim: headDim.formula, hasMask: false, causalMask: true, kernel: kernel)
        // transformers' eager code: matmul(q, kᵀ) / √d, softmax(…, dtype=float32).
        core.scalesScoresAfterMatmul = true
        core.softmaxInFP32 = true
        let queriesAndKeys = 2 * shape.rows * hidden
        return projections.map { .child(Child($0.name, $0.linear)) } + [
            .child(Child("rotary_emb", rotary)),
            // cos and sin ([B, S, d]) are broadcast over heads and read once per tensor.
            .term(CostTerm.elementwise(
                "RoPE on q and k", .rotary, elements: queriesAndKeys, weightElements: 2 * shape.rows * headDim)
                .saving(2 * shape.rows * headDim, tensors: "cos and sin (shared by q and k; q and k are not kept)")),
            // K and V of the new positions go into the cache in place (paged or static cache).
            .term(.dataMovement("KV cache append", reads: 2 * shape.rows * hidden, writes: 2 * shape.rows * hidden)),
        ] + core.terms.map(Step.term) + [
            .term(.dataMovement("heads to [B, S, D] (contiguous)", reads: shape.rows * hidden, writes: shape.rows * hidden)),
            .child(Child("o_proj", outputProjection)),
        ]
    }
}
