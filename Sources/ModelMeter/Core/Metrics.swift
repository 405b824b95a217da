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

    /// Tensor-core + CUDA-core FLOPs. Every pass `Layer.metrics` returns has this sum checked
    /// (``checkedTotal(_:)``); sums of passes are checked where they are formed.
    public var totalFLOPs: Int { tensorCoreFLOPs + cudaCoreFLOPs }

    /// `TC + CUDA`, or `overflow` naming `what` when the sum leaves 64 bits.
    public func checkedTotal(_ what: String) throws -> Int {
        try ModelMeterError.checkedSum(tensorCoreFLOPs, cudaCoreFLOPs, what)
    }

    /// FLOPs per byte moved: `(TC + CUDA) / ioBytes` (0 when nothing moves), summed in doubles.
    public var arithmeticIntensity: Double {
        ioBytes == 0 ? 0 : (Double(tensorCoreFLOPs) + Double(cudaCoreFLOPs)) / Double(ioBytes)
    }
}

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

/// Every number of a layer at one precision.
public struct LayerMetrics: Sendable, Hashable {
    public var parameters: Int
    public var forward: PassCost
    public var backward: PassCost
    public var memory: MemoryCost
}

/// The arithmetic one evaluation runs in. `ExactArithmetic` (integers) gives every report's
/// numbers; `PolynomialArithmetic` gives the same totals as polynomials in swept symbols, so a
/// sweep evaluates each shape once and each point in microseconds. Both go through the one
/// evaluator, `Layer.evaluate(in:precision:)`.
public protocol CostArithmetic: Sendable {
    /// A summed quantity (FLOPs, bytes).
    associatedtype Value: Sendable
    /// A peak: the maximum over alternatives (the activation rule's `max`).
    associatedtype Peak: Sendable
    var zero: Value { get }
    var noPeak: Peak { get }
    func value(of formula: Formula) throws -> Value
    /// `total + amount · count`; throws `overflow` naming the quantity and its owner.
    func add(_ total: Value, _ amount: Value, times count: Int, _ quantity: StaticString, of owner: String) throws -> Value
    /// `max(a, b)`.
    func larger(_ a: Peak, _ b: Peak) -> Peak
    /// The peak of a single value.
    func peak(_ value: Value) -> Peak
    /// `peak + value` (held tensors on top of the largest working set).
    func raise(_ peak: Peak, by value: Value) throws -> Peak
}

/// Exact 64-bit integers, overflow-checked.
public struct ExactArithmetic: CostArithmetic {
    public init() {}
    public var zero: Int { 0 }
    public var noPeak: Int { 0 }
    public func value(of formula: Formula) throws -> Int { try formula.evaluate() }
    public func add(_ total: Int, _ amount: Int, times count: Int, _ quantity: StaticString, of owner: String) throws -> Int {
        let (product, overflowA) = amount.multipliedReportingOverflow(by: count)
        let (sum, overflowB) = total.addingReportingOverflow(product)
        if overflowA || overflowB { throw ModelMeterError.overflow(formula: "\(quantity) of \(owner)") }
        return sum
    }
    public func larger(_ a: Int, _ b: Int) -> Int { max(a, b) }
    public func peak(_ value: Int) -> Int { value }
    public func raise(_ peak: Int, by value: Int) throws -> Int { try add(peak, value, times: 1, "activation memory", of: "") }
}

/// Polynomials in the symbols `variable` picks (e.g. every `B` as `value · x₀`); a peak is the
/// set of candidates no other candidate dominates, so its value at a point is their maximum.
public struct PolynomialArithmetic: CostArithmetic {
    public let variable: @Sendable (Symbol) -> Polynomial?

    public init(variable: @escaping @Sendable (Symbol) -> Polynomial?) {
        self.variable = variable
    }

    public var zero: Polynomial { .zero }
    public var noPeak: [Polynomial] { [.zero] }
    public func value(of formula: Formula) throws -> Polynomial { try formula.polynomial(variable) }
    public func add(
        _ total: Polynomial, _ amount: Polynomial, times count: Int, _ quantity: StaticString, of owner: String
    ) throws -> Polynomial {
        try total.adding(amount, times: count, "\(quantity) of \(owner)")
    }
    public func larger(_ a: [Polynomial], _ b: [Polynomial]) -> [Polynomial] {
        var kept: [Polynomial] = []
        for candidate in a + b where !kept.contains(where: { candidate.isDominated(by: $0) }) {
            kept.removeAll { $0.isDominated(by: candidate) }
            kept.append(candidate)
        }
        return kept
    }
    public func peak(_ value: Polynomial) -> [Polynomial] { [value] }
    public func raise(_ peak: [Polynomial], by value: Polynomial) throws -> [Polynomial] {
        try peak.map { try $0.adding(value, "activation memory") }
    }
}

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

