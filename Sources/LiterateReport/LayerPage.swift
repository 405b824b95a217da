import ModelMeter
import DeepSeekOCR

/// One documented layer type as it occurs in a report: its distinct configurations (shapes)
/// and the module paths that share each.
struct LayerOccurrence {
    struct Configuration {
        let layer: any Layer
        let metrics: LayerMetrics
        let paths: [String]
    }

    let doc: LayerDoc
    /// Distinct configurations, the one with the most forward FLOPs first.
    let configurations: [Configuration]

    /// Groups the report's instances of `doc.vendorClass` by their bound symbols.
    static func collect(_ doc: LayerDoc, in report: ModelReport) -> LayerOccurrence? {
        var order: [String] = []
        var groups: [String: (layer: any Layer, metrics: LayerMetrics, paths: [String])] = [:]
        for instance in report.instancesWithRoots where instance.layer.typeName == doc.vendorClass {
            // Same symbols and same own parameter shapes (e.g. rel-pos tables) = same configuration.
            let key = instance.layer.symbols.map { "\($0.name)=\($0.value)" }.joined(separator: ",")
                + "|" + instance.layer.ownParameters.map { "\($0.name)\($0.shape)" }.joined(separator: ",")
            if groups[key] == nil {
                order.append(key)
                groups[key] = (instance.layer, instance.metrics, [])
            }
            groups[key]?.paths.append(instance.path)
        }
        guard !order.isEmpty else { return nil }
        let configurations = order.compactMap { groups[$0] }
            .map { Configuration(layer: $0.layer, metrics: $0.metrics, paths: $0.paths) }
            .sorted { $0.metrics.forward.totalFLOPs > $1.metrics.forward.totalFLOPs }
        return LayerOccurrence(doc: doc, configurations: configurations)
    }
}

/// Builds the view of `templates/layer.md.mustache` for one layer type.
struct LayerPageBuilder {
    let report: ModelReport

    var bytesPerElement: Int { report.precision.bytesPerElement }

    func view(for occurrence: LayerOccurrence, hint: HintDocument, links: LinkMap) throws -> [String: Any] {
        let primary = occurrence.configurations[0]
        let values = try placeholderValues(occurrence)
        func prose(_ section: String) throws -> String {
            let text = try Placeholders.resolve(hint.section(section), values: values, file: hint.path)
            return try links.rewrite(text, source: hint.path)
        }
        let configurations = try occurrence.configurations.enumerated().map { index, configuration in
            try configurationView(configuration, index: index + 1, total: occurrence.configurations.count)
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
            "gpu": report.gpu.name,
            "precision": report.precision.rawValue,
            "preamble": try Placeholders.resolve(hint.preamble, values: values, file: hint.path),
            "whatItIs": try prose("What it is"),
            "definition": try prose("Definition"),
            "internals": try prose("Internals"),
            "costModel": try prose("Cost model"),
            "memory": try prose("Memory"),
            "performance": try prose("Performance on the GPU"),
            "related": try prose("Related modules"),
            "references": try prose("References"),
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
        ]
        for configuration in occurrence.configurations {
            for symbol in configuration.layer.symbols where values["config.\(symbol.name)"] == nil {
                values["config.\(symbol.name)"] = Format.count(symbol.value)
            }
        }
        return values
    }

