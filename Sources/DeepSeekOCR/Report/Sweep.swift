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

/// The whole vision stack's totals at one sweep point.
public struct SweepRow: Sendable {
    public let label: String
    public let workload: Workload
    public let visionTokensPerPage: Int
    /// Forward pass of the whole stack (all views, all pages).
    public let forward: PassCost
    /// Inference peak of live activations.
    public let activationBytes: Int
    public let weightBytes: Int
    /// Forward time lower bound per GPU, in `SweepResult.gpus` order; nil when the GPU has no
    /// tensor-core roof at the sweep's precision (fp8 on an A100).
    public let timeLowerBoundSeconds: [Double?]
}

/// Evaluates the DeepSeek-OCR vision stack over a list of workload points: the data behind
/// `modelmeter sweep` and its charts.
///
/// Totals come from `DeepSeekOCRVision(workload:).metrics(precision:)` (sums over terms and
/// children × multiplicities, no tree expansion). That costs about a millisecond and a half per
/// point, so by default points that differ only in batch share one evaluation: for a fixed mode,
/// crop grid, kernel and projector every cost term is affine in the batch `B`, hence
///
/// ```
/// FLOPs(B), I/O(B)   = a + b·B                    (fitted from metrics at B = 1, 2; checked at B = 3)
/// weights(B)         = constant
/// activations(B)     = max over paths (a_k + b_k·B)   (held tensors down the tree + one term's working set)
/// ```
/// `BatchAffineModel` builds that form from the layer tree at B = 1, 2, 3, checks every term is
/// affine and that the form reproduces `metrics()` exactly at all three batches, and otherwise
/// falls back to `metrics()` per point. Results are exact integers either way.
///
/// Cost (release build, one core): about 8 ms per distinct shape (three `metrics()` calls and
/// three tree walks), then about 1.5 µs per point; 10,000 points over all 54 shapes take ~0.45 s,
/// against ~16 s with `.direct`.
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
        /// `metrics(precision:)` for every point.
        case direct
        /// One verified batch-affine form per (mode, crops, kernel, projector); `direct` when it does not verify.
        case sharedAcrossBatch
    }

    public let dimension: Dimension
    public let points: [SweepPoint]
    public let precision: Precision
    /// GPUs whose time lower bound each row reports (the whole catalog by default).
    public let gpus: [GPUSpec]
    public let strategy: Strategy

    public init(
        dimension: Dimension, points: [SweepPoint], precision: Precision = .bf16, gpus: [GPUSpec] = GPUCatalog.all,
        strategy: Strategy = .sharedAcrossBatch
    ) {
        self.dimension = dimension
        self.points = points
        self.precision = precision
        self.gpus = gpus
        self.strategy = strategy
    }

    /// Every point's totals, in point order.
    public func evaluate() throws -> SweepResult {
        var models: [ShapeKey: BatchAffineModel?] = [:]
        var rows: [SweepRow] = []
        rows.reserveCapacity(points.count)
        for point in points {
            let workload = point.workload
            var totals: BatchAffineModel.Totals?
            if strategy == .sharedAcrossBatch {
                let key = ShapeKey(workload)
                if models[key] == nil { models[key] = .some(BatchAffineModel(workload: workload, precision: precision)) }
                totals = models[key]??.totals(batch: workload.batch)
            }
            let values = try totals ?? BatchAffineModel.Totals(try DeepSeekOCRVision(workload: workload).metrics(precision: precision))
            let times = gpus.map { gpu in
                (try? RooflinePoint(cost: values.forward, gpu: gpu, precision: precision))?.timeLowerBoundSeconds
            }
            rows.append(SweepRow(
                label: point.label, workload: workload, visionTokensPerPage: workload.visionTokensPerPage,
                forward: values.forward, activationBytes: values.activationBytes,
                weightBytes: values.weightBytes, timeLowerBoundSeconds: times))
        }
        return SweepResult(dimension: dimension, precision: precision, gpus: gpus, rows: rows)
    }

    /// Everything but the batch: workloads with equal keys share one batch-affine form.
    private struct ShapeKey: Hashable {
        let mode: VisionMode
        let crops: CropGrid?
        let samKernel: AttentionKernel
        let clipKernel: AttentionKernel
        let projector: String

        init(_ workload: Workload) {
            mode = workload.mode
            crops = workload.hasLocalView ? workload.crops : nil
            samKernel = workload.samKernel
            clipKernel = workload.clipKernel
            projector = "\(workload.projectorType)"
        }
    }
}

/// `a + b·B`, exact.
struct Affine: Hashable, Sendable {
    var constant: Int
    var slope: Int

