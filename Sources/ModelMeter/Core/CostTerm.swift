/// Which hardware does a term's arithmetic.
public enum ComputeUnit: String, Sendable, Codable, CaseIterable {
    /// Matrix multiply-accumulate on tensor cores: matmul, bmm, einsum, convolution.
    case tensorCore = "tensor core"
    /// Scalar/vector work on CUDA cores: norms, activations, softmax, adds.
    case cudaCore = "CUDA core"
    /// Pure data movement (padding, copies, concatenation): bytes but no FLOPs.
    case memoryOnly = "memory only"
}

/// DRAM traffic of one kernel, in elements (bytes = elements × bytes per element).
public struct Traffic: Sendable, Hashable {
    /// Activation elements read (inputs, saved tensors, incoming gradients).
    public var activationReads: Formula
    /// Parameter elements read (weights, biases, position tables).
    public var weightReads: Formula
    /// Elements written (outputs, gradients).
    public var writes: Formula

    public init(activationReads: Formula = .zero, weightReads: Formula = .zero, writes: Formula = .zero) {
        self.activationReads = activationReads
        self.weightReads = weightReads
        self.writes = writes
    }

    public static let none = Traffic()

    /// All elements moved: reads + writes.
    public var total: Formula { activationReads + weightReads + writes }

    /// Live activation elements while the kernel runs: its activation inputs and outputs.
    public var workingSet: Formula { activationReads + writes }
}

/// One named piece of a layer's cost, with the formulas that produce every number.
public struct CostTerm: Sendable, Hashable {
    /// The term's name as reports and hint docs use it ("QKV projection").
    public let name: String
    public let unit: ComputeUnit
    /// Forward FLOPs (2 per multiply-accumulate for tensor-core terms).
    public let forwardFLOPs: Formula
    /// Backward FLOPs: for GEMMs and convolutions dW plus dX when the input needs a gradient
    /// (each as costly as the forward); attention per its kernel (see `AttentionKernel`);
    /// elementwise ops from `ElementwiseOp`'s table.
    public let backwardFLOPs: Formula
    public let forwardTraffic: Traffic
    public let backwardTraffic: Traffic
    /// Activation elements autograd keeps for this term's backward (training memory), each
    /// storage counted once: a tensor that an earlier term already keeps (the same storage, or a
    /// view of it) is counted there, not again here.
    public let savedElements: Formula
    /// Bytes kept for backward in tensors whose element type does not follow the storage
    /// precision: int64 gather indices (8 B per element), fp32 log-sum-exp and LayerNorm
    /// statistics (4 B per element), boolean masks (1 B per element).
    public let savedFixedWidthBytes: Formula
    /// The tensors `savedElements` and `savedFixedWidthBytes` count, in words ("input X").
    public let savedTensors: String

    public init(
        name: String, unit: ComputeUnit,
        forwardFLOPs: Formula, backwardFLOPs: Formula,
        forwardTraffic: Traffic, backwardTraffic: Traffic,
        savedElements: Formula = .zero, savedFixedWidthBytes: Formula = .zero, savedTensors: String = ""
    ) {
        self.name = name
        self.unit = unit
        self.forwardFLOPs = unit == .memoryOnly ? .zero : forwardFLOPs
        self.backwardFLOPs = unit == .memoryOnly ? .zero : backwardFLOPs
        self.forwardTraffic = forwardTraffic
        self.backwardTraffic = backwardTraffic
        self.savedElements = savedElements
        self.savedFixedWidthBytes = savedFixedWidthBytes
        self.savedTensors = savedTensors
    }

    /// The same term with another save set (what autograd keeps for its backward).
    public func saving(_ elements: Formula, fixedWidthBytes: Formula = .zero, tensors: String) -> CostTerm {
        CostTerm(
            name: name, unit: unit, forwardFLOPs: forwardFLOPs, backwardFLOPs: backwardFLOPs,
            forwardTraffic: forwardTraffic, backwardTraffic: backwardTraffic,
            savedElements: elements, savedFixedWidthBytes: fixedWidthBytes, savedTensors: tensors)
    }

    /// A pure data-movement term (pad, copy, concat): no FLOPs; backward moves the gradient back.
    public static func dataMovement(_ name: String, reads: Formula, writes: Formula) -> CostTerm {
        CostTerm(
            name: name, unit: .memoryOnly, forwardFLOPs: .zero, backwardFLOPs: .zero,
            forwardTraffic: Traffic(activationReads: reads, writes: writes),
            backwardTraffic: Traffic(activationReads: writes, writes: reads))
    }
}

extension CostTerm {
    /// The same term run under `torch.no_grad()` (RoPE's tables): no backward work, nothing saved.
    public var withoutGradient: CostTerm {
        CostTerm(
            name: name, unit: unit, forwardFLOPs: forwardFLOPs, backwardFLOPs: .zero,
            forwardTraffic: forwardTraffic, backwardTraffic: .none, savedElements: .zero)
    }
}
