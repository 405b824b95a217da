import ModelMeter

/// CLIP's layer stack (`vision_model.transformer`): `layers` × `NoTPTransformerBlock`,
/// composed as one child run with multiplicity 24.
public struct NoTPTransformer: Layer {
    public static let documentation = LayerDoc(vendorClass: "NoTPTransformer", vendorFile: "deepencoder/clip_sdpa.py")
    public let typeName = "NoTPTransformer"
    public var doc: LayerDoc? { Self.documentation }

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
