/// A layer with its totals and its evaluated children: the whole subtree computed once.
public struct Evaluation<Arithmetic: CostArithmetic>: Sendable {
    public let layer: any Layer
    public let totals: Totals<Arithmetic>
    public let children: [(child: Child, evaluated: Evaluation<Arithmetic>)]
}

extension Evaluation {
    /// `Σ count × totals[keyPath: quantity]` over the topmost subtrees whose layer `matches`
    /// (multiplicities along the path included), e.g. the weight reads of every routed-experts list.
    public func sum(
        of quantity: KeyPath<Totals<Arithmetic>, Arithmetic.Value>, in arithmetic: Arithmetic,
        where matches: (any Layer) -> Bool
    ) throws -> Arithmetic.Value {
        try sum(of: quantity, in: arithmetic, where: matches, multiplicity: 1)
    }

    private func sum(
        of quantity: KeyPath<Totals<Arithmetic>, Arithmetic.Value>, in arithmetic: Arithmetic,
        where matches: (any Layer) -> Bool, multiplicity: Int
    ) throws -> Arithmetic.Value {
        if matches(layer) {
            return try arithmetic.add(arithmetic.zero, totals[keyPath: quantity], times: multiplicity, "matching subtrees", of: layer.typeName)
        }
        var total = arithmetic.zero
        for (child, evaluated) in children {
            let count = try ModelMeterError.checkedProduct(multiplicity, child.count, "multiplicity of \(child.name)")
            let part = try evaluated.sum(of: quantity, in: arithmetic, where: matches, multiplicity: count)
            total = try arithmetic.add(total, part, times: 1, "matching subtrees", of: layer.typeName)
        }
        return total
    }
}

/// The exact evaluation every report uses.
public typealias EvaluatedLayer = Evaluation<ExactArithmetic>

extension Evaluation where Arithmetic == ExactArithmetic {
    public var metrics: LayerMetrics {
        // Exact totals are already integers (weight and gradient bytes were checked when summed).
        totals.metrics(value: { $0 }, peak: { $0 })!
    }
}
