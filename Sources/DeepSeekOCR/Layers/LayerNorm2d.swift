import ModelMeter

/// LayerNorm over the channels of an NCHW tensor (`sam_model.neck.1`, `sam_model.neck.3`).
///
/// ```
/// channel LayerNorm  8·B·C·H·W (CUDA core; per-element cost table)   weights 2·C
/// ```
public struct LayerNorm2d: Layer {
    public static let documentation = LayerDoc(vendorClass: "LayerNorm2d", vendorFile: "deepencoder/sam_vary_sdpa.py")
    public let typeName = "LayerNorm2d"
    public var doc: LayerDoc? { Self.documentation }

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
        [.term(.elementwise(
            "channel LayerNorm", .layerNorm, elements: batch * channels * height * width,
            weightElements: 2 * channels))]
    }
}
