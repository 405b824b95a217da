/// Which attention kernel runs `softmax(Q·Kᵀ/√d + mask)·V`.
public enum AttentionKernel: String, CaseIterable, Sendable, Codable {
    /// Fused (`F.scaled_dot_product_attention` → flash / memory-efficient): scores never reach
    /// DRAM; backward recomputes Q·Kᵀ, so the matmul part costs 2.5× forward.
    case sdpa
    /// Eager / math path: scores and probabilities are written and read back; backward is 2× forward.
    case eager
}

/// The attention core shared by SAM's `Attention` and CLIP's `NoTPAttention`.
///
/// Symbols: `B` batch, `h` heads, `S` tokens (queries = keys), `d` head width.
/// ```
/// SDPA scores QKᵀ  (tensor core)  forward 2·B·h·S²·d   backward 3× (sdpa: recompute, dQ, dK) or 2× (eager)
/// SDPA mask add    (CUDA core)    forward B·h·S²       (only with an additive mask)
/// SDPA softmax     (CUDA core)    forward 5·B·h·S²
/// SDPA P·V         (tensor core)  forward 2·B·h·S²·d   backward 2× (dP, dV)
/// ```
/// Tensor-core forward total `4·B·h·S²·d` equals FlopCounterMode's SDPA count; backward totals
/// are 2.5× (fused) and 2× (math path), as FlopCounterMode counts those kernels.
///
/// Saved for backward, by derivatives.yaml, each storage once:
/// ```
/// sdpa   Q, K, V (3·B·h·S·d: views of one packed projection), O (B·h·S·d), the mask (B·h·S²)
///        and the log-sum-exp (B·h·S, fp32)
/// eager  Q·√s and K·√s (the math path scales copies: 2·B·h·S·d), P (B·h·S², kept by softmax,
///        shared with P·V) and V's storage (`valueStorageElements`); the mask add is in place
/// ```
public struct ScaledDotProductAttention: Sendable {
    public let batch: Formula
    public let heads: Formula
    public let tokens: Formula
    public let headDim: Formula
    /// An additive `[B, h, S, S]` mask (SAM's relative-position bias); it needs a gradient.
    public let hasMask: Bool
    public let kernel: AttentionKernel
    /// Eager path: elements of the storage the P·V `bmm` keeps for V: the whole packed Q, K, V
    /// projection when V is a view `bmm` can take as it is; nil when V is (or is copied to) a
    /// tensor of its own (`B·h·S·d`).
    public var valueStorageElements: Formula?

    public init(batch: Formula, heads: Formula, tokens: Formula, headDim: Formula, hasMask: Bool, kernel: AttentionKernel) {
        self.batch = batch
        self.heads = heads
        self.tokens = tokens
        self.headDim = headDim
        self.hasMask = hasMask
        self.kernel = kernel
    }

    public var terms: [CostTerm] {
        let scores = batch * heads * .power(tokens, 2)            // B·h·S² elements
        let vectors = batch * heads * tokens * headDim            // one of Q, K, V, O
        let matmul = 2 * batch * heads * .power(tokens, 2) * headDim
        let mask = hasMask ? scores : .zero
        let fused = kernel == .sdpa

        let scoresTerm: CostTerm
        let outputTerm: CostTerm
        if fused {
            // One kernel: reads Q, K, V (+ mask), writes O; backward reads Q, K, V, O, dO (+ mask),
            // writes dQ, dK, dV (+ the mask's gradient). Saved: Q, K, V, O (+ mask).
            scoresTerm = CostTerm(
                name: "SDPA scores QKᵀ", unit: .tensorCore, forwardFLOPs: matmul, backwardFLOPs: 3 * matmul,
                forwardTraffic: Traffic(activationReads: 3 * vectors + mask, writes: vectors),
                backwardTraffic: Traffic(activationReads: 5 * vectors + mask, writes: 3 * vectors + mask),
                savedElements: 4 * vectors + mask, savedFixedWidthBytes: 4 * batch * heads * tokens,
                savedTensors: "Q, K, V, output O" + (hasMask ? ", mask" : "") + "; log-sum-exp (fp32)")
            outputTerm = CostTerm(
                name: "SDPA P·V", unit: .tensorCore, forwardFLOPs: matmul, backwardFLOPs: 2 * matmul,
                forwardTraffic: .none, backwardTraffic: .none)
        } else {
            // Separate kernels: Q·Kᵀ writes the scores, P·V reads the probabilities.
            scoresTerm = CostTerm(
                name: "SDPA scores QKᵀ", unit: .tensorCore, forwardFLOPs: matmul, backwardFLOPs: 2 * matmul,
                forwardTraffic: Traffic(activationReads: 2 * vectors, writes: scores),
                backwardTraffic: Traffic(activationReads: scores + 2 * vectors, writes: 2 * vectors),
                savedElements: 2 * vectors, savedTensors: "Q·√s and K·√s (scaled copies)")
            outputTerm = CostTerm(
                name: "SDPA P·V", unit: .tensorCore, forwardFLOPs: matmul, backwardFLOPs: 2 * matmul,
                forwardTraffic: Traffic(activationReads: scores + vectors, writes: vectors),
                backwardTraffic: Traffic(activationReads: vectors + scores + vectors, writes: scores + vectors),
                savedElements: valueStorageElements ?? vectors,
                savedTensors: valueStorageElements == nil
                    ? "V (P is softmax's output, counted there)"
                    : "V's storage, the packed Q, K, V (P is softmax's output, counted there)")
        }
        var terms = [scoresTerm]
        if hasMask {
            terms.append(.elementwise("SDPA mask add", .add, elements: scores, fused: fused))
        }
        let softmax = CostTerm.elementwise("SDPA softmax", .softmax, elements: scores, fused: fused)
        // Inside a fused kernel P never exists outside it: the kernel's save set (log-sum-exp) covers it.
        terms.append(fused ? softmax.saving(.zero, tensors: "") : softmax)
        terms.append(outputTerm)
        return terms
    }
}
