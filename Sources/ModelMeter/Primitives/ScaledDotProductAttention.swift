/// Which attention kernel runs `softmax(Q·Kᵀ/√d + mask)·V`.
public enum AttentionKernel: String, CaseIterable, Sendable, Codable {
    /// Fused (`F.scaled_dot_product_attention` → flash / memory-efficient): scores never reach
    /// DRAM; backward recomputes Q·Kᵀ, so the matmul part costs 2.5× forward.
    case sdpa
    /// Eager / math path: scores and probabilities are written and read back; backward is 2× forward.
    case eager

    /// The kernel named `text` (`sdpa`, `eager`), case-insensitively.
    public static func named(_ text: String) throws -> AttentionKernel {
        guard let kernel = AttentionKernel(rawValue: text.lowercased()) else {
            throw ModelMeterError.unknownName(kind: "attention variant", name: text, accepted: allCases.map(\.rawValue))
        }
        return kernel
    }
}

/// The attention core shared by SAM's `Attention`, CLIP's `NoTPAttention` and the decoder's
/// `LlamaAttention`.
///
/// Symbols: `B` batch, `h` heads, `S` query tokens, `Sk` key tokens (`S` for the encoders,
/// `L + S` for a decoder step with `L` cached tokens), `d` head width.
/// ```
/// SDPA scores QKᵀ  (tensor core)  forward 2·B·h·S·Sk·d   backward 3× (sdpa: recompute, dQ, dK) or 2× (eager)
/// SDPA mask add    (CUDA core)    forward B·h·S·Sk       (with an additive or causal mask)
/// SDPA softmax     (CUDA core)    forward 5·B·h·S·Sk
/// SDPA P·V         (tensor core)  forward 2·B·h·S·Sk·d   backward 2× (dP, dV)
/// ```
/// Tensor-core forward total `4·B·h·S·Sk·d` equals FlopCounterMode's count (a causal mask is
/// added to the full square, not skipped); backward totals are 2.5× (fused) and 2× (math path),
/// as FlopCounterMode counts those kernels.
public struct ScaledDotProductAttention: Sendable {
    public let batch: Formula
    public let heads: Formula
    public let tokens: Formula
    /// Key (and value) positions; equal to `tokens` for self-attention without a cache.
    public let keyTokens: Formula
    public let headDim: Formula
    /// An additive `[B, h, S, S]` mask (SAM's relative-position bias); it needs a gradient.
    public let hasMask: Bool
    /// A causal `[B, 1, S, Sk]` mask added on the eager path (fused kernels take `is_causal`).
    public let causalMask: Bool
    public let kernel: AttentionKernel

    public init(
        batch: Formula, heads: Formula, tokens: Formula, keyTokens: Formula? = nil, headDim: Formula,
        hasMask: Bool, causalMask: Bool = false, kernel: AttentionKernel
    ) {
        self.batch = batch
        self.heads = heads
        self.tokens = tokens
        self.keyTokens = keyTokens ?? tokens
        self.headDim = headDim
        self.hasMask = hasMask
        self.causalMask = causalMask
        self.kernel = kernel
    }

    public var terms: [CostTerm] {
        let square: Formula = keyTokens == tokens ? .power(tokens, 2) : tokens * keyTokens
        let scores = batch * heads * square                       // B·h·S·Sk elements
        let vectors = batch * heads * tokens * headDim            // one of Q, O
        let keyVectors = batch * heads * keyTokens * headDim      // one of K, V
        let matmul = 2 * batch * heads * square * headDim
        let fused = kernel == .sdpa
        let mask = hasMask ? scores : .zero
        let inputs = vectors + 2 * keyVectors

        let scoresTerm: CostTerm
        let outputTerm: CostTerm
        if fused {
            // One kernel: reads Q, K, V (+ mask), writes O; backward reads Q, K, V, O, dO (+ mask),
            // writes dQ, dK, dV (+ the mask's gradient). Saved: Q, K, V, O (+ mask).
            scoresTerm = CostTerm(
                name: "SDPA scores QKᵀ", unit: .tensorCore, forwardFLOPs: matmul, backwardFLOPs: 3 * matmul,
                forwardTraffic: Traffic(activationReads: inputs + mask, writes: vectors),
                backwardTraffic: Traffic(activationReads: inputs + 2 * vectors + mask, writes: inputs + mask),
                savedElements: inputs + vectors + mask)
            outputTerm = CostTerm(
                name: "SDPA P·V", unit: .tensorCore, forwardFLOPs: matmul, backwardFLOPs: 2 * matmul,
                forwardTraffic: .none, backwardTraffic: .none)
        } else {
            // Separate kernels: Q·Kᵀ writes the scores, P·V reads the probabilities.
            scoresTerm = CostTerm(
                name: "SDPA scores QKᵀ", unit: .tensorCore, forwardFLOPs: matmul, backwardFLOPs: 2 * matmul,
                forwardTraffic: Traffic(activationReads: vectors + keyVectors, writes: scores),
                backwardTraffic: Traffic(activationReads: scores + vectors + keyVectors, writes: vectors + keyVectors),
                savedElements: vectors + keyVectors)
            outputTerm = CostTerm(
                name: "SDPA P·V", unit: .tensorCore, forwardFLOPs: matmul, backwardFLOPs: 2 * matmul,
                forwardTraffic: Traffic(activationReads: scores + keyVectors, writes: vectors),
                backwardTraffic: Traffic(activationReads: vectors + scores + keyVectors, writes: scores + keyVectors),
                savedElements: scores + keyVectors)
        }
        var terms = [scoresTerm]
        if hasMask {
            terms.append(.elementwise("SDPA mask add", .add, elements: scores, fused: fused))
        } else if causalMask && !fused {
            // The eager path adds a `[B, 1, S, Sk]` causal mask broadcast over heads; fused kernels
            // take `is_causal` and build it on chip.
            terms.append(.broadcastAdd("SDPA causal mask add", elements: scores, addendElements: batch * square))
        }
        terms.append(.elementwise("SDPA softmax", .softmax, elements: scores, fused: fused))
        terms.append(outputTerm)
        return terms
    }
}