    private func configurationView(_ configuration: LayerOccurrence.Configuration, index: Int, total: Int) throws -> [String: Any] {
        let layer = configuration.layer
        let m = configuration.metrics
        let e = bytesPerElement
        var forwardRows: [[String: Any]] = []
        var backwardRows: [[String: Any]] = []
        var ioRows: [[String: Any]] = []
        var savedRows: [[String: Any]] = []
        for row in layer.costRows() {
            switch row {
            case let .term(term, count):
                let name = count > 1 ? "\(count) × \(term.name)" : term.name
                if term.unit != .memoryOnly {
                    forwardRows.append(try formulaRow(name, term.unit.rawValue, term.forwardFLOPs, count: count, unit: "FLOP"))
                    backwardRows.append(try formulaRow(name, term.unit.rawValue, term.backwardFLOPs, count: count, unit: "FLOP"))
                }
                if let saved = try savedRow(name, term, count: count) { savedRows.append(saved) }
                let forwardElements = try term.forwardTraffic.total.evaluate()
                let backwardElements = try term.backwardTraffic.total.evaluate()
                if forwardElements > 0 || backwardElements > 0 {
                    ioRows.append([
                        "term": name,
                        "formula": Format.code(term.forwardTraffic.total.symbolic),
                        "substituted": Format.code(term.forwardTraffic.total.substituted),
                        "forwardBytes": Format.bytes(forwardElements * e * count),
                        "backwardBytes": Format.bytes(backwardElements * e * count),
                    ])
                }
            case let .module(name, child, count):
                let childMetrics = try child.metrics(precision: report.precision)
                let link = "[\(name)](op-\(child.typeName).md) (\(child.typeName))"
                let times = count > 1 ? "\(count) × " : ""
                forwardRows.append(moduleRow(link, times, child.typeName, childMetrics.forward, count))
                backwardRows.append(moduleRow(link, times, child.typeName, childMetrics.backward, count))
                if childMetrics.memory.trainingActivationBytes > 0 {
                    savedRows.append([
                        "term": link, "tensors": "its terms' save sets",
                        "formula": Format.code("\(times)\(child.typeName)"),
                        "substituted": Format.code("\(times)\(Format.bytes(childMetrics.memory.trainingActivationBytes))"),
                        "fixedWidth": "",
                        "bytes": Format.bytes(childMetrics.memory.trainingActivationBytes * count),
                    ])
                }
                ioRows.append([
                    "term": link,
                    "formula": Format.code("\(times)\(child.typeName)"),
                    "substituted": Format.code("\(times)\(Format.bytes(childMetrics.forward.ioBytes))"),
                    "forwardBytes": Format.bytes(childMetrics.forward.ioBytes * count),
                    "backwardBytes": Format.bytes(childMetrics.backward.ioBytes * count),
                ])
            }
        }
        let point = try report.roofline(m.forward)
        let symbols: [[String: Any]] = layer.symbols.map {
            ["name": $0.name, "value": Format.count($0.value), "meaning": $0.meaning]
        }
        return [
            "heading": total > 1 ? "Configuration \(index) of \(total)" : "Configuration",
            "paths": PathList.compress(configuration.paths).map { ["path": $0] },
            "symbols": symbols,
            "forwardRows": forwardRows,
            "backwardRows": backwardRows,
            "ioRows": ioRows,
            "forwardTensorCore": Format.flops(m.forward.tensorCoreFLOPs),
            "forwardCUDACore": Format.flops(m.forward.cudaCoreFLOPs),
            "forwardIO": Format.bytes(m.forward.ioBytes),
            "backwardTensorCore": Format.flops(m.backward.tensorCoreFLOPs),
            "backwardCUDACore": Format.flops(m.backward.cudaCoreFLOPs),
            "backwardIO": Format.bytes(m.backward.ioBytes),
            "bytesPerElement": "\(e)",
            "memory": memoryRows(m),
            "savedRows": savedRows,
            "trainingActivation": Format.bytes(m.memory.trainingActivationBytes),
            "roofline": RooflineView.rows(point, gpu: report.gpu, precision: report.precision),
        ]
    }

    private func formulaRow(_ name: String, _ unit: String, _ formula: Formula, count: Int, unit valueUnit: String) throws -> [String: Any] {
        let value = try formula.evaluate() * count
        return [
            "term": name, "unit": unit,
            "formula": Format.code(formula.symbolic),
            "substituted": Format.code(formula.substituted),
            "value": SIUnits.format(Double(value), unit: valueUnit),
        ]
    }

