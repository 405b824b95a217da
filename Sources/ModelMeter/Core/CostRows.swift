/// One row of a layer's cost table: a term (possibly from an inlined primitive child) or a
/// documented child layer shown as a whole.
public enum CostRow: Sendable {
    /// A cost term; `count` is how many times it runs (multiplicities of the containers it is in).
    case term(CostTerm, count: Int)
    /// A documented child layer (its own page explains it); `name` is its attribute path.
    case module(name: String, layer: any Layer, count: Int)
}

extension Layer {
    /// The layer's cost table in execution order: own terms, primitive children (Linear,
    /// Conv2d, LayerNorm, containers…) inlined term by term, documented children as one row.
    public func costRows() -> [CostRow] { costRows(prefix: "", count: 1) }

    private func costRows(prefix: String, count: Int) -> [CostRow] {
        var rows: [CostRow] = []
        for step in steps {
            switch step {
            case let .term(term):
                rows.append(.term(term, count: count))
            case let .child(child):
                let name = prefix.isEmpty ? child.displayName : prefix + "." + child.displayName
                if child.layer.doc != nil {
                    rows.append(.module(name: name, layer: child.layer, count: count * child.count))
                } else {
                    rows += child.layer.costRows(prefix: name, count: count * child.count)
                }
            }
        }
        return rows
    }
}
