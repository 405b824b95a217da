/// One module instance in a model's tree: its `named_modules()` path and its numbers.
public struct ModuleInstance: Sendable {
    public let path: String
    public let layer: any Layer
    public let metrics: LayerMetrics

    public init(path: String, layer: any Layer, metrics: LayerMetrics) {
        self.path = path
        self.layer = layer
        self.metrics = metrics
    }

    /// The same instance under `prefix + path`.
    public func prefixed(_ prefix: String) -> ModuleInstance {
        ModuleInstance(path: prefix + path, layer: layer, metrics: metrics)
    }
}

extension Layer {
    /// Every descendant module with its path (`blocks.2.attn.qkv`), expanding runs into
    /// indexed copies.
    public func moduleInstances(precision: Precision = .bf16) throws -> [ModuleInstance] {
        try evaluate(precision: precision).moduleInstances()
    }
}

extension Layer {
    /// The descendant module at `path` (`embed_tokens`, `blocks.2.attn`); throws when there is none.
    public func moduleInstance(at path: String) throws -> ModuleInstance {
        guard let instance = try moduleInstances().first(where: { $0.path == path }) else {
            throw ModelMeterError.unknownName(kind: "module path of \(typeName)", name: path, accepted: [])
        }
        return instance
    }
}

extension EvaluatedLayer {
    /// Every descendant module with its path; each distinct subtree is walked once and
    /// re-prefixed per copy.
    public func moduleInstances() -> [ModuleInstance] {
        var entries: [ModuleInstance] = []
        for (child, evaluated) in children {
            let below = evaluated.moduleInstances()
            if child.isNamespace {
                entries += below.map { $0.prefixed(child.name.isEmpty ? "" : child.name + "/") }
                continue
            }
            for name in child.expandedNames {
                entries.append(ModuleInstance(path: name, layer: child.layer, metrics: evaluated.metrics))
                entries += below.map { $0.prefixed(name + ".") }
            }
        }
        return entries
    }
}
