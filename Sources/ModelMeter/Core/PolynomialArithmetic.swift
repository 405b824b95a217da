/// Polynomials in the symbols `variable` picks (e.g. every `B` as `value · x₀`); a peak is the
/// set of candidates no other candidate dominates, so its value at a point is their maximum.
public struct PolynomialArithmetic: CostArithmetic {
    public let variable: @Sendable (Symbol) -> Polynomial?

    public init(variable: @escaping @Sendable (Symbol) -> Polynomial?) {
        self.variable = variable
    }

    public var zero: Polynomial { .zero }
    public var noPeak: [Polynomial] { [.zero] }
    public func value(of formula: Formula) throws -> Polynomial { try formula.polynomial(variable) }
    public func add(
        _ total: Polynomial, _ amount: Polynomial, times count: Int, _ quantity: StaticString, of owner: String
    ) throws -> Polynomial {
        try total.adding(amount, times: count, "\(quantity) of \(owner)")
    }
    public func larger(_ a: [Polynomial], _ b: [Polynomial]) -> [Polynomial] {
        var kept: [Polynomial] = []
        for candidate in a + b where !kept.contains(where: { candidate.isDominated(by: $0) }) {
            kept.removeAll { $0.isDominated(by: candidate) }
            kept.append(candidate)
        }
        return kept
    }
    public func peak(_ value: Polynomial) -> [Polynomial] { [value] }
    public func raise(_ peak: [Polynomial], by value: Polynomial) throws -> [Polynomial] {
        try peak.map { try $0.adding(value, "activation memory") }
    }
}
