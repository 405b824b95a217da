import ModelMeter

/// SAM's patch embedding (`sam_model.patch_embed`): a `k×k`, stride-`k` convolution from
/// `[B, 3, R, R]` pixels to a `[B, G, G, C]` token grid, `G = ⌊R/k⌋`.
///
/// ```
/// patch convolution  2·B·C·G·G·Cin·k²   backward: dW only (the image needs no gradient)
/// ```
public struct PatchEmbed: Layer {
    public static let documentation = LayerDoc(vendorClass: "PatchEmbed", vendorFile: "deepencoder/sam_vary_sdpa.py")
    public let typeName = "PatchEmbed"
    public var doc: LayerDoc? { Self.documentation }

    /// How `explain` builds this layer and which reference runs verify it.
    public static let recipe = LayerRecipe(
        doc: PatchEmbed.documentation,
        parameters: [
            .init("batch", 1, "images"), .init("image", 1024, "image side in pixels"), .init("channels", 3, "image channels"),
            .init("dim", 768, "embedding width"), .init("patch", 16, "patch side = stride"),
        ],
        takesKernel: false,
        build: { a in
            try PatchEmbed(
                batch: a["batch"], imageSize: a["image"], inChannels: a["channels"], embedDim: a["dim"], patchSize: a["patch"])
        },
        referenceModules: ["sam.PatchEmbed"],
        referenceLayer: { run in
            let shape = run.inputShapes.first ?? []
            return try PatchEmbed(batch: shape[0], imageSize: shape[2], inputNeedsGradient: run.inputRequiresGrad.first ?? false)
        })

    public let batch: Symbol
    public let imageSize: Symbol
    public let inChannels: Symbol
    public let embedDim: Symbol
    public let patchSize: Symbol
    public let grid: Symbol
    private let proj: Conv2d

    /// - Parameter inputNeedsGradient: false for images (the default), true when fed a differentiable tensor.
    public init(
        batch: Int, imageSize: Int, inChannels: Int = 3, embedDim: Int = 768, patchSize: Int = 16,
        inputNeedsGradient: Bool = false
    ) throws {
        for (value, what) in [(batch, "batch"), (imageSize, "image size"), (inChannels, "in_chans"),
                              (embedDim, "embed_dim"), (patchSize, "patch size")] {
            try ModelMeterError.requirePositive(value, what, in: "PatchEmbed")
        }
        guard imageSize >= patchSize else {
            throw ModelMeterError.invalidShape(
                layer: "PatchEmbed", what: "image size", reason: "\(imageSize) is smaller than the \(patchSize)-pixel patch")
        }
        self.batch = Symbol("B", batch, "images")
        self.imageSize = Symbol("R", imageSize, "image side in pixels")
        self.inChannels = Symbol("Cin", inChannels, "image channels")
        self.embedDim = Symbol("C", embedDim, "embedding width")
        self.patchSize = Symbol("k", patchSize, "patch side = stride")
        self.grid = Symbol("G", imageSize / patchSize, "token grid side, ⌊R/k⌋")
        proj = try Conv2d(
            "patch convolution", batch: self.batch.formula, inChannels: self.inChannels.formula,
            outChannels: self.embedDim.formula, kernel: self.patchSize.formula, stride: patchSize, padding: 0,
            input: (self.imageSize.formula, self.imageSize.formula), output: (grid.formula, grid.formula),
            bias: true, inputNeedsGradient: inputNeedsGradient)
    }

    public var symbols: [Symbol] { [batch, imageSize, inChannels, embedDim, patchSize, grid] }

    public var steps: [Step] { [.child(Child("proj", proj))] }
}
