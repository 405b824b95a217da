import ModelMeter

/// The CLIP-L tower (`vision_model`): embeddings (fed SAM features), `pre_layrnorm`
/// (the vendor's spelling), then the 24-layer transformer, over `S = g² + 1` tokens.
public struct VitModel: Layer {
    public static let documentation = LayerDoc(vendorClass: "VitModel", vendorFile: "deepencoder/clip_sdpa.py")
    public let typeName = "VitModel"
    public var doc: LayerDoc? { Self.documentation }

    /// How `explain` builds this layer and which reference runs verify it.
    public static let recipe = LayerRecipe(
        doc: VitModel.documentation,
        parameters: [
            .init("batch", 1, "images"), .init("grid", 16, "SAM feature-map side (tokens g² + 1)"),
            .init("layers", 24, "transformer layers", largest: LayerRecipe.largestLayerCount), .init("dim", 1024, "hidden width"), .init("heads", 16, "attention heads"),
            .init("hidden", 4096, "feed-forward width"),
        ],
        takesKernel: true,
        build: { a in try VitModel(batch: a["batch"], patchGrid: a["grid"], configuration: CLIPConfiguration.large.overriding(a.values), kernel: a.kernel) },
        referenceModules: ["clip.VitModel"],
        referenceLayer: { run in
            try VitModel(batch: run.inputShapes[1][0], patchGrid: run.inputShapes[1][2], kernel: run.kernel)
        })

    public let batch: Symbol
    public let grid: Symbol
    public let tokens: Symbol
    public let dim: Symbol
    private let embeddings: CLIPVisionEmbeddings
    private let preLayerNorm: LayerNorm
    private let transformer: NoTPTransformer

    /// - Parameter patchGrid: side of the SAM feature map (R/64).
    public init(batch: Int, patchGrid: Int, configuration: CLIPConfiguration = .large, kernel: AttentionKernel = .sdpa) throws {
        embeddings = try CLIPVisionEmbeddings(batch: batch, patchGrid: patchGrid, configuration: configuration)
        try ModelMeterError.requirePositive(patchGrid, "patch grid", in: "VitModel")
        let tokenCount = try ModelMeterError.checkedSum(
            try ModelMeterError.checkedProduct(patchGrid, patchGrid, "g²"), 1, "g² + 1")
        transformer = try NoTPTransformer(batch: batch, tokens: tokenCount, configuration: configuration, kernel: kernel)
        self.batch = Symbol("B", batch, "images")
        self.grid = Symbol("g", patchGrid, "feature-map side from SAM")
        self.tokens = Symbol("S", tokenCount, "tokens incl. class token, g² + 1")
        self.dim = Symbol("C", configuration.hiddenSize, "hidden width")
        preLayerNorm = try LayerNorm("pre_layrnorm", rows: self.batch * self.tokens, width: dim.formula)
    }

    public var symbols: [Symbol] { [batch, grid, tokens, dim] }

    public var steps: [Step] {
        [
            .child(Child("embeddings", embeddings)),
            .child(Child("pre_layrnorm", preLayerNorm)),
            .child(Child("transformer", transformer)),
        ]
    }
}
