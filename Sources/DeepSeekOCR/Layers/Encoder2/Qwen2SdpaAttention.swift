import ModelMeter

/// `Qwen2SdpaAttention` (`qwen2_model.model.model.layers.N.self_attn`): grouped-query attention
/// with 14 query heads sharing 2 K/V heads, biases on q, k and v, RoPE on q and k, and SDPA under
/// the encoder's dense float mask `[B, 1, S, S]`.
///
/// ```
/// q_proj / o_proj      2·B·S·D·D each          k_proj, v_proj  2·B·S·D·(g·d) each   (g K/V heads)
/// RoPE on q and k      3·B·S·(h + g)·d (CUDA)
/// repeat_kv            K and V copied from g to h heads: reads 2·B·g·S·d, writes 2·B·h·S·d
/// attention            4·B·h·S²·d   (every score of the square: a float mask rules out skipping)
/// mask                 read once per head group: B·S² elements, added to B·h·S² scores
/// ```
/// The mask lets visual rows see the N visual positions and query row i see them and queries
/// 0…i, about 62.5 % of the square; the kernel still computes all of it. `use_cache` is left on,
/// so each layer also hands its K and V to a `DynamicCache` that is thrown away (the first
/// update stores the tensors, no copy).
public struct Qwen2SdpaAttention: Layer {
    public static let documentation = LayerDoc(
        vendorClass: "Qwen2SdpaAttention", vendorFile: "transformers/models/qwen2/modeling_qwen2.py", knowledgeBase: DeepSeekOCR2Model.knowledgeBase)
    public let typeName = "Qwen2SdpaAttention"
    public var doc: LayerDoc? { Self.documentation }

    /// How `explain` builds this layer (a global view's 512 positions by default).
    public static let recipe = LayerRecipe(
        doc: documentation, parameters: Qwen2EncoderConfiguration.recipeParameters, takesKernel: true,
        build: { a in try Qwen2SdpaAttention(shape: .encoder(images: a["batch"], positions: a["tokens"]), kernel: a.kernel) },
        referenceModules: [], referenceLayer: { run in try Qwen2SdpaAttention(shape: run.decoderShape()) })

    public let shape: DecoderShape
    public let hidden: Symbol
    public let heads: Symbol
    public let keyValueHeads: Symbol
    public let headDim: Symbol
    public let kernel: AttentionKernel
    private let projections: [(name: String, linear: Linear)]
    private let rotary: Qwen2RotaryEmbedding
    private let outputProjection: Linear

    public init(
        shape: DecoderShape, configuration: Qwen2EncoderConfiguration = .deepEncoderV2, kernel: AttentionKernel = .sdpa
    ) throws {
        try configuration.validate()
        self.shape = shape
        self.kernel = kernel
        hidden = Symbol("D", configuration.hiddenSize, "hidden width, h·d")
        heads = Symbol("h", configuration.heads, "query heads")
        keyValueHeads = Symbol("g", configuration.keyValueHeads, "key/value heads (grouped-query attention)")
        headDim = Symbol("d", configuration.headDim, "head width")
        let rows = shape.rows
        // Locals, not `self.hidden`: the map below is a closure, run before every property is set.
        let (width, keyValueWidth) = (hidden.formula, keyValueHeads * headDim)
        // q_proj keeps the input X; k_proj and v_proj keep the same storage (counted once, at q_proj).
        projections = try [("q_proj", width), ("k_proj", keyValueWidth), ("v_proj", keyValueWidth)].map { name, out in
            (name, try Linear(
                String(name.prefix(1)), tokens: rows, inFeatures: width, outFeatures: out, bias: true,
                inputAlreadySaved: name != "q_proj"))
        }
        rotary = try Qwen2RotaryEmbedding(positions: shape.tokens.value, called: false, headDim: configuration.headDim)
        outputProjection = try Linear("o", tokens: rows, inFeatures: hidden.formula, outFeatures: hidden.formula, bias: false)
    }

    public var symbols: [Symbol] { [shape.batch, shape.tokens, hidden, heads, keyValueHeads, headDim] }

    public var steps: [Step] {
        let (b, s) = (shape.batch.formula, shape.tokens.formula)
        let rows = shape.rows
        // Scores and mask addends: the mask is [B, 1, S, S], broadcast over the heads.
        let core = ScaledDotProductAttention(
            batch: b, heads: heads.formula, tokens: s, headDim: headDim.formula, hasMask: false, kernel: kernel)
        let grouped = 2 * rows * keyValueHeads * headDim
        let expanded = 2 * rows * heads * headDim
        let fused = kernel == .sdpa
        let scores = b * heads * .power(s, 2)
        let maskAdd = CostTerm(
            name: "SDPA float-mask add", unit: .cudaCore,
            forwardFLOPs: ElementwiseOp.add.forwardFLOPsPerElement * scores, backwardFLOPs: .zero,
            forwardTraffic: Traffic(activationReads: fused ? .zero : scores, weightReads: b * .power(s, 2), writes: fused ? .zero : scores),
            backwardTraffic: .none)
        var coreSteps = core.terms.map(Step.term)
        coreSteps.insert(.term(maskAdd), at: 1)
        return projections.map { .child(Child($0.name, $0.linear)) } + [
            .child(Child("rotary_emb", rotary)),
            // cos and sin ([1, S, d]) are broadcast over batch and heads.
            .term(.elementwise(
                "RoPE on q and k", .rotary, elements: rows * (heads + keyValueHeads) * headDim,
                weightElements: 2 * s * headDim)),
            .term(.dataMovement("repeat_kv (K and V to every query head)", reads: grouped, writes: expanded)),
        ] + coreSteps + [
            .term(.dataMovement("heads to [B, S, D] (contiguous)", reads: rows * hidden, writes: rows * hidden)),
            .child(Child("o_proj", outputProjection)),
        ]
    }
}
