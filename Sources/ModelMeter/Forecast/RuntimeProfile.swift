import Foundation

/// The constants of one kernel class under a runtime: the share of the compute roof and of the
/// bandwidth roof its kernels reach, the launches each model kernel becomes and their fixed
/// time, and where they were measured.
public struct ClassEfficiency: Sendable, Hashable, Codable {
    /// `e_c`: achieved / peak FLOP/s of the class's compute-bound kernels.
    public let compute: Double
    /// `e_b`: achieved / peak DRAM bandwidth of the class's memory-bound kernels.
    public let bandwidth: Double
    /// `m`: GPU kernels the runtime launches per model kernel of the class (eager PyTorch splits
    /// an RMSNorm into a cast, a square, a mean, an rsqrt and two products; fused runtimes launch one).
    public let kernelsPerModelKernel: Double
    /// `t_launch`: fixed time of one launched kernel of the class, in seconds.
    public let launchSeconds: Double
    /// How the figures were obtained, in words (the fit's data, or why a figure is not fitted).
    public let source: String

    public init(compute: Double, bandwidth: Double, kernelsPerModelKernel: Double, launchSeconds: Double, source: String) {
        self.compute = compute
        self.bandwidth = bandwidth
        self.kernelsPerModelKernel = kernelsPerModelKernel
        self.launchSeconds = launchSeconds
        self.source = source
    }

    /// `m·t_launch`: the fixed time one model kernel of the class adds.
    public var fixedSeconds: Double { kernelsPerModelKernel * launchSeconds }
}

/// One measured figure a profile was fitted on or checked against.
public struct FitPoint: Sendable, Hashable, Codable {
    /// What was measured, in words ("decode kernel time per step, RTX 5090, B = 1").
    public let label: String
    /// The file the figure comes from.
    public let source: String
    /// The measured value, in `unit`.
    public let measured: Double
    /// The forecast for the same setting after the fit.
    public let forecast: Double
    /// The roofline bound for the same setting.
    public let bound: Double
    public let unit: String
    /// True: a constant was fitted on this point; false: held out.
    public let fitted: Bool

    public init(label: String, source: String, measured: Double, forecast: Double, bound: Double, unit: String, fitted: Bool) {
        self.label = label
        self.source = source
        self.measured = measured
        self.forecast = forecast
        self.bound = bound
        self.unit = unit
        self.fitted = fitted
    }

    /// `forecast / measured − 1`: the forecast's relative error (times and rates alike).
    public var relativeError: Double { forecast / measured - 1 }

    /// The units a point may be in: seconds, or the rates pages use.
    public static let units = ["s", "pages/day", "tokens/s"]
}

/// Serving settings a runtime runs pages with (vLLM's `max_num_seqs`, memory share, encoder budget).
public struct ServingSettings: Sendable, Hashable, Codable {
    /// Most sequences decoded together (`max_num_seqs`).
    public let maxSequences: Int
    /// Share of GPU memory the engine may use (`gpu_memory_utilization`).
    public let memoryUtilization: Double
    /// Image positions the encoder runs together in one chunk (vLLM's encoder budget).
    public let encoderBudgetTokens: Int
    public let source: String

    public init(maxSequences: Int, memoryUtilization: Double, encoderBudgetTokens: Int, source: String) {
        self.maxSequences = maxSequences
        self.memoryUtilization = memoryUtilization
        self.encoderBudgetTokens = encoderBudgetTokens
        self.source = source
    }

    /// Settings read from files: positive counts and a memory share in (0, 1].
    public func validate() throws {
        try ModelMeterError.requirePositive(maxSequences, "maxSequences", in: "serving")
        try ModelMeterError.requirePositive(encoderBudgetTokens, "encoderBudgetTokens", in: "serving")
        guard memoryUtilization > 0, memoryUtilization <= 1 else {
            throw ModelMeterError.invalidShape(layer: "serving", what: "memoryUtilization", reason: "\(memoryUtilization) is outside (0, 1]")
        }
    }
}

