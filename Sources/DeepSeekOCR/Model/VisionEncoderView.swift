import ModelMeter

/// One view of the vision stack as the vendor runs it: SAM, then CLIP fed SAM's features,
/// then the concatenated `[B, (R/64)², 2048]` features through the projector.
public struct VisionEncoderView: Layer {
    public let typeName = "DeepseekOCRVisionView"
    public let batch: Symbol
    public let imageSize: Symbol
    /// Side of SAM's output grid after two stride-2 convolutions: `G = ⌊R/16⌋`, then
    /// `⌈⌈G/2⌉/2⌉` (16 at 1024, 10 at 640).
    public let featureGrid: Symbol
    public let samModel: ImageEncoderViT
    public let visionModel: VitModel
    public let projector: MlpProjector
    /// Widths of the two feature halves concatenated before the projector (CLIP, SAM).
    private let featureWidths: (clip: Int, sam: Int)

    public init(
        batch: Int, imageSize: Int, kernel: AttentionKernel = .sdpa, projectorType: ProjectorType = .linear,
        sam: SAMConfiguration = .vitB, clip: CLIPConfiguration = .large
    ) throws {
        samModel = try ImageEncoderViT(batch: batch, imageSize: imageSize, configuration: sam, kernel: kernel)
        let grid = samModel.grid3.value
        guard sam.net3Channels == clip.hiddenSize else {
            throw ModelMeterError.invalidShape(
                layer: "DeepSeek-OCR view", what: "feature width",
                reason: "SAM emits \(sam.net3Channels) channels but CLIP expects \(clip.hiddenSize)")
        }
        visionModel = try VitModel(batch: batch, patchGrid: grid, configuration: clip, kernel: kernel)
        projector = try MlpProjector(
            batch: batch, tokens: try ModelMeterError.checkedProduct(grid, grid, "g²"), inputDim: clip.hiddenSize + sam.net3Channels, type: projectorType)
        self.batch = Symbol("B", batch, "images in this view")
        self.imageSize = Symbol("R", imageSize, "image side in pixels")
        self.featureGrid = Symbol("g", grid, "feature grid side")
        featureWidths = (clip.hiddenSize, sam.net3Channels)
        evaluationKey = "\(typeName)|B=\(batch)|R=\(imageSize)|\(kernel)|\(projectorType)|\(sam)|\(clip)"
    }

    public var symbols: [Symbol] { [batch, imageSize, featureGrid] }

    /// Everything the view's costs follow from: its batch, image side, kernel, projector and configurations.
    public let evaluationKey: String?

    public var steps: [Step] {
        let tokens = batch * featureGrid * featureGrid
        let width = Symbol("C", featureWidths.clip + featureWidths.sam, "concatenated feature width")
        return [
            .child(Child("sam_model", samModel)),
            .child(Child("vision_model", visionModel)),
            // cat(clip_out[:, 1:], sam_out.flatten(2).permute(0, 2, 1)) → [B, g², 2048]
            .term(.dataMovement("feature concat", reads: tokens * width, writes: tokens * width)),
            .child(Child("projector", projector)),
        ]
    }
}
