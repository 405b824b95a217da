import ModelMeter

/// CLIP feed-forward (`vision_model.transformer.layers.N.mlp`): `fc2(quick_gelu(fc1(x)))`.
/// `quick_gelu` is a scripted function, not a module, so it is this layer's own term.
///
/// ```
/// fc1 projection 2·B·S·C·F     quick_gelu 5·B·S·F (CUDA)     fc2 projection 2·B·S·F·C
/// ```
public struct NoTPFeedForward: Layer {
    public static let documentation = LayerDoc(vendorClass: "NoTPFeedForward", vendorFile: "deepencoder/clip_sdpa.py")
    public let typeName = "NoTPFeedForward"
    public var doc: LayerDoc? { Self.documentation }

    /// How `explain` builds this layer and which reference runs verify it.
    public static let recipe = LayerRecipe(
        doc: NoTPFeedForward.documentation,
        parameters: [
            .init("batch", 1, "images"), .init("tokens", 257, "tokens incl. class token"), .init("dim", 1024, "hidden width"),
            .init("hidden", 4096, "feed-forward width"),
        ],
        takesKernel: false,
        build: { a in try NoTPFeedForward(batch: a["batch"], tokens: a["tokens"], dim: a["dim"], hiddenDim: a["hidden"]) },
        referenceModules: ["clip.NoTPFeedForward"],
        referenceLayer: { run in
            let shape = run.inputShapes.first ?? []
            return try NoTPFeedForward(batch: shape[0], tokens: shape[1])
        })

    public let batch: Symbol
    public let tokens: Symbol
    public let dim: Symbol
    public let hidden: Symbol
    private let fc1: Linear
    private let fc2: Linear

    public init(batch: Int, tokens: Int, dim: Int = 1024, hiddenDim: Int = 4096) throws {
        for (value, what) in [(batch, "batch"), (tokens, "sequence length"), (dim, "dim"), (hiddenDim, "hidden_dim")] {
            try ModelMeterError.requirePositive(value, what, in: "NoTPFeedForward")
        }
        self.batch = Symbol("B", batch, "images")
        self.tokens = Symbol("S", tokens, "tokens incl. class token")
        self.dim = Symbol("C", dim, "hidden width")
        self.hidden = Symbol("F", hiddenDim, "feed-forward width")
        let rows = self.batch * self.tokens
        fc1 = try Linear("fc1", tokens: rows, inFeatures: self.dim.formula, outFeatures: hidden.formula)
        fc2 = try Linear("fc2", tokens: rows, inFeatures: hidden.formula, outFeatures: self.dim.formula)
    }

    public var symbols: [Symbol] { [batch, tokens, dim, hidden] }

    public var steps: [Step] {
        [
            .child(Child("fc1", fc1)),
            .term(.elementwise("quick_gelu", .quickGELU, elements: batch * tokens * hidden)),
            .child(Child("fc2", fc2)),
        ]
    }
}