/// A layer with its totals and its evaluated children: the whole subtree computed once.
public struct Evaluation<Arithmetic: CostArithmetic>: Sendable {
    public let layer: any Layer
    public let totals: Totals<Arithmetic>
    public let children: [(child: Child, evaluated: Evaluation<Arithmetic>)]
}

/// Evaluations kept by `Layer.evaluationKey` for one arithmetic and precision (a sweep's).
public final class EvaluationCache<Arithmetic: CostArithmetic>: @unchecked Sendable {
    private var entries: [String: Evaluation<Arithmetic>] = [:]
    public init() {}
    subscript(key: String) -> Evaluation<Arithmetic>? {
        get { entries[key] }
        set { entries[key] = newValue }
    }
}

extension Evaluation {
    /// `Σ count × totals[keyPath: quantity]` over the topmost subtrees whose layer `matches`
    /// (multiplicities along the path included), e.g. the weight reads of every routed-experts list.
    public func sum(
        of quantity: KeyPath<Totals<Arithmetic>, Arithmetic.Value>, in arithmetic: Arithmetic,
        where matches: (any Layer) -> Bool
    ) throws -> Arithmetic.Value {
        try sum(of: quantity, in: arithmetic, where: matches, multiplicity: 1)
    }

    private func sum(
        of quantity: KeyPath<Totals<Arithmetic>, Arithmetic.Value>, in arithmetic: Arithmetic,
        where matches: (any Layer) -> Bool, multiplicity: Int
    ) throws -> Arithmetic.Value {
        if matches(layer) {
            return try arithmetic.add(arithmetic.zero, totals[keyPath: quantity], times: multiplicity, "matching subtrees", of: layer.typeName)
        }
        var total = arithmetic.zero
        for (child, evaluated) in children {
            let count = try ModelMeterError.checkedProduct(multiplicity, child.count, "multiplicity of \(child.name)")
            let part = try evaluated.sum(of: quantity, in: arithmetic, where: matches, multiplicity: count)
            total = try arithmetic.add(total, part, times: 1, "matching subtrees", of: layer.typeName)
        }
        return total
    }
}

/// The exact evaluation every report uses.
public typealias EvaluatedLayer = Evaluation<ExactArithmetic>

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

extension Evaluation where Arithmetic == ExactArithmetic {
    public var metrics: LayerMetrics {
        // Exact totals are already integers (weight and gradient bytes were checked when summed).
        totals.metrics(value: { $0 }, peak: { $0 })!
    }
}

extension Layer {
    /// All numbers of this layer and its subtree at `precision`.
    ///
    /// ```
    /// total(X) = Σ own terms X + Σ children count × X(child)
    /// activationBytes = held + max(own working sets, children's peaks)
    /// kvCacheBytes = own KV elements × bytes + Σ children count × kvCacheBytes(child)
    /// ```
    public func metrics(precision: Precision = .bf16) throws -> LayerMetrics {
        let metrics = try evaluate(precision: precision).metrics
        _ = try metrics.forward.checkedTotal("forward FLOPs of \(typeName) (tensor core + CUDA core)")
        _ = try metrics.backward.checkedTotal("backward FLOPs of \(typeName) (tensor core + CUDA core)")
        return metrics
    }

    /// Evaluates the subtree bottom-up, each module once: O(modules) for the whole tree.
    public func evaluate(precision: Precision = .bf16) throws -> EvaluatedLayer {
        try evaluate(in: ExactArithmetic(), precision: precision)
    }

    /// The one evaluator: the rules above in any arithmetic.
    ///
    /// - Parameter cache: reuses evaluations of children with equal `evaluationKey`s; it must
    ///   only ever see one arithmetic's and one precision's evaluations.
    public func evaluate<A: CostArithmetic>(
        in arithmetic: A, precision: Precision = .bf16, cache: EvaluationCache<A>? = nil
    ) throws -> Evaluation<A> {
        if let cache, let key = evaluationKey {
            if let known = cache[key] { return known }
            let evaluation = try evaluateOnce(in: arithmetic, precision: precision, cache: cache)
            cache[key] = evaluation
            return evaluation
        }
        return try evaluateOnce(in: arithmetic, precision: precision, cache: cache)
    }

