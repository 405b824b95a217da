import CommonMark
import ModelMeter
import DeepSeekOCR

/// One documented layer type as it occurs in a report: its distinct configurations (shapes)
/// and the module paths that share each.
struct LayerOccurrence {
    struct Configuration {
        let layer: any Layer
        let metrics: LayerMetrics
        let paths: [String]
        /// A name a reader can tell apart from the type's other configurations:
        /// `local crops · windowed block · B = 36, S = 196`.
        let name: String
        /// The heading id of the configuration's section on its layer page.
        var anchor: String { CommonMark.slug(for: name) }
    }

    let doc: LayerDoc
    /// Distinct configurations, the one with the most forward FLOPs first.
    let configurations: [Configuration]

    /// What makes two instances the same configuration: the same symbols and the same own
    /// parameter shapes (e.g. rel-pos tables).
    static func key(_ layer: any Layer) -> String {
        layer.symbols.map { "\($0.name)=\($0.value)" }.joined(separator: ",")
            + "|" + layer.ownParameters.map { "\($0.name)\($0.shape)" }.joined(separator: ",")
    }

    /// Groups the report's instances of `doc.vendorClass` by `key`; `roles` maps module paths
    /// to the role of the nearest enclosing module that has one.
    static func collect(_ doc: LayerDoc, in report: any ModuleReport, roles: [String: String]) -> LayerOccurrence? {
        var order: [String] = []
        var groups: [String: (layer: any Layer, metrics: LayerMetrics, paths: [String])] = [:]
        for instance in report.instancesWithRoots where instance.layer.typeName == doc.vendorClass {
            let key = key(instance.layer)
            if groups[key] == nil {
                order.append(key)
                groups[key] = (instance.layer, instance.metrics, [])
            }
            groups[key]?.paths.append(instance.path)
        }
        guard !order.isEmpty else { return nil }
        let sorted = order.compactMap { groups[$0] }.sorted { $0.metrics.forward.totalFLOPs > $1.metrics.forward.totalFLOPs }
        // Symbols whose values differ between configurations name them, batch and sequence
        // first, as few as tell the configurations apart (at least two); one configuration is
        // named by its first two symbols.
        let symbolNames = sorted[0].layer.symbols.map(\.name)
        func value(_ name: String, _ layer: any Layer) -> Int? { layer.symbols.first { $0.name == name }?.value }
        let priority = ["B", "S", "T", "N"]
        let varying = symbolNames.filter { name in Set(sorted.map { value(name, $0.layer) ?? -1 }).count > 1 }
            .enumerated().sorted { a, b in
                (priority.firstIndex(of: a.element) ?? priority.count, a.offset) < (priority.firstIndex(of: b.element) ?? priority.count, b.offset)
            }.map(\.element)
        var shown = sorted.count > 1 ? varying : Array(symbolNames.prefix(2))
        if sorted.count > 1 {
            let needed = (1...max(1, varying.count)).first { count in
                Set(sorted.map { group in varying.prefix(count).map { "\(value($0, group.layer) ?? -1)" }.joined(separator: ",") }).count == sorted.count
            } ?? varying.count
            shown = Array(varying.prefix(max(2, needed)))
        }
        var used: [String: Int] = [:]
        let configurations = sorted.map { group -> Configuration in
            var parts: [String] = []
            let views = ordered(group.paths.map(viewName)).filter { !$0.isEmpty }
            if !views.isEmpty { parts.append(views.joined(separator: " + ")) }
            let groupRoles = ordered(group.paths.map { roles[$0] ?? "" })
            if groupRoles.count == 1, let role = groupRoles.first, !role.isEmpty { parts.append(role) }
            let values = shown.compactMap { name in group.layer.symbols.first { $0.name == name } }
                .map { "\($0.name) = \(Format.count($0.value))" }
            if !values.isEmpty { parts.append(values.joined(separator: ", ")) }
            var name = parts.isEmpty ? doc.vendorClass : parts.joined(separator: " · ")
            used[name, default: 0] += 1
            if let seen = used[name], seen > 1 { name += " · variant \(seen)" }
            return Configuration(layer: group.layer, metrics: group.metrics, paths: group.paths, name: name)
        }
        return LayerOccurrence(doc: doc, configurations: configurations)
    }

    /// `global/sam_model.blocks.0` → `global view`; `local/…` → `local crops`; no namespace → empty.
    static func viewName(_ path: String) -> String {
        guard let slash = path.firstIndex(of: "/") else { return "" }
        switch String(path[..<slash]) {
        case "local": return "local crops"
        case ModelStage.prefill.rawValue: return "prefill"
        case ModelStage.decode.rawValue: return "decode step"
        case let namespace: return "\(namespace) view"
        }
    }

