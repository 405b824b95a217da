import ModelMeter

/// SAM's feed-forward block (`sam_model.blocks.N.mlp`): `lin2(GELU(lin1(x)))` over `B·S` tokens.
///
/// ```
/// lin1 projection  2·B·S·C·F      GELU  10·B·S·F (CUDA)      lin2 projection  2·B·S·F·C
/// ```
public struct MLPBlock: Layer {
    public static let documentation = LayerDoc(vendorClass: "MLPBlock", vendorFile: "deepencoder/sam_vary_sdpa.py")
    public let typeName = "MLPBlock"
    public var doc: LayerDoc? { Self.documentation }

    /// How `explain` builds this layer and which reference runs verify it.
    public static let recipe = LayerRecipe(
        doc: MLPBlock.documentation,
        parameters: [
            .init("batch", 1, "images"), .init("tokens", 4096, "tokens per image"), .init("dim", 768, "embedding width"),
            .init("mlp-dim", 3072, "hidden width"),
        ],
        takesKernel: false,
        build: { a in try MLPBlock(batch: a["batch"], tokens: a["tokens"], embeddingDim: a["dim"], mlpDim: a["mlp-dim"]) },
        referenceModules: ["sam.MLPBlock"],
        referenceLayer: { run in
            let shape = run.inputShapes.first ?? []
            return try MLPBlock(batch: shape[0], tokens: shape[1] * shape[2])
        })

    public let batch: Symbol
    public let tokens: Symbol
    public let dim: Symbol
    public let hidden: Symbol
    private let lin1: Linear
    private let act: GELU
    private let lin2: Linear

    public init(batch: Int, tokens: Int, embeddingDim: Int = 768, mlpDim: Int = 3072) throws {
        for (value, what) in [(batch, "batch"), (tokens, "tokens"), (embeddingDim, "embedding_dim"), (mlpDim, "mlp_dim")] {
            try ModelMeterError.requirePositive(value, what, in: "MLPBlock")
        }
        self.batch = Symbol("B", batch, "batch")
        self.tokens = Symbol("S", tokens, "tokens per image")
        self.dim = Symbol("C", embeddingDim, "embedding width")
        self.hidden = Symbol("F", mlpDim, "hidden width (mlp_dim)")
        let rows = self.batch * self.tokens
        lin1 = try Linear("lin1", tokens: rows, inFeatures: dim.formula, outFeatures: hidden.formula)
        act = GELU("GELU", elements: rows * hidden)
        lin2 = try Linear("lin2", tokens: rows, inFeatures: hidden.formula, outFeatures: dim.formula)
    }

    public var symbols: [Symbol] { [batch, tokens, dim, hidden] }

    public var steps: [Step] {
        [.child(Child("lin1", lin1)), .child(Child("act", act)), .child(Child("lin2", lin2))]
    }
}
