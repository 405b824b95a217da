import Foundation
import ModelMeter

/// One workload point of a sweep, with the label tables and charts show for it.
public struct SweepPoint: Sendable {
    public let label: String
    public let workload: Workload

    public init(label: String, workload: Workload) {
        self.label = label
        self.workload = workload
    }
}

/// The sweep's stages together at one point (see `ModelReport.combine`).
public struct SweepRow: Sendable {
    public let label: String
    public let workload: Workload
    public let visionTokensPerPage: Int
    /// Forward pass of the swept stages (all views, all pages; prefill; one decode step).
    public let forward: PassCost
    /// Largest inference activation peak of the stages.
    public let activationBytes: Int
    /// Vision and decoder weights, each once.
    public let weightBytes: Int
    /// KV cache after the last decoder stage (0 for the vision stack alone).
    public let kvCacheBytes: Int
    /// Forward time lower bound per GPU, in `SweepResult.gpus` order: the sum of each stage's
    /// roofline bound; nil when the GPU has no tensor-core roof at the sweep's precision.
    public let timeLowerBoundSeconds: [Double?]
}

/// Evaluates DeepSeek-OCR's stages (the vision stack by default; prefill and a decode step with
/// `stages`) over a list of workload points: the data behind `modelmeter sweep` and its charts.
///
/// A full evaluation costs about a millisecond per stage, so by default each shape is evaluated
/// once, by the same evaluator as every report, in polynomial arithmetic: every symbol named
/// `B` (pages, or pages × crops, × windows…) becomes `value at one page · x₀`, the decoder's
/// distinct-experts count `E_t` becomes `x₁`, and in decoder stages `S` and `L` become `x₂`, `x₃`
/// (so one polynomial serves every prompt length and cache size):
///
/// ```
/// FLOPs, bytes       = p(B, E_t, S, L)                   exact polynomials from the layer formulas
/// activations        = max over the peak's candidates    (the evaluator's own max, kept symbolic)
/// E_t                = round(E·(1 − (1 − k/E)^(B·S)))     per point, as `RoutedExperts` computes it
/// ```
/// Vision views (SAM + CLIP + projector at one image side and batch) are evaluated once per
/// sweep and shared between shapes (`EvaluationCache`).
/// A point then costs a few polynomial evaluations. A shape whose formulas put the batch inside
/// a division (not a polynomial) is evaluated point by point instead.
public struct Sweep: Sendable {
    /// What a sweep varies.
    public enum Dimension: String, CaseIterable, Sendable {
        case resolution, crops, batch

        /// Axis title for charts.
        public var axisTitle: String {
            switch self {
            case .resolution: return "resolution mode"
            case .crops: return "crop grid (width tiles x height tiles)"
            case .batch: return "pages per batch"
            }
        }
    }

    /// How points are evaluated.
    public enum Strategy: Sendable {
        /// An exact evaluation of every stage's tree for every point.
        case direct
        /// One polynomial evaluation per shape and stage, then a few polynomial values per point.
        case polynomialInBatch
    }

    public let dimension: Dimension
    public let points: [SweepPoint]
    public let precision: Precision
    /// GPUs whose time lower bound each row reports (the whole catalog by default).
    public let gpus: [GPUSpec]
    public let strategy: Strategy
    public let stages: [ModelStage]

    public init(
        dimension: Dimension, points: [SweepPoint], precision: Precision = .bf16, gpus: [GPUSpec] = GPUCatalog.all,
        strategy: Strategy = .polynomialInBatch, stages: [ModelStage] = [.vision]
    ) {
        self.dimension = dimension
        self.points = points
        self.precision = precision
        self.gpus = gpus
        self.strategy = strategy
        self.stages = stages.isEmpty ? [.vision] : stages
    }

