import ModelMeter

/// DeepSeek-OCR 2's vision stack for one workload, as the vendor's vLLM
/// `DeepseekOCR2ForCausalLM._pixel_values_to_embedding` runs it: the crops of every page through
/// `sam_model`, `qwen2_model` and `projector` (view `local/`, when the page has crops), then the
/// global views (view `global/`), then the rows assembled as crops, global view, `view_seperator`.
/// The vendor loops over pages; every cost here is per image, so `B` pages price as `B` times one.
public struct DeepSeekOCR2Vision: Layer {
    public let typeName = "DeepseekOCR2Model"
    public let workload: Workload
    /// `(prefix, view)`: `global` (B images at 1024), then `local` (B·n crops at 768) when crops run.
    public let views: [(prefix: String, view: DeepSeekOCR2View)]
    private let embedWidth = 1280

    public init(workload: Workload) throws {
        self.workload = workload
        var views = [(prefix: "global", view: try DeepSeekOCR2View(
            batch: workload.batch, imageSize: workload.baseSize, kernel: workload.samKernel, encoderKernel: workload.clipKernel))]
        if workload.hasLocalView, let crops = workload.crops {
            let localBatch = try ModelMeterError.checkedProduct(workload.batch, crops.count, "batch·crops")
            views.append((prefix: "local", view: try DeepSeekOCR2View(
                batch: localBatch, imageSize: workload.imageSize, kernel: workload.samKernel, encoderKernel: workload.clipKernel)))
        }
        self.views = views
    }

    public var symbols: [Symbol] { [Symbol("B", workload.batch, "pages")] }

    public var ownParameters: [ParameterTensor] { [ParameterTensor("view_seperator", [embedWidth])] }

    /// Both views run the same sam_model / qwen2_model / projector weights (counted once); then
    /// cat(local rows, global rows, view_seperator), one copy of the page's rows.
    public var steps: [Step] {
        DeepSeekOCRVision.viewSteps(views.map { ($0.prefix, $0.view) }, workload: workload, embedWidth: embedWidth)
    }
}

/// One view of DeepSeek-OCR 2's vision stack: SAM (its `net_3` narrowed to 896 channels), the
/// Qwen2 encoder over the `N = g²` SAM tokens and N queries, and the linear projector 896 → 1280
/// on the N query outputs. No feature concatenation: the projector sees the encoder's output only.
public struct DeepSeekOCR2View: Layer {
    public let typeName = "DeepseekOCR2VisionView"
    public let batch: Symbol
    public let imageSize: Symbol
    public let featureGrid: Symbol
    public let samModel: ImageEncoderViT
    public let encoder: Qwen2Decoder2Encoder
    public let projector: MlpProjector
    /// Everything the view's costs follow from.
    public let evaluationKey: String?

    /// SAM as DeepSeek-OCR 2 builds it: ViT-B with `net_3` 512 → 896.
    public static let sam: SAMConfiguration = {
        var configuration = SAMConfiguration.vitB
        configuration.net3Channels = Qwen2EncoderConfiguration.deepEncoderV2.hiddenSize
        return configuration
    }()

    /// What the projector reads: the Qwen2 encoder's query outputs, no concatenation.
    public static let projectorInputSource = "Qwen2 encoder queries, 896"

    public init(batch: Int, imageSize: Int, kernel: AttentionKernel = .sdpa, encoderKernel: AttentionKernel? = nil) throws {
        samModel = try ImageEncoderViT(batch: batch, imageSize: imageSize, configuration: Self.sam, kernel: kernel)
        let grid = samModel.grid3.value
        encoder = try Qwen2Decoder2Encoder(batch: batch, featureGrid: grid, kernel: encoderKernel ?? kernel)
        projector = try MlpProjector(
            batch: batch, tokens: try ModelMeterError.checkedProduct(grid, grid, "g²"),
            inputDim: Qwen2EncoderConfiguration.deepEncoderV2.hiddenSize, type: .linear, inputSource: Self.projectorInputSource)
        self.batch = Symbol("B", batch, "images in this view")
        self.imageSize = Symbol("R", imageSize, "image side in pixels")
        featureGrid = Symbol("g", grid, "feature grid side")
        evaluationKey = "\(typeName)|B=\(batch)|R=\(imageSize)|\(kernel)|\(encoderKernel ?? kernel)"
    }

    public var symbols: [Symbol] { [batch, imageSize, featureGrid] }

    public var steps: [Step] {
        [
            .child(Child("sam_model", samModel)),
            .child(Child("qwen2_model", encoder)),
            .child(Child("projector", projector)),
        ]
    }
}
