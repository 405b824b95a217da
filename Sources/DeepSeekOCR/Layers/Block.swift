import ModelMeter

/// One SAM transformer block (`sam_model.blocks.N`) on a `[B, H, W, C]` token grid:
/// `x + attn(norm1(x))` (windowed or global), then `x + mlp(norm2(x))`.
///
/// Windowed blocks pad the grid to `Hp = ⌈H/ws⌉·ws` and run attention on
/// `n_win = (Hp/ws)·(Wp/ws)` windows per image, so qkv, proj and attention pay for padded
/// tokens; the MLP runs on the unpadded `B·H·W` tokens.
public struct Block: Layer {
    public static let documentation = LayerDoc(vendorClass: "Block", vendorFile: "deepencoder/sam_vary_sdpa.py")
    public let typeName = "Block"
    public var doc: LayerDoc? { Self.documentation }

    /// How `explain` builds this layer and which reference runs verify it.
    public static let recipe = LayerRecipe(
        doc: Block.documentation,
        parameters: [
            .init("batch", 1, "images"), .init("height", 64, "token rows"), .init("width", 64, "token columns"),
            .init("dim", 768, "channels C"), .init("heads", 12, "attention heads"), .init("mlp-dim", 3072, "MLP hidden width"),
            .init("window", 14, "window side (0: global attention)"),
            .init("global-height", 64, "rel-pos grid rows of global blocks"),
            .init("global-width", 64, "rel-pos grid columns of global blocks"),
        ],
        takesKernel: true,
        build: { a in
            try Block(
                batch: a["batch"], height: a["height"], width: a["width"], dim: a["dim"], heads: a["heads"],
                mlpDim: a["mlp-dim"], windowSize: a["window"],
                globalInputSize: (a["global-height"], a["global-width"]), kernel: a.kernel)
        },
        referenceModules: ["sam.Block.global", "sam.Block.windowed"],
        referenceLayer: { run in
            let shape = run.inputShapes.first ?? []
            return try Block(
                batch: shape[0], height: shape[1], width: shape[2], windowSize: run.module.hasSuffix("global") ? 0 : 14,
                kernel: run.kernel)
        })

    public let batch: Symbol
    public let height: Symbol
    public let width: Symbol
    public let dim: Symbol
    /// Window side `ws`; nil for global attention.
    public let windowSize: Symbol?
    public let paddedHeight: Symbol
    public let paddedWidth: Symbol
    public let windowsPerImage: Symbol
    private let norm1: LayerNorm
    private let attn: Attention
    private let norm2: LayerNorm
    private let mlp: MLPBlock

    /// - Parameters:
    ///   - windowSize: 0 for global attention (the vendor's convention).
    ///   - globalInputSize: the grid the global blocks' rel-pos tables were built for (64×64 at 1024 pretraining).
    public init(
        batch: Int, height: Int, width: Int, dim: Int = 768, heads: Int = 12, mlpDim: Int = 3072,
        windowSize: Int, globalInputSize: (height: Int, width: Int) = (64, 64), kernel: AttentionKernel = .sdpa
    ) throws {
        for (value, what) in [(batch, "batch"), (height, "height"), (width, "width"), (dim, "dim")] {
            try ModelMeterError.requirePositive(value, what, in: "Block")
        }
        guard windowSize >= 0 else {
            throw ModelMeterError.invalidShape(layer: "Block", what: "window_size", reason: "\(windowSize) is negative")
        }
        self.batch = Symbol("B", batch, "images")
        self.height = Symbol("H", height, "token grid rows")
        self.width = Symbol("W", width, "token grid columns")
        self.dim = Symbol("C", dim, "channels")
        let rows = self.batch * self.height * self.width
        norm1 = try LayerNorm("norm1 LayerNorm", rows: rows, width: self.dim.formula)
        norm2 = try LayerNorm("norm2 LayerNorm", rows: rows, width: self.dim.formula)
        mlp = try MLPBlock(
            batch: batch, tokens: try ModelMeterError.checkedProduct(height, width, "H·W"), embeddingDim: dim, mlpDim: mlpDim)
        if windowSize > 0 {
            // Hp = ⌈H/ws⌉·ws without forming H + ws − 1.
            func padded(_ size: Int) throws -> Int {
                try ModelMeterError.checkedProduct(size / windowSize + (size % windowSize > 0 ? 1 : 0), windowSize, "padded grid")
            }
            let padded = (h: try padded(height), w: try padded(width))
            self.windowSize = Symbol("ws", windowSize, "window side")
            paddedHeight = Symbol("Hp", padded.h, "rows padded to a multiple of ws")
            paddedWidth = Symbol("Wp", padded.w, "columns padded to a multiple of ws")
            let windows = try ModelMeterError.checkedProduct(padded.h / windowSize, padded.w / windowSize, "n_win")
            windowsPerImage = Symbol("n_win", windows, "windows per image, (Hp/ws)·(Wp/ws)")
            attn = try Attention(
                batch: try (self.batch * windowsPerImage).evaluate(), height: windowSize, width: windowSize,
                dim: dim, heads: heads, relativePositionInputSize: (windowSize, windowSize), kernel: kernel)
        } else {
            self.windowSize = nil
            paddedHeight = self.height
            paddedWidth = self.width
            windowsPerImage = Symbol("n_win", 1, "global attention: one window")
            attn = try Attention(
                batch: batch, height: height, width: width, dim: dim, heads: heads,
                relativePositionInputSize: globalInputSize, kernel: kernel)
        }
    }

    /// True for global-attention blocks.
    public var isGlobal: Bool { windowSize == nil }

    public var role: String? { isGlobal ? "global-attention block" : "windowed block" }

    public var symbols: [Symbol] {
        [batch, height, width, dim] + (windowSize.map { [$0, paddedHeight, paddedWidth, windowsPerImage] } ?? [])
    }

    /// The residual shortcut stays live while attention and the MLP run.
    public var heldActivationElements: Formula { batch * height * width * dim }

    public var steps: [Step] {
        let grid = batch * height * width * dim
        let padded = batch * paddedHeight * paddedWidth * dim
        var steps: [Step] = [.child(Child("norm1", norm1))]
        if windowSize != nil {
            steps.append(.term(.dataMovement("window partition", reads: grid, writes: padded)))
        }
        steps.append(.child(Child("attn", attn)))
        if windowSize != nil {
            steps.append(.term(.dataMovement("window unpartition", reads: padded, writes: grid)))
        }
        steps += [
            .term(.elementwise("attention residual add", .add, elements: grid)),
            .child(Child("norm2", norm2)),
            .child(Child("mlp", mlp)),
            .term(.elementwise("MLP residual add", .add, elements: grid)),
        ]
        return steps
    }
}