    /// The line through `(1, v1)` and `(2, v2)` when `(3, v3)` lies on it too; nil otherwise.
    static func fit(_ v1: Int, _ v2: Int, _ v3: Int) -> Affine? {
        let (slope, o1) = v2.subtractingReportingOverflow(v1)
        let (next, o2) = v3.subtractingReportingOverflow(v2)
        let (constant, o3) = v1.subtractingReportingOverflow(slope)
        guard !o1, !o2, !o3, next == slope else { return nil }
        return Affine(constant: constant, slope: slope)
    }

    /// The value at `batch`; nil on 64-bit overflow.
    func callAsFunction(_ batch: Int) -> Int? {
        let (product, o1) = slope.multipliedReportingOverflow(by: batch)
        let (sum, o2) = constant.addingReportingOverflow(product)
        return o1 || o2 ? nil : sum
    }
}

/// The vision stack's sweep totals for one (mode, crops, kernel, projector) as exact
/// functions of the batch; nil from `init` when the tree is not affine in the batch or the
/// form does not reproduce `metrics(precision:)` at B = 1, 2, 3.
struct BatchAffineModel: Sendable {
    struct Totals: Sendable {
        let forward: PassCost
        let activationBytes: Int
        let weightBytes: Int

        init(forward: PassCost, activationBytes: Int, weightBytes: Int) {
            self.forward = forward
            self.activationBytes = activationBytes
            self.weightBytes = weightBytes
        }

        init(_ metrics: LayerMetrics) {
            self.init(forward: metrics.forward, activationBytes: metrics.memory.activationBytes, weightBytes: metrics.memory.weightBytes)
        }
    }

    let tensorCoreFLOPs: Affine
    let cudaCoreFLOPs: Affine
    let ioBytes: Affine
    let weightBytes: Int
    /// Activation candidates (in bytes) not dominated for B ≥ 1; the peak is their maximum.
    let activationPaths: [Affine]

    init?(workload: Workload, precision: Precision) {
        let batches = [1, 2, 3]
        guard let models = try? batches.map({ batch in
            try DeepSeekOCRVision(workload: Workload(
                mode: workload.mode, crops: workload.crops, batch: batch, kernel: workload.kernel,
                projectorType: workload.projectorType, samKernel: workload.samKernel, clipKernel: workload.clipKernel))
        }), let metrics = try? models.map({ try $0.metrics(precision: precision) }) else { return nil }
        func fit(_ value: (LayerMetrics) -> Int) -> Affine? { Affine.fit(value(metrics[0]), value(metrics[1]), value(metrics[2])) }
        guard let tensorCore = fit(\.forward.tensorCoreFLOPs), let cudaCore = fit(\.forward.cudaCoreFLOPs),
              let io = fit(\.forward.ioBytes), metrics.allSatisfy({ $0.memory.weightBytes == metrics[0].memory.weightBytes })
        else { return nil }
        var paths: [Affine] = []
        guard (try? Self.collect(models, held: [0, 0, 0], bytes: precision.bytesPerElement, into: &paths)) == true else {
            return nil
        }
        // Keep the upper envelope's candidates: drop a path when another is at least as high at
        // B = 1 and grows at least as fast.
        let sorted = paths.sorted { ($0.slope, $0.constant) > ($1.slope, $1.constant) }
        var kept: [Affine] = []
        for path in sorted where !kept.contains(where: { $0.slope >= path.slope && ($0(1) ?? .max) >= (path(1) ?? .max) }) {
            kept.append(path)
        }
        tensorCoreFLOPs = tensorCore
        cudaCoreFLOPs = cudaCore
        ioBytes = io
        weightBytes = metrics[0].memory.weightBytes
        activationPaths = kept
        for (batch, metric) in zip(batches, metrics) {
            guard let totals = totals(batch: batch), totals.forward == metric.forward,
                  totals.activationBytes == metric.memory.activationBytes else { return nil }
        }
    }

