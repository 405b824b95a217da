/// A named integer bound to a value, e.g. `C = 768` or the derived `3C = 2304`.
public struct Symbol: Hashable, Sendable {
    /// How the symbol prints in a formula (`B`, `S`, `3C`, `n_win`).
    public let name: String
    /// The bound value.
    public let value: Int
    /// One line saying what the symbol is, for the report's symbol table.
    public let meaning: String

    public init(_ name: String, _ value: Int, _ meaning: String = "") {
        self.name = name
        self.value = value
        self.meaning = meaning
    }

    /// The symbol as a formula leaf.
    public var formula: Formula { .symbol(self) }
}

/// An exact integer expression over named symbols that prints itself symbolically
/// (`2·B·S·C·3C`), with values substituted (`2·1·4096·768·2304`) and evaluates with
/// overflow checking.
public indirect enum Formula: Hashable, Sendable {
    case constant(Int)
    case symbol(Symbol)
    case sum([Formula])
    case product([Formula])
    /// Exact floor division `a/b`.
    case quotient(Formula, Formula)
    /// `⌈a/b⌉`, as window counts need.
    case ceilDivision(Formula, Formula)
    case power(Formula, Int)

    public static let zero = Formula.constant(0)
    public static let one = Formula.constant(1)

    /// True when the formula is the literal constant 0 (used to drop empty terms).
    public var isZero: Bool { self == .zero }
}

extension Formula: ExpressibleByIntegerLiteral {
    public init(integerLiteral value: Int) { self = .constant(value) }
}

// MARK: - Building

extension Formula {
    public static func + (lhs: Formula, rhs: Formula) -> Formula {
        if lhs.isZero { return rhs }
        if rhs.isZero { return lhs }
        return .sum(lhs.addends + rhs.addends)
    }

    public static func * (lhs: Formula, rhs: Formula) -> Formula {
        if lhs.isZero || rhs.isZero { return .zero }
        if lhs == .one { return rhs }
        if rhs == .one { return lhs }
        // Fold a leading constant into the other side's leading constant: 2 * (2·B·S) = 4·B·S.
        if case let .constant(left) = lhs, case let .constant(right)? = rhs.factors.first {
            let (folded, overflow) = left.multipliedReportingOverflow(by: right)
            if !overflow { return Formula.product([.constant(folded)] + rhs.factors.dropFirst()).flattened }
        }
        return .product(lhs.factors + rhs.factors)
    }

    public static func * (lhs: Int, rhs: Formula) -> Formula { Formula.constant(lhs) * rhs }
    public static func * (lhs: Formula, rhs: Symbol) -> Formula { lhs * rhs.formula }
    public static func * (lhs: Symbol, rhs: Formula) -> Formula { lhs.formula * rhs }
    public static func + (lhs: Formula, rhs: Symbol) -> Formula { lhs + rhs.formula }

    /// Sum of many formulas, dropping zeros.
    public static func total<S: Sequence>(_ parts: S) -> Formula where S.Element == Formula {
        parts.reduce(Formula.zero, +)
    }

    /// Product of many formulas.
    public static func productOf(_ parts: [Formula]) -> Formula {
        parts.reduce(Formula.one, *)
    }

    /// A one-element product collapses to its element.
    private var flattened: Formula {
        if case let .product(items) = self, items.count == 1 { return items[0] }
        return self
    }

    private var addends: [Formula] {
        if case let .sum(items) = self { return items }
        return [self]
    }

    private var factors: [Formula] {
        if case let .product(items) = self { return items }
        return [self]
    }
}

extension Symbol {
    public static func * (lhs: Symbol, rhs: Symbol) -> Formula { lhs.formula * rhs.formula }
    public static func * (lhs: Int, rhs: Symbol) -> Formula { Formula.constant(lhs) * rhs.formula }
    public static func + (lhs: Symbol, rhs: Symbol) -> Formula { lhs.formula + rhs.formula }
}

// MARK: - Evaluating

