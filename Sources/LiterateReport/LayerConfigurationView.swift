import DeepSeekOCR
import ModelMeter

/// The symbols a layer's configuration table defines: the layer's own, then every other symbol
/// its terms' formulas use (stored table sizes, neck widths `Cn`, `C₂` …), each name–value pair
/// once; two symbols of one name with different values are both listed, since formulas
/// substitute both. The site's layer pages and `modelmeter explain` list exactly these.
public enum LayerSymbols {
    public static func defined(in layer: any Layer) -> [Symbol] {
        var symbols = layer.symbols
        for case let .term(term, _) in layer.costRows() {
            let formulas = [term.forwardFLOPs, term.backwardFLOPs, term.forwardTraffic.total, term.backwardTraffic.total]
            for symbol in formulas.flatMap(\.symbols)
            where !symbols.contains(where: { $0.name == symbol.name && $0.value == symbol.value }) {
                symbols.append(symbol)
            }
        }
        return symbols
    }
}

/// One configuration of a layer as its page shows it, built once: symbols, FLOP rows per
/// pass with their totals, I/O byte rows, memory rows, the save set for backward and the
/// roofline box. Every cell is final text (Markdown); ``mustache`` hands it to
/// `templates/layer.md.mustache`.
struct LayerConfigurationView {
    /// `name = value`, what it means.
    struct SymbolRow { let name, value, meaning: String }
    /// A FLOP row: a term (its formula, the formula with values, the FLOPs × count) or a
    /// documented child module.
    struct FlopRow { let term, unit, formula, substituted, value: String }
    /// A sum: what it adds, the addends as printed in the rows above, the result (bold).
    struct TotalRow { let term, formula, substituted, value: String }
    /// DRAM bytes of a term: `(elements)·e` with values, the element count and the bytes.
    struct BytesRow { let term, formula, substituted, elements, value: String }
    /// A term's save set for backward: the tensors, `(elements)·e + fixed-width bytes`, the bytes.
    struct SavedRow { let term, tensors, formula, substituted, bytes: String }

    let name: String
    let anchor: String
    let instances: String
    let paths: [String]
    let symbols: [SymbolRow]
    let forwardRows: [FlopRow], backwardRows: [FlopRow]
    let forwardTotals: [TotalRow], backwardTotals: [TotalRow]
    let forwardIORows: [BytesRow], backwardIORows: [BytesRow]
    let forwardIOTotal: TotalRow, backwardIOTotal: TotalRow
    let bytesPerElement: Int
    let memory: [RuleRow]
    let savedRows: [SavedRow]
    let savedTotal: TotalRow
    let roofline: [RuleRow]

