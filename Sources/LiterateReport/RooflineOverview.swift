import ModelMeter
import DeepSeekOCR

/// The roofline charts a reader uses: one per layer page (that layer's configurations) and one
/// per stage (every configuration of the documented layers that contain no other documented
/// layer, i.e. the leaves of the explained tree), each point linking to its section.
struct RooflineOverview {
    let report: any ModuleReport
    let directory: ConfigurationDirectory

    /// A chart file and the title the page shows it under.
    struct Chart {
        let file: String
        let title: String
        let svg: String
    }

    /// `global view · windowed block · B = 25, S = 196` → `global · windowed · B=25, S=196`, to fit a chart.
    static func compact(_ name: String) -> String {
        name.replacingOccurrences(of: " view", with: "").replacingOccurrences(of: " crops", with: "")
            .replacingOccurrences(of: " block", with: "").replacingOccurrences(of: " = ", with: "=")
    }

    static func layerChartFile(_ doc: LayerDoc) -> String { "roofline-op-\(doc.vendorClass).svg" }

    /// The small chart of one layer page.
    func layerChart(_ occurrence: LayerOccurrence) throws -> Chart {
        let points = try occurrence.configurations.map { configuration in
            RooflineChart.Point(
                label: Self.compact(configuration.name), point: try report.roofline(configuration.metrics.forward),
                href: "#" + configuration.anchor)
        }
        let title = "\(occurrence.doc.vendorClass) on the \(report.gpu.name), \(report.precision.rawValue): one point per configuration"
        let svg = try RooflineChart(gpu: report.gpu, precision: report.precision, points: points, title: title, large: false).svg()
        return Chart(file: Self.layerChartFile(occurrence.doc), title: title, svg: svg)
    }

    /// One chart per stage: the top-level modules of the model's views, across views.
    func stageCharts() throws -> [Chart] {
        var stageOrder: [String] = []
        var members: [String: [(type: String, configuration: LayerOccurrence.Configuration)]] = [:]
        var seen = Set<String>()
        var leaf: [String: Bool] = [:]
        for instance in report.modules where instance.layer.doc != nil {
            let type = instance.layer.typeName
            if leaf[type] == nil { leaf[type] = isLeaf(instance.layer, decoder: ModelStage.allCases.dropFirst().contains { instance.path.hasPrefix($0.pathPrefix) }) }
            guard leaf[type] == true, let occurrence = directory.occurrences[type] else { continue }
            let key = LayerOccurrence.key(instance.layer)
            guard let configuration = occurrence.configurations.first(where: { LayerOccurrence.key($0.layer) == key }) else { continue }
            let stage = Self.stage(of: instance.path)
            if members[stage] == nil {
                stageOrder.append(stage)
                members[stage] = []
            }
            guard seen.insert(stage + "|" + type + "|" + key).inserted else { continue }
            members[stage]?.append((type, configuration))
        }
        return try stageOrder.map { stage in
            let points = try (members[stage] ?? []).map { member in
                RooflineChart.Point(
                    label: "\(member.type) · \(Self.compact(member.configuration.name))",
                    point: try report.roofline(member.configuration.metrics.forward),
                    href: "op-\(member.type).html#\(member.configuration.anchor)")
            }
            let title = "Stage \(stage) on the \(report.gpu.name), \(report.precision.rawValue): every leaf layer configuration"
            let svg = try RooflineChart(gpu: report.gpu, precision: report.precision, points: points, title: title).svg()
            return Chart(file: "roofline-stage-\(stage).svg", title: "Stage \(stage)", svg: svg)
        }
    }

    /// `local/sam_model.blocks.0.attn` → `sam_model`; decoder paths → `prefill`, `decode`.
    static func stage(of path: String) -> String {
        for stage in [ModelStage.prefill, .decode] where path.hasPrefix(stage.pathPrefix) { return stage.rawValue }
        let local = path.split(separator: "/", maxSplits: 1).last.map(String.init) ?? path
        return String(local.split(separator: ".").first ?? Substring(local))
    }

    /// A documented layer whose cost rows contain no other documented layer; in the decoder also
    /// one that does tensor-core work of its own beside them (the attention beside its rotary
    /// table, the MoE's routed experts beside its gate and shared experts).
    private func isLeaf(_ layer: any Layer, decoder: Bool) -> Bool {
        let rows = layer.costRows()
        let hasDocumentedChild = rows.contains { if case .module = $0 { return true } else { return false } }
        let ownTensorCoreWork = rows.contains { if case let .term(term, _) = $0 { return term.unit == .tensorCore } else { return false } }
        return !hasDocumentedChild || (decoder && ownTensorCoreWork)
    }
}
