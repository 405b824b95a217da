import Foundation
import ModelMeter

/// Fits the runtime profiles (`context/measurements/fits/<runtime>.json`) from the measurements
/// committed under `context/measurements/`; `modelmeter fit` writes them, a test refits and
/// compares.
///
/// hf-eager (RTX 5090 Nsight Systems captures of the seed, llm-perf-opt):
/// ```
/// m          per class: measured launches / model launches over the decode, prefill and sam files (a
///            routed-expert term launches once per touched expert, E_t: the vendor's per-expert loop)
/// e_c, e_b,  per class: least squares of  T_c = C_c/e_c + M_c/e_b + n_c·m·t_launch  over those files
/// t_launch   (C_c, M_c: the class's compute- and memory-bound roof seconds per call; n_c its model
///            kernels per call; T_c the measured class time per call; kernels of a class the model
///            lacks in a stage count with GEMV↔GEMM or else elementwise/norm), e ≤ 1, t_launch ≥ 0;
///            an unknown the data cannot fix keeps e = 1 or t_launch = the shortest kernels' time
///            (instance-weighted median of the decode file's elementwise and copy mean durations)
/// t_step     decode wall per step (all-stage stakeholder summary) − forecast kernel time per step
/// held out   the clip and projector files; any harness file under context/measurements/h200/
/// ```
/// vllm (A100-40G, the vendor's published figures): the kernel efficiencies and `t_launch` of
/// hf-eager (the same cuBLAS/CUTLASS kernels), serving settings of the vendor's vLLM script, and
/// the host time per sequence per call `t_seq` solved so the continuous-batching forecast meets
/// the figure marked `fit` (the vendor runs a Python logits processor per sequence per step);
/// the other figure is held out.
public enum ProfileFit {
    public static let seedStages = "context/measurements/rtx5090-llm-perf-opt/reports/20251107-dsocr/nsys/per-stage"
    public static let published = "context/measurements/published/a100-40g-vllm.json"
    public static let harnessFolder = "context/measurements/h200"
    public static let fitsFolder = "context/measurements/fits"
    static let fitStages = ["decode", "prefill", "sam"]

    /// The profile file of `runtime` under `root`.
    public static func profilePath(root: String, runtime: String) throws -> String {
        guard RuntimeProfile.names.contains(runtime) else {
            throw ModelMeterError.unknownName(kind: "runtime", name: runtime, accepted: RuntimeProfile.names)
        }
        return (root as NSString).appendingPathComponent("\(fitsFolder)/\(runtime).json")
    }

    /// Both profiles, fitted from the files under `root`.
    public static func fit(root: String) throws -> [RuntimeProfile] {
        let eager = try fitEager(root: root)
        return [eager, try fitVLLM(root: root, eager: eager)]
    }

    static func relative(_ path: String, _ root: String) -> String {
        let prefix = (root as NSString).standardizingPath + "/"
        let full = (path as NSString).standardizingPath
        return full.hasPrefix(prefix) ? String(full.dropFirst(prefix.count)) : path
    }

    /// `t_launch`: the instance-weighted median of mean durations (ns / instances) of the
    /// elementwise and copy kernels of `stage`.
    static func launchFloor(_ stage: MeasuredStage) -> Double {
        let small = stage.kernels.filter { $0.kernelClass == .elementwise || $0.kernelClass == .copy }
            .map { (mean: Double($0.nanoseconds) / Double($0.instances), weight: $0.instances) }
            .sorted { $0.mean < $1.mean }
        let half = small.reduce(0) { $0 + $1.weight } / 2
        var seen = 0
        for kernel in small {
            seen += kernel.weight
            if seen > half { return kernel.mean * 1e-9 }
        }
        return 0
    }

