/// Costs of one pass (forward or backward) over a layer.
public struct PassCost: Sendable, Hashable, Codable {
    public var tensorCoreFLOPs: Int
    public var cudaCoreFLOPs: Int
    /// DRAM bytes moved under the one-read-one-write-per-kernel fusion assumption.
    public var ioBytes: Int

    public init(tensorCoreFLOPs: Int = 0, cudaCoreFLOPs: Int = 0, ioBytes: Int = 0) {
        self.tensorCoreFLOPs = tensorCoreFLOPs
        self.cudaCoreFLOPs = cudaCoreFLOPs
        self.ioBytes = ioBytes
    }

    /// Tensor-core + CUDA-core FLOPs.
    public var totalFLOPs: Int { tensorCoreFLOPs + cudaCoreFLOPs }

    /// FLOPs per byte moved: `(TC + CUDA) / ioBytes` (0 when nothing moves).
    public var arithmeticIntensity: Double {
        ioBytes == 0 ? 0 : Double(totalFLOPs) / Double(ioBytes)
    }
}

/// Memory a layer needs, in bytes.
public struct MemoryCost: Sendable, Hashable, Codable {
    /// Parameters × bytes per element, including loaded-but-unused weights.
    public var weightBytes: Int
    /// Inference peak of live activations: the largest kernel working set plus held tensors.
    public var activationBytes: Int
    /// Always 0 for these encoders: no autoregressive state is kept between calls.
    public var kvCacheBytes: Int
    /// Training: activations autograd saves for backward, each storage once:
    /// `Σ savedElements × e + Σ savedFixedWidthBytes`.
    public var trainingActivationBytes: Int
    /// Training: one gradient per trainable parameter.
    public var gradientBytes: Int
}

/// Every number of a layer at one precision.
public struct LayerMetrics: Sendable, Hashable {
    public var parameters: Int
    public var forward: PassCost
    public var backward: PassCost
    public var memory: MemoryCost
}

/// Overflow-checked integer accumulation that names what overflowed (the name is only
/// built when it is needed: this runs for every module of every evaluation).
struct CheckedInt {
    private(set) var value = 0
    let quantity: StaticString
    let owner: String

    init(_ quantity: StaticString, of owner: String) {
        self.quantity = quantity
        self.owner = owner
    }

    mutating func add(_ amount: Int, times count: Int = 1) throws {
        let (product, overflowA) = amount.multipliedReportingOverflow(by: count)
        let (sum, overflowB) = value.addingReportingOverflow(product)
        if overflowA || overflowB { throw ModelMeterError.overflow(formula: "\(quantity) of \(owner)") }
        value = sum
    }
}

/// A layer with its numbers and its evaluated children: the whole subtree computed once.
public struct EvaluatedLayer: Sendable {
    public let layer: any Layer
    public let metrics: LayerMetrics
    public let children: [(child: Child, evaluated: EvaluatedLayer)]
}

extension Layer {
    /// All numbers of this layer and its subtree at `precision`.
    ///
    /// ```
    /// total(X) = Σ own terms X + Σ children count × X(child)
    /// activationBytes = held + max(own working sets, children's peaks)
    /// ```
    public func metrics(precision: Precision = .bf16) throws -> LayerMetrics {
        try evaluate(precision: precision).metrics
    }