    /// Walks three trees built at B = 1, 2, 3 in step. Every step must match in kind and
    /// multiplicity and every term's FLOPs, bytes and working set must be affine in B. Appends
    /// one activation path per layer (its held tensors) and per term (held + working set), as
    /// `Layer.metrics` sums them: `activation = held + max(own working sets, children's peaks)`.
    private static func collect(_ layers: [any Layer], held: [Int], bytes: Int, into paths: inout [Affine]) throws -> Bool {
        let heldHere = try zip(layers, held).map { layer, above in try layer.heldActivationElements.evaluate() + above }
        guard let base = Affine.fit(heldHere[0] * bytes, heldHere[1] * bytes, heldHere[2] * bytes) else { return false }
        paths.append(base)
        let steps = layers.map(\.steps)
        guard steps[1].count == steps[0].count, steps[2].count == steps[0].count else { return false }
        for index in steps[0].indices {
            switch (steps[0][index], steps[1][index], steps[2][index]) {
            case let (.term(t1), .term(t2), .term(t3)):
                let terms = [t1, t2, t3]
                guard t2.unit == t1.unit, t3.unit == t1.unit else { return false }
                for formula in [\CostTerm.forwardFLOPs, \CostTerm.forwardTraffic.total] {
                    let values = try terms.map { try $0[keyPath: formula].evaluate() }
                    guard Affine.fit(values[0], values[1], values[2]) != nil else { return false }
                }
                let working = try zip(terms, heldHere).map { term, above in
                    (try term.forwardTraffic.workingSet.evaluate() + above) * bytes
                }
                guard let path = Affine.fit(working[0], working[1], working[2]) else { return false }
                paths.append(path)
            case let (.child(c1), .child(c2), .child(c3)):
                guard c2.count == c1.count, c3.count == c1.count, c2.ownsParameters == c1.ownsParameters,
                      c3.ownsParameters == c1.ownsParameters,
                      try collect([c1.layer, c2.layer, c3.layer], held: heldHere, bytes: bytes, into: &paths)
                else { return false }
            default:
                return false
            }
        }
        return true
    }

    /// Totals above this go to `metrics()` instead: it also evaluates backward costs (up to 3×
    /// forward) and names the formula that overflows, so near the 64-bit limit both paths must
    /// fail alike.
    static let fastPathLimit = Int.max / 64

    /// The totals at `batch`; nil near or past 64-bit overflow (the caller then asks `metrics()`).
    func totals(batch: Int) -> Totals? {
        guard let tensorCore = tensorCoreFLOPs(batch), let cudaCore = cudaCoreFLOPs(batch), let io = ioBytes(batch) else {
            return nil
        }
        var activation = Int.min
        for path in activationPaths {
            guard let value = path(batch) else { return nil }
            activation = max(activation, value)
        }
        guard max(tensorCore, cudaCore, io, activation) <= Self.fastPathLimit else { return nil }
        return Totals(
            forward: PassCost(tensorCoreFLOPs: tensorCore, cudaCoreFLOPs: cudaCore, ioBytes: io),
            activationBytes: activation, weightBytes: weightBytes)
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

    /// One point per mode, keeping `base`'s crops (crop mode only), batch, kernel and projector.
    public static func resolutionPoints(_ modes: [VisionMode] = VisionMode.allCases, base: Workload) throws -> [SweepPoint] {
        try modes.map { mode in
            let workload = try Workload(
                mode: mode, crops: mode.cropMode ? base.crops : nil, batch: base.batch, kernel: base.kernel,
                projectorType: base.projectorType,
                samKernel: base.samKernel, clipKernel: base.clipKernel)
            let label = workload.hasLocalView ? "\(mode.rawValue) \(workload.crops?.description ?? "")" : mode.rawValue
            return SweepPoint(label: label, workload: workload)
        }
    }

    /// One Gundam point per crop grid.
    public static func cropPoints(_ grids: [CropGrid], base: Workload) throws -> [SweepPoint] {
        try grids.map { grid in
            SweepPoint(label: grid.description, workload: try Workload(
                mode: .gundam, crops: grid, batch: base.batch, kernel: base.kernel, projectorType: base.projectorType,
                samKernel: base.samKernel, clipKernel: base.clipKernel))
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
                for: page, minimumCrops: minimumCrops, maximumCrops: maximumCrops, cropSide: VisionMode.gundam.imageSize)
            return SweepPoint(label: "\(page) (\(grid))", workload: try Workload(
                mode: .gundam, crops: grid, batch: base.batch, kernel: base.kernel, projectorType: base.projectorType,
                samKernel: base.samKernel, clipKernel: base.clipKernel))
        }
    }

    /// One point per batch size, keeping `base`'s mode, crops, kernel and projector.
    public static func batchPoints(_ batches: [Int], base: Workload) throws -> [SweepPoint] {
        try batches.map { batch in
            SweepPoint(label: "batch \(batch)", workload: try Workload(
                mode: base.mode, crops: base.mode.cropMode ? base.crops : nil, batch: batch, kernel: base.kernel,
                projectorType: base.projectorType,
                samKernel: base.samKernel, clipKernel: base.clipKernel))
        }
    }
}

// MARK: - Tables

/// A sweep's rows with the GPUs and precision they were priced for.
public struct SweepResult: Sendable {
    public let dimension: Sweep.Dimension
    public let precision: Precision
    public let gpus: [GPUSpec]
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
            ("units", .string("FLOP and bytes are exact integers for the whole stack (all views, all pages); seconds are forward lower bounds")),
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

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
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
        let scope = "DeepSeek-OCR vision stack, \(precision.rawValue), by \(dimension.rawValue)"
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
