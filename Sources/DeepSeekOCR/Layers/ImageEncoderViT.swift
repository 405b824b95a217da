import ModelMeter

/// SAM ViT-B image encoder (`sam_model`): patch embedding, absolute positions, 12 blocks
/// (windowed except the global ones), and a convolutional neck that turns `[B, G, G, 768]`
/// into `[B, 1024, G/4, G/4]`.
///
/// Composes its children with multiplicities: `PatchEmbed`, runs of identical `Block`s, the
/// neck convolutions and `LayerNorm2d`s; its own terms are the position-table work.
public struct ImageEncoderViT: Layer {
    public static let documentation = LayerDoc(vendorClass: "ImageEncoderViT", vendorFile: "deepencoder/sam_vary_sdpa.py")
    public let typeName = "ImageEncoderViT"
    public var doc: LayerDoc? { Self.documentation }

    /// How `explain` builds this layer and which reference runs verify it.
    public static let recipe = recipe(base: .vitB)

    /// The recipe over `base`: `--set` keys replace its body settings, the rest (neck and
    /// `net_2`/`net_3` widths) stays as `base` has it (DeepSeek-OCR 2 narrows `net_3` to 896).
    public static func recipe(base: SAMConfiguration) -> LayerRecipe { LayerRecipe(
        doc: ImageEncoderViT.documentation,
        parameters: [
            .init("batch", 1, "images"), .init("image", 1024, "image side in pixels"), .init("dim", 768, "embedding width"),
            .init("depth", 12, "blocks (global at 2, 5, 8, 11)", largest: LayerRecipe.largestLayerCount), .init("heads", 12, "attention heads"),
            .init("mlp-dim", 3072, "MLP hidden width"), .init("window", 14, "window side of windowed blocks"),
            .init("patch", 16, "patch side"),
        ],
        takesKernel: true,
        build: { a in
            try ModelMeterError.requirePositive(a["depth"], "depth", in: "ImageEncoderViT")
            var configuration = base
            configuration.embedDim = a["dim"]
            configuration.depth = a["depth"]
            configuration.heads = a["heads"]
            configuration.mlpDim = a["mlp-dim"]
            configuration.windowSize = a["window"]
            configuration.patchSize = a["patch"]
            return try ImageEncoderViT(batch: a["batch"], imageSize: a["image"], configuration: configuration, kernel: a.kernel)
        },
        referenceModules: ["sam.ImageEncoderViT", "sam.neck", "sam.net_2", "sam.net_3"],
        referenceLayer: { run in
            let shape = run.inputShapes.first ?? []
            guard run.module != "sam.ImageEncoderViT" else {
                return try ImageEncoderViT(batch: shape[0], imageSize: shape[2], kernel: run.kernel)
            }
            // Pieces get the tensor they see inside the encoder: the encoder's image size is in the run name.
            let image = run.key.contains("img1024") ? 1024 : 640
            let encoder = try ImageEncoderViT(batch: shape[0], imageSize: image, kernel: run.kernel)
            return try encoder.moduleInstance(at: String(run.module.dropFirst("sam.".count))).layer
        }) }

    public let configuration: SAMConfiguration
    public let batch: Symbol
    public let imageSize: Symbol
    public let grid: Symbol
    public let dim: Symbol
    /// Output grid of net_2 (`⌊(G−1)/2⌋ + 1`) and net_3.
    public let grid2: Symbol
    public let grid3: Symbol
    private let patchEmbed: PatchEmbed
    private let blocks: ModuleContainer
    private let neck: ModuleContainer
    private let net2: Conv2d
    private let net3: Conv2d