    static func fitEager(root: String) throws -> RuntimeProfile {
        let folder = (root as NSString).appendingPathComponent(seedStages)
        let profile = try MeasuredProfile.read(folder)
        let gpu = GPUCatalog.rtx5090
        func stage(_ name: String) throws -> MeasuredStage {
            guard let s = profile.stages.first(where: { $0.name == name }) else {
                throw ModelMeterError.malformedValue(what: "seed measurements", value: folder, expected: "a per-stage/\(name) capture")
            }
            return s
        }
        let decode = try stage("decode")
        let launch = launchFloor(decode)
        let roofOnly = RuntimeProfile(
            name: "hf-eager", description: "", launchSeconds: launch, launchSource: "", stepHostSeconds: 0, stepHostSource: "",
            loopsOverExperts: true, efficiencies: [:], serving: nil, points: [])
        let roofs = try KernelRoofs(gpu: gpu, precision: .bf16)
        /// Per fit stage and class: measured seconds and launches per call (kernels of a class
        /// the model lacks there counted with GEMV↔GEMM or else elementwise/norm), the model's
        /// kernels per call and its compute- and memory-bound roof seconds per call.
        struct Cell { var seconds = 0.0, launches = 0.0, modelKernels = 0, compute = 0.0, memory = 0.0 }
        var cells: [String: [KernelClass: Cell]] = [:]
        for name in fitStages {
            let measured = try stage(name)
            guard let comparison = try StageComparison(measured, gpu: gpu, profile: roofOnly) else { continue }
            let present = Set(comparison.modelKernels.map(\.kernelClass))
            var row: [KernelClass: Cell] = [:]
            let byClass = measured.byClass()
            // Class order fixed, so that sums (and the file) do not depend on hashing.
            for c in KernelClass.allCases {
                guard let m = byClass[c] else { continue }
                let target: KernelClass
                if present.contains(c) {
                    target = c
                } else if c == .gemm && present.contains(.gemv) {
                    target = .gemv
                } else if c == .gemv && present.contains(.gemm) {
                    target = .gemm
                } else {
                    target = .elementwise
                }
                row[target, default: Cell()].seconds += Double(m.nanoseconds) * 1e-9 / Double(measured.calls)
                row[target, default: Cell()].launches += Double(m.instances) / Double(measured.calls)
            }
            for k in comparison.modelKernels {
                let tc = roofs.computeSeconds(k.cost), tm = roofs.memorySeconds(k.cost)
                if tc >= tm { row[k.kernelClass, default: Cell()].compute += Double(k.count) * tc } else {
                    row[k.kernelClass, default: Cell()].memory += Double(k.count) * tm
                }
                row[k.kernelClass, default: Cell()].modelKernels += k.count * k.loopedLaunches
            }
            cells[name] = row
        }
        let files = fitStages.map { relative((try? stage($0).file) ?? $0, root) }.joined(separator: ", ")
        let decodeFile = relative(decode.file, root)
        var efficiencies: [String: ClassEfficiency] = [:]
        for c in KernelClass.allCases {
            let rows = fitStages.compactMap { cells[$0]?[c] }.filter { $0.modelKernels > 0 }
            guard !rows.isEmpty else { continue }
            // m: measured launches per model kernel over the fit files.
            let m = rows.reduce(0) { $0 + $1.launches } / Double(rows.reduce(0) { $0 + $1.modelKernels })
            // Prior for the fixed time per model kernel: m launches of the shortest kernels' time.
            let prior = m * launch
            let c3 = BoundedLeastSquares.fit(
                rows.map { (y: $0.seconds, x: [$0.compute, $0.memory, Double($0.modelKernels)]) },
                unknowns: [.init(floor: 1, fixed: 1), .init(floor: 1, fixed: 1), .init(floor: 0, fixed: prior)])
            let hasCompute = rows.contains { $0.compute > 0 }, hasMemory = rows.contains { $0.memory > 0 }
            let (u, v) = (hasCompute ? c3[0] : (hasMemory ? c3[1] : 1), hasMemory ? c3[1] : (hasCompute ? c3[0] : 1))
            var words = "m = measured launches / model kernels; 1/e_c, 1/e_b and the fixed time per model kernel m·t_launch by least squares over \(files)"
            if !hasCompute { words += "; no compute-bound kernel of the class there, so e_c = e_b" }
            if !hasMemory { words += "; no memory-bound kernel of the class there, so e_b = e_c" }
            efficiencies[c.key] = ClassEfficiency(
                compute: 1 / u, bandwidth: 1 / v, kernelsPerModelKernel: m, launchSeconds: m > 0 ? c3[2] / m : launch, source: words)
        }
        var fitted = RuntimeProfile(
            name: "hf-eager", description: "", launchSeconds: launch, launchSource: "", stepHostSeconds: 0, stepHostSource: "",
            loopsOverExperts: true, efficiencies: efficiencies, serving: nil, points: [])
        guard let decodeComparison = try StageComparison(decode, gpu: gpu, profile: fitted), let wall = decode.wallSecondsPerCall else {
            throw ModelMeterError.malformedValue(what: "seed decode capture", value: decode.file, expected: "a decode wall time (stakeholder_summary.md)")
        }
        let stepHost = max(0, wall - decodeComparison.forecastKernelSecondsPerCall)
        let wallFile = relative(decode.wallSource ?? decode.file, root)
        let description = "Hugging Face transformers generate() in eager PyTorch (one kernel per op, a Python loop per decode step), fitted on the RTX 5090 Nsight Systems captures of github:CodeGandee/llm-perf-opt@8f08155 (transformers 4.46.3, torch 2.10 dev, CUDA 12.8, bf16, flash-attn)"
        let launchSource = "default for classes without their own: instance-weighted median of the mean durations of the elementwise and copy kernels in \(relative(decode.file, root))"
        let stepSource = "decode wall per step (Decode ms / Tokens in \(wallFile)) minus the forecast kernel time per step"
        fitted = RuntimeProfile(
            name: "hf-eager", description: description, launchSeconds: launch, launchSource: launchSource, stepHostSeconds: stepHost,
            stepHostSource: stepSource, loopsOverExperts: true, efficiencies: efficiencies, serving: nil, points: [])
        // Points: the fitted ones, then the held-out ones.
        var points: [FitPoint] = []
        for s in profile.stages {
            guard let c = try StageComparison(s, gpu: gpu, profile: fitted) else { continue }
            let perCall = s.calls > 1 ? " per step" : ""
            points.append(FitPoint(
                label: "\(s.name) kernel time\(perCall), RTX 5090, hf-eager, \(c.workloadLabel)", source: relative(s.file, root),
                measured: s.kernelSecondsPerCall, forecast: c.forecastKernelSecondsPerCall, bound: c.boundSecondsPerCall, unit: "s",
                fitted: fitStages.contains(s.name)))
            if let wall = s.wallSecondsPerCall {
                points.append(FitPoint(
                    label: "\(s.name) wall time\(perCall), RTX 5090, hf-eager, \(c.workloadLabel)", source: relative(s.wallSource ?? s.file, root),
                    measured: wall, forecast: c.forecastWallSecondsPerCall, bound: c.boundSecondsPerCall, unit: "s", fitted: s.name == "decode"))
            }
        }
        points += try harnessPoints(root: root, profile: fitted)
        return RuntimeProfile(
            name: "hf-eager", description: description, launchSeconds: launch, launchSource: launchSource, stepHostSeconds: stepHost,
            stepHostSource: stepSource, loopsOverExperts: true, efficiencies: efficiencies, serving: nil, points: points)
    }

