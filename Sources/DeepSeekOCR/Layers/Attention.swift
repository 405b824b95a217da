import ModelMeter

/// SAM's multi-head attention with decomposed relative-position bias
/// (`sam_model.blocks.N.attn`), on a `[B, H, W, C]` input (B = images × windows).
///
/// ```
/// QKV projection    2·B·S·C·3C          (child qkv)
/// rel-pos einsums   2·B·h·S·H·d + 2·B·h·S·W·d
/// SDPA              4·B·h·S²·d          (mask = rel-pos bias)
/// output projection 2·B·S·C·C           (child proj)
/// ```
/// Saved for backward: Q, K, V are views of one `3·B·S·C` storage (the projection output
/// itself when `B = 1`, where `reshape` can view it; a contiguous copy otherwise), counted once
/// by the attention kernel; a fused kernel's output is the output projection's input (its
/// `[B, S, h, d]` layout makes the permute and reshape views), the math path's is copied.
public struct Attention: Layer {
    public static let documentation = LayerDoc(vendorClass: "Attention", vendorFile: "deepencoder/sam_vary_sdpa.py")
    public let typeName = "Attention"
    public var doc: LayerDoc? { Self.documentation }

    /// How `explain` builds this layer and which reference runs verify it.
    public static let recipe = LayerRecipe(
        doc: Attention.documentation,
        parameters: [
            .init("batch", 1, "images × windows"), .init("height", 64, "token rows"), .init("width", 64, "token columns"),
            .init("dim", 768, "channels C"), .init("heads", 12, "attention heads"),
            .init("relpos-height", 64, "input_size rows of the rel-pos tables (0 with relpos-width=0: none)"),
            .init("relpos-width", 64, "input_size columns of the rel-pos tables"),
        ],
        takesKernel: true,
        build: { a in
            let relativePosition = a["relpos-height"] == 0 && a["relpos-width"] == 0
                ? nil : (height: a["relpos-height"], width: a["relpos-width"])
            return try Attention(
                batch: a["batch"], height: a["height"], width: a["width"], dim: a["dim"], heads: a["heads"],
                relativePositionInputSize: relativePosition, kernel: a.kernel)
        },
        referenceModules: ["sam.Attention.global", "sam.Attention.windowed"],
        referenceLayer: { run in
            let shape = run.inputShapes.first ?? []
            let grid = run.module.hasSuffix("global") ? (64, 64) : (14, 14)
            return try Attention(
                batch: shape[0], height: shape[1], width: shape[2], relativePositionInputSize: grid, kernel: run.kernel)
        })

    public let batch: Symbol
    public let height: Symbol
    public let width: Symbol
    public let tokens: Symbol
    public let dim: Symbol
    public let heads: Symbol
    public let headDim: Symbol
    /// The `input_size` the rel-pos tables were built for (window size, or the pretraining grid); nil = no rel-pos.
    public let relativePositionInputSize: (height: Int, width: Int)?
    public let kernel: AttentionKernel
    private let qkv: Linear
    private let proj: Linear

    /// - Parameters:
    ///   - batch: images × windows seen by the module.
    ///   - height, width: token grid of one window or image.
    ///   - relativePositionInputSize: `input_size` of the stored rel-pos tables (`[2·s−1, d]`), nil without rel-pos.
    public init(
        batch: Int, height: Int, width: Int, dim: Int = 768, heads: Int = 12,
        relativePositionInputSize: (height: Int, width: Int)?, kernel: AttentionKernel = .sdpa,
        inputNeedsGradient: Bool = true
    ) throws {
        let name = "Attention"
        for (value, what) in [(batch, "batch"), (height, "height"), (width, "width"), (dim, "dim"), (heads, "num_heads")] {
            try ModelMeterError.requirePositive(value, what, in: name)
        }
        try ModelMeterError.requireDivides(heads, "num_heads", dim, "dim", in: name)
        if let size = relativePositionInputSize {
            try ModelMeterError.requirePositive(size.height, "rel-pos input height", in: name)
            try ModelMeterError.requirePositive(size.width, "rel-pos input width", in: name)
        }
        self.batch = Symbol("B", batch, "batch seen by the module (images × windows)")
        self.height = Symbol("H", height, "token rows per window or image")
        self.width = Symbol("W", width, "token columns per window or image")
        self.tokens = Symbol("S", try (Symbol("H", height) * Symbol("W", width)).evaluate(), "tokens per window or image, H·W")
        self.dim = Symbol("C", dim, "channels")
        self.heads = Symbol("h", heads, "attention heads")
        self.headDim = Symbol("d", dim / heads, "head width, C/h")
        self.relativePositionInputSize = relativePositionInputSize
        self.kernel = kernel
        let qkvWidth = Symbol("3C", try ModelMeterError.checkedProduct(3, dim, "3·C"), "fused Q, K, V width")
        qkv = try Linear("QKV", tokens: self.batch * self.tokens, inFeatures: self.dim.formula, outFeatures: qkvWidth.formula,
                         inputNeedsGradient: inputNeedsGradient)
        proj = try Linear(
            "output", tokens: self.batch * self.tokens, inFeatures: self.dim.formula, outFeatures: self.dim.formula,
            inputAlreadySaved: kernel == .sdpa)
    }

    public var symbols: [Symbol] { [batch, height, width, tokens, dim, heads, headDim] }

    public var ownParameters: [ParameterTensor] {
        guard let size = relativePositionInputSize else { return [] }
        return [
            ParameterTensor("rel_pos_h", [2 * size.height - 1, headDim.value]),
            ParameterTensor("rel_pos_w", [2 * size.width - 1, headDim.value]),
        ]
    }

    public var steps: [Step] {
        var steps: [Step] = [.child(Child("qkv", qkv))]
        if let size = relativePositionInputSize {
            let relativePosition = DecomposedRelativePosition(
                batch: batch.formula, heads: heads.formula, height: height, width: width,
                tokens: tokens.formula, headDim: headDim.formula,
                storedTableRows: (2 * size.height - 1, 2 * size.width - 1),
                queriesAreStridedView: batch.value == 1 && heads.value > 1)
            steps += relativePosition.terms.map(Step.term)
        }
        var attention = ScaledDotProductAttention(
            batch: batch.formula, heads: heads.formula, tokens: tokens.formula, headDim: headDim.formula,
            hasMask: relativePositionInputSize != nil, kernel: kernel)
        // V is a view into the packed Q, K, V storage that bmm takes as it is.
        attention.valueStorageElements = 3 * batch * tokens * dim
        steps += attention.terms.map(Step.term)
        steps.append(.child(Child("proj", proj)))
        return steps
    }
}
