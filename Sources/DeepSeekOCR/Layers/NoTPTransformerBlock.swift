import ModelMeter

/// One CLIP pre-norm transformer layer (`vision_model.transformer.layers.N`):
/// `h = x + self_attn(layer_norm1(x))`, `out = h + mlp(layer_norm2(h))`.
public struct NoTPTransformerBlock: Layer {
    public static let documentation = LayerDoc(vendorClass: "NoTPTransformerBlock", vendorFile: "deepencoder/clip_sdpa.py")
    public let typeName = "NoTPTransformerBlock"
    public var doc: LayerDoc? { Self.documentation }

    /// How `explain` builds this layer and which reference runs verify it.
    public static let recipe = LayerRecipe(
        doc: NoTPTransformerBlock.documentation,
        parameters: [
            .init("batch", 1, "images"), .init("tokens", 257, "tokens incl. class token"), .init("dim", 1024, "hidden width"),
            .init("heads", 16, "attention heads"), .init("hidden", 4096, "feed-forward width"),
        ],
        takesKernel: true,
        build: { a in
            try NoTPTransformerBlock(batch: a["batch"], tokens: a["tokens"], configuration: CLIPConfiguration.large.overriding(a.values), kernel: a.kernel)
        },
        referenceModules: ["clip.NoTPTransformerBlock"],
        referenceLayer: { run in
            let shape = run.inputShapes.first ?? []
            return try NoTPTransformerBlock(batch: shape[0], tokens: shape[1], kernel: run.kernel)
        })

    public let batch: Symbol
    public let tokens: Symbol
    public let dim: Symbol
    private let layerNorm1: LayerNorm
    private let selfAttention: NoTPAttention
    private let layerNorm2: LayerNorm
    private let mlp: NoTPFeedForward

    public init(batch: Int, tokens: Int, configuration: CLIPConfiguration = .large, kernel: AttentionKernel = .sdpa) throws {
        selfAttention = try NoTPAttention(
            batch: batch, tokens: tokens, hiddenSize: configuration.hiddenSize, heads: configuration.heads, kernel: kernel)
        mlp = try NoTPFeedForward(batch: batch, tokens: tokens, dim: configuration.hiddenSize, hiddenDim: configuration.ffnHiddenSize)
        self.batch = Symbol("B", batch, "images")
        self.tokens = Symbol("S", tokens, "tokens incl. class token")
        self.dim = Symbol("C", configuration.hiddenSize, "hidden width")
        layerNorm1 = try LayerNorm("layer_norm1", rows: self.batch * self.tokens, width: dim.formula)
        layerNorm2 = try LayerNorm("layer_norm2", rows: self.batch * self.tokens, width: dim.formula)
    }

    public var symbols: [Symbol] { [batch, tokens, dim] }

    /// The residual input stays live while each branch runs.
    public var heldActivationElements: Formula { batch * tokens * dim }

    public var steps: [Step] {
        let elements = batch * tokens * dim
        return [
            .child(Child("layer_norm1", layerNorm1)),
            .child(Child("self_attn", selfAttention)),
            .term(.elementwise("attention residual add", .add, elements: elements)),
            .child(Child("layer_norm2", layerNorm2)),
            .child(Child("mlp", mlp)),
            .term(.elementwise("MLP residual add", .add, elements: elements)),
        ]
    }
}