    /// Evaluates the subtree bottom-up, each module once: O(modules) for the whole tree.
    public func evaluate(precision: Precision = .bf16) throws -> EvaluatedLayer {
        let bytes = precision.bytesPerElement
        var parameters = CheckedInt("parameters", of: typeName)
        var trainable = CheckedInt("trainable parameters", of: typeName)
        var fwdTC = CheckedInt("forward tensor-core FLOPs", of: typeName)
        var fwdCUDA = CheckedInt("forward CUDA-core FLOPs", of: typeName)
        var fwdIO = CheckedInt("forward I/O", of: typeName)
        var bwdTC = CheckedInt("backward tensor-core FLOPs", of: typeName)
        var bwdCUDA = CheckedInt("backward CUDA-core FLOPs", of: typeName)
        var bwdIO = CheckedInt("backward I/O", of: typeName)
        var saved = CheckedInt("saved activations", of: typeName)
        var peakActivation = 0
        var evaluatedChildren: [(child: Child, evaluated: EvaluatedLayer)] = []

        for tensor in ownParameters {
            let count = try tensor.count()
            try parameters.add(count)
            if parametersReceiveGradients { try trainable.add(count) }
        }
        for step in steps {
            switch step {
            case let .term(term):
                let fwd = try term.forwardFLOPs.evaluate()
                let bwd = try term.backwardFLOPs.evaluate()
                switch term.unit {
                case .tensorCore:
                    try fwdTC.add(fwd)
                    try bwdTC.add(bwd)
                case .cudaCore:
                    try fwdCUDA.add(fwd)
                    try bwdCUDA.add(bwd)
                case .memoryOnly:
                    break
                }
                try fwdIO.add(try term.forwardTraffic.total.evaluate(), times: bytes)
                try bwdIO.add(try term.backwardTraffic.total.evaluate(), times: bytes)
                try saved.add(try term.savedElements.evaluate(), times: bytes)
                try saved.add(try term.savedFixedWidthBytes.evaluate())
                var workingSet = CheckedInt("working set", of: term.name)
                try workingSet.add(try term.forwardTraffic.workingSet.evaluate(), times: bytes)
                peakActivation = max(peakActivation, workingSet.value)
            case let .child(child):
                let evaluated = try child.layer.evaluate(precision: precision)
                evaluatedChildren.append((child, evaluated))
                let m = evaluated.metrics
                if child.ownsParameters {
                    try parameters.add(m.parameters, times: child.count)
                    try trainable.add(m.memory.gradientBytes / bytes, times: child.count)
                }
                try fwdTC.add(m.forward.tensorCoreFLOPs, times: child.count)
                try fwdCUDA.add(m.forward.cudaCoreFLOPs, times: child.count)
                try fwdIO.add(m.forward.ioBytes, times: child.count)
                try bwdTC.add(m.backward.tensorCoreFLOPs, times: child.count)
                try bwdCUDA.add(m.backward.cudaCoreFLOPs, times: child.count)
                try bwdIO.add(m.backward.ioBytes, times: child.count)
                try saved.add(m.memory.trainingActivationBytes, times: child.count)
                peakActivation = max(peakActivation, m.memory.activationBytes)
            }
        }
        var activation = CheckedInt("activation memory", of: typeName)
        try activation.add(peakActivation)
        try activation.add(try heldActivationElements.evaluate(), times: bytes)
        var weightBytes = CheckedInt("weight bytes", of: typeName)
        try weightBytes.add(parameters.value, times: bytes)
        var gradientBytes = CheckedInt("gradient bytes", of: typeName)
        try gradientBytes.add(trainable.value, times: bytes)

        let metrics = LayerMetrics(
            parameters: parameters.value,
            forward: PassCost(tensorCoreFLOPs: fwdTC.value, cudaCoreFLOPs: fwdCUDA.value, ioBytes: fwdIO.value),
            backward: PassCost(tensorCoreFLOPs: bwdTC.value, cudaCoreFLOPs: bwdCUDA.value, ioBytes: bwdIO.value),
            memory: MemoryCost(
                weightBytes: weightBytes.value, activationBytes: activation.value, kvCacheBytes: 0,
                trainingActivationBytes: saved.value, gradientBytes: gradientBytes.value))
        return EvaluatedLayer(layer: self, metrics: metrics, children: evaluatedChildren)
    }
}

// MARK: - BaseLayer-style accessors

extension Layer {
    public func forwardTensorCoreFLOPs() throws -> Int { try metrics().forward.tensorCoreFLOPs }
    public func backwardTensorCoreFLOPs() throws -> Int { try metrics().backward.tensorCoreFLOPs }
    public func forwardCUDACoreFLOPs() throws -> Int { try metrics().forward.cudaCoreFLOPs }
    public func backwardCUDACoreFLOPs() throws -> Int { try metrics().backward.cudaCoreFLOPs }
    public func forwardIOBytes(precision: Precision = .bf16) throws -> Int { try metrics(precision: precision).forward.ioBytes }
    public func backwardIOBytes(precision: Precision = .bf16) throws -> Int { try metrics(precision: precision).backward.ioBytes }
    public func forwardArithmeticIntensity(precision: Precision = .bf16) throws -> Double {
        try metrics(precision: precision).forward.arithmeticIntensity
    }
    public func backwardArithmeticIntensity(precision: Precision = .bf16) throws -> Double {
        try metrics(precision: precision).backward.arithmeticIntensity
    }
    public func parameterCount() throws -> Int { try metrics().parameters }
    public func weightMemoryBytes(precision: Precision = .bf16) throws -> Int { try metrics(precision: precision).memory.weightBytes }
    public func activationMemoryBytes(precision: Precision = .bf16) throws -> Int {
        try metrics(precision: precision).memory.activationBytes
    }
    public func kvCacheBytes(precision: Precision = .bf16) throws -> Int { try metrics(precision: precision).memory.kvCacheBytes }
    /// Training footprint: weights + gradients + saved activations (optimizer state excluded).
    public func trainingMemoryBytes(precision: Precision = .bf16) throws -> Int {
        let memory = try metrics(precision: precision).memory
        return memory.weightBytes + memory.gradientBytes + memory.trainingActivationBytes
    }
}
