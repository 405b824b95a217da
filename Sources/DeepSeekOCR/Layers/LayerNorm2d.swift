import ModelMeter

/// LayerNorm over the channels of an NCHW tensor (`sam_model.neck.1`, `sam_model.neck.3`).
///
/// ```
/// channel LayerNorm  8·B·C·H·W (CUDA core; per-element cost table)   weights 2·C
/// ```
/// The vendor writes it as composite ops (`u = x.mean(1)`, `s = (x − u).pow(2).mean(1)`,
/// `x = (x − u) / sqrt(s + ε)`, `w·x + b`), so autograd keeps what each piece keeps:
/// `pow` its input x − u, `sqrt` its output (`B·H·W`), `div` both operands (a second x − u,
/// computed again, and the same sqrt), `w·x` the normalised x: `3·B·C·H·W + B·H·W` elements.
/// The input itself is not kept.
public struct LayerNorm2d: Layer {
    public static let documentation = LayerDoc(vendorClass: "LayerNorm2d", vendorFile: "deepencoder/sam_vary_sdpa.py")
    public let typeName = "LayerNorm2d"
    public var doc: LayerDoc? { Self.documentation }

    /// How `explain` builds this layer and which reference runs verify it.
    public static let recipe = LayerRecipe(
        doc: LayerNorm2d.documentation,
        parameters: [
            .init("batch", 1, "images"), .init("channels", 256, "channels normalised over"),
            .init("height", 64, "feature-map height"), .init("width", 64, "feature-map width"),
        ],
        takesKernel: false,
        build: { a in try LayerNorm2d(batch: a["batch"], channels: a["channels"], height: a["height"], width: a["width"]) },
        referenceModules: ["sam.LayerNorm2d"],
        referenceLayer: { run in
            let shape = run.inputShapes.first ?? []
            return try LayerNorm2d(batch: shape[0], channels: shape[1], height: shape[2], width: shape[3])
        })

    public let batch: Symbol
    public let channels: Symbol
    public let height: Symbol
    public let width: Symbol

    public init(batch: Int, channels: Int = 256, height: Int, width: Int) throws {
        for (value, what) in [(batch, "batch"), (channels, "num_channels"), (height, "height"), (width, "width")] {
            try ModelMeterError.requirePositive(value, what, in: "LayerNorm2d")
        }
        self.batch = Symbol("B", batch, "batch")
        self.channels = Symbol("C", channels, "channels normalised over")
        self.height = Symbol("H", height, "feature-map height")
        self.width = Symbol("W", width, "feature-map width")
    }

    public var symbols: [Symbol] { [batch, channels, height, width] }

    public var ownParameters: [ParameterTensor] {
        [ParameterTensor("weight", [channels.value]), ParameterTensor("bias", [channels.value])]
    }

    public var steps: [Step] {
        let elements = batch * channels * height * width
        return [.term(CostTerm.elementwise(
            "channel LayerNorm", .layerNorm, elements: elements, weightElements: 2 * channels
        ).saving(
            3 * elements + batch * height * width,
            tensors: "x − u twice (pow and div), √(var + ε) per pixel, normalised x (kept by w·x)"))]
    }
}
