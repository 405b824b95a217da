/// SAM ViT-B image encoder settings as DeepSeek-OCR builds it (`build_sam_vit_b`).
public struct SAMConfiguration: Sendable, Hashable {
    public var embedDim = 768
    public var depth = 12
    public var heads = 12
    public var mlpDim = 3072
    public var patchSize = 16
    public var inChannels = 3
    public var windowSize = 14
    public var globalAttentionIndexes: Set<Int> = [2, 5, 8, 11]
    /// Token grid of pretraining (1024/16): `pos_embed` and global rel-pos tables are sized for it.
    public var pretrainGrid = 64
    public var neckChannels = 256
    public var net2Channels = 512
    public var net3Channels = 1024

    public init() {}
    public static let vitB = SAMConfiguration()
}

/// CLIP-L/14 body settings (`vit_model_cfg` in the vendor code).
public struct CLIPConfiguration: Sendable, Hashable {
    public var hiddenSize = 1024
    public var layers = 24
    public var heads = 16
    public var ffnHiddenSize = 4096
    public var imageSize = 224
    public var patchSize = 14
    public var channels = 3

    public init() {}
    public static let large = CLIPConfiguration()

    /// Side of the position table's patch grid: 224/14 = 16 (257 = 16² + 1 rows).
    public var positionGrid: Int { imageSize / patchSize }
}