    private static func ordered(_ items: [String]) -> [String] {
        var seen = Set<String>()
        return items.filter { seen.insert($0).inserted }
    }
}

/// Every documented layer type's configurations in one report, so a page can link a child
/// module to the section of its own configuration on the child's page.
struct ConfigurationDirectory {
    let occurrences: [String: LayerOccurrence]

    init(docs: [LayerDoc], report: any ModuleReport) {
        // Roles: a module's own, else its parent's (modules come parent first).
        var roles: [String: String] = [:]
        for instance in report.modules {
            if let role = instance.layer.role {
                roles[instance.path] = role
            } else if let dot = instance.path.lastIndex(of: "."), let parent = roles[String(instance.path[..<dot])] {
                roles[instance.path] = parent
            }
        }
        var occurrences: [String: LayerOccurrence] = [:]
        for doc in docs {
            occurrences[doc.vendorClass] = LayerOccurrence.collect(doc, in: report, roles: roles)
        }
        self.occurrences = occurrences
    }

    /// `op-Block.md#global-view-windowed-block-b-1` for a documented layer, `op-Block.md`
    /// when its configuration is not in the report, `nil` for an undocumented one.
    func link(to layer: any Layer) -> String? {
        guard layer.doc != nil else { return nil }
        let page = "op-\(layer.typeName).md"
        let key = LayerOccurrence.key(layer)
        guard let configuration = occurrences[layer.typeName]?.configurations.first(where: { LayerOccurrence.key($0.layer) == key }) else {
            return page
        }
        return page + "#" + configuration.anchor
    }
}

/// Builds the view of `templates/layer.md.mustache` for one layer type.
struct LayerPageBuilder {
    let report: any ModuleReport
    let directory: ConfigurationDirectory

    init(report: any ModuleReport, docs: [LayerDoc]) {
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
            "workload": report.workloadSummary,
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

/// Rows of the roofline box: each quantity with its rule, the rule with values, and the result.
enum RooflineView {
    static func rows(_ pass: PassCost, _ point: RooflinePoint, gpu: GPUSpec, precision: Precision) throws -> [[String: Any]] {
        let tensorPeak = try gpu.tensorCorePeak(for: precision).teraFLOPS * 1e12
        let cudaPeak = gpu.cudaCorePeak.teraFLOPS * 1e12
        let bandwidth = Format.bandwidth(gpu.memoryBandwidthGBps)
        let tc = Format.flops(pass.tensorCoreFLOPs), cuda = Format.flops(pass.cudaCoreFLOPs)
        let flops = Format.flops(pass.totalFLOPs), bytes = Format.bytes(pass.ioBytes)
        let compute = Format.seconds(point.computeSeconds), memory = Format.seconds(point.memorySeconds)
        let bound = point.bound == .memory ? "\(memory) ≥ \(compute)" : "\(compute) > \(memory)"
        func row(_ what: String, _ rule: String, _ values: String, _ value: String) -> [String: Any] {
            ["what": what, "rule": rule, "values": values, "value": value]
        }
        return [
            row("arithmetic intensity", "FLOPs / bytes", "\(flops) / \(bytes)", Format.intensity(point.arithmeticIntensity)),
            row("ridge point (tensor cores, \(precision.rawValue))", "tensor-core peak / bandwidth",
                "\(Format.throughput(tensorPeak)) / \(bandwidth)", Format.intensity(point.ridgePoint)),
            row("ridge point (CUDA cores, FP32)", "CUDA-core peak / bandwidth",
                "\(Format.throughput(cudaPeak)) / \(bandwidth)", Format.intensity(point.cudaRidgePoint)),
            row("tensor-core time", "tensor-core FLOPs / tensor-core peak", "\(tc) / \(Format.throughput(tensorPeak))",
                Format.seconds(point.tensorCoreSeconds)),
            row("CUDA-core time", "CUDA-core FLOPs / CUDA-core peak", "\(cuda) / \(Format.throughput(cudaPeak))",
                Format.seconds(point.cudaCoreSeconds)),
            row("compute time", "tensor-core time + CUDA-core time",
                "\(Format.seconds(point.tensorCoreSeconds)) + \(Format.seconds(point.cudaCoreSeconds))", compute),
            row("memory time", "bytes / bandwidth", "\(bytes) / \(bandwidth)", memory),
            row("time lower bound", "max(compute time, memory time)", "max(\(compute), \(memory))",
                "**\(Format.seconds(point.timeLowerBoundSeconds))**"),
            row("attainable throughput", "FLOPs / time lower bound",
                "\(flops) / \(Format.seconds(point.timeLowerBoundSeconds))", Format.throughput(point.attainableFLOPS)),
            row("bound by", "the larger of compute and memory time", bound, "**\(point.bound.rawValue)**"),
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
