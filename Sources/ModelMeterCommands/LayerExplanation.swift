import DeepSeekOCR
import Foundation
import LiterateReport
import ModelMeter

/// Everything `modelmeter explain` shows for one layer: its symbols, one evaluated row per
/// cost row (`Layer.costRows()`) for forward and backward, totals, memory and roofline.
struct LayerExplanation {
    /// One cost row, evaluated.
    struct Row {
        let name: String
        /// "tensor core", "CUDA core", "memory only", or "module" for a documented child.
        let unit: String
        /// Copies of the row the layer runs (multiplicities of the containers it sits in).
        let count: Int
        /// Symbolic and substituted formula (FLOPs; elements moved for memory-only terms);
        /// empty for module rows.
        let formula: String
        let substituted: String
        /// FLOPs of a compute term, bytes of a memory-only term (× count).
        let value: Int
        /// A documented child: its type and totals (× count).
        let moduleType: String?
        let moduleCost: PassCost?
    }

    let recipe: LayerRecipe
    let arguments: LayerRecipe.Arguments
    let layer: any Layer
    let metrics: LayerMetrics
    let gpu: GPUSpec
    let precision: Precision
    let roofline: RooflinePoint
    let forwardRows: [Row]
    let backwardRows: [Row]
    /// The layer's symbols, then any other symbol its rows' formulas use (e.g. the neck widths
    /// `Cn`, `C₂`, `C₃` of ImageEncoderViT): ``LayerSymbols/defined(in:)``, the list the layer
    /// pages show.
    let symbols: [Symbol]

    init(recipe: LayerRecipe, settings: [String], gpu: GPUSpec, precision: Precision) throws {
        self.recipe = recipe
        arguments = try recipe.arguments(settings)
        layer = try recipe.build(arguments)
        metrics = try layer.metrics(precision: precision)
        self.gpu = gpu
        self.precision = precision
        roofline = try RooflinePoint(cost: metrics.forward, gpu: gpu, precision: precision)
        let costRows = layer.costRows()
        symbols = LayerSymbols.defined(in: layer)
        forwardRows = try costRows.map { try Self.row($0, backward: false, precision: precision) }
        backwardRows = try costRows.map { try Self.row($0, backward: true, precision: precision) }
    }

    private static func times(_ value: Int, _ count: Int, _ what: String) throws -> Int {
        let (product, overflow) = value.multipliedReportingOverflow(by: count)
        if overflow { throw ModelMeterError.overflow(formula: "\(count) × \(what)") }
        return product
    }

    private static func row(_ costRow: CostRow, backward: Bool, precision: Precision) throws -> Row {
        switch costRow {
        case let .term(term, count):
            let prefix = count > 1 ? "\(count) × " : ""
            if term.unit == .memoryOnly {
                let traffic = (backward ? term.backwardTraffic : term.forwardTraffic).total
                let bytes = try times(try traffic.evaluate(), precision.bytesPerElement, term.name)
                let wrapped = count > 1 ? "(\(traffic.symbolic))" : traffic.symbolic
                let wrappedValues = count > 1 ? "(\(traffic.substituted))" : traffic.substituted
                return Row(
                    name: term.name, unit: term.unit.rawValue, count: count,
                    formula: prefix + wrapped + " elements", substituted: prefix + wrappedValues + " elements",
                    value: try times(bytes, count, term.name), moduleType: nil, moduleCost: nil)
            }
            let flops = backward ? term.backwardFLOPs : term.forwardFLOPs
            return Row(
                name: term.name, unit: term.unit.rawValue, count: count,
                formula: prefix + flops.symbolic, substituted: prefix + flops.substituted,
                value: try times(try flops.evaluate(), count, term.name), moduleType: nil, moduleCost: nil)
        case let .module(name, child, count):
            let pass = try child.metrics(precision: precision)
            let cost = backward ? pass.backward : pass.forward
            let total = PassCost(
                tensorCoreFLOPs: try times(cost.tensorCoreFLOPs, count, name),
                cudaCoreFLOPs: try times(cost.cudaCoreFLOPs, count, name),
                ioBytes: try times(cost.ioBytes, count, name))
            return Row(
                name: name, unit: "module", count: count, formula: "", substituted: "",
                value: try total.checkedTotal("\(count) × FLOPs of \(name)"), moduleType: child.typeName, moduleCost: total)
        }
    }

