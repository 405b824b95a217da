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

// MARK: - Charts

/// A standalone SVG line chart of one sweep quantity: categorical x (one tick per point),
/// linear y from 0, one line per series, axis titles and a legend.
public struct SweepChart: Sendable {
    public struct Series: Sendable {
        public let name: String
        public let values: [Double?]
    }

    /// File name, e.g. `sweep-batch-flops.svg`.
    public let fileName: String
    public let title: String
    public let xTitle: String
    public let yTitle: String
    public let labels: [String]
    public let series: [Series]
    /// Unit of the y values: an SI unit ("FLOP", "B") or "s" (ticks in s, ms, µs or ns).
    public let unit: String

    /// Distinct hues (ColorBrewer Dark2), so six GPUs stay apart.
    static let palette = ["#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d", "#666666"]
    private static let width = 820.0, height = 480.0
    private static let left = 96.0, right = 200.0, top = 48.0, bottom = 110.0

    /// The SVG text; the same data always gives the same bytes.
    public func svg() -> String {
        typealias C = SweepChart
        let plotWidth = C.width - C.left - C.right
        let plotHeight = C.height - C.top - C.bottom
        let maximum = series.flatMap { $0.values.compactMap { $0 } }.filter(\.isFinite).max() ?? 0
        let (step, top) = C.niceScale(maximum)
        let tickText = tickFormatter(top: top, step: step)
        let count = max(labels.count, 1)
        func x(_ index: Int) -> Double { C.left + (Double(index) + 0.5) * plotWidth / Double(count) }
        func y(_ value: Double) -> Double { C.top + plotHeight - value / top * plotHeight }

        var s = """
        <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \(Int(C.width)) \(Int(C.height))" width="\(Int(C.width))" height="\(Int(C.height))" role="img" aria-label="\(C.escape(title))" font-family="Helvetica, Arial, sans-serif" font-size="12">
        <rect x="0" y="0" width="\(Int(C.width))" height="\(Int(C.height))" fill="#ffffff"/>
        <text x="\(C.f(C.left))" y="26" font-size="15" font-weight="bold" fill="#1f2933">\(C.escape(title))</text>

        """
        // Horizontal grid lines and y ticks.
        var tick = 0.0
        while tick <= top * (1 + 1e-9) {
            let py = y(tick)
            s += "<line x1=\"\(C.f(C.left))\" y1=\"\(C.f(py))\" x2=\"\(C.f(C.left + plotWidth))\" y2=\"\(C.f(py))\" stroke=\"#e4e7eb\"/>\n"
            s += "<text x=\"\(C.f(C.left - 8))\" y=\"\(C.f(py + 4))\" text-anchor=\"end\" fill=\"#52606d\">\(C.escape(tickText(tick)))</text>\n"
            tick += step
        }
        // X ticks: every point up to 24 points, then every k-th.
        let every = max(1, Int((Double(labels.count) / 24).rounded(.up)))
        for (index, label) in labels.enumerated() where index % every == 0 {
            let px = x(index)
            let ly = C.top + plotHeight + 14
            s += "<line x1=\"\(C.f(px))\" y1=\"\(C.f(C.top + plotHeight))\" x2=\"\(C.f(px))\" y2=\"\(C.f(C.top + plotHeight + 5))\" stroke=\"#9aa5b1\"/>\n"
            s += "<text x=\"\(C.f(px))\" y=\"\(C.f(ly))\" text-anchor=\"end\" fill=\"#52606d\" transform=\"rotate(-35 \(C.f(px)) \(C.f(ly)))\">\(C.escape(label))</text>\n"
        }
        s += "<rect x=\"\(C.f(C.left))\" y=\"\(C.f(C.top))\" width=\"\(C.f(plotWidth))\" height=\"\(C.f(plotHeight))\" fill=\"none\" stroke=\"#9aa5b1\"/>\n"
        s += "<text x=\"\(C.f(C.left + plotWidth / 2))\" y=\"\(C.f(C.height - 12))\" text-anchor=\"middle\" fill=\"#1f2933\">\(C.escape(xTitle))</text>\n"
        let yMid = C.top + plotHeight / 2
        s += "<text x=\"18\" y=\"\(C.f(yMid))\" text-anchor=\"middle\" fill=\"#1f2933\" transform=\"rotate(-90 18 \(C.f(yMid)))\">\(C.escape(yTitle))</text>\n"

        // Series: polylines broken at missing values, markers when points are few.
        let markers = labels.count <= 60
        for (index, line) in series.enumerated() {
            let color = C.palette[index % C.palette.count]
            var segments: [[String]] = [[]]
            for (point, value) in line.values.enumerated() {
                guard let value, value.isFinite else {
                    if !(segments.last?.isEmpty ?? true) { segments.append([]) }
                    continue
                }
                segments[segments.count - 1].append("\(C.f(x(point))),\(C.f(y(value)))")
                if markers {
                    s += "<circle cx=\"\(C.f(x(point)))\" cy=\"\(C.f(y(value)))\" r=\"3.5\" fill=\"\(color)\"><title>\(C.escape(line.name)) at \(C.escape(labels[point])): \(C.escape(exact(value)))</title></circle>\n"
                }
            }
            for segment in segments where segment.count > 1 {
                s += "<polyline points=\"\(segment.joined(separator: " "))\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\"/>\n"
            }
            // Legend entry in the right margin.
            let ly = C.top + 14 + Double(index) * 20
            let lx = C.left + plotWidth + 16
            s += "<line x1=\"\(C.f(lx))\" y1=\"\(C.f(ly - 4))\" x2=\"\(C.f(lx + 22))\" y2=\"\(C.f(ly - 4))\" stroke=\"\(color)\" stroke-width=\"2.5\"/>\n"
            s += "<text x=\"\(C.f(lx + 28))\" y=\"\(C.f(ly))\" fill=\"#1f2933\">\(C.escape(line.name))</text>\n"
        }
        s += "</svg>\n"
        return s
    }

