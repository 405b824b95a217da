/// An exact polynomial with integer coefficients in a few variables `x₀, x₁, …`: a formula
/// partially evaluated, every symbol bound to its value except the swept ones.
///
/// ```
/// 2·B·S·C·3C with B ↦ 1·x₀, S = 4096, C = 768  →  14,495,514,624·x₀
/// ```
public struct Polynomial: Hashable, Sendable {
    /// Coefficient of each monomial, keyed by its exponents (one per variable; zeros dropped).
    public private(set) var coefficients: [Monomial: Int]

    /// Exponents of one monomial: `exponents[i]` is the power of `xᵢ`.
    public struct Monomial: Hashable, Sendable {
        public var exponents: [Int]
        public static let one = Monomial(exponents: [])

        /// `xᵢ`.
        public static func variable(_ index: Int) -> Monomial {
            Monomial(exponents: Array(repeating: 0, count: index) + [1])
        }

        func times(_ other: Monomial) -> Monomial {
            let count = max(exponents.count, other.exponents.count)
            var result = Array(repeating: 0, count: count)
            for (i, e) in exponents.enumerated() { result[i] += e }
            for (i, e) in other.exponents.enumerated() { result[i] += e }
            while result.last == 0 { result.removeLast() }
            return Monomial(exponents: result)
        }
    }

    public init(constant: Int) {
        coefficients = constant == 0 ? [:] : [.one: constant]
    }

    /// `coefficient · xᵢ`.
    public init(variable index: Int, coefficient: Int = 1) {
        coefficients = coefficient == 0 ? [:] : [.variable(index): coefficient]
    }

    public static let zero = Polynomial(constant: 0)

    /// The value when no variable appears, nil otherwise.
    public var constantValue: Int? {
        coefficients.keys.allSatisfy({ $0 == .one }) ? (coefficients[.one] ?? 0) : nil
    }

    /// `self + other · factor`, exact; throws `overflow` naming `what`.
    public func adding(_ other: Polynomial, times factor: Int = 1, _ what: @autoclosure () -> String) throws -> Polynomial {
        var result = self
        for (monomial, coefficient) in other.coefficients {
            let (scaled, o1) = coefficient.multipliedReportingOverflow(by: factor)
            let (sum, o2) = (result.coefficients[monomial] ?? 0).addingReportingOverflow(scaled)
            if o1 || o2 { throw ModelMeterError.overflow(formula: what()) }
            result.coefficients[monomial] = sum == 0 ? nil : sum
        }
        return result
    }

    /// `self · other`, exact.
    public func multiplied(by other: Polynomial, _ what: @autoclosure () -> String) throws -> Polynomial {
        var result = Polynomial.zero
        for (m1, c1) in coefficients {
            for (m2, c2) in other.coefficients {
                let (product, overflow) = c1.multipliedReportingOverflow(by: c2)
                if overflow { throw ModelMeterError.overflow(formula: what()) }
                result = try result.adding(Polynomial(monomial: m1.times(m2), coefficient: product), what())
            }
        }
        return result
    }

    private init(monomial: Monomial, coefficient: Int) {
        coefficients = coefficient == 0 ? [:] : [monomial: coefficient]
    }

    /// True when every coefficient of `self` is at most `other`'s: then `self ≤ other` wherever
    /// all variables are non-negative.
    public func isDominated(by other: Polynomial) -> Bool {
        let monomials = Set(coefficients.keys).union(other.coefficients.keys)
        return monomials.allSatisfy { (coefficients[$0] ?? 0) <= (other.coefficients[$0] ?? 0) }
    }

    /// The value at `values` (`values[i]` for `xᵢ`); nil on 64-bit overflow.
    public func value(at values: [Int]) -> Int? {
        var total = 0
        for (monomial, coefficient) in coefficients {
            var term = coefficient
            for (index, exponent) in monomial.exponents.enumerated() where exponent > 0 {
                for _ in 0..<exponent {
                    let (product, overflow) = term.multipliedReportingOverflow(by: values[index])
                    if overflow { return nil }
                    term = product
                }
            }
            let (sum, overflow) = total.addingReportingOverflow(term)
            if overflow { return nil }
            total = sum
        }
        return total
    }
}

extension Formula {
    /// The formula as a polynomial: each symbol becomes `variable(symbol)` when that returns
    /// one, its value otherwise. Throws when a swept variable ends up inside a division (the
    /// result would not be a polynomial).
    public func polynomial(_ variable: (Symbol) -> Polynomial?) throws -> Polynomial {
        switch self {
        case let .constant(value):
            return Polynomial(constant: value)
        case let .symbol(symbol):
            return variable(symbol) ?? Polynomial(constant: symbol.value)
        case let .sum(items):
            return try items.reduce(.zero) { try $0.adding(try $1.polynomial(variable), symbolic) }
        case let .product(items):
            return try items.reduce(Polynomial(constant: 1)) { try $0.multiplied(by: try $1.polynomial(variable), symbolic) }
        case .quotient, .ceilDivision:
            let symbols = self.symbols
            guard symbols.allSatisfy({ variable($0) == nil }) else {
                throw ModelMeterError.invalidShape(
                    layer: "formula", what: symbolic, reason: "a swept symbol inside a division is not a polynomial")
            }
            return Polynomial(constant: try evaluate())
        case let .power(base, exponent):
            let root = try base.polynomial(variable)
            var result = Polynomial(constant: 1)
            for _ in 0..<max(exponent, 0) { result = try result.multiplied(by: root, symbolic) }
            return result
        }
    }
}
