import CommonMark
import DeepSeekOCR
import ModelMeter

/// Builds the view of `templates/layer.md.mustache` for one layer type.
struct LayerPageBuilder {
    let report: ModelReport
    let directory: ConfigurationDirectory

    init(report: ModelReport, docs: [LayerDoc]) {
        self.report = report
        directory = ConfigurationDirectory(docs: docs, report: report)
    }

    var bytesPerElement: Int { report.precision.bytesPerElement }

    func view(for occurrence: LayerOccurrence, hint: HintDocument, links: LinkMap) throws -> [String: Any] {
        let primary = occurrence.configurations[0]
        let values = try placeholderValues(occurrence)
        func prose(_ section: String) throws -> String {
            let text = try Placeholders.resolve(
                hint.section(section), values: values, file: hint.path, firstLine: hint.line(ofSection: section))
            return try links.rewrite(text, source: hint.path, firstLine: hint.line(ofSection: section))
        }
        let configurations = try occurrence.configurations.map(configurationView)
        let glance: [[String: Any]] = try occurrence.configurations.map { configuration in
            let forward = configuration.metrics.forward
            let point = try report.roofline(forward)
            return [
                "name": configuration.name, "anchor": configuration.anchor,
                "flops": Format.flops(forward.totalFLOPs), "bytes": Format.bytes(forward.ioBytes),
                "intensity": Format.intensity(point.arithmeticIntensity),
                "time": Format.seconds(point.timeLowerBoundSeconds), "bound": point.bound.rawValue,
            ]
        }
        return [
            "title": occurrence.doc.vendorClass,
            "vendorClass": occurrence.doc.vendorClass,
            "vendorFile": occurrence.doc.vendorFile,
            "hintDoc": occurrence.doc.hintDoc,
            "instanceCount": Format.count(occurrence.configurations.reduce(0) { $0 + $1.paths.count }),
            "configurationCount": Format.count(occurrence.configurations.count),
            "parameters": Format.count(primary.metrics.parameters),
            "workload": report.workload.summary,
            "gpu": Markup.escape(report.gpu.name, for: .markdown),
            "precision": report.precision.rawValue,
            "preamble": try Placeholders.resolve(hint.preamble, values: values, file: hint.path, firstLine: hint.preambleLine),
            "whatItIs": try prose("What it is"),
            "definition": try prose("Definition"),
            "internals": try prose("Internals"),
            "costModel": try prose("Cost model"),
            "memory": try prose("Memory"),
            "performance": try prose("Performance on the GPU"),
            "related": try prose("Related modules"),
            "references": try prose("References"),
            "glance": glance,
            "rooflineChart": RooflineOverview.layerChartFile(occurrence.doc),
            "configurations": configurations,
        ]
    }

    /// `[[key]]` values for hint-doc prose: the primary configuration's numbers, plus every
    /// configuration symbol (primary first).
    func placeholderValues(_ occurrence: LayerOccurrence) throws -> [String: String] {
        let primary = occurrence.configurations[0]
        let m = primary.metrics
        let point = try report.roofline(m.forward)
        var values: [String: String] = [
            "parameters": Format.count(m.parameters),
            "forward.tensorCoreFLOPs": Format.flops(m.forward.tensorCoreFLOPs),
            "forward.cudaCoreFLOPs": Format.flops(m.forward.cudaCoreFLOPs),
            "forward.ioBytes": Format.bytes(m.forward.ioBytes),
            "backward.tensorCoreFLOPs": Format.flops(m.backward.tensorCoreFLOPs),
            "backward.cudaCoreFLOPs": Format.flops(m.backward.cudaCoreFLOPs),
            "backward.ioBytes": Format.bytes(m.backward.ioBytes),
            "memory.weightBytes": Format.bytes(m.memory.weightBytes),
            "memory.activationBytes": Format.bytes(m.memory.activationBytes),
            "memory.kvCacheBytes": Format.bytes(m.memory.kvCacheBytes),
            "roofline.intensity": Format.intensity(point.arithmeticIntensity),
            "roofline.bound": point.bound.rawValue,
            "roofline.timeLowerBound": Format.seconds(point.timeLowerBoundSeconds),
            "gpu.name": Markup.escape(report.gpu.name, for: .markdown),
            "gpu.ridge": Format.intensity(point.ridgePoint),
            "gpu.tensorPeak": Format.throughput(try report.gpu.tensorCorePeak(for: report.precision).teraFLOPS * 1e12),
            "gpu.bandwidth": Format.bandwidth(report.gpu.memoryBandwidthGBps),
        ]
        for configuration in occurrence.configurations {
            for symbol in configuration.layer.symbols where values["config.\(symbol.name)"] == nil {
                values["config.\(symbol.name)"] = Format.count(symbol.value)
            }
        }
        return values
    }

