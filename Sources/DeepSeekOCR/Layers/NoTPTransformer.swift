import ModelMeter

/// CLIP's layer stack (`vision_model.transformer`): `layers` × `NoTPTransformerBlock`,
/// composed as one child run with multiplicity 24.
public struct NoTPTransformer: Layer {
    public static let documentation = LayerDoc(vendorClass: "NoTPTransformer", vendorFile: "deepencoder/clip_sdpa.py")
    public let typeName = "NoTPTransformer"
    public var doc: LayerDoc? { Self.documentation }

    /// How `explain` builds this layer and which reference runs verify it.
    public static let recipe = LayerRecipe(
        doc: NoTPTransformer.documentation,
        parameters: [
            .init("batch", 1, "images"), .init("tokens", 257, "tokens incl. class token"), .init("layers", 24, "transformer layers", largest: LayerRecipe.largestLayerCount),
            .init("dim", 1024, "hidden width"), .init("heads", 16, "attention heads"), .init("hidden", 4096, "feed-forward width"),
        ],
        takesKernel: true,
        build: { a in try NoTPTransformer(batch: a["batch"], tokens: a["tokens"], configuration: CLIPConfiguration.large.overriding(a.values), kernel: a.kernel) },
        referenceModules: ["clip.NoTPTransformer"],
        referenceLayer: { run in
            let shape = run.inputShapes.first ?? []
            return try NoTPTransformer(batch: shape[0], tokens: shape[1], kernel: run.kernel)
        })

    public let batch: Symbol
    public let tokens: Symbol
    public let layerCount: Symbol
    private let layers: ModuleContainer

    public init(batch: Int, tokens: Int, configuration: CLIPConfiguration = .large, kernel: AttentionKernel = .sdpa) throws {
        try ModelMeterError.requirePositive(configuration.layers, "num_layers", in: "NoTPTransformer")
        let block = try NoTPTransformerBlock(batch: batch, tokens: tokens, configuration: configuration, kernel: kernel)
        self.batch = Symbol("B", batch, "images")
        self.tokens = Symbol("S", tokens, "tokens incl. class token")
        self.layerCount = Symbol("L", configuration.layers, "transformer layers")
        layers = ModuleContainer("ModuleList", [Child(indices: 0, count: configuration.layers, block)])
    }

    public var symbols: [Symbol] { [batch, tokens, layerCount] }

    public var steps: [Step] { [.child(Child("layers", layers))] }
}
