/// One kernel the model launches in a call: a cost term (with the terms that run inside it) at
/// one module path, and how many times the call runs it.
///
/// A term with no DRAM traffic of its own (a fused SDPA's softmax and P·V) runs inside the
/// kernel before it, so it adds its FLOPs there and does not count as a kernel.
public struct ModelKernel: Sendable, Hashable {
    /// Module path of the term's layer (`blocks.2.attn`), the first copy's when `count` > 1.
    public let path: String
    public let layerType: String
    public let term: String
    public let kernelClass: KernelClass
    /// Launches per call (the product of list multiplicities above the term).
    public let count: Int
    /// Cost of one launch.
    public let cost: PassCost
    /// Parameter bytes one launch reads.
    public let weightReadBytes: Int
    /// Launches the term becomes when a runtime loops over its layer's items in Python (the
    /// routed experts: one per touched expert, `E_t`); 1 for every other term.
    public var loopedLaunches: Int = 1
}

/// A layer whose terms an eager runtime runs once per item of a Python loop (the vendor's MoE
/// runs each touched expert's projections on its own), while a fused runtime runs them as one
/// grouped kernel.
public protocol LoopedKernels {
    /// Items of the loop: launches per term under an eager runtime.
    var loopedLaunches: Int { get }
}

extension EvaluatedLayer {
    /// Every kernel of one call, in execution order; `Σ count × cost` equals the call's forward totals.
    public func kernels(precision: Precision) throws -> [ModelKernel] {
        var result: [ModelKernel] = []
        try collectKernels(into: &result, path: "", multiplicity: 1, precision: precision)
        return result
    }

    private func collectKernels(into result: inout [ModelKernel], path: String, multiplicity: Int, precision: Precision) throws {
        let bytes = precision.bytesPerElement
        var evaluatedChildren = children[...]
        var previous: Int?
        for step in layer.steps {
            switch step {
            case let .term(term):
                let flops = try term.forwardFLOPs.evaluate()
                let traffic = try term.forwardTraffic.total.evaluate() * bytes
                let weights = try term.forwardTraffic.weightReads.evaluate() * bytes
                let cost = PassCost(
                    tensorCoreFLOPs: term.unit == .tensorCore ? flops : 0, cudaCoreFLOPs: term.unit == .cudaCore ? flops : 0,
                    ioBytes: traffic)
                if traffic == 0, let index = previous {
                    // Runs inside the kernel before it (fused attention's softmax and P·V).
                    let k = result[index]
                    result[index] = ModelKernel(
                        path: k.path, layerType: k.layerType, term: k.term, kernelClass: k.kernelClass, count: k.count,
                        cost: k.cost + PassCost(tensorCoreFLOPs: cost.tensorCoreFLOPs, cudaCoreFLOPs: cost.cudaCoreFLOPs),
                        weightReadBytes: k.weightReadBytes, loopedLaunches: k.loopedLaunches)
                    continue
                }
                if traffic == 0 && flops == 0 { continue }
                result.append(ModelKernel(
                    path: path, layerType: layer.typeName, term: term.name,
                    kernelClass: ModelKernel.classify(term: term, layerType: layer.typeName, cost: cost, weightReadBytes: weights, bytesPerElement: bytes),
                    count: multiplicity, cost: cost, weightReadBytes: weights,
                    loopedLaunches: (layer as? any LoopedKernels)?.loopedLaunches ?? 1))
                previous = result.count - 1
            case let .child(child):
                guard let (_, evaluated) = evaluatedChildren.popFirst() else { continue }
                let count = try ModelMeterError.checkedProduct(multiplicity, child.count, "kernel count of \(child.name)")
                let name = child.isNamespace ? child.name : (child.firstIndex.map { String($0) } ?? child.name)
                let childPath = child.isNamespace
                    ? (child.name.isEmpty ? path : path + child.name + "/")
                    : path + name + "."
                try evaluated.collectKernels(into: &result, path: childPath, multiplicity: count, precision: precision)
                previous = nil
            }
        }
    }
}

extension ModelKernel {
    /// Rows at or below which a matmul runs as a matrix-vector kernel (cuBLAS picks GEMV for a
    /// decode step's handful of rows).
    public static let gemvRows = 8

    /// The class of a model kernel: attention for the SDPA and relative-position terms, MoE
    /// routing for the gate's selection and the dispatch and combine, GEMV for a matmul of at
    /// most `gemvRows` rows (rows = FLOPs·e / (2·weight bytes)), GEMM for other tensor-core
    /// terms, elementwise/norm for CUDA-core terms, copy/cat for data movement.
    static func classify(term: CostTerm, layerType: String, cost: PassCost, weightReadBytes: Int, bytesPerElement: Int) -> KernelClass {
        let name = term.name.lowercased()
        if name.hasPrefix("sdpa") || name.hasPrefix("rel-pos") { return .attention }
        if name.contains("top-k") || name.hasPrefix("dispatch") || name.hasPrefix("combine") || name.hasPrefix("router softmax") {
            return .moeRouting
        }
        switch term.unit {
        case .tensorCore:
            if weightReadBytes > 0 {
                let rows = Double(cost.tensorCoreFLOPs) * Double(bytesPerElement) / (2 * Double(weightReadBytes))
                if rows <= Double(gemvRows) { return .gemv }
            }
            return .gemm
        case .cudaCore:
            return .elementwise
        case .memoryOnly:
            return .copy
        }
    }
}