    /// A term's save set for the memory table: the tensors, the element formula (bytes = elements
    /// × e) and the fixed-width bytes; nil when the term keeps nothing.
    private func savedRow(_ name: String, _ term: CostTerm, count: Int) throws -> [String: Any]? {
        let elements = try term.savedElements.evaluate()
        let fixed = try term.savedFixedWidthBytes.evaluate()
        guard elements > 0 || fixed > 0 || !term.savedTensors.isEmpty else { return nil }
        return [
            "term": name, "tensors": term.savedTensors.isEmpty ? "—" : term.savedTensors,
            "formula": Format.code(term.savedElements.symbolic),
            "substituted": Format.code(term.savedElements.substituted),
            "fixedWidth": fixed > 0 ? "\(Format.code(term.savedFixedWidthBytes.symbolic)) = \(Format.bytes(fixed))" : "",
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

    private func memoryRows(_ m: LayerMetrics) -> [[String: Any]] {
        let e = bytesPerElement
        return [
            ["what": "weights", "rule": "parameters × e = \(Format.count(m.parameters)) × \(e)", "value": Format.bytes(m.memory.weightBytes)],
            ["what": "activations (inference peak)", "rule": "largest kernel working set + held tensors", "value": Format.bytes(m.memory.activationBytes)],
            ["what": "activations saved for backward (training)", "rule": "Σ save sets: elements × e + fixed-width bytes, each storage once (table below)", "value": Format.bytes(m.memory.trainingActivationBytes)],
            ["what": "gradients (training)", "rule": "trainable parameters × e", "value": Format.bytes(m.memory.gradientBytes)],
            ["what": "KV cache", "rule": "Σ over attentions 2·B·(L + S)·D × e (K and V of every position); 0 for encoders", "value": Format.bytes(m.memory.kvCacheBytes)],
        ]
    }
}

/// Rows of the roofline box.
enum RooflineView {
    static func rows(_ point: RooflinePoint, gpu: GPUSpec, precision: Precision) -> [[String: Any]] {
        [
            ["what": "arithmetic intensity", "value": Format.intensity(point.arithmeticIntensity)],
            ["what": "ridge point (tensor cores, \(precision.rawValue))", "value": Format.intensity(point.ridgePoint)],
            ["what": "ridge point (CUDA cores, FP32)", "value": Format.intensity(point.cudaRidgePoint)],
            ["what": "tensor-core time", "value": Format.seconds(point.tensorCoreSeconds)],
            ["what": "CUDA-core time", "value": Format.seconds(point.cudaCoreSeconds)],
            ["what": "memory time", "value": Format.seconds(point.memorySeconds)],
            ["what": "time lower bound", "value": "**\(Format.seconds(point.timeLowerBoundSeconds))**"],
            ["what": "attainable throughput", "value": Format.throughput(point.attainableFLOPS)],
            ["what": "bound by", "value": "**\(point.bound.rawValue)**"],
        ]
    }
}

/// Compresses module paths that differ in one index: `a.0.x`, `a.1.x`, `a.3.x` → `a.{0,1,3}.x`.
enum PathList {
    static func compress(_ paths: [String]) -> [String] {
        var order: [String] = []
        var groups: [String: [(index: Int, path: String)]] = [:]
        for path in paths {
            let parts = path.split(separator: ".", omittingEmptySubsequences: false)
            guard let position = parts.lastIndex(where: { Int($0) != nil }), let number = Int(parts[position]) else {
                order.append(path)
                groups[path] = [(0, path)]
                continue
            }
            var pattern = parts.map(String.init)
            pattern[position] = "#"
            let key = pattern.joined(separator: ".")
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append((number, path))
        }
        return order.map { key in
            guard let members = groups[key], members.count > 1 else { return groups[key]?.first?.path ?? key }
            return key.replacingOccurrences(of: "#", with: "{" + ranges(members.map(\.index)) + "}")
        }
    }

    /// `[0,1,2,4]` → `0…2,4`.
    static func ranges(_ numbers: [Int]) -> String {
        var parts: [String] = []
        var start = numbers[0], previous = numbers[0]
        for number in numbers.dropFirst() + [Int.min] {
            if number == previous + 1 { previous = number; continue }
            parts.append(start == previous ? "\(start)" : previous == start + 1 ? "\(start),\(previous)" : "\(start)…\(previous)")
            start = number
            previous = number
        }
        return parts.joined(separator: ",")
    }
}