    private func configurationView(_ configuration: LayerOccurrence.Configuration) throws -> [String: Any] {
        let layer = configuration.layer
        let m = configuration.metrics
        let e = bytesPerElement
        var forwardRows: [[String: Any]] = []
        var backwardRows: [[String: Any]] = []
        var forwardIORows: [[String: Any]] = []
        var backwardIORows: [[String: Any]] = []
        // Addends of the totals, as printed in the rows (so a total's values are the rows above it).
        var forwardTC: [String] = [], forwardCUDA: [String] = [], backwardTC: [String] = [], backwardCUDA: [String] = []
        var forwardBytes: [String] = [], backwardBytes: [String] = []
        var savedRows: [[String: Any]] = []
        for row in layer.costRows() {
            switch row {
            case let .term(term, count):
                let name = count > 1 ? "\(count) × \(term.name)" : term.name
                if term.unit != .memoryOnly {
                    let forward = try formulaRow(name, term.unit.rawValue, term.forwardFLOPs, count: count, format: Format.flops)
                    let backward = try formulaRow(name, term.unit.rawValue, term.backwardFLOPs, count: count, format: Format.flops)
                    forwardRows.append(forward)
                    backwardRows.append(backward)
                    if term.unit == .tensorCore {
                        forwardTC.append(forward["value"] as? String ?? "")
                        backwardTC.append(backward["value"] as? String ?? "")
                    } else {
                        forwardCUDA.append(forward["value"] as? String ?? "")
                        backwardCUDA.append(backward["value"] as? String ?? "")
                    }
                }
                if let saved = try savedRow(name, term, count: count) { savedRows.append(saved) }
                for (traffic, isForward) in [(term.forwardTraffic, true), (term.backwardTraffic, false)] {
                    guard try traffic.total.evaluate() > 0 else { continue }
                    let row = try bytesRow(name, traffic.total, count: count, bytesPerElement: e)
                    if isForward {
                        forwardIORows.append(row)
                        forwardBytes.append(row["value"] as? String ?? "")
                    } else {
                        backwardIORows.append(row)
                        backwardBytes.append(row["value"] as? String ?? "")
                    }
                }
            case let .module(name, child, count):
                let childMetrics = try child.metrics(precision: report.precision)
                let link = "[\(name)](\(directory.link(to: child) ?? "op-\(child.typeName).md")) (\(child.typeName))"
                let times = count > 1 ? "\(count) × " : ""
                forwardRows.append(moduleRow(link, times, child.typeName, childMetrics.forward, count))
                backwardRows.append(moduleRow(link, times, child.typeName, childMetrics.backward, count))
                if childMetrics.memory.trainingActivationBytes > 0 {
                    savedRows.append([
                        "term": link, "tensors": "its terms' save sets",
                        "formula": Format.code("\(times)\(child.typeName) saved bytes"),
                        "substituted": Format.code("\(times)\(Format.bytes(childMetrics.memory.trainingActivationBytes))"),
                        "bytes": Format.bytes(childMetrics.memory.trainingActivationBytes * count),
                    ])
                }
                forwardTC.append(times + Format.flops(childMetrics.forward.tensorCoreFLOPs))
                forwardCUDA.append(times + Format.flops(childMetrics.forward.cudaCoreFLOPs))
                backwardTC.append(times + Format.flops(childMetrics.backward.tensorCoreFLOPs))
                backwardCUDA.append(times + Format.flops(childMetrics.backward.cudaCoreFLOPs))
                for (bytes, isForward) in [(childMetrics.forward.ioBytes, true), (childMetrics.backward.ioBytes, false)] where bytes > 0 {
                    let row: [String: Any] = [
                        "term": link,
                        "formula": Format.code("\(times)\(child.typeName) bytes"),
                        "substituted": Format.code("\(times)\(Format.bytes(bytes))"),
                        "elements": "",
                        "value": Format.bytes(bytes * count),
                    ]
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
        let point = try report.roofline(m.forward)
        // Every symbol a formula on this page uses: the layer's own, those its inlined
        // primitives bring (stored table sizes, neck widths …), and e.
        var defined = layer.symbols
        for row in layer.costRows() {
            guard case let .term(term, _) = row else { continue }
            for formula in [term.forwardFLOPs, term.backwardFLOPs, term.forwardTraffic.total, term.backwardTraffic.total] {
                for symbol in formula.symbols where !defined.contains(where: { $0.name == symbol.name }) {
                    defined.append(symbol)
                }
            }
        }
        defined.append(Symbol("e", e, "bytes per element (\(report.precision.rawValue))"))
        let symbols: [[String: Any]] = defined.map {
            ["name": $0.name, "value": Format.count($0.value), "meaning": $0.meaning]
        }
        return [
            "name": configuration.name,
            "anchor": configuration.anchor,
            "instances": Format.count(configuration.paths.count),
            "paths": PathList.compress(configuration.paths).map { ["path": $0] },
            "symbols": symbols,
            "forwardRows": forwardRows,
            "backwardRows": backwardRows,
            "forwardTotals": flopTotals(tensorCore: forwardTC, cudaCore: forwardCUDA, pass: m.forward),
            "backwardTotals": flopTotals(tensorCore: backwardTC, cudaCore: backwardCUDA, pass: m.backward),
            "forwardIORows": forwardIORows,
            "backwardIORows": backwardIORows,
            "forwardIOTotal": totalRow("**total**", "Σ rows above", forwardBytes, Format.bytes(m.forward.ioBytes)),
            "backwardIOTotal": totalRow("**total**", "Σ rows above", backwardBytes, Format.bytes(m.backward.ioBytes)),
            "bytesPerElement": "\(e)",
            "memory": try memoryRows(layer, m),
            "savedRows": savedRows,
            "savedTotal": totalRow(
                "**total**", "Σ rows above", savedRows.compactMap { $0["bytes"] as? String },
                Format.bytes(m.memory.trainingActivationBytes)),
            "roofline": try RooflineView.rows(m.forward, point, gpu: report.gpu, precision: report.precision),
        ]
    }

    /// `a + b + c`, or `0` for no addends.
    static func sum(_ addends: [String]) -> String { addends.isEmpty ? "0" : addends.joined(separator: " + ") }

    private func totalRow(_ name: String, _ formula: String, _ addends: [String], _ value: String) -> [String: Any] {
        ["term": name, "formula": formula, "substituted": Self.sum(addends), "value": "**\(value)**"]
    }

    private func flopTotals(tensorCore: [String], cudaCore: [String], pass: PassCost) -> [[String: Any]] {
        [
            totalRow("**total, tensor core**", "Σ tensor-core rows", tensorCore, Format.flops(pass.tensorCoreFLOPs)),
            totalRow("**total, CUDA core**", "Σ CUDA-core rows", cudaCore, Format.flops(pass.cudaCoreFLOPs)),
            totalRow("**total**", "tensor core + CUDA core",
                     [Format.flops(pass.tensorCoreFLOPs), Format.flops(pass.cudaCoreFLOPs)], Format.flops(pass.totalFLOPs)),
        ]
    }

    /// `count × (formula)` when a term runs `count` times.
    private static func counted(_ text: String, _ count: Int) -> String { count > 1 ? "\(count) × (\(text))" : text }

    private func formulaRow(_ name: String, _ unit: String, _ formula: Formula, count: Int, format: (Int) -> String) throws -> [String: Any] {
        let value = try formula.evaluate() * count
        return [
            "term": name, "unit": unit,
            "formula": Format.code(Self.counted(formula.symbolic, count)),
            "substituted": Format.code(Self.counted(formula.substituted, count)),
            "value": format(value),
        ]
    }

    /// A bytes row: elements (formula, values, exact count) × e.
    private func bytesRow(_ name: String, _ elements: Formula, count: Int, bytesPerElement e: Int) throws -> [String: Any] {
        let value = try elements.evaluate() * count
        return [
            "term": name,
            "formula": Format.code("(" + Self.counted(elements.symbolic, count) + ")·e"),
            "substituted": Format.code("(" + Self.counted(elements.substituted, count) + ")·\(e)"),
            "elements": Format.count(value),
            "value": Format.bytes(value * e),
        ]
    }

    /// A term's save set for the memory table: the tensors, `(elements)·e + fixed-width bytes`
    /// with values, and the bytes; nil when the term keeps nothing and names nothing.
    private func savedRow(_ name: String, _ term: CostTerm, count: Int) throws -> [String: Any]? {
        let elements = try term.savedElements.evaluate()
        let fixed = try term.savedFixedWidthBytes.evaluate()
        guard elements > 0 || fixed > 0 || !term.savedTensors.isEmpty else { return nil }
        var formula = "(" + term.savedElements.symbolic + ")·e"
        var substituted = "(" + term.savedElements.substituted + ")·\(bytesPerElement)"
        if fixed > 0 {
            formula += " + " + term.savedFixedWidthBytes.symbolic + " B"
            substituted += " + " + term.savedFixedWidthBytes.substituted + " B"
        }
        return [
            "term": name, "tensors": term.savedTensors.isEmpty ? "—" : term.savedTensors,
            "formula": Format.code(Self.counted(formula, count)),
            "substituted": Format.code(Self.counted(substituted, count)),
            "bytes": Format.bytes((elements * bytesPerElement + fixed) * count),
        ]
    }

    private func moduleRow(_ link: String, _ times: String, _ type: String, _ pass: PassCost, _ count: Int) -> [String: Any] {
        [
            "term": link, "unit": "module",
            "formula": Format.code("\(times)\(type)"),
            "substituted": Format.code("\(times)(\(Format.flops(pass.tensorCoreFLOPs)) TC + \(Format.flops(pass.cudaCoreFLOPs)) CUDA)"),
            "value": Format.flops(pass.totalFLOPs * count),
        ]
    }

    /// Memory rows: rule, the rule with this configuration's values, and the bytes.
    private func memoryRows(_ layer: any Layer, _ m: LayerMetrics) throws -> [[String: Any]] {
        let e = bytesPerElement
        // Inference peak: the largest step (a kernel's working set or a child's own peak) plus held tensors.
        var largest = (name: "", bytes: 0)
        var ownSaved = Formula.zero
        var ownFixedWidth = Formula.zero
        var childSaved: [String] = []
        for step in layer.steps {
            switch step {
            case let .term(term):
                let bytes = try term.forwardTraffic.workingSet.evaluate() * e
                if bytes > largest.bytes { largest = (term.name, bytes) }
                ownSaved = ownSaved + term.savedElements
                ownFixedWidth = ownFixedWidth + term.savedFixedWidthBytes
            case let .child(child):
                let memory = try child.layer.metrics(precision: report.precision).memory
                if memory.activationBytes > largest.bytes { largest = ("\(child.displayName) peak", memory.activationBytes) }
                if memory.trainingActivationBytes > 0 {
                    childSaved.append((child.count > 1 ? "\(child.count) × " : "") + "\(Format.bytes(memory.trainingActivationBytes)) (\(child.displayName))")
                }
            }
        }
        let held = try layer.heldActivationElements.evaluate()
        let ownSavedElements = try ownSaved.evaluate()
        let ownFixedWidthBytes = try ownFixedWidth.evaluate()
        let savedAddends = (ownSavedElements > 0 ? ["\(Format.count(ownSavedElements)) × \(e)"] : [])
            + (ownFixedWidthBytes > 0 ? ["\(Format.bytes(ownFixedWidthBytes)) fixed-width"] : []) + childSaved
        let trainable = m.memory.gradientBytes / e
        return [
            ["what": "weights", "rule": "parameters × e", "values": "\(Format.count(m.parameters)) × \(e)",
             "value": Format.bytes(m.memory.weightBytes)],
            ["what": "activations (inference peak)", "rule": "largest step + held tensors × e",
             "values": "\(Format.bytes(largest.bytes)) (\(largest.name)) + \(Format.count(held)) × \(e)",
             "value": Format.bytes(m.memory.activationBytes)],
            ["what": "activations saved for backward (training)",
             "rule": "own saved elements × e + own fixed-width bytes + Σ children's saved bytes (each storage once; table below)",
             "values": Self.sum(savedAddends), "value": Format.bytes(m.memory.trainingActivationBytes)],
            ["what": "gradients (training)", "rule": "trainable parameters × e", "values": "\(Format.count(trainable)) × \(e)",
             "value": Format.bytes(m.memory.gradientBytes)],
            ["what": "KV cache", "rule": "Σ over attentions 2·B·(L + S)·D × e (K and V of every position; 0 for encoders)",
             "values": "\(Format.count(m.memory.kvCacheBytes / e)) × \(e)", "value": Format.bytes(m.memory.kvCacheBytes)],
        ]
    }
}
