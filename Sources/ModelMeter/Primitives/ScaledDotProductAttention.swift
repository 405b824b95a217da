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
/// SDPA P·V         (tensor core)  forward 2·B·h·S·Sk·dv  backward 2× (dP, dV); dv = d unless `valueHeadDim`
/// ```
/// Tensor-core forward total `4·B·h·S·Sk·d` equals FlopCounterMode's count (a causal mask is
/// added to the full square, not skipped); backward totals are 2.5× (fused) and 2× (math path),
/// as FlopCounterMode counts those kernels.
///
/// Saved for backward, by derivatives.yaml, each storage once:
/// ```
/// sdpa   Q, K, V (B·h·(S + 2·Sk)·d; for the encoders views of one packed projection), O
///        (B·h·S·d), the mask (B·h·S·Sk) and the log-sum-exp (B·h·S, fp32)
/// eager  Q·√s and K·√s (the math path scales copies: B·h·(S + Sk)·d), P (B·h·S·Sk, kept by
///        softmax, shared with P·V) and V's storage (`valueStorageElements`); the mask add is in place
/// ```
/// `LlamaAttention` runs its own eager code: the scores bmm takes Q and K as they are and divides
/// afterwards (`scalesScoresAfterMatmul`), and softmax runs in fp32 (`softmaxInFP32`: P is kept at
/// 4 B per element whatever the storage precision).
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
    /// Eager path: elements of the storage the P·V `bmm` keeps for V: the whole packed Q, K, V
    /// projection when V is a view `bmm` can take as it is; nil when V is (or is copied to) a
    /// tensor of its own (`B·h·Sk·d`).
    public var valueStorageElements: Formula?
    /// Eager path: the bmm takes Q and K unscaled and the scores are divided by √d afterwards
    /// (LlamaAttention): it keeps Q and K themselves, not scaled copies (same element count).
    public var scalesScoresAfterMatmul = false
    /// Eager path: `softmax(…, dtype=float32)` (LlamaAttention): P is kept in fp32, `4·B·h·S·Sk` bytes.
    /// Below fp32 the `.to(dtype)` copy P·V keeps (`B·h·S·Sk` elements) is not counted.
    public var softmaxInFP32 = false
    /// Heads K and V are stored with when fewer than `heads` (grouped-query attention under a fused
    /// kernel, MLA's one latent head): K and V traffic counts these; nil: `heads`.
    public var keyValueHeads: Formula?
    /// Width of V and O per head when it differs from the Q·Kᵀ width `headDim` (MLA's `v_head_dim`,
    /// the latent width of absorbed MLA): P·V costs `2·B·h·S·Sk·dv`; nil: `headDim`.
    public var valueHeadDim: Formula?

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
        let vectors = batch * heads * tokens * headDim            // Q (and O when V is as wide)
        let keyVectors = batch * (keyValueHeads ?? heads) * keyTokens * headDim   // K (and V)
        let matmul = 2 * batch * heads * square * headDim
        let fused = kernel == .sdpa
        let mask = hasMask ? scores : .zero
        // V, O and P·V at their own width when it differs from Q·Kᵀ's (MLA); otherwise as before.
        let outputs = valueHeadDim.map { batch * heads * tokens * $0 } ?? vectors
        let valueVectors = valueHeadDim.map { batch * (keyValueHeads ?? heads) * keyTokens * $0 } ?? keyVectors
        let valueMatmul = valueHeadDim.map { 2 * batch * heads * square * $0 } ?? matmul
        let inputs = valueHeadDim == nil ? vectors + 2 * keyVectors : vectors + keyVectors + valueVectors
        let uniform = valueHeadDim == nil && keyValueHeads == nil

        let scoresTerm: CostTerm
        let outputTerm: CostTerm
        if fused {
            // One kernel: reads Q, K, V (+ mask), writes O; backward reads Q, K, V, O, dO (+ mask),
            // writes dQ, dK, dV (+ the mask's gradient). Saved: Q, K, V, O (+ mask).
            scoresTerm = CostTerm(
                name: "SDPA scores QKᵀ", unit: .tensorCore, forwardFLOPs: matmul, backwardFLOPs: 3 * matmul,
                forwardTraffic: Traffic(activationReads: inputs + mask, writes: outputs),
                backwardTraffic: Traffic(activationReads: inputs + 2 * outputs + mask, writes: inputs + mask),
                savedElements: (keyTokens == tokens && uniform ? 4 * vectors : inputs + outputs) + mask,
                savedFixedWidthBytes: 4 * batch * heads * tokens,
                savedTensors: "Q, K, V, output O" + (hasMask ? ", mask" : "") + "; log-sum-exp (fp32)")
            outputTerm = CostTerm(
                name: "SDPA P·V", unit: .tensorCore, forwardFLOPs: valueMatmul, backwardFLOPs: 2 * valueMatmul,
                forwardTraffic: .none, backwardTraffic: .none)
        } else {
            // Separate kernels: Q·Kᵀ writes the scores, P·V reads the probabilities.
            scoresTerm = CostTerm(
                name: "SDPA scores QKᵀ", unit: .tensorCore, forwardFLOPs: matmul, backwardFLOPs: 2 * matmul,
                forwardTraffic: Traffic(activationReads: vectors + keyVectors, writes: scores),
                backwardTraffic: Traffic(activationReads: scores + vectors + keyVectors, writes: vectors + keyVectors),
                savedElements: keyTokens == tokens && uniform ? 2 * vectors : vectors + keyVectors,
                savedTensors: scalesScoresAfterMatmul
                    ? "Q and K as the bmm takes them (the scores are divided by √d afterwards)"
                    : "Q·√s and K·√s (scaled copies)")
            outputTerm = CostTerm(
                name: "SDPA P·V", unit: .tensorCore, forwardFLOPs: valueMatmul, backwardFLOPs: 2 * valueMatmul,
                forwardTraffic: Traffic(activationReads: scores + valueVectors, writes: outputs),
                backwardTraffic: Traffic(activationReads: outputs + scores + valueVectors, writes: scores + valueVectors),
                savedElements: valueStorageElements ?? valueVectors,
                savedTensors: valueStorageElements == nil
                    ? "V (P is softmax's output, counted there)"
                    : "V's storage, the packed Q, K, V (P is softmax's output, counted there)")
        }
        var terms = [scoresTerm]
        if hasMask {
            terms.append(.elementwise("SDPA mask add", .add, elements: scores, fused: fused))
        } else if causalMask && !fused {
            // The eager path adds a `[B, 1, S, Sk]` causal mask broadcast over heads; fused kernels
            // take `is_causal` and build it on chip.
            terms.append(.broadcastAdd("SDPA causal mask add", elements: scores, addendElements: batch * square))
        }
        let softmax = CostTerm.elementwise("SDPA softmax", .softmax, elements: scores, fused: fused)
        // Inside a fused kernel P never exists outside it: the kernel's save set (log-sum-exp) covers it.
        if fused {
            terms.append(softmax.saving(.zero, tensors: ""))
        } else if softmaxInFP32 {
            terms.append(softmax.saving(.zero, fixedWidthBytes: 4 * scores, tensors: "output P (fp32: softmax runs in fp32)"))
        } else {
            terms.append(softmax)
        }
        terms.append(outputTerm)
        return terms
    }
}
