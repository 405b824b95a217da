import Foundation

/// Serving settings a runtime runs pages with (vLLM's `max_num_seqs`, memory share, encoder budget).
public struct ServingSettings: Sendable, Hashable, Codable {
    /// Most sequences decoded together (`max_num_seqs`).
    public let maxSequences: Int
    /// Share of GPU memory the engine may use (`gpu_memory_utilization`).
    public let memoryUtilization: Double
    /// Image positions the encoder runs together in one chunk (vLLM's encoder budget).
    public let encoderBudgetTokens: Int
    public let source: String

    public init(maxSequences: Int, memoryUtilization: Double, encoderBudgetTokens: Int, source: String) {
        self.maxSequences = maxSequences
        self.memoryUtilization = memoryUtilization
        self.encoderBudgetTokens = encoderBudgetTokens
        self.source = source
    }

    /// Settings read from files: positive counts and a memory share in (0, 1].
    public func validate() throws {
        try ModelMeterError.requirePositive(maxSequences, "maxSequences", in: "serving")
        try ModelMeterError.requirePositive(encoderBudgetTokens, "encoderBudgetTokens", in: "serving")
        guard memoryUtilization > 0, memoryUtilization <= 1 else {
            throw ModelMeterError.invalidShape(layer: "serving", what: "memoryUtilization", reason: "\(memoryUtilization) is outside (0, 1]")
        }
    }
}
