/// The arithmetic one evaluation runs in. `ExactArithmetic` (integers) gives every report's
/// numbers; `PolynomialArithmetic` gives the same totals as polynomials in swept symbols, so a
/// sweep evaluates each shape once and each point in microseconds. Both go through the one
/// evaluator, `Layer.evaluate(in:precision:)`.
public protocol CostArithmetic: Sendable {
    /// A summed quantity (FLOPs, bytes).
    associatedtype Value: Sendable
    /// A peak: the maximum over alternatives (the activation rule's `max`).
    associatedtype Peak: Sendable
    var zero: Value { get }
    var noPeak: Peak { get }
    func value(of formula: Formula) throws -> Value
    /// `total + amount · count`; throws `overflow` naming the quantity and its owner.
    func add(_ total: Value, _ amount: Value, times count: Int, _ quantity: StaticString, of owner: String) throws -> Value
    /// `max(a, b)`.
    func larger(_ a: Peak, _ b: Peak) -> Peak
    /// The peak of a single value.
    func peak(_ value: Value) -> Peak
    /// `peak + value` (held tensors on top of the largest working set).
    func raise(_ peak: Peak, by value: Value) throws -> Peak
}
