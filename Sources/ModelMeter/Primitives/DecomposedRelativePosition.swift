/// SAM's decomposed relative-position bias (MViTv2): two einsums of the queries against
/// per-axis tables, broadcast-summed into an additive `[B·h, S, S]` attention mask.
///
/// Symbols: `B` batch, `h` heads, `H`, `W` query grid (keys share it), `S = H·W`, `d` head width.
/// ```
/// rel-pos table resize (CUDA core)   4·(2·H−1)·d per axis, only when the stored table has another length
/// rel-pos einsum (h)   (tensor core) 2·B·h·S·H·d     "bhwc,hkc->bhwk" (a bmm)
/// rel-pos einsum (w)   (tensor core) 2·B·h·S·W·d
/// rel-pos bias sum     (CUDA core)   B·h·S²          rel_h[..., None] + rel_w[..., None, :]
/// ```
/// Backward: each einsum's two operands both need gradients (queries; tables are parameters): 2×.
///
/// Saved for backward: each einsum is a `bmm` over the table axis, which keeps both operands:
/// the gathered table `R` (`H·H·d` or `W·W·d`; its gather keeps int64 indices, `8·H·H` or
/// `8·W·W` bytes) and the queries permuted to `[H, B·h·W, d]` (or `[W, B·h·H, d]`). The
/// permute is a copy (`B·h·S·d`) unless the merged axes are adjacent in memory: never for the
/// h-axis einsum; for the w-axis einsum only when the queries are a strided view of the
/// projection output (`queriesAreStridedView`), otherwise it keeps a view of the queries'
/// storage, which attention counts. The resize keeps nothing; the bias sum keeps nothing.
public struct DecomposedRelativePosition: Sendable {
    public let batch: Formula
    public let heads: Formula
    public let height: Symbol
    public let width: Symbol
    public let tokens: Formula
    public let headDim: Formula
    /// Rows of the stored `rel_pos_h` / `rel_pos_w` tables.
    public let storedTableRows: (height: Int, width: Int)
    /// True when the queries are a strided view of the QKV projection output rather than a
    /// contiguous tensor (SAM with one image: `reshape` needs no copy when `B = 1`).
    public let queriesAreStridedView: Bool

    public init(
        batch: Formula, heads: Formula, height: Symbol, width: Symbol, tokens: Formula, headDim: Formula,
        storedTableRows: (height: Int, width: Int), queriesAreStridedView: Bool = false
    ) {
        self.queriesAreStridedView = queriesAreStridedView
        self.batch = batch
        self.heads = heads
        self.height = height
        self.width = width
        self.tokens = tokens
        self.headDim = headDim
        self.storedTableRows = storedTableRows
    }

    public var terms: [CostTerm] {
        var terms: [CostTerm] = []
        for (axis, size, stored) in [("h", height, storedTableRows.height), ("w", width, storedTableRows.width)]
        where stored != 2 * size.value - 1 {
            // F.interpolate(mode="linear") from `stored` rows to 2·size−1 rows of width d.
            let rows = 2 * size.formula + .constant(-1)
            terms.append(CostTerm.resize(
                "rel-pos table resize (\(axis))", .linearResize, elements: rows * headDim,
                tableElements: Symbol("L\(axis)", stored, "stored rel_pos_\(axis) table rows") * headDim))
        }
        let queries = batch * heads * tokens * headDim
        let matrices = (try? (batch * heads).evaluate()) ?? 2
        for (axis, size, other) in [("h", height, width), ("w", width, height)] {
            // Gathered table R: [size, size, d]; output [B·h, S, size].
            let table = size * size * headDim
            let output = batch * heads * tokens * size
            let forward = 2 * batch * heads * tokens * size * headDim
            // The axes merged into the bmm's rows: (B·h, W) for the h einsum, (B·h, H) for w.
            let copiesQueries = matrices > 1 && other.value > 1 && (axis == "h" || queriesAreStridedView)
            terms.append(CostTerm(
                name: "rel-pos einsum (\(axis))", unit: .tensorCore,
                forwardFLOPs: forward, backwardFLOPs: 2 * forward,
                forwardTraffic: Traffic(activationReads: queries, weightReads: table, writes: output),
                backwardTraffic: Traffic(activationReads: output + queries, weightReads: table, writes: queries + table),
                savedElements: (copiesQueries ? queries : .zero) + table, savedFixedWidthBytes: 8 * size * size,
                savedTensors: (copiesQueries ? "permuted copy of the queries" : "queries (a view counted by attention)")
                    + ", gathered table R\(axis); int64 gather indices"))
        }
        // rel_h [B·h, S, H, 1] + rel_w [B·h, S, 1, W] → [B·h, S, H·W]: reads both, writes S² per head.
        let sum = batch * heads * .power(tokens, 2)
        let parts = batch * heads * tokens * (height + width)
        terms.append(CostTerm(
            name: "rel-pos bias sum", unit: .cudaCore, forwardFLOPs: sum, backwardFLOPs: sum,
            forwardTraffic: Traffic(activationReads: parts, writes: sum),
            backwardTraffic: Traffic(activationReads: sum, writes: parts)))
        return terms
    }
}

extension CostTerm {
    /// The same term under another name.
    public func renamed(_ newName: String) -> CostTerm {
        CostTerm(
            name: newName, unit: unit, forwardFLOPs: forwardFLOPs, backwardFLOPs: backwardFLOPs,
            forwardTraffic: forwardTraffic, backwardTraffic: backwardTraffic, savedElements: savedElements,
            savedFixedWidthBytes: savedFixedWidthBytes, savedTensors: savedTensors)
    }
}
