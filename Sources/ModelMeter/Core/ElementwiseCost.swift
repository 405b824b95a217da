/// The per-element CUDA-core cost table: the one place where non-matmul work is priced.
///
/// FlopCounterMode counts none of these; the figures are our declared convention, shown in the
/// knowledge base's conventions page. Forward counts one FLOP per arithmetic operation per
/// output element (an exp, a division or an erf counts as one); backward counts the operations
/// of the gradient formula.
public enum ElementwiseOp: String, CaseIterable, Sendable {
    /// `a + b` (residual, bias, position and mask adds). Backward: one add to accumulate the gradient.
    case add
    /// Scaled softmax over a row: scale, max, subtract, exp, sum, divide. Backward: `p·(g − Σ p·g)`.
    case softmax
    /// LayerNorm over C (last dim or channels): mean, centre, square, variance, normalise, scale, shift.
    case layerNorm
    /// Exact GELU `0.5·x·(1 + erf(x/√2))`. Backward evaluates erf and the Gaussian density.
    case gelu
    /// `x·σ(1.702·x)`: multiply, exp, add, divide, multiply.
    case quickGELU
    /// Linear interpolation of a table along one axis: two taps per output.
    case linearResize
    /// Bicubic interpolation in 2-D: a 4×4 tap stencil per output, computed separably.
    case bicubicResize
    /// RMSNorm `x·rsqrt(mean(x²) + ε)·w`: square, sum, scale by the row's rstd, scale by w.
    case rmsNorm
    /// SiLU `x·σ(x)`: exp, add, divide, multiply. Backward recomputes σ: `g·σ·(1 + x·(1 − σ))`.
    case silu
    /// `a·b` of two same-sized tensors (SwiGLU's gate·up, routing weights). Backward: `g·b` and `g·a`.
    case multiply
    /// Rotary position embedding `x·cos + rotate_half(x)·sin`: two multiplies and an add
    /// (the half negation is folded in); cos and sin are read like weights.
    case rotary
    /// `cos` or `sin` of a table of angles. Backward: one multiply by the other function.
    case trigonometric

    /// Forward FLOPs per output element.
    public var forwardFLOPsPerElement: Int {
        switch self {
        case .add: return 1
        case .softmax: return 5
        case .layerNorm: return 8
        case .gelu: return 10
        case .quickGELU: return 5
        case .linearResize: return 4
        case .bicubicResize: return 16
        case .rmsNorm: return 4
        case .silu: return 4
        case .multiply: return 1
        case .rotary: return 3
        case .trigonometric: return 1
        }
    }

    /// Backward FLOPs per element of the gradient produced.
    public var backwardFLOPsPerElement: Int {
        switch self {
        case .add: return 1
        case .softmax: return 4
        case .layerNorm: return 14
        case .gelu: return 14
        case .quickGELU: return 8
        case .linearResize: return 4
        case .bicubicResize: return 16
        case .rmsNorm: return 8
        case .silu: return 8
        case .multiply: return 2
        case .rotary: return 3
        case .trigonometric: return 2
        }
    }

    /// How many same-sized activation tensors the forward kernel reads.
    public var forwardInputs: Int { self == .add || self == .multiply ? 2 : 1 }

    /// How many same-sized tensors autograd saves for backward, by derivatives.yaml: adds
    /// nothing; softmax its output; LayerNorm and GELU their input; `x·σ(1.702·x)` the input x
    /// and σ (its `sigmoid` keeps σ and its `mul` keeps x and σ: one storage each);
    /// interpolation nothing (its backward needs only the sizes); `a·b` both operands. RMSNorm and
    /// RoPE count one here for their backward traffic; their layers state the exact save sets
    /// (RMSNorm: x in fp32, rstd, the normalised x; RoPE: the cos and sin tables).
    public var savedTensors: Int {
        switch self {
        case .add, .linearResize, .bicubicResize: return 0
        case .quickGELU, .multiply: return 2
        default: return 1
        }
    }

    /// What `savedTensors` are, for the memory tables ("" when nothing is kept).
    public var savedTensorNames: String {
        switch self {
        case .softmax: return "output P"
        case .layerNorm, .gelu: return "input x"
        case .quickGELU: return "input x and σ(1.702·x)"
        case .multiply: return "both operands"
        // The layers replace these two save sets with the exact ones (`CostTerm.saving`).
        case .rmsNorm: return "x, rstd per row and the normalised x (DeepseekV2RMSNorm)"
        case .rotary: return "cos and sin, not x (the tables need no gradient)"
        default: return savedTensors == 0 ? "" : savedTensors == 1 ? "input x" : "\(savedTensors) same-sized tensors"
        }
    }

