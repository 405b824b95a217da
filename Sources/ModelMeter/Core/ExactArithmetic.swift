/// Exact 64-bit integers, overflow-checked.
public struct ExactArithmetic: CostArithmetic {
    public init() {}
    public var zero: Int { 0 }
    public var noPeak: Int { 0 }
    public func value(of formula: Formula) throws -> Int { try formula.evaluate() }
    public func add(_ total: Int, _ amount: Int, times count: Int, _ quantity: StaticString, of owner: String) throws -> Int {
        let (product, overflowA) = amount.multipliedReportingOverflow(by: count)
        let (sum, overflowB) = total.addingReportingOverflow(product)
        if overflowA || overflowB { throw ModelMeterError.overflow(formula: "\(quantity) of \(owner)") }
        return sum
    }
    public func larger(_ a: Int, _ b: Int) -> Int { max(a, b) }
    public func peak(_ value: Int) -> Int { value }
    public func raise(_ peak: Int, by value: Int) throws -> Int { try add(peak, value, times: 1, "activation memory", of: "") }
}