    /// Held-out points from harness files (`modelmeter.measure/1`) under `context/measurements/h200/`.
    static func harnessPoints(root: String, profile: RuntimeProfile) throws -> [FitPoint] {
        let folder = (root as NSString).appendingPathComponent(harnessFolder)
        guard FileManager.default.fileExists(atPath: folder),
              let measured = try? MeasuredProfile.read(folder) else { return [] }
        let gpu = try harnessGPU(measured.gpu)
        var points: [FitPoint] = []
        for s in measured.stages where s.runtime == profile.name {
            if s.modelStage == nil, let wall = s.wallSecondsPerCall, let tokens = s.settings.tokens, let n = s.settings.outputTokens, n > 0 {
                // A whole-page run: its decode wall per token against the step at the mean cache.
                var settings = s.settings
                settings.context = tokens + (n - 1) / 2
                let step = MeasuredStage(
                    name: s.name, modelStage: "decode", file: s.file, calls: 1, kernels: [], settings: settings, runtime: s.runtime)
                guard let c = try StageComparison(step, gpu: gpu, profile: profile) else { continue }
                points.append(FitPoint(
                    label: "\(s.name) decode wall per token, \(gpu.name), \(s.runtime), \(c.workloadLabel), L = \(settings.context!)",
                    source: relative(s.file, root), measured: wall, forecast: c.forecastWallSecondsPerCall, bound: c.boundSecondsPerCall,
                    unit: "s", fitted: false))
                continue
            }
            guard let c = try StageComparison(s, gpu: gpu, profile: profile) else { continue }
            points.append(FitPoint(
                label: "\(s.name) kernel time, \(gpu.name), \(s.runtime), \(c.workloadLabel)", source: relative(s.file, root),
                measured: s.kernelSecondsPerCall, forecast: c.forecastKernelSecondsPerCall, bound: c.boundSecondsPerCall, unit: "s",
                fitted: false))
            if let wall = s.wallSecondsPerCall {
                points.append(FitPoint(
                    label: "\(s.name) wall time, \(gpu.name), \(s.runtime), \(c.workloadLabel)", source: relative(s.file, root),
                    measured: wall, forecast: c.forecastWallSecondsPerCall, bound: c.boundSecondsPerCall, unit: "s", fitted: false))
            }
        }
        return points
    }

