import Foundation

/// Least squares for `y ≈ Σ_j c_j·x_j` with each coefficient at or above its floor, rows weighted
/// by `1/y` so that small and large stages count alike. Every choice of coefficients held at their
/// fixed values (the rest solved from the normal equations) is tried, fewest free first; the
/// feasible one with the least residual wins (a later one must be better by more than 10⁻⁹).
public enum BoundedLeastSquares {
    /// One unknown: its lowest allowed value and the value it keeps when not fitted.
    public struct Unknown: Sendable {
        public let floor: Double
        public let fixed: Double
        public init(floor: Double, fixed: Double) {
            self.floor = floor
            self.fixed = fixed
        }
    }

    /// The coefficients, one per unknown.
    public static func fit(_ rows: [(y: Double, x: [Double])], unknowns: [Unknown]) -> [Double] {
        let n = unknowns.count
        let used = rows.filter { $0.y > 0 }
        func residual(_ c: [Double]) -> Double {
            used.reduce(0) { total, row in
                let predicted = zip(row.x, c).reduce(0) { $0 + $1.0 * $1.1 }
                return total + pow((row.y - predicted) / row.y, 2)
            }
        }
        var best = unknowns.map(\.fixed)
        var bestResidual = residual(best)
        let subsets = (0..<(1 << n)).sorted { $0.nonzeroBitCount < $1.nonzeroBitCount }
        for mask in subsets where mask != 0 {
            let free = (0..<n).filter { mask & (1 << $0) != 0 }
            // Normal equations for the free coefficients, the fixed ones moved to the left side.
            var a = [[Double]](repeating: [Double](repeating: 0, count: free.count + 1), count: free.count)
            for row in used {
                let w = 1 / (row.y * row.y)
                let rest = row.y - (0..<n).filter { mask & (1 << $0) == 0 }.reduce(0) { $0 + row.x[$1] * unknowns[$1].fixed }
                for (i, fi) in free.enumerated() {
                    for (j, fj) in free.enumerated() { a[i][j] += w * row.x[fi] * row.x[fj] }
                    a[i][free.count] += w * row.x[fi] * rest
                }
            }
            guard let solution = solve(a) else { continue }
            var c = unknowns.map(\.fixed)
            for (i, fi) in free.enumerated() { c[fi] = solution[i] }
            guard zip(c, unknowns).allSatisfy({ $0.0.isFinite && $0.0 >= $0.1.floor }) else { continue }
            let r = residual(c)
            if r < bestResidual - 1e-9 {
                best = c
                bestResidual = r
            }
        }
        return best
    }

    /// Gaussian elimination with partial pivoting on an augmented matrix; nil when singular.
    static func solve(_ matrix: [[Double]]) -> [Double]? {
        var m = matrix
        let n = m.count
        for col in 0..<n {
            guard let pivot = (col..<n).max(by: { abs(m[$0][col]) < abs(m[$1][col]) }), abs(m[pivot][col]) > 1e-30 else { return nil }
            m.swapAt(col, pivot)
            for row in 0..<n where row != col {
                let factor = m[row][col] / m[col][col]
                for k in col...n { m[row][k] -= factor * m[col][k] }
            }
        }
        let scale = m.map { $0.prefix(n).map(abs).max() ?? 0 }.max() ?? 0
        guard (0..<n).allSatisfy({ abs(m[$0][$0]) > 1e-12 * scale }) else { return nil }
        return (0..<n).map { m[$0][n] / m[$0][$0] }
    }
}
