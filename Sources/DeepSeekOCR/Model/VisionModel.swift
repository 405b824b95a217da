import ModelMeter

/// The DeepSeek-OCR vision stack for one workload: one view (single-resolution modes) or a
/// global view plus a batch of local crops (Gundam), plus the model-level
/// `image_newline` and `view_seperator` embeddings.
public struct DeepSeekOCRVision: Layer {
    public let typeName = "DeepseekOCRModel"
    public let workload: Workload
    /// `(prefix, view)`: prefix is "" for single-view modes, "global"/"local" in crop mode.
    public let views: [(prefix: String, view: VisionEncoderView)]
    private let embedWidth = 1280

    public init(workload: Workload) throws {
        self.workload = workload
        let mode = workload.mode
        if mode.cropMode {
            var views = [(prefix: "global", view: try VisionEncoderView(
                batch: workload.batch, imageSize: mode.baseSize, kernel: workload.samKernel, clipKernel: workload.clipKernel,
                projectorType: workload.projectorType))]
            if workload.hasLocalView, let crops = workload.crops {
                let (localBatch, overflow) = workload.batch.multipliedReportingOverflow(by: crops.count)
                if overflow { throw ModelMeterError.overflow(formula: "batch·crops") }
                views.append((prefix: "local", view: try VisionEncoderView(
                    batch: localBatch, imageSize: mode.imageSize, kernel: workload.samKernel, clipKernel: workload.clipKernel,
                    projectorType: workload.projectorType)))
            }
            self.views = views
        } else {
            views = [(prefix: "", view: try VisionEncoderView(
                batch: workload.batch, imageSize: mode.baseSize, kernel: workload.samKernel, clipKernel: workload.clipKernel,
                projectorType: workload.projectorType))]
        }
    }

    public var symbols: [Symbol] { [Symbol("B", workload.batch, "pages")] }

    public var ownParameters: [ParameterTensor] {
        [ParameterTensor("image_newline", [embedWidth]), ParameterTensor("view_seperator", [embedWidth])]
    }

    public var steps: [Step] {
        Self.viewSteps(views.map { ($0.prefix, $0.view) }, workload: workload, embedWidth: embedWidth)
    }

    /// The views as namespaces (`global/`, `local/`), their shared weights counted once, then the
    /// page's rows assembled with cat/view: one copy of `B·T_vis·D` (newline columns, when the
    /// model has them, and the separator are spliced in by the same copy).
    static func viewSteps(_ views: [(prefix: String, view: any Layer)], workload: Workload, embedWidth: Int) -> [Step] {
        let tokens = Symbol("T_vis", workload.visionTokensPerPage, "vision tokens per page")
        let batch = Symbol("B", workload.batch, "pages")
        let width = Symbol("D", embedWidth, "decoder width")
        return views.enumerated().map {
            .child(Child(namespace: $0.element.prefix, $0.element.view, ownsParameters: $0.offset == 0))
        } + [
            .term(.dataMovement("token assembly", reads: batch * tokens * width, writes: batch * tokens * width)),
        ]
    }
}
