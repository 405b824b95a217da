/// An exact polynomial with integer coefficients in a few variables `x₀, x₁, …`: a formula
/// partially evaluated, every symbol bound to its value except the swept ones.
///
/// ```
/// 2·B·S·C·3C with B ↦ 1·x₀, S = 4096, C = 768  →  14,495,514,624·x₀
/// ```
public struct Polynomial: Hashable, Sendable {
    /// `(monomial, coefficient)` pairs, no zero coefficients, each monomial once. A monomial packs
    /// the exponent of `xᵢ` into bits `8·i ..< 8·i + 8` (up to 8 variables, exponents below 256):
    /// sweeps have one or two variables and degree ≤ 2, so a list beats a dictionary here.
    public private(set) var terms: [(monomial: Int, coefficient: Int)]

    public static func == (lhs: Polynomial, rhs: Polynomial) -> Bool {
        lhs.terms.count == rhs.terms.count && lhs.terms.allSatisfy { term in rhs.coefficient(of: term.monomial) == term.coefficient }
    }

    public func hash(into hasher: inout Hasher) {
        for term in terms.sorted(by: { $0.monomial < $1.monomial }) {
            hasher.combine(term.monomial)
            hasher.combine(term.coefficient)
        }
    }

    public init(constant: Int) {
        terms = constant == 0 ? [] : [(0, constant)]
    }

    /// `coefficient · xᵢ`.
    public init(variable index: Int, coefficient: Int = 1) {
        precondition((0..<8).contains(index), "at most 8 variables")
        terms = coefficient == 0 ? [] : [(1 << (8 * index), coefficient)]
    }

    public static let zero = Polynomial(constant: 0)

    /// The value when no variable appears, nil otherwise.
    public var constantValue: Int? {
        terms.allSatisfy { $0.monomial == 0 } ? (terms.first?.coefficient ?? 0) : nil
    }

    func coefficient(of monomial: Int) -> Int {
        terms.first { $0.monomial == monomial }?.coefficient ?? 0
    }

    private mutating func add(_ coefficient: Int, to monomial: Int, _ what: () -> String) throws {
        if let index = terms.firstIndex(where: { $0.monomial == monomial }) {
            let (sum, overflow) = terms[index].coefficient.addingReportingOverflow(coefficient)
            if overflow { throw ModelMeterError.overflow(formula: what()) }
            if sum == 0 { terms.remove(at: index) } else { terms[index].coefficient = sum }
        } else if coefficient != 0 {
            terms.append((monomial, coefficient))
        }
    }

    /// `self + other · factor`, exact; throws `overflow` naming `what`.
    public func adding(_ other: Polynomial, times factor: Int = 1, _ what: @autoclosure () -> String) throws -> Polynomial {
        var result = self
        for term in other.terms {
            let (scaled, overflow) = term.coefficient.multipliedReportingOverflow(by: factor)
            if overflow { throw ModelMeterError.overflow(formula: what()) }
            try result.add(scaled, to: term.monomial, what)
        }
        return result
    }

    /// `self · other`, exact.
    public func multiplied(by other: Polynomial, _ what: @autoclosure () -> String) throws -> Polynomial {
        // Most factors are constants: scale instead of multiplying term by term.
        if let c = other.constantValue { return c == 1 ? self : try Polynomial.zero.adding(self, times: c, what()) }
        if let c = constantValue { return c == 1 ? other : try Polynomial.zero.adding(other, times: c, what()) }
        var result = Polynomial.zero
        for t1 in terms {
            for t2 in other.terms {
                let (product, overflow) = t1.coefficient.multipliedReportingOverflow(by: t2.coefficient)
                if overflow { throw ModelMeterError.overflow(formula: what()) }
                // Exponents add field by field; each stays below 256 for any formula we build.
                try result.add(product, to: t1.monomial + t2.monomial, what)
            }
        }
        return result
    }

    /// True when every coefficient of `self` is at most `other`'s: then `self ≤ other` wherever
    /// all variables are non-negative.
    public func isDominated(by other: Polynomial) -> Bool {
        terms.allSatisfy { $0.coefficient <= other.coefficient(of: $0.monomial) }
            && other.terms.allSatisfy { coefficient(of: $0.monomial) <= $0.coefficient }
    }

    /// The value at `values` (`values[i]` for `xᵢ`); nil on 64-bit overflow.
    public func value(at values: [Int]) -> Int? {
        var total = 0
        for term in terms {
            var value = term.coefficient
            var monomial = term.monomial
            var index = 0
            while monomial != 0 {
                for _ in 0..<(monomial & 0xff) {
                    let (product, overflow) = value.multipliedReportingOverflow(by: values[index])
                    if overflow { return nil }
                    value = product
                }
                monomial >>= 8
                index += 1
            }
            let (sum, overflow) = total.addingReportingOverflow(value)
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