    /// A step of 1, 2, 2.5 or 5 × 10ⁿ giving about five intervals, and the axis top (a step multiple ≥ maximum).
    static func niceScale(_ maximum: Double) -> (step: Double, top: Double) {
        guard maximum > 0, maximum.isFinite else { return (1, 1) }
        let raw = maximum / 5
        let magnitude = pow(10, floor(log10(raw)))
        let residual = raw / magnitude
        let nice: Double = residual <= 1 ? 1 : residual <= 2 ? 2 : residual <= 2.5 ? 2.5 : residual <= 5 ? 5 : 10
        let step = nice * magnitude
        return (step, (maximum / step).rounded(.up) * step)
    }

    /// Ticks share one prefix chosen from the axis top, with as many decimals as the step needs:
    /// `0 FLOP, 1 TFLOP, 2 TFLOP…`, `0 ms, 2.5 ms, 5.0 ms…`.
    private func tickFormatter(top: Double, step: Double) -> (Double) -> String {
        let prefixes: [(Double, String)] = unit == "s"
            ? [(1, ""), (1e-3, "m"), (1e-6, "µ"), (1e-9, "n")]
            : [(1e18, "E"), (1e15, "P"), (1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k"), (1, "")]
        let (factor, prefix) = prefixes.first { top >= $0.0 } ?? prefixes[prefixes.count - 1]
        // Fewest decimals that show the step exactly (2.5 needs one, 0.02 two).
        let scaled = step / factor
        var digits = 0
        while digits < 6 {
            let shifted = scaled * pow(10, Double(digits))
            if abs(shifted - shifted.rounded()) <= 1e-6 * shifted { break }
            digits += 1
        }
        let unit = self.unit
        return { value in value == 0 ? "0 \(unit)" : String(format: "%.\(digits)f", value / factor) + " " + prefix + unit }
    }

    /// A value in a tooltip: three significant figures with the unit's prefix.
    private func exact(_ value: Double) -> String {
        unit == "s" ? SIUnits.seconds(value) : SIUnits.format(value, unit: unit, digits: 2)
    }

    static func f(_ value: Double) -> String { String(format: "%.1f", value) }

    static func escape(_ text: String) -> String { Markup.escape(text) }
}

extension SweepResult {
    /// The four sweep charts: forward FLOPs (tensor core vs CUDA core), forward I/O bytes,
    /// activation memory, and the forward time lower bound on every GPU.
    /// File names are `sweep-<dimension>-<quantity>.svg`.
    /// - Parameter xTitle: the x-axis title; `dimension.axisTitle` by default.
    public func charts(xTitle: String? = nil) -> [SweepChart] {
        let labels = rows.map(\.label)
        let prefix = "sweep-\(dimension.rawValue)"
        let xTitle = xTitle ?? dimension.axisTitle
        let model = (rows.first?.workload.model ?? .deepseekOCR).displayName
        let what = stages == [.vision] ? "\(model) vision stack" : "\(model) " + stages.map(\.rawValue).joined(separator: " + ")
        let scope = "\(what), \(precision.rawValue), by \(dimension.rawValue)"
        return [
            SweepChart(
                fileName: "\(prefix)-flops.svg", title: "Forward FLOPs: tensor core vs CUDA core (\(scope))",
                xTitle: xTitle, yTitle: "forward FLOP", labels: labels,
                series: [
                    .init(name: "tensor core", values: rows.map { Double($0.forward.tensorCoreFLOPs) }),
                    .init(name: "CUDA core", values: rows.map { Double($0.forward.cudaCoreFLOPs) }),
                ],
                unit: "FLOP"),
            SweepChart(
                fileName: "\(prefix)-io-bytes.svg", title: "Forward I/O bytes (\(scope))",
                xTitle: xTitle, yTitle: "DRAM bytes moved (forward)", labels: labels,
                series: [.init(name: "forward I/O", values: rows.map { Double($0.forward.ioBytes) })],
                unit: "B"),
            SweepChart(
                fileName: "\(prefix)-activation-memory.svg", title: "Peak activation memory (\(scope))",
                xTitle: xTitle, yTitle: "inference activation bytes", labels: labels,
                series: [.init(name: "activations", values: rows.map { Double($0.activationBytes) })],
                unit: "B"),
            SweepChart(
                fileName: "\(prefix)-time-lower-bound.svg", title: "Forward time lower bound per GPU (\(scope))",
                xTitle: xTitle, yTitle: "seconds (roofline lower bound)", labels: labels,
                series: gpus.enumerated().map { index, gpu in
                    let values = rows.map { $0.timeLowerBoundSeconds[index] }
                    let missing = !rows.isEmpty && values.allSatisfy { $0 == nil }
                    return .init(name: missing ? "\(gpu.id) (no \(precision.rawValue) roof)" : gpu.id, values: values)
                },
                unit: "s"),
        ]
    }
}
