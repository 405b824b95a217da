import DeepSeekOCR
import ModelMeter

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
