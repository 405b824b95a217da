/// Costs of one pass (forward or backward) over a layer.
public struct PassCost: Sendable, Hashable, Codable {
    public var tensorCoreFLOPs: Int
    public var cudaCoreFLOPs: Int
    /// DRAM bytes moved under the one-read-one-write-per-kernel fusion assumption.
    public var ioBytes: Int

    public init(tensorCoreFLOPs: Int = 0, cudaCoreFLOPs: Int = 0, ioBytes: Int = 0) {
        self.tensorCoreFLOPs = tensorCoreFLOPs
        self.cudaCoreFLOPs = cudaCoreFLOPs
        self.ioBytes = ioBytes
    }

    /// Tensor-core + CUDA-core FLOPs. Every pass `Layer.metrics` returns has this sum checked
    /// (``checkedTotal(_:)``); sums of passes are checked where they are formed.
    public var totalFLOPs: Int { tensorCoreFLOPs + cudaCoreFLOPs }

    /// `TC + CUDA`, or `overflow` naming `what` when the sum leaves 64 bits.
    public func checkedTotal(_ what: String) throws -> Int {
        try ModelMeterError.checkedSum(tensorCoreFLOPs, cudaCoreFLOPs, what)
    }

    /// FLOPs per byte moved: `(TC + CUDA) / ioBytes` (0 when nothing moves), summed in doubles.
    public var arithmeticIntensity: Double {
        ioBytes == 0 ? 0 : (Double(tensorCoreFLOPs) + Double(cudaCoreFLOPs)) / Double(ioBytes)
    }
}

/// Arithmetic on costs, field by field: tensor-core FLOPs, CUDA-core FLOPs and bytes each add,
/// subtract and scale on their own (`(a + b).ioBytes = a.ioBytes + b.ioBytes`). The operators
/// trap on overflow like `Int`'s; the `throws` forms report it as `overflow` naming the sum.
extension PassCost: AdditiveArithmetic {
    /// No FLOPs, no bytes.
    public static let zero = PassCost()

    public static func + (a: PassCost, b: PassCost) -> PassCost {
        PassCost(
            tensorCoreFLOPs: a.tensorCoreFLOPs + b.tensorCoreFLOPs, cudaCoreFLOPs: a.cudaCoreFLOPs + b.cudaCoreFLOPs,
            ioBytes: a.ioBytes + b.ioBytes)
    }

    public static func - (a: PassCost, b: PassCost) -> PassCost {
        PassCost(
            tensorCoreFLOPs: a.tensorCoreFLOPs - b.tensorCoreFLOPs, cudaCoreFLOPs: a.cudaCoreFLOPs - b.cudaCoreFLOPs,
            ioBytes: a.ioBytes - b.ioBytes)
    }

    /// The cost of `count` runs: every field times `count`.
    public static func * (cost: PassCost, count: Int) -> PassCost {
        PassCost(tensorCoreFLOPs: cost.tensorCoreFLOPs * count, cudaCoreFLOPs: cost.cudaCoreFLOPs * count, ioBytes: cost.ioBytes * count)
    }

    public static func * (count: Int, cost: PassCost) -> PassCost { cost * count }

    /// `a·x + b·y`, each field exact or `overflow` naming `what`.
    public static func combination(_ a: PassCost, _ x: Int, _ b: PassCost, _ y: Int, _ what: String) throws -> PassCost {
        func field(_ u: Int, _ v: Int) throws -> Int {
            try ModelMeterError.checkedSum(
                try ModelMeterError.checkedProduct(u, x, what), try ModelMeterError.checkedProduct(v, y, what), what)
        }
        return PassCost(
            tensorCoreFLOPs: try field(a.tensorCoreFLOPs, b.tensorCoreFLOPs), cudaCoreFLOPs: try field(a.cudaCoreFLOPs, b.cudaCoreFLOPs),
            ioBytes: try field(a.ioBytes, b.ioBytes))
    }

    /// `self + other·count`, each field exact or `overflow` naming `what`.
    public func adding(_ other: PassCost, times count: Int = 1, _ what: String = "decode sum") throws -> PassCost {
        try PassCost.combination(self, 1, other, count, what)
    }
}

extension Sequence where Element: AdditiveArithmetic {
    /// `Σ` of the elements (`.zero` when empty), with the element type's own `+`.
    public func sum() -> Element { reduce(.zero, +) }
}