/// A runtime's forecast constants, fitted from named measurements
/// (`context/measurements/fits/<name>.json`).
///
/// ```
/// kernel time   t_k = max(F_tc/(P_tc·e_c) + F_cuda/(P_cuda·e_c), B/(BW·e_b)) + m·t_launch   (e_c, e_b, m, t_launch by kernel class)
/// call time     Σ_k count_k·t_k + t_step (+ B·t_seq for a prefill or decode call of B sequences)
/// ```
public struct RuntimeProfile: Sendable, Hashable, Codable {
    public static let schema = "modelmeter.runtime/1"
    public static let names = ["hf-eager", "vllm"]

    public let schema: String
    /// `hf-eager` or `vllm`.
    public let name: String
    public let description: String
    /// `t_launch` of a class the profile has no entry for: the shortest kernels' time, in seconds.
    public let launchSeconds: Double
    public let launchSource: String
    /// `t_step`: host time per model call the GPU waits for (Python loop, scheduler), in seconds.
    public let stepHostSeconds: Double
    public let stepHostSource: String
    /// `t_seq`: host time per sequence of a prefill or decode call (sampling, logits processors), in seconds.
    public let sequenceHostSeconds: Double
    public let sequenceHostSource: String
    /// Whether the runtime runs a looped layer's terms once per item (eager PyTorch's per-expert
    /// MoE loop) rather than as one grouped kernel (vLLM's fused MoE).
    public let loopsOverExperts: Bool
    /// Efficiencies keyed by `KernelClass.key`.
    public let efficiencies: [String: ClassEfficiency]
    public let serving: ServingSettings?
    /// The measured points: fitted ones and held-out ones, each with its forecast after the fit.
    public let points: [FitPoint]

    public init(
        name: String, description: String, launchSeconds: Double, launchSource: String, stepHostSeconds: Double,
        stepHostSource: String, sequenceHostSeconds: Double = 0, sequenceHostSource: String = "", loopsOverExperts: Bool,
        efficiencies: [String: ClassEfficiency], serving: ServingSettings?, points: [FitPoint]
    ) {
        self.schema = Self.schema
        self.name = name
        self.description = description
        self.launchSeconds = launchSeconds
        self.launchSource = launchSource
        self.stepHostSeconds = stepHostSeconds
        self.stepHostSource = stepHostSource
        self.sequenceHostSeconds = sequenceHostSeconds
        self.sequenceHostSource = sequenceHostSource
        self.loopsOverExperts = loopsOverExperts
        self.efficiencies = efficiencies
        self.serving = serving
        self.points = points
    }

    /// The constants of `kernelClass` (the roofs themselves, one launch of `launchSeconds`, when
    /// the profile has none for it).
    public func efficiency(_ kernelClass: KernelClass) -> ClassEfficiency {
        efficiencies[kernelClass.key] ?? ClassEfficiency(
            compute: 1, bandwidth: 1, kernelsPerModelKernel: 1, launchSeconds: launchSeconds,
            source: "not fitted: the roofs themselves and the default t_launch")
    }

    /// Host time of one call: `t_step`, plus `B·t_seq` for a prefill or decode call of `sequences`.
    public func hostSeconds(sequences: Int) -> Double { stepHostSeconds + Double(sequences) * sequenceHostSeconds }

    /// Launches of one model kernel under this runtime: `E_t` for a looped term when the runtime loops, else 1.
    public func launches(_ kernel: ModelKernel) -> Int { loopsOverExperts ? kernel.loopedLaunches : 1 }

    /// `t_k = max(compute/e_c, memory/e_b) + launches·m·t_launch` of `kernel` at `cost` (its cost at one cache length).
    public func seconds(_ kernel: ModelKernel, cost: PassCost, roofs: KernelRoofs) -> Double {
        let e = efficiency(kernel.kernelClass)
        return roofs.forecastSeconds(cost, e) + Double(launches(kernel)) * e.fixedSeconds
    }