    /// The catalog GPU a file's GPU name stands for (`NVIDIA H200` → h200).
    public static func harnessGPU(_ name: String?) throws -> GPUSpec {
        guard let name else { return GPUCatalog.defaultGPU }
        let lowered = name.lowercased()
        if let exact = GPUCatalog.all.first(where: { $0.name.lowercased() == lowered || $0.id == lowered }) { return exact }
        let candidates = GPUCatalog.all.filter { spec in
            spec.name.lowercased().contains(lowered) || lowered.contains(spec.id.replacingOccurrences(of: "-", with: " "))
                || lowered.replacingOccurrences(of: "nvidia ", with: "").split(separator: " ").first.map { spec.id.hasPrefix($0) } == true
        }
        guard let first = candidates.first else {
            throw ModelMeterError.unknownName(kind: "GPU named by the measurement", name: name, accepted: GPUCatalog.all.map(\.id))
        }
        return first
    }

    static func fitVLLM(root: String, eager: RuntimeProfile) throws -> RuntimeProfile {
        let file = (root as NSString).appendingPathComponent(published)
        guard let data = FileManager.default.contents(atPath: file),
              let object = try JSONSerialization.jsonObject(with: data) as? [String: Any],
              let entries = object["measurements"] as? [[String: Any]], let servingObject = object["serving"] as? [String: Any],
              let maxSequences = servingObject["maxSequences"] as? Int, let utilization = servingObject["memoryUtilization"] as? Double,
              let budget = servingObject["encoderBudgetTokens"] as? Int, let servingSource = servingObject["source"] as? String
        else {
            throw ModelMeterError.malformedValue(what: "published measurements", value: file, expected: "modelmeter.published/1 with measurements and serving")
        }
        let serving = ServingSettings(
            maxSequences: maxSequences, memoryUtilization: utilization, encoderBudgetTokens: budget, source: servingSource)
        struct Entry { let label, gpu, quantity, source, use, mode: String; let crops, page: String?; let value: Double; let outputTokens: Int }
        let parsed: [Entry] = try entries.map { e in
            let workload = e["workload"] as? [String: Any] ?? [:]
            guard let label = e["label"] as? String, let gpu = e["gpu"] as? String, let quantity = e["quantity"] as? String,
                  let source = e["source"] as? String, let use = e["use"] as? String, let value = (e["value"] as? NSNumber)?.doubleValue,
                  ["outputTokensPerSecond", "pagesPerDay"].contains(quantity), value > 0
            else {
                throw ModelMeterError.malformedValue(what: "published measurement in \(file)", value: "\(e["id"] ?? "?")", expected: "label, gpu, quantity, value, source, use")
            }
            return Entry(
                label: label, gpu: gpu, quantity: quantity, source: source, use: use, mode: workload["mode"] as? String ?? "gundam",
                crops: workload["crops"] as? String, page: workload["page"] as? String, value: value, outputTokens: workload["outputTokens"] as? Int ?? PageWorkload.defaultOutputTokens)
        }
        func serve(_ e: Entry, _ profile: RuntimeProfile) throws -> ContinuousServing {
            let mode = try VisionMode.named(e.mode)
            let size = try e.page.map { try PageSize(parsing: $0) }
            var crops: CropGrid?
            if mode.cropMode { crops = try size.map { try PageCropping.grid(for: $0) } ?? CropGrid(parsing: e.crops ?? "2x2") }
            let workload = try Workload(mode: mode, crops: crops, page: size)
            let page = try PageWorkload(workload: workload, outputTokens: e.outputTokens)
            return try ContinuousServing(
                page: page, gpu: try GPUCatalog.named(e.gpu), settings: serving, evaluator: PageCostEvaluator(for: page), profile: profile)
        }
        func value(_ e: Entry, _ s: ContinuousServing) -> (forecast: Double, bound: Double) {
            e.quantity == "pagesPerDay"
                ? (s.forecastPagesPerDay ?? 0, s.boundPagesPerDay) : (s.forecastOutputTokensPerSecond ?? 0, s.boundOutputTokensPerSecond)
        }
        let description = "vLLM with CUDA graphs (enforce_eager=False) and continuous batching, the vendor's DeepSeek-OCR-vllm setup; kernel efficiencies and t_launch carried over from the hf-eager fit (the same cuBLAS/CUTLASS GEMMs), the host time per sequence fitted on the vendor's published A100-40G throughput"
        var profile = RuntimeProfile(
            name: "vllm", description: description, launchSeconds: eager.launchSeconds,
            launchSource: "hf-eager's t_launch (\(eager.launchSource))", stepHostSeconds: 0, stepHostSource: "",
            loopsOverExperts: false, efficiencies: eager.efficiencies.mapValues {
                ClassEfficiency(
                    compute: $0.compute, bandwidth: $0.bandwidth, kernelsPerModelKernel: 1, launchSeconds: eager.launchSeconds,
                    source: "e_c, e_b of the hf-eager fit (\($0.source)); m = 1 (CUDA graphs replay fused kernels, one per model kernel) and the default t_launch")
            },
            serving: serving, points: [])
        guard let target = parsed.first(where: { $0.use == "fit" }) else {
            throw ModelMeterError.malformedValue(what: "published measurements", value: file, expected: "one measurement with use \"fit\"")
        }
        // Per page: t(t_seq) = a + t_seq·(1 + N), so t_seq = (t_target − a)/(1 + N).
        let base = try serve(target, profile)
        let targetSeconds = target.quantity == "pagesPerDay" ? 86_400 / target.value : Double(target.outputTokens) / target.value
        let sequenceHost = max(0, (targetSeconds - (base.forecastSecondsPerPage ?? 0)) / base.sequenceCallsPerPage)
        let sequenceSource = "solved so that the continuous-batching forecast gives \(target.label) = \(target.value) (\(relative(file, root)): \(target.source)); per sequence because the vendor's script runs a Python logits processor (NoRepeatNGramLogitsProcessor) on every sequence at every step"
        profile = RuntimeProfile(
            name: "vllm", description: description, launchSeconds: profile.launchSeconds, launchSource: profile.launchSource,
            stepHostSeconds: 0, stepHostSource: "none fitted: one published figure fixes one constant, t_seq",
            sequenceHostSeconds: sequenceHost, sequenceHostSource: sequenceSource, loopsOverExperts: false,
            efficiencies: profile.efficiencies, serving: serving, points: [])
        let points = try parsed.map { e -> FitPoint in
            let s = try serve(e, profile)
            let (forecast, bound) = value(e, s)
            return FitPoint(
                label: "\(e.label), B = \(s.batch)", source: "\(relative(file, root)): \(e.source)", measured: e.value, forecast: forecast,
                bound: bound, unit: e.quantity == "pagesPerDay" ? "pages/day" : "tokens/s", fitted: e.use == "fit")
        }
        return RuntimeProfile(
            name: "vllm", description: description, launchSeconds: profile.launchSeconds, launchSource: profile.launchSource,
            stepHostSeconds: 0, stepHostSource: profile.stepHostSource, sequenceHostSeconds: sequenceHost,
            sequenceHostSource: sequenceSource, loopsOverExperts: false, efficiencies: profile.efficiencies, serving: serving,
            points: points)
    }
}