    // MARK: - Text

    var text: String {
        var lines: [String] = []
        lines.append("\(recipe.name) (\(recipe.doc.vendorFile))")
        lines.append("hint doc: \(recipe.doc.hintDoc)")
        lines.append("settings: \(recipe.settingsSummary(arguments))")
        lines.append("GPU: \(gpu.name) (\(gpu.id)), precision \(precision.rawValue) (\(precision.bytesPerElement) B per element)")
        lines.append("units: SI decimal (1 GFLOP = 1e9 FLOP, 1 MB = 1e6 B); memory-only rows give elements moved and their bytes")
        lines.append("")
        lines.append("symbols")
        lines += alignedColumns(symbols.map { ["\($0.name) = \($0.value)", $0.meaning] })
        for (title, rows, pass) in [("forward", forwardRows, metrics.forward), ("backward", backwardRows, metrics.backward)] {
            lines.append("")
            lines.append(title)
            var cells = rows.map { row -> [String] in
                if let type = row.moduleType, let cost = row.moduleCost {
                    let copies = row.count > 1 ? "\(row.count) × " : ""
                    return [row.name, "module", "\(copies)\(type)", "(see `modelmeter explain \(type)`)", Self.passText(cost)]
                }
                let value = row.unit == ComputeUnit.memoryOnly.rawValue
                    ? SIUnits.bytes(row.value) + " moved" : SIUnits.flops(row.value)
                return [row.name, row.unit, row.formula, row.substituted, value]
            }
            cells.append(["total", "", "", "", Self.passText(pass)])
            lines += alignedColumns(cells)
        }
        lines.append("")
        lines.append("saved for backward (training; each storage once; + fixed-width bytes: int64 indices, fp32 statistics)")
        var saved: [[String]] = []
        for row in layer.costRows() {
            switch row {
            case let .term(term, count):
                let fixed = (try? term.savedFixedWidthBytes.evaluate()) ?? 0
                let elements = (try? term.savedElements.evaluate()) ?? 0
                guard elements > 0 || fixed > 0 else { continue }
                let prefix = count > 1 ? "\(count) × " : ""
                let fixedText = fixed > 0 ? " + \(term.savedFixedWidthBytes.symbolic) B" : ""
                saved.append([
                    term.name, term.savedTensors, prefix + term.savedElements.symbolic + fixedText,
                    SIUnits.bytes((elements * precision.bytesPerElement + fixed) * count),
                ])
            case let .module(name, child, count):
                let bytes = ((try? child.metrics(precision: precision))?.memory.trainingActivationBytes ?? 0) * count
                guard bytes > 0 else { continue }
                saved.append([name, "module", (count > 1 ? "\(count) × " : "") + child.typeName, SIUnits.bytes(bytes)])
            }
        }
        saved.append(["total", "", "", SIUnits.bytes(metrics.memory.trainingActivationBytes)])
        lines += alignedColumns(saved)
        lines.append("")
        lines.append("forward I/O: \(SIUnits.bytes(metrics.forward.ioBytes)) (\(SIUnits.grouped(metrics.forward.ioBytes)) B)")
        lines.append("memory: weights \(SIUnits.bytes(metrics.memory.weightBytes)) (\(SIUnits.grouped(metrics.parameters)) parameters), "
            + "activations \(SIUnits.bytes(metrics.memory.activationBytes)), KV cache \(SIUnits.bytes(metrics.memory.kvCacheBytes))")
        lines.append("roofline (\(gpu.name), \(precision.rawValue)): intensity \(SIUnits.ratio(roofline.arithmeticIntensity)) FLOP/B, "
            + "ridge \(SIUnits.ratio(roofline.ridgePoint)) FLOP/B (CUDA-core ridge \(SIUnits.ratio(roofline.cudaRidgePoint))), "
            + "bound \(roofline.bound.rawValue), time lower bound \(SIUnits.seconds(roofline.timeLowerBoundSeconds))")
        return lines.joined(separator: "\n") + "\n"
    }