    /// Every point's totals, in point order.
    public func evaluate() throws -> SweepResult {
        var shapes: [ShapeKey: StagePolynomial?] = [:]
        let views = EvaluationCache<PolynomialArithmetic>()
        var rows: [SweepRow] = []
        rows.reserveCapacity(points.count)
        for point in points {
            let workload = point.workload
            var perStage: [(stage: ModelStage, metrics: LayerMetrics)] = []
            var times = [Double?](repeating: 0, count: gpus.count)
            for stage in stages {
                var metrics: LayerMetrics?
                if strategy == .polynomialInBatch {
                    let key = ShapeKey(stage: stage, workload: workload)
                    if shapes[key] == nil {
                        shapes[key] = .some(try? StagePolynomial(stage: stage, workload: workload, precision: precision, cache: views))
                    }
                    metrics = shapes[key]??.metrics(for: workload)
                }
                let values = try metrics ?? StageReport.model(stage, workload: workload).metrics(precision: precision)
                perStage.append((stage, values))
                for (index, gpu) in gpus.enumerated() {
                    let time = (try? RooflinePoint(cost: values.forward, gpu: gpu, precision: precision))?.timeLowerBoundSeconds
                    times[index] = time.flatMap { t in times[index].map { $0 + t } }
                }
            }
            let totals = try ModelReport.combine(perStage)
            rows.append(SweepRow(
                label: point.label, workload: workload, visionTokensPerPage: workload.visionTokensPerPage,
                forward: totals.forward, activationBytes: totals.memory.activationBytes,
                weightBytes: totals.memory.weightBytes, kvCacheBytes: totals.memory.kvCacheBytes, timeLowerBoundSeconds: times))
        }
        return SweepResult(dimension: dimension, precision: precision, gpus: gpus, stages: stages, rows: rows)
    }

    /// What a stage's polynomial cannot vary: the vision stack's shape (mode, crops, kernel,
    /// projector); the decoder's configuration, kernel and head, and whether the cache is empty
    /// (the formulas then drop `L`). Batch, positions and cache length are variables.
    private struct ShapeKey: Hashable {
        let stage: ModelStage
        let mode: VisionMode?
        let crops: CropGrid?
        let kernel: AttentionKernel
        let samKernel: AttentionKernel?
        let clipKernel: AttentionKernel?
        let projector: ProjectorType?
        let configuration: DeepseekV2Configuration?
        let logits: LogitPositions?
        let emptyCache: Bool

        init(stage: ModelStage, workload: Workload) {
            self.stage = stage
            let vision = stage == .vision
            mode = vision ? workload.mode : nil
            crops = vision && workload.hasLocalView ? workload.crops : nil
            kernel = workload.kernel
            samKernel = vision ? workload.samKernel : nil
            clipKernel = vision ? workload.clipKernel : nil
            projector = vision ? workload.projectorType : nil
            configuration = vision ? nil : workload.decoder.configuration
            logits = vision ? nil : workload.decoder.logits
            emptyCache = stage == .decode && workload.decodeContext == 0
        }
    }
}

// MARK: - Points

extension Sweep {
    /// Default batch sizes: 1, 2, 4, 8, 16 pages.
    public static let defaultBatches = [1, 2, 4, 8, 16]

    /// Default crop grids: every `i×j` with `1 ≤ i, j ≤ 3`, by crop count then width
    /// (`1x1 1x2 2x1 1x3 3x1 2x2 2x3 3x2 3x3`).
    public static func defaultGrids() throws -> [CropGrid] {
        var grids: [CropGrid] = []
        for height in 1...3 {
            for width in 1...3 { grids.append(try CropGrid(widthTiles: width, heightTiles: height)) }
        }
        return grids.sorted { ($0.count, $0.widthTiles) < ($1.count, $1.widthTiles) }
    }

    /// One point per mode (default: every mode of `base`'s model), keeping `base`'s crops (crop
    /// mode only), batch, kernel and projector.
    public static func resolutionPoints(_ modes: [VisionMode]? = nil, base: Workload) throws -> [SweepPoint] {
        try (modes ?? base.model.modes).map { mode in
            let workload = try base.reshaped(mode: mode, crops: base.crops, batch: base.batch)
            let label = workload.hasLocalView ? "\(mode.rawValue) \(workload.crops?.description ?? "")" : mode.rawValue
            return SweepPoint(label: label, workload: workload)
        }
    }

    /// One Gundam point per crop grid.
    public static func cropPoints(_ grids: [CropGrid], base: Workload) throws -> [SweepPoint] {
        try grids.map { grid in
            SweepPoint(label: grid.description, workload: try base.reshaped(mode: .gundam, crops: grid, batch: base.batch))
        }
    }