    public init(batch: Int, imageSize: Int, configuration: SAMConfiguration = .vitB, kernel: AttentionKernel = .sdpa) throws {
        let c = configuration
        self.configuration = c
        patchEmbed = try PatchEmbed(
            batch: batch, imageSize: imageSize, inChannels: c.inChannels, embedDim: c.embedDim, patchSize: c.patchSize)
        let g = imageSize / c.patchSize
        let g2 = (g - 1) / 2 + 1
        let g3 = (g2 - 1) / 2 + 1
        self.batch = Symbol("B", batch, "images")
        self.imageSize = Symbol("R", imageSize, "image side in pixels")
        self.grid = Symbol("G", g, "token grid side, R/16")
        self.dim = Symbol("C", c.embedDim, "embedding width")
        self.grid2 = Symbol("G₂", g2, "net_2 output side")
        self.grid3 = Symbol("G₃", g3, "net_3 output side")

        // Consecutive blocks with the same attention kind form one run (multiplicity).
        var runs: [Child] = []
        var index = 0
        while index < c.depth {
            let isGlobal = c.globalAttentionIndexes.contains(index)
            var length = 1
            while index + length < c.depth, c.globalAttentionIndexes.contains(index + length) == isGlobal { length += 1 }
            let block = try Block(
                batch: batch, height: g, width: g, dim: c.embedDim, heads: c.heads, mlpDim: c.mlpDim,
                windowSize: isGlobal ? 0 : c.windowSize, globalInputSize: (c.pretrainGrid, c.pretrainGrid), kernel: kernel)
            runs.append(Child(indices: index, count: length, block))
            index += length
        }
        blocks = ModuleContainer("ModuleList", runs)

        let neckWidth = Symbol("Cn", c.neckChannels, "neck channels")
        let b = self.batch.formula, gf = grid.formula
        let conv1 = try Conv2d(
            "neck conv 1×1", batch: b, inChannels: dim.formula, outChannels: neckWidth.formula, kernel: 1, stride: 1,
            padding: 0, input: (gf, gf), output: (gf, gf), bias: false)
        let conv2 = try Conv2d(
            "neck conv 3×3", batch: b, inChannels: neckWidth.formula, outChannels: neckWidth.formula, kernel: 3,
            stride: 1, padding: 1, input: (gf, gf), output: (gf, gf), bias: false)
        let norm = try LayerNorm2d(batch: batch, channels: c.neckChannels, height: g, width: g)
        neck = ModuleContainer("Sequential", [
            Child("0", conv1), Child("1", norm), Child("2", conv2), Child("3", norm),
        ])
        let net2Width = Symbol("C₂", c.net2Channels, "net_2 channels")
        let net3Width = Symbol("C₃", c.net3Channels, "net_3 channels")
        net2 = try Conv2d(
            "net_2 conv 3×3 s2", batch: b, inChannels: neckWidth.formula, outChannels: net2Width.formula, kernel: 3,
            stride: 2, padding: 1, input: (gf, gf), output: (grid2.formula, grid2.formula), bias: false)
        net3 = try Conv2d(
            "net_3 conv 3×3 s2", batch: b, inChannels: net2Width.formula, outChannels: net3Width.formula, kernel: 3,
            stride: 2, padding: 1, input: (grid2.formula, grid2.formula), output: (grid3.formula, grid3.formula),
            bias: false)
    }

    public var symbols: [Symbol] { [batch, imageSize, grid, dim, grid2, grid3] }

    public var ownParameters: [ParameterTensor] {
        [ParameterTensor("pos_embed", [1, configuration.pretrainGrid, configuration.pretrainGrid, configuration.embedDim])]
    }

    public var steps: [Step] {
        let table = Symbol("P", configuration.pretrainGrid, "stored position grid side")
        let tokens = batch * grid * grid * dim
        var steps: [Step] = [.child(Child("patch_embed", patchEmbed))]
        if grid.value != table.value {
            // get_abs_pos: bicubic (antialiased) resize of the 64×64×C table to G×G×C.
            steps.append(.term(.resize(
                "pos-embed resize", .bicubicResize, elements: grid * grid * dim, tableElements: table * table * dim)))
        }
        steps += [
            .term(.broadcastAdd("pos-embed add", elements: tokens, addendElements: grid * grid * dim)),
            .child(Child("blocks", blocks)),
            .child(Child("neck", neck)),
            .child(Child("net_2", net2)),
            .child(Child("net_3", net3)),
        ]
        return steps
    }
}
