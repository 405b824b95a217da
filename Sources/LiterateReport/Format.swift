import ModelMeter

/// Number formatting for views: templates only place strings.
enum Format {
    static func flops(_ value: Int) -> String { SIUnits.flops(value) }
    static func bytes(_ value: Int) -> String { SIUnits.bytes(value) }
    static func count(_ value: Int) -> String { SIUnits.grouped(value) }
    /// FLOP per byte, spelled out: in formulas `B` is the batch.
    static func intensity(_ value: Double) -> String { String(format: "%.1f FLOP/byte", value) }
    static func seconds(_ value: Double) -> String { SIUnits.seconds(value) }
    static func throughput(_ value: Double) -> String { SIUnits.flopsPerSecond(value) }
    static func percent(_ part: Int, of whole: Int) -> String {
        whole == 0 ? "0.0 %" : String(format: "%.1f %%", 100 * Double(part) / Double(whole))
    }
    /// Memory bandwidth: `1,792 GB/s` (one decimal when not whole).
    static func bandwidth(_ gigabytesPerSecond: Double) -> String {
        gigabytesPerSecond == gigabytesPerSecond.rounded()
            ? "\(SIUnits.grouped(Int(gigabytesPerSecond))) GB/s" : String(format: "%.1f GB/s", gigabytesPerSecond)
    }
    /// A formula as a Markdown code span.
    static func code(_ text: String) -> String { "`\(text)`" }
}

import Foundation
