/// Every failure ModelMeter reports: a value with enough context for one clear line on stderr.
public enum ModelMeterError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A shape or configuration value is impossible (`what` names it, `reason` says why).
    case invalidShape(layer: String, what: String, reason: String)
    /// Exact integer arithmetic left the 64-bit range.
    case overflow(formula: String)
    /// A name the user gave is not one we know (`kind` is "mode", "GPU", "layer", …).
    case unknownName(kind: String, name: String, accepted: [String])
    /// A value given on the command line or in a file cannot be parsed.
    case malformedValue(what: String, value: String, expected: String)

    public var description: String {
        switch self {
        case let .invalidShape(layer, what, reason):
            return "\(layer): invalid \(what): \(reason)"
        case let .overflow(formula):
            return "arithmetic overflow evaluating \(formula): the sizes are too large for exact 64-bit counts"
        case let .unknownName(kind, name, accepted):
            return "unknown \(kind) '\(name)'; accepted: \(accepted.joined(separator: ", "))"
        case let .malformedValue(what, value, expected):
            return "malformed \(what) '\(value)': expected \(expected)"
        }
    }
}

extension ModelMeterError {
    /// Throws `invalidShape` unless `value > 0`.
    @discardableResult
    public static func requirePositive(_ value: Int, _ what: String, in layer: String) throws -> Int {
        guard value > 0 else {
            throw ModelMeterError.invalidShape(layer: layer, what: what, reason: "\(value) is not positive")
        }
        return value
    }

    /// `a · b`, or `overflow` naming `what`.
    public static func checkedProduct(_ a: Int, _ b: Int, _ what: String) throws -> Int {
        let (value, overflow) = a.multipliedReportingOverflow(by: b)
        if overflow { throw ModelMeterError.overflow(formula: what) }
        return value
    }

    /// `a + b`, or `overflow` naming `what`.
    public static func checkedSum(_ a: Int, _ b: Int, _ what: String) throws -> Int {
        let (value, overflow) = a.addingReportingOverflow(b)
        if overflow { throw ModelMeterError.overflow(formula: what) }
        return value
    }

    /// Throws `invalidShape` unless `divisor` divides `value` exactly.
    public static func requireDivides(
        _ divisor: Int, _ divisorName: String, _ value: Int, _ valueName: String, in layer: String
    ) throws {
        guard divisor > 0, value % divisor == 0 else {
            throw ModelMeterError.invalidShape(
                layer: layer, what: divisorName,
                reason: "\(divisorName) = \(divisor) does not divide \(valueName) = \(value)")
        }
    }
}

extension ModelMeterError {
    /// Throws `invalidShape` unless `value ≤ largest`; the reason names `largest` as the largest
    /// value that works and why (`because`), so one line tells the user what to type instead.
    @discardableResult
    public static func requireAtMost(_ value: Int, _ largest: Int, _ what: String, in layer: String, because: String) throws -> Int {
        guard value <= largest else {
            throw ModelMeterError.invalidShape(
                layer: layer, what: what, reason: "\(value) is more than \(largest), the largest \(what) that works (\(because))")
        }
        return value
    }
}
