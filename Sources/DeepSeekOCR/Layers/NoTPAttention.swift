import ModelMeter

/// CLIP self-attention (`vision_model.transformer.layers.N.self_attn`): fused QKV projection,
/// unmasked scaled-dot-product attention, output projection, over `[B, S, C]`.
///
/// ```
/// QKV projection 2·B·S·C·3C     SDPA 4·B·h·S²·d     output projection 2·B·S·C·C
/// ```
/// Saved for backward: Q, K, V are strided views of the `[B, S, 3, h, d]` projection output.
/// Fused: the kernel keeps that storage, its output (which the output projection reads through
/// views: counted once) and the log-sum-exp. Eager: P·V keeps V as that view when `B = 1` (or
/// `h = 1`), otherwise `bmm` gets a contiguous copy of V; the output is copied by `reshape`.
public struct NoTPAttention: Layer {
    public static let documentation = LayerDoc(vendorClass: "NoTPAttention", vendorFile: "deepencoder/clip_sdpa.py")
    public let typeName = "NoTPAttention"
    public var doc: LayerDoc? { Self.documentation }

    /// How `explain` builds this layer and which reference runs verify it.
    public static let recipe = LayerRecipe(
        doc: NoTPAttention.documentation,
        parameters: [
            .init("batch", 1, "images"), .init("tokens", 257, "tokens incl. class token"), .init("dim", 1024, "hidden width"),
            .init("heads", 16, "attention heads"),
        ],
        takesKernel: true,
        build: { a in
            try NoTPAttention(batch: a["batch"], tokens: a["tokens"], hiddenSize: a["dim"], heads: a["heads"], kernel: a.kernel)
        },
        referenceModules: ["clip.NoTPAttention"],
        referenceLayer: { run in
            let shape = run.inputShapes.first ?? []
            return try NoTPAttention(batch: shape[0], tokens: shape[1], kernel: run.kernel)
        })

    public let batch: Symbol
    public let tokens: Symbol
    public let dim: Symbol
    public let heads: Symbol
    public let headDim: Symbol
    public let kernel: AttentionKernel
    private let qkvProj: Linear
    private let outProj: Linear

    public init(batch: Int, tokens: Int, hiddenSize: Int = 1024, heads: Int = 16, kernel: AttentionKernel = .sdpa) throws {
        for (value, what) in [(batch, "batch"), (tokens, "sequence length"), (hiddenSize, "hidden_size"), (heads, "num_attention_heads")] {
            try ModelMeterError.requirePositive(value, what, in: "NoTPAttention")
        }
        try ModelMeterError.requireDivides(heads, "num_attention_heads", hiddenSize, "hidden_size", in: "NoTPAttention")
        self.batch = Symbol("B", batch, "images")
        self.tokens = Symbol("S", tokens, "tokens incl. class token")
        self.dim = Symbol("C", hiddenSize, "hidden width")
        self.heads = Symbol("h", heads, "attention heads")
        self.headDim = Symbol("d", hiddenSize / heads, "head width, C/h")
        self.kernel = kernel
        let qkvWidth = Symbol("3C", try ModelMeterError.checkedProduct(3, hiddenSize, "3·C"), "fused Q, K, V width")
        let rows = self.batch * self.tokens
        qkvProj = try Linear("QKV", tokens: rows, inFeatures: dim.formula, outFeatures: qkvWidth.formula)
        outProj = try Linear(
            "output", tokens: rows, inFeatures: dim.formula, outFeatures: dim.formula, inputAlreadySaved: kernel == .sdpa)
    }

    public var symbols: [Symbol] { [batch, tokens, dim, heads, headDim] }

    public var steps: [Step] {
        var attention = ScaledDotProductAttention(
            batch: batch.formula, heads: heads.formula, tokens: tokens.formula, headDim: headDim.formula,
            hasMask: false, kernel: kernel)
        if batch.value == 1 || heads.value == 1 {
            // [B, h, S, d] → [B·h, S, d] is a view of the packed projection only when B or h is 1.
            attention.valueStorageElements = 3 * batch * tokens * dim
        }
        return [.child(Child("qkv_proj", qkvProj))] + attention.terms.map(Step.term) + [.child(Child("out_proj", outProj))]
    }
}