    /// One Gundam point per page size, with the grid the vendor's preprocessing picks
    /// (`PageCropping.grid(for:)`); labelled `1654x2339 (2x3)`.
    public static func pagePoints(
        _ pages: [PageSize], minimumCrops: Int = CropGrid.defaultMinimumCrops,
        maximumCrops: Int = CropGrid.defaultMaximumCrops, base: Workload
    ) throws -> [SweepPoint] {
        try pages.map { page in
            let grid = try PageCropping.grid(
                for: page, minimumCrops: minimumCrops, maximumCrops: maximumCrops, cropSide: base.model.imageSize(.gundam))
            return SweepPoint(label: "\(page) (\(grid))", workload: try base.reshaped(mode: .gundam, crops: grid, batch: base.batch))
        }
    }

    /// One point per batch size, keeping `base`'s mode, crops, kernel and projector.
    public static func batchPoints(_ batches: [Int], base: Workload) throws -> [SweepPoint] {
        try batches.map { batch in
            SweepPoint(label: "batch \(batch)", workload: try base.withBatch(batch))
        }
    }
}

// MARK: - Tables

/// A sweep's rows with the GPUs and precision they were priced for.
public struct SweepResult: Sendable {
    public let dimension: Sweep.Dimension
    public let precision: Precision
    public let gpus: [GPUSpec]
    public let stages: [ModelStage]
    public let rows: [SweepRow]

    /// CSV (RFC 4180 quoting), one row per point; empty time cells where a GPU lacks the precision.
    public func csv() -> String {
        var header = [
            "label", "mode", "crops", "batch", "vision_tokens_per_page", "forward_tensor_core_flops",
            "forward_cuda_core_flops", "forward_io_bytes", "activation_bytes", "weight_bytes",
        ]
        header += gpus.map { "time_lower_bound_seconds_\($0.id)" }
        var lines = [header.map(ModelReport.csvField).joined(separator: ",")]
        for row in rows {
            var fields = [
                row.label, row.workload.mode.rawValue, row.cropsText, "\(row.workload.batch)", "\(row.visionTokensPerPage)",
                "\(row.forward.tensorCoreFLOPs)", "\(row.forward.cudaCoreFLOPs)", "\(row.forward.ioBytes)",
                "\(row.activationBytes)", "\(row.weightBytes)",
            ]
            fields += row.timeLowerBoundSeconds.map { $0.map { "\($0)" } ?? "" }
            lines.append(fields.map(ModelReport.csvField).joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The same table as a JSON document.
    public func json() -> JSONValue {
        .object([
            ("tool", .string("modelmeter")),
            ("sweep", .string(dimension.rawValue)),
            ("precision", .string(precision.rawValue)),
            ("gpus", .array(gpus.map { .string($0.id) })),
            ("stages", .array(stages.map { .string($0.rawValue) })),
            ("units", .string("FLOP and bytes are exact integers for the stages together (all views, all pages); seconds are forward lower bounds, summed over stages")),
            ("points", .array(rows.map { row in
                .object([
                    ("label", .string(row.label)),
                    ("mode", .string(row.workload.mode.rawValue)),
                    ("crops", row.cropsText.isEmpty ? .null : .string(row.cropsText)),
                    ("batch", .int(row.workload.batch)),
                    ("visionTokensPerPage", .int(row.visionTokensPerPage)),
                    ("forwardTensorCoreFLOPs", .int(row.forward.tensorCoreFLOPs)),
                    ("forwardCUDACoreFLOPs", .int(row.forward.cudaCoreFLOPs)),
                    ("forwardIOBytes", .int(row.forward.ioBytes)),
                    ("activationBytes", .int(row.activationBytes)),
                    ("weightBytes", .int(row.weightBytes)),
                    ("kvCacheBytes", .int(row.kvCacheBytes)),
                    ("timeLowerBoundSeconds", .object(zip(gpus, row.timeLowerBoundSeconds).map { gpu, time in
                        (gpu.id, time.map(JSONValue.double) ?? .null)
                    })),
                ])
            })),
        ])
    }
}

extension SweepRow {
    /// `2x3` when local crops run, empty otherwise.
    var cropsText: String { workload.hasLocalView ? (workload.crops?.description ?? "") : "" }
}
