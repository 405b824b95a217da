/// Every total of a layer in some arithmetic (`LayerMetrics` is the exact one).
public struct Totals<Arithmetic: CostArithmetic>: Sendable {
    public var parameters: Int
    public var trainableParameters: Int
    public var forwardTensorCore: Arithmetic.Value
    public var forwardCUDACore: Arithmetic.Value
    public var forwardIO: Arithmetic.Value
    /// The part of `forwardIO` that reads parameters (weights, biases, tables), in bytes.
    public var forwardWeightReads: Arithmetic.Value
    public var backwardTensorCore: Arithmetic.Value
    public var backwardCUDACore: Arithmetic.Value
    public var backwardIO: Arithmetic.Value
    public var saved: Arithmetic.Value
    public var kvCache: Arithmetic.Value
    public var activation: Arithmetic.Peak
    /// Bytes per element the byte totals were computed with.
    public var bytesPerElement: Int
}

extension Totals {
    /// The exact numbers these totals give when each value becomes `value(v)` and the peak
    /// `peak(p)`; nil when either gives nil (e.g. a polynomial leaving 64 bits at that point).
    public func metrics(value: (Arithmetic.Value) -> Int?, peak: (Arithmetic.Peak) -> Int?) -> LayerMetrics? {
        guard let fwdTC = value(forwardTensorCore), let fwdCUDA = value(forwardCUDACore), let fwdIO = value(forwardIO),
              let bwdTC = value(backwardTensorCore), let bwdCUDA = value(backwardCUDACore), let bwdIO = value(backwardIO),
              let saved = value(saved), let kvCache = value(kvCache), let activation = peak(activation)
        else { return nil }
        return LayerMetrics(
            parameters: parameters,
            forward: PassCost(tensorCoreFLOPs: fwdTC, cudaCoreFLOPs: fwdCUDA, ioBytes: fwdIO),
            backward: PassCost(tensorCoreFLOPs: bwdTC, cudaCoreFLOPs: bwdCUDA, ioBytes: bwdIO),
            memory: MemoryCost(
                weightBytes: parameters * bytesPerElement, activationBytes: activation, kvCacheBytes: kvCache,
                trainingActivationBytes: saved, gradientBytes: trainableParameters * bytesPerElement))
    }
}
