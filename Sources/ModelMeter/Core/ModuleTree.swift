/// One module instance in a model's tree: its `named_modules()` path and its numbers.
public struct ModuleInstance: Sendable {
    public let path: String
    public let layer: any Layer
    public let metrics: LayerMetrics

    /// The same instance under `prefix + path`.
    public func prefixed(_ prefix: String) -> ModuleInstance {
        ModuleInstance(path: prefix + path, layer: layer, metrics: metrics)
    }
}

extension Layer {
    /// Every descendant module with its path (`blocks.2.attn.qkv`), expanding runs into
    /// indexed copies. Each distinct child subtree is evaluated once and re-prefixed per copy.
    public func moduleInstances(precision: Precision = .bf16) throws -> [ModuleInstance] {
        var entries: [ModuleInstance] = []
        for child in children {
            let own = try child.layer.metrics(precision: precision)
            let below = try child.layer.moduleInstances(precision: precision)
            for name in child.expandedNames {
                entries.append(ModuleInstance(path: name, layer: child.layer, metrics: own))
                entries += below.map { $0.prefixed(name + ".") }
            }
        }
        return entries
    }
}