    /// The view of `configuration` in `report`; `directory` links documented child modules.
    init(_ configuration: LayerOccurrence.Configuration, report: any ModuleReport, directory: ConfigurationDirectory) throws {
        let layer = configuration.layer
        let m = configuration.metrics
        let e = report.precision.bytesPerElement
        var forwardRows: [FlopRow] = [], backwardRows: [FlopRow] = []
        var forwardIORows: [BytesRow] = [], backwardIORows: [BytesRow] = []
        // Addends of the totals, as printed in the rows (so a total's values are the rows above it).
        var forwardTC: [String] = [], forwardCUDA: [String] = [], backwardTC: [String] = [], backwardCUDA: [String] = []
        var forwardBytes: [String] = [], backwardBytes: [String] = []
        var savedRows: [SavedRow] = []
        for row in layer.costRows() {
            switch row {
            case let .term(term, count):
                let name = count > 1 ? "\(count) × \(term.name)" : term.name
                if term.unit != .memoryOnly {
                    let forward = try Self.flopRow(name, term.unit.rawValue, term.forwardFLOPs, count: count)
                    let backward = try Self.flopRow(name, term.unit.rawValue, term.backwardFLOPs, count: count)
                    forwardRows.append(forward)
                    backwardRows.append(backward)
                    if term.unit == .tensorCore {
                        forwardTC.append(forward.value)
                        backwardTC.append(backward.value)
                    } else {
                        forwardCUDA.append(forward.value)
                        backwardCUDA.append(backward.value)
                    }
                }
                if let saved = try Self.savedRow(name, term, count: count, bytesPerElement: e) { savedRows.append(saved) }
                for (traffic, isForward) in [(term.forwardTraffic, true), (term.backwardTraffic, false)] {
                    guard try traffic.total.evaluate() > 0 else { continue }
                    let row = try Self.bytesRow(name, traffic.total, count: count, bytesPerElement: e)
                    if isForward {
                        forwardIORows.append(row)
                        forwardBytes.append(row.value)
                    } else {
                        backwardIORows.append(row)
                        backwardBytes.append(row.value)
                    }
                }
            case let .module(name, child, count):
                let childMetrics = try child.metrics(precision: report.precision)
                let link = "[\(name)](\(directory.link(to: child) ?? "op-\(child.typeName).md")) (\(child.typeName))"
                let times = count > 1 ? "\(count) × " : ""
                forwardRows.append(Self.moduleRow(link, times, child.typeName, childMetrics.forward, count))
                backwardRows.append(Self.moduleRow(link, times, child.typeName, childMetrics.backward, count))
                let saved = childMetrics.memory.trainingActivationBytes
                if saved > 0 {
                    savedRows.append(SavedRow(
                        term: link, tensors: "its terms' save sets", formula: Format.code("\(times)\(child.typeName) saved bytes"),
                        substituted: Format.code("\(times)\(Format.bytes(saved))"), bytes: Format.bytes(saved * count)))
                }
                forwardTC.append(times + Format.flops(childMetrics.forward.tensorCoreFLOPs))
                forwardCUDA.append(times + Format.flops(childMetrics.forward.cudaCoreFLOPs))
                backwardTC.append(times + Format.flops(childMetrics.backward.tensorCoreFLOPs))
                backwardCUDA.append(times + Format.flops(childMetrics.backward.cudaCoreFLOPs))
                for (bytes, isForward) in [(childMetrics.forward.ioBytes, true), (childMetrics.backward.ioBytes, false)] where bytes > 0 {
                    let row = BytesRow(
                        term: link, formula: Format.code("\(times)\(child.typeName) bytes"),
                        substituted: Format.code("\(times)\(Format.bytes(bytes))"), elements: "", value: Format.bytes(bytes * count))
                    if isForward {
                        forwardIORows.append(row)
                        forwardBytes.append(times + Format.bytes(bytes))
                    } else {
                        backwardIORows.append(row)
                        backwardBytes.append(times + Format.bytes(bytes))
                    }
                }
            }
        }
        name = configuration.name
        anchor = configuration.anchor
        instances = Format.count(configuration.paths.count)
        paths = PathList.compress(configuration.paths)
        symbols = (LayerSymbols.defined(in: layer) + [Symbol("e", e, "bytes per element (\(report.precision.rawValue))")]).map {
            SymbolRow(name: $0.name, value: Format.count($0.value), meaning: $0.meaning)
        }
        self.forwardRows = forwardRows
        self.backwardRows = backwardRows
        forwardTotals = Self.flopTotals(tensorCore: forwardTC, cudaCore: forwardCUDA, pass: m.forward)
        backwardTotals = Self.flopTotals(tensorCore: backwardTC, cudaCore: backwardCUDA, pass: m.backward)
        self.forwardIORows = forwardIORows
        self.backwardIORows = backwardIORows
        forwardIOTotal = Self.total("**total**", "Σ rows above", forwardBytes, Format.bytes(m.forward.ioBytes))
        backwardIOTotal = Self.total("**total**", "Σ rows above", backwardBytes, Format.bytes(m.backward.ioBytes))
        bytesPerElement = e
        memory = try MemoryRows.rows(layer, m, precision: report.precision)
        self.savedRows = savedRows
        savedTotal = Self.total("**total**", "Σ rows above", savedRows.map(\.bytes), Format.bytes(m.memory.trainingActivationBytes))
        roofline = try RooflineView.rows(m.forward, try report.roofline(m.forward), gpu: report.gpu, precision: report.precision)
    }

    /// `a + b + c`, or `0` for no addends.
    static func sum(_ addends: [String]) -> String { addends.isEmpty ? "0" : addends.joined(separator: " + ") }

    private static func total(_ name: String, _ formula: String, _ addends: [String], _ value: String) -> TotalRow {
        TotalRow(term: name, formula: formula, substituted: sum(addends), value: "**\(value)**")
    }

    private static func flopTotals(tensorCore: [String], cudaCore: [String], pass: PassCost) -> [TotalRow] {
        [
            total("**total, tensor core**", "Σ tensor-core rows", tensorCore, Format.flops(pass.tensorCoreFLOPs)),
            total("**total, CUDA core**", "Σ CUDA-core rows", cudaCore, Format.flops(pass.cudaCoreFLOPs)),
            total("**total**", "tensor core + CUDA core",
                  [Format.flops(pass.tensorCoreFLOPs), Format.flops(pass.cudaCoreFLOPs)], Format.flops(pass.totalFLOPs)),
        ]
    }

