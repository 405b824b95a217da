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
public struct DecomposedRelativePosition: Sendable {
    public let batch: Formula
    public let heads: Formula
    public let height: Symbol
    public let width: Symbol
    public let tokens: Formula
    public let headDim: Formula
    /// Rows of the stored `rel_pos_h` / `rel_pos_w` tables.
    public let storedTableRows: (height: Int, width: Int)

    public init(
        batch: Formula, heads: Formula, height: Symbol, width: Symbol, tokens: Formula, headDim: Formula,
        storedTableRows: (height: Int, width: Int)
    ) {
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
            terms.append(CostTerm.elementwise(
                "rel-pos table resize", .linearResize, elements: rows * headDim,
                weightElements: Symbol("L\(axis)", stored, "stored rel_pos_\(axis) table rows") * headDim)
                .renamed("rel-pos table resize (\(axis))"))
        }
        let queries = batch * heads * tokens * headDim
        for (axis, size) in [("h", height), ("w", width)] {
            // Gathered table R: [size, size, d]; output [B·h, S, size].
            let table = size * size * headDim
            let output = batch * heads * tokens * size
            let forward = 2 * batch * heads * tokens * size * headDim
            terms.append(CostTerm(
                name: "rel-pos einsum (\(axis))", unit: .tensorCore,
                forwardFLOPs: forward, backwardFLOPs: 2 * forward,
                forwardTraffic: Traffic(activationReads: queries, weightReads: table, writes: output),
                backwardTraffic: Traffic(activationReads: output + queries, weightReads: table, writes: queries + table),
                savedElements: queries))
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
            forwardTraffic: forwardTraffic, backwardTraffic: backwardTraffic, savedElements: savedElements)
    }
}
