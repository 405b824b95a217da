import Foundation

/// One measured figure a profile was fitted on or checked against.
public struct FitPoint: Sendable, Hashable, Codable {
    /// What was measured, in words ("decode kernel time per step, RTX 5090, B = 1").
    public let label: String
    /// The file the figure comes from.
    public let source: String
    /// The measured value, in `unit`.
    public let measured: Double
    /// The forecast for the same setting after the fit.
    public let forecast: Double
    /// The roofline bound for the same setting.
    public let bound: Double
    public let unit: String
    /// True: a constant was fitted on this point; false: held out.
    public let fitted: Bool

    public init(label: String, source: String, measured: Double, forecast: Double, bound: Double, unit: String, fitted: Bool) {
        self.label = label
        self.source = source
        self.measured = measured
        self.forecast = forecast
        self.bound = bound
        self.unit = unit
        self.fitted = fitted
    }

    /// `forecast / measured − 1`: the forecast's relative error (times and rates alike).
    public var relativeError: Double { forecast / measured - 1 }

    /// The units a point may be in: seconds, or the rates pages use.
    public static let units = ["s", "pages/day", "tokens/s"]
}
