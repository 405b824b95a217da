import Foundation

/// What one measured stage ran: the settings a file states (mode, batch, tokens, …).
public struct MeasuredSettings: Sendable, Hashable {
    public var mode: String?
    public var crops: String?
    public var batch: Int?
    /// Prompt (prefill) positions.
    public var tokens: Int?
    /// Cached positions of a decode step.
    public var context: Int?
    public var attention: String?
    public var precision: String?
    /// Output tokens of a whole-page run (a harness `generate`).
    public var outputTokens: Int?

    public init(
        mode: String? = nil, crops: String? = nil, batch: Int? = nil, tokens: Int? = nil, context: Int? = nil,
        attention: String? = nil, precision: String? = nil, outputTokens: Int? = nil
    ) {
        self.mode = mode
        self.crops = crops
        self.batch = batch
        self.tokens = tokens
        self.context = context
        self.attention = attention
        self.precision = precision
        self.outputTokens = outputTokens
    }

    /// Settings spelled in a run name such as `decode-L1024-b8` or `prefill-gundam-2x2-b1`:
    /// `L<n>` cached positions, `b<n>` batch, `<w>x<h>` crops, a mode name.
    public static func fromRunName(_ name: String) -> MeasuredSettings {
        var settings = MeasuredSettings()
        for part in name.split(separator: "-").map(String.init) {
            if part.hasPrefix("L"), let n = Int(part.dropFirst()) { settings.context = n }
            else if part.hasPrefix("b"), let n = Int(part.dropFirst()) { settings.batch = n }
            else if ["tiny", "small", "base", "large", "gundam"].contains(part) { settings.mode = part }
            else if part.split(separator: "x").count == 2, part.split(separator: "x").allSatisfy({ Int($0) != nil }) { settings.crops = part }
        }
        return settings
    }
}
