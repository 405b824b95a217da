import ModelMeter

/// The memory table of a layer configuration: weights, inference activations, the save set for
/// backward, gradients and KV cache, each with its rule, the rule with values, and the bytes.
enum MemoryRows {
    /// Memory rows: rule, the rule with this configuration's values, and the bytes.
    static func rows(_ layer: any Layer, _ m: LayerMetrics, precision: Precision) throws -> [RuleRow] {
        let e = precision.bytesPerElement
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
                let memory = try child.layer.metrics(precision: precision).memory
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
            RuleRow(what: "weights", rule: "parameters × e", values: "\(Format.count(m.parameters)) × \(e)",
                    value: Format.bytes(m.memory.weightBytes)),
            RuleRow(what: "activations (inference peak)", rule: "largest step + held tensors × e",
                    values: "\(Format.bytes(largest.bytes)) (\(largest.name)) + \(Format.count(held)) × \(e)",
                    value: Format.bytes(m.memory.activationBytes)),
            RuleRow(what: "activations saved for backward (training)",
                    rule: "own saved elements × e + own fixed-width bytes + Σ children's saved bytes (each storage once; table below)",
                    values: LayerConfigurationView.sum(savedAddends), value: Format.bytes(m.memory.trainingActivationBytes)),
            RuleRow(what: "gradients (training)", rule: "trainable parameters × e", values: "\(Format.count(trainable)) × \(e)",
                    value: Format.bytes(m.memory.gradientBytes)),
            RuleRow(what: "KV cache", rule: "Σ over attentions 2·B·(L + S)·D × e (K and V of every position; 0 for encoders)",
                    values: "\(Format.count(m.memory.kvCacheBytes / e)) × \(e)", value: Format.bytes(m.memory.kvCacheBytes)),
        ]
    }
}