    /// The formula in words, for the conventions page.
    public var summary: String {
        switch self {
        case .add: return "a + b: one add; backward accumulates the incoming gradient"
        case .softmax: return "scale, max, subtract, exp, sum, divide; backward p·(g − Σp·g)"
        case .layerNorm: return "mean, centre, square, variance, normalise, scale, shift"
        case .gelu: return "0.5·x·(1 + erf(x/√2)); backward needs erf and the Gaussian density"
        case .quickGELU: return "x·σ(1.702·x): multiply, exp, add, divide, multiply"
        case .linearResize: return "two taps per output along one axis"
        case .bicubicResize: return "separable 4×4 bicubic stencil per output"
        case .rmsNorm: return "square, sum, scale by rsqrt(mean + ε), scale by the weight"
        case .silu: return "x·σ(x): exp, add, divide, multiply; backward g·σ·(1 + x·(1 − σ))"
        case .multiply: return "a·b: one multiply; backward g·b and g·a"
        case .rotary: return "x·cos + rotate_half(x)·sin: two multiplies and an add"
        case .trigonometric: return "cos or sin of an angle table"
        }
    }
}

extension CostTerm {
    /// An elementwise CUDA-core term priced from `ElementwiseOp`'s table.
    ///
    /// Traffic: forward reads `forwardInputs × elements` (+ `weightElements`) and writes
    /// `elements`; backward reads the incoming gradient and the saved tensors and writes one
    /// gradient. `fused` terms run inside another kernel (a GEMM epilogue, a fused attention
    /// kernel) and move no DRAM bytes of their own.
    public static func elementwise(
        _ name: String, _ op: ElementwiseOp, elements: Formula,
        weightElements: Formula = .zero, fused: Bool = false
    ) -> CostTerm {
        let forwardTraffic = fused ? Traffic.none : Traffic(
            activationReads: op.forwardInputs * elements, weightReads: weightElements, writes: elements)
        let backwardTraffic = fused ? Traffic.none : Traffic(
            activationReads: (1 + op.savedTensors) * elements, weightReads: weightElements,
            writes: elements + weightElements)
        return CostTerm(
            name: name, unit: .cudaCore,
            forwardFLOPs: op.forwardFLOPsPerElement * elements,
            backwardFLOPs: op.backwardFLOPsPerElement * elements,
            forwardTraffic: forwardTraffic, backwardTraffic: backwardTraffic,
            savedElements: op.savedTensors * elements, savedTensors: op.savedTensorNames)
    }

    /// Interpolation of a stored parameter table (`tableElements` values, e.g. a position
    /// table) to `elements` outputs.
    ///
    /// Forward: `op.forwardFLOPsPerElement` per output; traffic as `elementwise` prices it.
    /// Backward: `op.backwardFLOPsPerElement` per element of the gradient it produces, the
    /// table's; reads the incoming gradient and writes the table gradient. Autograd keeps no
    /// tensor for it (`upsample_*_backward` needs only the sizes).
    public static func resize(_ name: String, _ op: ElementwiseOp, elements: Formula, tableElements: Formula) -> CostTerm {
        CostTerm(
            name: name, unit: .cudaCore,
            forwardFLOPs: op.forwardFLOPsPerElement * elements,
            backwardFLOPs: op.backwardFLOPsPerElement * tableElements,
            forwardTraffic: Traffic(
                activationReads: op.forwardInputs * elements, weightReads: tableElements, writes: elements),
            backwardTraffic: Traffic(activationReads: elements, writes: tableElements))
    }
}

extension CostTerm {
    /// `x + t` where `t` (a position table, `addendElements` values) is broadcast over the batch:
    /// one add per output element; reads x and the table once, writes the sum.
    public static func broadcastAdd(_ name: String, elements: Formula, addendElements: Formula) -> CostTerm {
        CostTerm(
            name: name, unit: .cudaCore,
            forwardFLOPs: ElementwiseOp.add.forwardFLOPsPerElement * elements,
            backwardFLOPs: ElementwiseOp.add.backwardFLOPsPerElement * elements,
            forwardTraffic: Traffic(activationReads: elements, weightReads: addendElements, writes: elements),
            backwardTraffic: Traffic(activationReads: elements, writes: addendElements))
    }
}
