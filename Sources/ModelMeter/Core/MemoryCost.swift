/// Memory a layer needs, in bytes.
public struct MemoryCost: Sendable, Hashable, Codable {
    /// Parameters × bytes per element, including loaded-but-unused weights.
    public var weightBytes: Int
    /// Inference peak of live activations: the largest kernel working set plus held tensors.
    public var activationBytes: Int
    /// Key/value cache kept after the call: `Σ kvCacheElements × bytes` (0 for encoders).
    public var kvCacheBytes: Int
    /// Training: activations autograd saves for backward, each storage once:
    /// `Σ savedElements × e + Σ savedFixedWidthBytes`.
    public var trainingActivationBytes: Int
    /// Training: one gradient per trainable parameter.
    public var gradientBytes: Int
}
