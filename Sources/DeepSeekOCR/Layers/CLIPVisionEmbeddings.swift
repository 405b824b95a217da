import ModelMeter

/// CLIP's embedding stage (`vision_model.embeddings`) as DeepSeek-OCR runs it: SAM's
/// `[B, 1024, g, g]` features arrive as the patch embeddings, a class token is prepended and a
/// (resized) position table is added. The 14×14 `patch_embedding` convolution is never called:
/// its weights load and count in memory, not in FLOPs.
///
/// ```
/// class token concat     memory only       B·N·C → B·S·C, S = N + 1
/// position table resize  16·N·C (CUDA)     bicubic 16×16 → g×g, only when g ≠ 16
/// position add           B·S·C  (CUDA)
/// ```
/// Saved for backward: only the position lookup's int64 indices (`position_ids`, `P² + 1`);
/// `cat`, the resize and the add keep no tensor.
public struct CLIPVisionEmbeddings: Layer {
    public static let documentation = LayerDoc(vendorClass: "CLIPVisionEmbeddings", vendorFile: "deepencoder/clip_sdpa.py")
    public let typeName = "CLIPVisionEmbeddings"
    public var doc: LayerDoc? { Self.documentation }

    /// How `explain` builds this layer and which reference runs verify it.
    public static let recipe = LayerRecipe(
        doc: CLIPVisionEmbeddings.documentation,
        parameters: [
            .init("batch", 1, "images"), .init("grid", 16, "SAM feature-map side"), .init("dim", 1024, "hidden width"),
        ],
        takesKernel: false,
        build: { a in try CLIPVisionEmbeddings(batch: a["batch"], patchGrid: a["grid"], configuration: CLIPConfiguration.large.overriding(a.values)) },
        referenceModules: ["clip.CLIPVisionEmbeddings"],
        referenceLayer: { run in
            try CLIPVisionEmbeddings(batch: run.inputShapes[1][0], patchGrid: run.inputShapes[1][2])
        })

    public let configuration: CLIPConfiguration
    public let batch: Symbol
    public let grid: Symbol
    public let patches: Symbol
    public let tokens: Symbol
    public let dim: Symbol
    private let patchEmbedding: Conv2d
    private let positionEmbedding: Embedding

    /// - Parameter patchGrid: side `g` of the SAM feature map fed in (R/64: 16 at 1024, 10 at 640).
    public init(batch: Int, patchGrid: Int, configuration: CLIPConfiguration = .large) throws {
        let c = configuration
        for (value, what) in [(batch, "batch"), (patchGrid, "patch grid"), (c.hiddenSize, "hidden_size"),
                              (c.patchSize, "patch_size"), (c.imageSize, "image_size")] {
            try ModelMeterError.requirePositive(value, what, in: "CLIPVisionEmbeddings")
        }
        self.configuration = c
        self.batch = Symbol("B", batch, "images")
        self.grid = Symbol("g", patchGrid, "feature-map side from SAM")
        let patchCount = try ModelMeterError.checkedProduct(patchGrid, patchGrid, "g²")
        self.patches = Symbol("N", patchCount, "patch tokens, g²")
        self.tokens = Symbol("S", try ModelMeterError.checkedSum(patchCount, 1, "N + 1"), "tokens incl. class token, N + 1")
        self.dim = Symbol("C", c.hiddenSize, "hidden width")
        let positions = c.positionGrid * c.positionGrid + 1
        patchEmbedding = try Conv2d(
            "patch convolution (not run)", batch: 1, inChannels: .constant(c.channels), outChannels: dim.formula,
            kernel: .constant(c.patchSize), stride: c.patchSize, padding: 0,
            input: (.constant(c.imageSize), .constant(c.imageSize)),
            output: (.constant(c.positionGrid), .constant(c.positionGrid)), bias: false, executed: false)
        positionEmbedding = try Embedding(
            "position lookup", rows: positions, width: dim.formula, lookups: .constant(positions))
    }

    public var symbols: [Symbol] { [batch, grid, patches, tokens, dim] }

    public var ownParameters: [ParameterTensor] { [ParameterTensor("class_embedding", [dim.value])] }

    public var steps: [Step] {
        let table = Symbol("P", configuration.positionGrid, "stored position grid side")
        var steps: [Step] = [
            .child(Child("patch_embedding", patchEmbedding)),
            .term(.dataMovement("class token concat", reads: batch * patches * dim + dim, writes: batch * tokens * dim)),
            .child(Child("position_embedding", positionEmbedding)),
        ]
        if grid.value != table.value {
            steps.append(.term(.resize(
                "position table resize", .bicubicResize, elements: patches * dim, tableElements: table * table * dim)))
        }
        steps.append(.term(.broadcastAdd("position add", elements: batch * tokens * dim, addendElements: tokens * dim)))
        return steps
    }
}