    /// `Σ_k count_k·t_k` of one call's kernels (no host time).
    public func kernelSeconds(_ kernels: [ModelKernel], gpu: GPUSpec, precision: Precision) throws -> Double {
        let roofs = try KernelRoofs(gpu: gpu, precision: precision)
        return kernels.reduce(0) { total, k in total + Double(k.count) * seconds(k, cost: k.cost, roofs: roofs) }
    }

    /// Reads and checks a profile file.
    public static func load(_ path: String) throws -> RuntimeProfile {
        guard let data = try? MeasuredProfile.readData(path) else {
            throw ModelMeterError.malformedValue(what: "runtime profile", value: path, expected: "a readable modelmeter.runtime/1 JSON file (see context/measurements/fits/)")
        }
        let profile: RuntimeProfile
        do {
            profile = try JSONDecoder().decode(RuntimeProfile.self, from: data)
        } catch {
            throw ModelMeterError.malformedValue(what: "runtime profile", value: path, expected: "a modelmeter.runtime/1 JSON file")
        }
        guard profile.schema == schema else {
            throw ModelMeterError.malformedValue(what: "runtime profile schema", value: profile.schema, expected: schema)
        }
        let figures = [profile.launchSeconds, profile.stepHostSeconds, profile.sequenceHostSeconds]
            + profile.efficiencies.values.flatMap { [$0.compute, $0.bandwidth, $0.kernelsPerModelKernel, $0.launchSeconds] }
        guard figures.allSatisfy({ $0.isFinite && $0 >= 0 }), profile.efficiencies.values.allSatisfy({ $0.compute > 0 && $0.bandwidth > 0 }) else {
            throw ModelMeterError.malformedValue(what: "runtime profile", value: path, expected: "finite times ≥ 0 and efficiencies > 0")
        }
        try profile.serving?.validate()
        // The name and the points reach pages and file names: a known runtime, known units, positive finite figures.
        guard names.contains(profile.name) else {
            throw ModelMeterError.unknownName(kind: "runtime named in \(path)", name: profile.name, accepted: names)
        }
        let points = profile.points.flatMap { [$0.measured, $0.forecast, $0.bound] }
        guard profile.points.allSatisfy({ FitPoint.units.contains($0.unit) }),
              points.allSatisfy({ $0.isFinite && $0 > 0 && $0 < 1e15 }) else {
            throw ModelMeterError.malformedValue(
                what: "runtime profile points", value: path,
                expected: "units \(FitPoint.units.joined(separator: ", ")) and measured, forecast and bound finite, > 0 and < 10¹⁵")
        }
        return profile
    }

    /// Whether `path` holds a runtime profile (a JSON object with this ``schema``), the only
    /// kind of file `fit` replaces.
    public static func holdsProfile(_ path: String) -> Bool {
        guard let data = try? MeasuredProfile.readData(path),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return false }
        return object["schema"] as? String == schema
    }

    /// The profile as the file stores it (sorted keys, so a refit changes only what changed).
    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self) + Data("\n".utf8)
    }
}

/// A GPU's roofs in FLOP/s and B/s for one precision.
public struct KernelRoofs: Sendable {
    public let tensorCore: Double
    public let cudaCore: Double
    public let bandwidth: Double

    public init(gpu: GPUSpec, precision: Precision) throws {
        tensorCore = try gpu.tensorCorePeak(for: precision).teraFLOPS * 1e12
        cudaCore = gpu.cudaCorePeak.teraFLOPS * 1e12
        bandwidth = gpu.memoryBandwidthGBps * 1e9
    }

    /// `F_tc/P_tc + F_cuda/P_cuda` at the full roof.
    public func computeSeconds(_ cost: PassCost) -> Double {
        Double(cost.tensorCoreFLOPs) / tensorCore + Double(cost.cudaCoreFLOPs) / cudaCore
    }

    /// `B/BW` at the full roof.
    public func memorySeconds(_ cost: PassCost) -> Double { Double(cost.ioBytes) / bandwidth }

    /// `max(compute/e_c, memory/e_b)`.
    public func forecastSeconds(_ cost: PassCost, _ e: ClassEfficiency) -> Double {
        max(computeSeconds(cost) / e.compute, memorySeconds(cost) / e.bandwidth)
    }

}

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
