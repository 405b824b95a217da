import Foundation

/// Decimal SI formatting: 1 GFLOP = 1e9 FLOP, 1 MB = 1e6 B.
public enum SIUnits {
    private static let prefixes: [(factor: Double, prefix: String)] = [
        (1e18, "E"), (1e15, "P"), (1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k"),
    ]

    /// `14495514624, "FLOP"` → `14.50 GFLOP`; values under 1000 print exactly: `512 FLOP`.
    public static func format(_ value: Double, unit: String, digits: Int = 2) -> String {
        for (factor, prefix) in prefixes where abs(value) >= factor {
            return String(format: "%.\(digits)f %@%@", value / factor, prefix, unit)
        }
        if value == value.rounded() { return "\(Int(value)) \(unit)" }
        return String(format: "%.\(digits)f %@", value, unit)
    }

    public static func flops(_ value: Int) -> String { format(Double(value), unit: "FLOP") }
    public static func bytes(_ value: Int) -> String { format(Double(value), unit: "B") }
    /// Throughput: `2.1e14` → `210.00 TFLOP/s`.
    public static func flopsPerSecond(_ value: Double) -> String { format(value, unit: "FLOP/s") }

    /// Seconds with a unit, three significant figures: `250 µs`, `69.2 µs`, `1.23 ms`, `2.50 s`.
    public static func seconds(_ value: Double) -> String {
        let (scaled, unit): (Double, String) =
            value >= 1 ? (value, "s") : value >= 1e-3 ? (value * 1e3, "ms") : value >= 1e-6 ? (value * 1e6, "µs") : (value * 1e9, "ns")
        let digits = scaled >= 100 ? 0 : scaled >= 10 ? 1 : 2
        return String(format: "%.\(digits)f %@", scaled, unit)
    }

    /// A plain ratio with two decimals: `116.91`.
    public static func ratio(_ value: Double) -> String { String(format: "%.2f", value) }

    /// An integer with thousands separators: `14,495,514,624`.
    public static func grouped(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var out = ""
        for (index, character) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { out.append(",") }
            out.append(character)
        }
        return value < 0 ? "-" + out : out
    }
}