    private func evaluateOnce<A: CostArithmetic>(
        in arithmetic: A, precision: Precision, cache: EvaluationCache<A>?
    ) throws -> Evaluation<A> {
        let bytes = precision.bytesPerElement
        let owner = typeName
        func sum(_ total: inout A.Value, _ amount: A.Value, times count: Int = 1, _ quantity: StaticString) throws {
            total = try arithmetic.add(total, amount, times: count, quantity, of: owner)
        }
        var parameters = 0
        var trainable = 0
        var fwdTC = arithmetic.zero, fwdCUDA = arithmetic.zero, fwdIO = arithmetic.zero
        var bwdTC = arithmetic.zero, bwdCUDA = arithmetic.zero, bwdIO = arithmetic.zero
        var saved = arithmetic.zero, kvCache = arithmetic.zero, weightReads = arithmetic.zero
        var peak = arithmetic.noPeak
        var evaluatedChildren: [(child: Child, evaluated: Evaluation<A>)] = []

        for tensor in ownParameters {
            let count = try tensor.count()
            parameters = try ExactArithmetic().add(parameters, count, times: 1, "parameters", of: owner)
            if parametersReceiveGradients {
                trainable = try ExactArithmetic().add(trainable, count, times: 1, "trainable parameters", of: owner)
            }
        }
        for step in steps {
            switch step {
            case let .term(term):
                let fwd = try arithmetic.value(of: term.forwardFLOPs)
                let bwd = try arithmetic.value(of: term.backwardFLOPs)
                switch term.unit {
                case .tensorCore:
                    try sum(&fwdTC, fwd, "forward tensor-core FLOPs")
                    try sum(&bwdTC, bwd, "backward tensor-core FLOPs")
                case .cudaCore:
                    try sum(&fwdCUDA, fwd, "forward CUDA-core FLOPs")
                    try sum(&bwdCUDA, bwd, "backward CUDA-core FLOPs")
                case .memoryOnly:
                    break
                }
                try sum(&fwdIO, try arithmetic.value(of: term.forwardTraffic.total), times: bytes, "forward I/O")
                try sum(&weightReads, try arithmetic.value(of: term.forwardTraffic.weightReads), times: bytes, "weight reads")
                try sum(&bwdIO, try arithmetic.value(of: term.backwardTraffic.total), times: bytes, "backward I/O")
                try sum(&saved, try arithmetic.value(of: term.savedElements), times: bytes, "saved activations")
                try sum(&saved, try arithmetic.value(of: term.savedFixedWidthBytes), "saved activations")
                let workingSet = try arithmetic.add(
                    arithmetic.zero, try arithmetic.value(of: term.forwardTraffic.workingSet), times: bytes, "working set", of: term.name)
                peak = arithmetic.larger(peak, arithmetic.peak(workingSet))
            case let .child(child):
                let evaluated = try child.layer.evaluate(in: arithmetic, precision: precision, cache: cache)
                evaluatedChildren.append((child, evaluated))
                let t = evaluated.totals
                if child.ownsParameters {
                    parameters = try ExactArithmetic().add(parameters, t.parameters, times: child.count, "parameters", of: owner)
                    trainable = try ExactArithmetic().add(trainable, t.trainableParameters, times: child.count, "trainable parameters", of: owner)
                }
                try sum(&fwdTC, t.forwardTensorCore, times: child.count, "forward tensor-core FLOPs")
                try sum(&fwdCUDA, t.forwardCUDACore, times: child.count, "forward CUDA-core FLOPs")
                try sum(&fwdIO, t.forwardIO, times: child.count, "forward I/O")
                try sum(&weightReads, t.forwardWeightReads, times: child.count, "weight reads")
                try sum(&bwdTC, t.backwardTensorCore, times: child.count, "backward tensor-core FLOPs")
                try sum(&bwdCUDA, t.backwardCUDACore, times: child.count, "backward CUDA-core FLOPs")
                try sum(&bwdIO, t.backwardIO, times: child.count, "backward I/O")
                try sum(&saved, t.saved, times: child.count, "saved activations")
                try sum(&kvCache, t.kvCache, times: child.count, "KV cache")
                peak = arithmetic.larger(peak, t.activation)
            }
        }
        try sum(&kvCache, try arithmetic.value(of: kvCacheElements), times: bytes, "KV cache")
        let held = try arithmetic.add(
            arithmetic.zero, try arithmetic.value(of: heldActivationElements), times: bytes, "activation memory", of: owner)
        let activation = try arithmetic.raise(peak, by: held)
        _ = try ExactArithmetic().add(0, parameters, times: bytes, "weight bytes", of: owner)
        _ = try ExactArithmetic().add(0, trainable, times: bytes, "gradient bytes", of: owner)

        let totals = Totals<A>(
            parameters: parameters, trainableParameters: trainable,
            forwardTensorCore: fwdTC, forwardCUDACore: fwdCUDA, forwardIO: fwdIO, forwardWeightReads: weightReads,
            backwardTensorCore: bwdTC, backwardCUDACore: bwdCUDA, backwardIO: bwdIO,
            saved: saved, kvCache: kvCache, activation: activation, bytesPerElement: bytes)
        return Evaluation(layer: self, totals: totals, children: evaluatedChildren)
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
