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
    /// Activation elements autograd keeps for this term's backward (training memory).
    public let savedElements: Formula

    public init(
        name: String, unit: ComputeUnit,
        forwardFLOPs: Formula, backwardFLOPs: Formula,
        forwardTraffic: Traffic, backwardTraffic: Traffic,
        savedElements: Formula = .zero
    ) {
        self.name = name
        self.unit = unit
        self.forwardFLOPs = unit == .memoryOnly ? .zero : forwardFLOPs
        self.backwardFLOPs = unit == .memoryOnly ? .zero : backwardFLOPs
        self.forwardTraffic = forwardTraffic
        self.backwardTraffic = backwardTraffic
        self.savedElements = savedElements
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
