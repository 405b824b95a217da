import CommonMark
import DeepSeekOCR
import ModelMeter

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
