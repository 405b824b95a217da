/// Storage precision of weights and activations, with its size in bytes.
public enum Precision: String, CaseIterable, Sendable, Codable {
    case bf16, fp16, fp32, fp8

    /// Bytes per stored element: 2 for bf16/fp16, 4 for fp32, 1 for fp8.
    public var bytesPerElement: Int {
        switch self {
        case .bf16, .fp16: return 2
        case .fp32: return 4
        case .fp8: return 1
        }
    }
}
