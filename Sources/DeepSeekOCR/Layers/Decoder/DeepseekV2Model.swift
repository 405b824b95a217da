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
    public let typeName = "DeepseekV2Model"
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

    public init(
        shape: DecoderShape, configuration: DeepseekV2Configuration = .deepSeekOCR, kernel: AttentionKernel = .sdpa
    ) throws {
        try configuration.validate()
        self.shape = shape
        self.kernel = kernel
        hidden = Symbol("D", configuration.hiddenSize, "hidden width")
        vocabulary = Symbol("V", configuration.vocabularySize, "vocabulary")
        embedTokens = try Embedding("token lookup", rows: configuration.vocabularySize, width: hidden.formula, lookups: shape.rows)
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
        layers = ModuleContainer("ModuleList", runs)
        norm = try DeepseekV2RMSNorm(shape: shape, hiddenSize: configuration.hiddenSize)
    }

    public var symbols: [Symbol] { shape.symbols + [hidden, vocabulary] }

    public var steps: [Step] {
        var steps: [Step] = [.child(Child("embed_tokens", embedTokens))]
        if kernel == .eager {
            // The eager path builds a float `[B, 1, S, L + S]` causal mask once per call.
            steps.append(.term(.dataMovement("causal mask", reads: .zero, writes: shape.batch * shape.tokens * shape.keys)))
        }
        return steps + [.child(Child("layers", layers)), .child(Child("norm", norm))]
    }
}