extension Formula {
    /// The exact value; throws `ModelMeterError.overflow` instead of wrapping.
    public func evaluate() throws -> Int {
        switch self {
        case let .constant(value):
            return value
        case let .symbol(symbol):
            return symbol.value
        case let .sum(items):
            var total = 0
            for item in items {
                let (result, overflow) = total.addingReportingOverflow(try item.evaluate())
                if overflow { throw ModelMeterError.overflow(formula: symbolic) }
                total = result
            }
            return total
        case let .product(items):
            var total = 1
            for item in items {
                let (result, overflow) = total.multipliedReportingOverflow(by: try item.evaluate())
                if overflow { throw ModelMeterError.overflow(formula: symbolic) }
                total = result
            }
            return total
        case let .quotient(numerator, denominator):
            let divisor = try denominator.evaluate()
            guard divisor != 0 else {
                throw ModelMeterError.invalidShape(layer: "formula", what: symbolic, reason: "division by zero")
            }
            let value = try numerator.evaluate()
            let (quotient, remainder) = value.quotientAndRemainder(dividingBy: divisor)
            // Floor, not truncation: -7/2 = -4.
            return remainder != 0 && (remainder < 0) != (divisor < 0) ? quotient - 1 : quotient
        case let .ceilDivision(numerator, denominator):
            let divisor = try denominator.evaluate()
            guard divisor > 0 else {
                throw ModelMeterError.invalidShape(layer: "formula", what: symbolic, reason: "ceil-division by a non-positive number")
            }
            let value = try numerator.evaluate()
            return value / divisor + (value % divisor > 0 ? 1 : 0)
        case let .power(base, exponent):
            let value = try base.evaluate()
            guard exponent >= 0 else {
                throw ModelMeterError.invalidShape(layer: "formula", what: symbolic, reason: "negative exponent")
            }
            var total = 1
            for _ in 0..<exponent {
                let (result, overflow) = total.multipliedReportingOverflow(by: value)
                if overflow { throw ModelMeterError.overflow(formula: symbolic) }
                total = result
            }
            return total
        }
    }
}

// MARK: - Printing

extension Formula {
    /// The formula in symbols: `2·B·S·C·3C`.
    public var symbolic: String { render(substituted: false) }

    /// The formula with every symbol replaced by its value: `2·1·4096·768·2304`.
    public var substituted: String { render(substituted: true) }

    /// Every symbol the formula mentions, in first-appearance order.
    public var symbols: [Symbol] {
        var seen: [Symbol] = []
        collectSymbols(into: &seen)
        return seen
    }

    private func collectSymbols(into seen: inout [Symbol]) {
        switch self {
        case .constant:
            return
        case let .symbol(symbol):
            if !seen.contains(symbol) { seen.append(symbol) }
        case let .sum(items), let .product(items):
            for item in items { item.collectSymbols(into: &seen) }
        case let .quotient(lhs, rhs), let .ceilDivision(lhs, rhs):
            lhs.collectSymbols(into: &seen)
            rhs.collectSymbols(into: &seen)
        case let .power(base, _):
            base.collectSymbols(into: &seen)
        }
    }

    private enum Context { case top, factor, base }

    private func render(substituted: Bool, in context: Context = .top) -> String {
        switch self {
        case let .constant(value):
            return String(value)
        case let .symbol(symbol):
            return substituted ? String(symbol.value) : symbol.name
        case let .sum(items):
            // A negative addend prints as a subtraction: `2·H − 1`, `a − 3·b`, never `+ -1`.
            var text = ""
            for (index, item) in items.enumerated() {
                if index > 0, let negated = item.negatedLeadingConstant {
                    text += " − " + negated.render(substituted: substituted, in: .top)
                } else {
                    text += (index > 0 ? " + " : "") + item.render(substituted: substituted, in: .top)
                }
            }
            return context == .top ? text : "(\(text))"
        case let .product(items):
            let text = items.map { $0.render(substituted: substituted, in: .factor) }.joined(separator: "·")
            return context == .base ? "(\(text))" : text
        case let .quotient(lhs, rhs):
            let text = "\(lhs.render(substituted: substituted, in: .base))/\(rhs.render(substituted: substituted, in: .base))"
            return context == .top ? text : "(\(text))"
        case let .ceilDivision(lhs, rhs):
            return "⌈\(lhs.render(substituted: substituted, in: .base))/\(rhs.render(substituted: substituted, in: .base))⌉"
        case let .power(base, exponent):
            return base.render(substituted: substituted, in: .base) + Formula.superscript(exponent)
        }
    }

    /// For `-c` or `-c·x·y` (c > 0): `c` or `c·x·y` (`x·y` when c = 1); otherwise nil.
    private var negatedLeadingConstant: Formula? {
        switch self {
        case let .constant(value) where value < 0 && value != Int.min:
            return .constant(-value)
        case let .product(items):
            guard case let .constant(value)? = items.first, value < 0, value != Int.min else { return nil }
            let rest = Array(items.dropFirst())
            if value == -1 { return rest.count == 1 ? rest[0] : .product(rest) }
            return .product([.constant(-value)] + rest)
        default:
            return nil
        }
    }

    private static func superscript(_ value: Int) -> String {
        let digits: [Character] = ["⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹"]
        return String(String(value).compactMap { $0.wholeNumberValue.map { digits[$0] } })
    }
}

extension Formula: CustomStringConvertible {
    public var description: String { symbolic }
}
