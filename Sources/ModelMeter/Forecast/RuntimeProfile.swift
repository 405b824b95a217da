import Foundation

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
