/// The kinds of GPU kernel a profile is grouped into, for measured kernels (by name) and for the
/// model's own kernels (by cost term) alike.
public enum KernelClass: String, CaseIterable, Sendable, Codable {
    case gemm = "GEMM"
    case gemv = "GEMV"
    case attention = "attention"
    case elementwise = "elementwise/norm"
    case copy = "copy/cat"
    case moeRouting = "MoE routing"
    case other = "other"

    /// A JSON-safe key (`gemm`, `elementwise`, …).
    public var key: String {
        switch self {
        case .gemm: return "gemm"
        case .gemv: return "gemv"
        case .attention: return "attention"
        case .elementwise: return "elementwise"
        case .copy: return "copy"
        case .moeRouting: return "moeRouting"
        case .other: return "other"
        }
    }

    /// The class of a measured kernel from its (demangled) name; the first rule that matches wins:
    /// attention (`flash`, `fmha`, `attention`), MoE routing (top-k, sort, scatter, gather, index
    /// put, scan), GEMV (`gemv`, `gemmk1`), GEMM (`gemm`, `cutlass`, `cublas`, `xmma`, `fprop`,
    /// `nvjet`, `s16816`), copy/cat (`copy`, `cat`, `fill`), elementwise/norm (`elementwise`,
    /// `reduce`, `norm`, `softmax`, activations, `fused_`), other.
    public static func of(kernelName name: String) -> KernelClass {
        let n = name.lowercased()
        func any(_ words: [String]) -> Bool { words.contains { n.contains($0) } }
        if any(["flash", "fmha", "attention", "mha_"]) { return .attention }
        if any(["topk", "bitonicsort", "radixsort", "index_put", "scatter", "indexselect", "gather_kernel", "devicescan", "moe_", "fused_moe"]) {
            return .moeRouting
        }
        if any(["gemv", "gemmk1"]) { return .gemv }
        if any(["gemm", "cutlass", "cublas", "xmma", "fprop", "nvjet", "s16816", "splitkreduce"]) { return .gemm }
        if any(["copy", "catarray", "cat_", "fillfunctor", "fill_kernel"]) { return .copy }
        if any(["elementwise", "reduce", "norm", "softmax", "silu", "gelu", "functor", "fused_", "upsample", "arange"]) {
            return .elementwise
        }
        return .other
    }
}