    /// `count × (formula)` when a term runs `count` times.
    private static func counted(_ text: String, _ count: Int) -> String { count > 1 ? "\(count) × (\(text))" : text }

    private static func flopRow(_ name: String, _ unit: String, _ formula: Formula, count: Int) throws -> FlopRow {
        FlopRow(
            term: name, unit: unit, formula: Format.code(counted(formula.symbolic, count)),
            substituted: Format.code(counted(formula.substituted, count)), value: Format.flops(try formula.evaluate() * count))
    }

    /// A bytes row: elements (formula, values, exact count) × e.
    private static func bytesRow(_ name: String, _ elements: Formula, count: Int, bytesPerElement e: Int) throws -> BytesRow {
        let value = try elements.evaluate() * count
        return BytesRow(
            term: name, formula: Format.code("(" + counted(elements.symbolic, count) + ")·e"),
            substituted: Format.code("(" + counted(elements.substituted, count) + ")·\(e)"),
            elements: Format.count(value), value: Format.bytes(value * e))
    }

    /// A term's save set; nil when the term keeps nothing and names nothing.
    private static func savedRow(_ name: String, _ term: CostTerm, count: Int, bytesPerElement e: Int) throws -> SavedRow? {
        let elements = try term.savedElements.evaluate()
        let fixed = try term.savedFixedWidthBytes.evaluate()
        guard elements > 0 || fixed > 0 || !term.savedTensors.isEmpty else { return nil }
        var formula = "(" + term.savedElements.symbolic + ")·e"
        var substituted = "(" + term.savedElements.substituted + ")·\(e)"
        if fixed > 0 {
            formula += " + " + term.savedFixedWidthBytes.symbolic + " B"
            substituted += " + " + term.savedFixedWidthBytes.substituted + " B"
        }
        return SavedRow(
            term: name, tensors: term.savedTensors.isEmpty ? "—" : term.savedTensors,
            formula: Format.code(counted(formula, count)), substituted: Format.code(counted(substituted, count)),
            bytes: Format.bytes((elements * e + fixed) * count))
    }

    private static func moduleRow(_ link: String, _ times: String, _ type: String, _ pass: PassCost, _ count: Int) -> FlopRow {
        FlopRow(
            term: link, unit: "module", formula: Format.code("\(times)\(type)"),
            substituted: Format.code("\(times)(\(Format.flops(pass.tensorCoreFLOPs)) TC + \(Format.flops(pass.cudaCoreFLOPs)) CUDA)"),
            value: Format.flops(pass.totalFLOPs * count))
    }

    /// The context of one `{{#configurations}}` section of `templates/layer.md.mustache`.
    var mustache: [String: Any] {
        func flops(_ rows: [FlopRow]) -> [[String: Any]] {
            rows.map { ["term": $0.term, "unit": $0.unit, "formula": $0.formula, "substituted": $0.substituted, "value": $0.value] }
        }
        func totals(_ rows: [TotalRow]) -> [[String: Any]] {
            rows.map { ["term": $0.term, "formula": $0.formula, "substituted": $0.substituted, "value": $0.value] }
        }
        func bytes(_ rows: [BytesRow]) -> [[String: Any]] {
            rows.map { ["term": $0.term, "formula": $0.formula, "substituted": $0.substituted, "elements": $0.elements, "value": $0.value] }
        }
        return [
            "name": name, "anchor": anchor, "instances": instances,
            "paths": paths.map { ["path": $0] },
            "symbols": symbols.map { ["name": $0.name, "value": $0.value, "meaning": $0.meaning] },
            "forwardRows": flops(forwardRows), "backwardRows": flops(backwardRows),
            "forwardTotals": totals(forwardTotals), "backwardTotals": totals(backwardTotals),
            "forwardIORows": bytes(forwardIORows), "backwardIORows": bytes(backwardIORows),
            "forwardIOTotal": totals([forwardIOTotal])[0], "backwardIOTotal": totals([backwardIOTotal])[0],
            "bytesPerElement": "\(bytesPerElement)",
            "memory": memory.map(\.mustache),
            "savedRows": savedRows.map {
                ["term": $0.term, "tensors": $0.tensors, "formula": $0.formula, "substituted": $0.substituted, "bytes": $0.bytes]
            },
            "savedTotal": totals([savedTotal])[0],
            "roofline": roofline.map(\.mustache),
        ]
    }
}

/// A quantity with its rule, the rule with this configuration's values, and the result: the
/// rows of a layer's memory table and of its roofline box.
struct RuleRow {
    let what, rule, values, value: String

    var mustache: [String: Any] { ["what": what, "rule": rule, "values": values, "value": value] }
}