    /// `tensor core 1.23 GFLOP, CUDA core 4.56 MFLOP, I/O 7.89 MB`.
    private static func passText(_ pass: PassCost) -> String {
        "tensor core \(SIUnits.flops(pass.tensorCoreFLOPs)), CUDA core \(SIUnits.flops(pass.cudaCoreFLOPs)), I/O \(SIUnits.bytes(pass.ioBytes))"
    }

    // MARK: - JSON

    var json: JSONValue {
        var settings: [(String, JSONValue)] = recipe.parameters.map { ($0.key, .int(arguments[$0.key])) }
        if recipe.takesKernel { settings.append(("kernel", .string(arguments.kernel.rawValue))) }
        return .object([
            ("tool", .string("modelmeter")),
            ("layer", .string(recipe.name)),
            ("vendorFile", .string(recipe.doc.vendorFile)),
            ("hintDoc", .string(recipe.doc.hintDoc)),
            ("settings", .object(settings)),
            ("gpu", .string(gpu.id)),
            ("precision", .string(precision.rawValue)),
            ("bytesPerElement", .int(precision.bytesPerElement)),
            ("symbols", .array(symbols.map { symbol in
                .object([("name", .string(symbol.name)), ("value", .int(symbol.value)), ("meaning", .string(symbol.meaning))])
            })),
            ("forward", Self.passJSON(forwardRows, metrics.forward)),
            ("backward", Self.passJSON(backwardRows, metrics.backward)),
            ("parameters", .int(metrics.parameters)),
            ("memory", .object([
                ("weightBytes", .int(metrics.memory.weightBytes)),
                ("activationBytes", .int(metrics.memory.activationBytes)),
                ("kvCacheBytes", .int(metrics.memory.kvCacheBytes)),
                ("trainingActivationBytes", .int(metrics.memory.trainingActivationBytes)),
            ])),
            ("roofline", .object([
                ("arithmeticIntensity", .double(roofline.arithmeticIntensity)),
                ("ridgePoint", .double(roofline.ridgePoint)),
                ("cudaRidgePoint", .double(roofline.cudaRidgePoint)),
                ("bound", .string(roofline.bound.rawValue)),
                ("timeLowerBoundSeconds", .double(roofline.timeLowerBoundSeconds)),
            ])),
        ])
    }

    private static func passJSON(_ rows: [Row], _ pass: PassCost) -> JSONValue {
        .object([
            ("rows", .array(rows.map { row in
                if let type = row.moduleType, let cost = row.moduleCost {
                    return .object([
                        ("name", .string(row.name)), ("kind", .string("module")), ("type", .string(type)),
                        ("count", .int(row.count)), ("tensorCoreFLOPs", .int(cost.tensorCoreFLOPs)),
                        ("cudaCoreFLOPs", .int(cost.cudaCoreFLOPs)), ("ioBytes", .int(cost.ioBytes)),
                    ])
                }
                let memoryOnly = row.unit == ComputeUnit.memoryOnly.rawValue
                return .object([
                    ("name", .string(row.name)), ("kind", .string("term")), ("unit", .string(row.unit)),
                    ("count", .int(row.count)), ("formula", .string(row.formula)), ("substituted", .string(row.substituted)),
                    (memoryOnly ? "bytes" : "flops", .int(row.value)),
                ])
            })),
            ("tensorCoreFLOPs", .int(pass.tensorCoreFLOPs)),
            ("cudaCoreFLOPs", .int(pass.cudaCoreFLOPs)),
            ("ioBytes", .int(pass.ioBytes)),
        ])
    }
}
