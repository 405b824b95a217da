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
