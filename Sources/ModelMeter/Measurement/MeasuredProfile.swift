import Foundation

/// One kernel name of a measured profile: how often it ran and for how long in total.
public struct MeasuredKernel: Sendable, Hashable {
    public let name: String
    public let kernelClass: KernelClass
    /// Launches in the file (all calls the file covers).
    public let instances: Int
    /// Total GPU time of those launches, in nanoseconds (integers, so sums are exact).
    public let nanoseconds: Int
    /// Achieved DRAM throughput the file reports for the kernel, in B/s (Nsight Compute only).
    public let reportedBytesPerSecond: Double?

    public init(name: String, instances: Int, nanoseconds: Int, reportedBytesPerSecond: Double? = nil) {
        self.name = name
        self.kernelClass = KernelClass.of(kernelName: name)
        self.instances = instances
        self.nanoseconds = nanoseconds
        self.reportedBytesPerSecond = reportedBytesPerSecond
    }

    public var seconds: Double { Double(nanoseconds) * 1e-9 }
}

/// What one measured stage ran: the settings a file states (mode, batch, tokens, …).
public struct MeasuredSettings: Sendable, Hashable {
    public var mode: String?
    public var crops: String?
    public var batch: Int?
    /// Prompt (prefill) positions.
    public var tokens: Int?
    /// Cached positions of a decode step.
    public var context: Int?
    public var attention: String?
    public var precision: String?
    /// Output tokens of a whole-page run (a harness `generate`).
    public var outputTokens: Int?

    public init(
        mode: String? = nil, crops: String? = nil, batch: Int? = nil, tokens: Int? = nil, context: Int? = nil,
        attention: String? = nil, precision: String? = nil, outputTokens: Int? = nil
    ) {
        self.mode = mode
        self.crops = crops
        self.batch = batch
        self.tokens = tokens
        self.context = context
        self.attention = attention
        self.precision = precision
        self.outputTokens = outputTokens
    }

    /// Settings spelled in a run name such as `decode-L1024-b8` or `prefill-gundam-2x2-b1`:
    /// `L<n>` cached positions, `b<n>` batch, `<w>x<h>` crops, a mode name.
    public static func fromRunName(_ name: String) -> MeasuredSettings {
        var settings = MeasuredSettings()
        for part in name.split(separator: "-").map(String.init) {
            if part.hasPrefix("L"), let n = Int(part.dropFirst()) { settings.context = n }
            else if part.hasPrefix("b"), let n = Int(part.dropFirst()) { settings.batch = n }
            else if ["tiny", "small", "base", "large", "gundam"].contains(part) { settings.mode = part }
            else if part.split(separator: "x").count == 2, part.split(separator: "x").allSatisfy({ Int($0) != nil }) { settings.crops = part }
        }
        return settings
    }
}

/// One stage of a measured profile: the kernels of `calls` model calls (decode: one per step).
public struct MeasuredStage: Sendable {
    /// `sam`, `clip`, `projector`, `prefill`, `decode`, `vision`, or a harness run's name.
    public let name: String
    /// The model stage the measurement covers (`sam`, `clip`, `projector`, `vision`, `prefill`,
    /// `vision+prefill` (the seed's prefill range holds the vision stack too), `decode`), or nil
    /// when none is known.
    public let modelStage: String?
    /// The file every kernel figure comes from.
    public let file: String
    /// Model calls the kernels cover (decode steps; 1 otherwise).
    public let calls: Int
    public let kernels: [MeasuredKernel]
    public let settings: MeasuredSettings
    /// Measured wall time of one call, and the file it comes from, when one is given.
    public let wallSecondsPerCall: Double?
    public let wallSource: String?
    /// The runtime the measurement ran under (`hf-eager`, `vllm`).
    public let runtime: String

    public init(
        name: String, modelStage: String?, file: String, calls: Int, kernels: [MeasuredKernel], settings: MeasuredSettings,
        wallSecondsPerCall: Double? = nil, wallSource: String? = nil, runtime: String = "hf-eager"
    ) {
        self.name = name
        self.modelStage = modelStage
        self.file = file
        self.calls = calls
        self.kernels = kernels
        self.settings = settings
        self.wallSecondsPerCall = wallSecondsPerCall
        self.wallSource = wallSource
        self.runtime = runtime
    }

    /// `Σ` kernel time over the file, in nanoseconds (exact).
    public var kernelNanoseconds: Int { kernels.reduce(0) { $0 + $1.nanoseconds } }
    /// `Σ` kernel time of the file, in seconds.
    public var kernelSeconds: Double { Double(kernelNanoseconds) * 1e-9 }
    /// Kernel time of one call: `Σ / calls`.
    public var kernelSecondsPerCall: Double { kernelSeconds / Double(calls) }
    /// `Σ` launches over the file.
    public var kernelCount: Int { kernels.reduce(0) { $0 + $1.instances } }

    /// Kernel seconds and launches per class over the whole file.
    public func byClass() -> [KernelClass: (instances: Int, nanoseconds: Int)] {
        var result: [KernelClass: (instances: Int, nanoseconds: Int)] = [:]
        for kernel in kernels {
            let old = result[kernel.kernelClass] ?? (0, 0)
            result[kernel.kernelClass] = (old.instances + kernel.instances, old.nanoseconds + kernel.nanoseconds)
        }
        return result
    }
}

/// Every stage read from one path (a file, or a folder of them).
public struct MeasuredProfile: Sendable {
    /// The path the profile was read from.
    public let path: String
    public let stages: [MeasuredStage]
    /// GPU the profile ran on, when the files say (`env.json`, the harness's provenance).
    public let gpu: String?

    public init(path: String, stages: [MeasuredStage], gpu: String?) {
        self.path = path
        self.stages = stages
        self.gpu = gpu
    }

    /// Reads `path`: an Nsight Systems `summary_cuda_gpu_kern_sum.csv` (or a folder with the
    /// seed runner's `nsys/per-stage/<stage>/` layout), an Nsight Compute `all_metrics_long.csv`,
    /// a PyTorch profiler Chrome trace, or a `modelmeter.measure/1` harness file; a folder is
    /// searched for all of them. Paths in the result are as given, joined with what was found.
    public static func read(_ path: String) throws -> MeasuredProfile {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ModelMeterError.malformedValue(what: "measured profile path", value: path, expected: "an existing file or folder")
        }
        var files: [String] = []
        if isDirectory.boolValue {
            guard let walker = FileManager.default.enumerator(atPath: path) else {
                throw ModelMeterError.malformedValue(what: "measured profile folder", value: path, expected: "a readable folder")
            }
            var entries = 0
            for case let relative as String in walker {
                entries += 1
                guard entries <= maximumFolderEntries else {
                    throw ModelMeterError.malformedValue(
                        what: "measured profile folder", value: path,
                        expected: "at most \(maximumFolderEntries) entries under it (a run's report folder, not a whole disk)")
                }
                let name = (relative as NSString).lastPathComponent
                if name == "summary_cuda_gpu_kern_sum.csv" || name == "all_metrics_long.csv" || name.hasSuffix(".json")
                    || name.hasSuffix(".json.gz") {
                    files.append((path as NSString).appendingPathComponent(relative))
                }
            }
            files.sort()
        } else {
            files = [path]
        }
        var stages: [MeasuredStage] = []
        var gpu: String?
        for file in files {
            let name = (file as NSString).lastPathComponent
            if name == "summary_cuda_gpu_kern_sum.csv" || (name.hasSuffix(".csv") && !isDirectory.boolValue && name != "all_metrics_long.csv") {
                let stage = try NsysLayout.stage(file)
                if stage.name == "all-stage" && isDirectory.boolValue { continue }
                stages.append(stage)
                gpu = gpu ?? NsysLayout.gpu(near: file)
            } else if name == "all_metrics_long.csv" {
                stages.append(try NcuMetrics.stage(file))
                gpu = gpu ?? NsysLayout.gpu(near: file)
            } else if name.hasSuffix(".json") || name.hasSuffix(".json.gz") {
                let data = name.hasSuffix(".gz") ? try gunzip(file) : try readData(file)
                guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
                    if isDirectory.boolValue { continue }
                    throw ModelMeterError.malformedValue(what: "JSON file", value: file, expected: "a JSON object")
                }
                if object["schema"] as? String == HarnessFile.schema {
                    let harness = try HarnessFile.stages(object, file: file)
                    stages += harness.stages
                    gpu = gpu ?? harness.gpu
                } else if object["traceEvents"] != nil {
                    stages += try ChromeTrace.stages(object, file: file)
                } else if !isDirectory.boolValue {
                    throw ModelMeterError.malformedValue(
                        what: "JSON file", value: file, expected: "a modelmeter.measure/1 harness file or a Chrome trace with traceEvents")
                }
            }
        }
        for stage in stages { try checkTotals(stage) }
        // Names stay unique (a harness run and its Chrome trace share one): later ones name their file.
        var seen: [String: Int] = [:]
        stages = stages.map { stage in
            seen[stage.name, default: 0] += 1
            guard seen[stage.name]! > 1 else { return stage }
            return MeasuredStage(
                name: stage.name + " (" + (stage.file as NSString).lastPathComponent + ")", modelStage: stage.modelStage, file: stage.file,
                calls: stage.calls, kernels: stage.kernels, settings: stage.settings, wallSecondsPerCall: stage.wallSecondsPerCall,
                wallSource: stage.wallSource, runtime: stage.runtime)
        }
        guard !stages.isEmpty else {
            throw ModelMeterError.malformedValue(
                what: "measured profile", value: path,
                expected: "summary_cuda_gpu_kern_sum.csv, all_metrics_long.csv, a Chrome trace or a modelmeter.measure/1 JSON file")
        }
        return MeasuredProfile(path: path, stages: stages, gpu: gpu)
    }

    /// The largest measured file read, and the most a gzip file may expand to: 256 MiB (a
    /// Chrome trace of a whole page is tens of MB; parsing one of this size takes a few GB).
    public static let maximumBytes = 1 << 28
    /// The most entries a `--measured` folder may hold below it (files and folders counted).
    public static let maximumFolderEntries = 100_000
    /// The largest total GPU time (ns) and launch count of one stage: 2⁵³, so every sum of a
    /// file's kernels stays an exact integer and an exact double (2⁵³ ns is 104 days).
    public static let maximumCount = 1 << 53

    /// The bytes of a regular file of at most ``maximumBytes`` (size checked before reading,
    /// and the read itself bounded, so `/dev/zero` or a sparse 2 GB file cost nothing).
    static func readData(_ file: String) throws -> Data {
        var info = stat()
        guard stat(file, &info) == 0 else {
            throw ModelMeterError.malformedValue(what: "file", value: file, expected: "a readable file")
        }
        guard info.st_mode & S_IFMT == S_IFREG else {
            throw ModelMeterError.malformedValue(what: "file", value: file, expected: "a regular file")
        }
        guard info.st_size <= maximumBytes else {
            throw ModelMeterError.malformedValue(
                what: "file", value: file, expected: "at most \(maximumBytes) bytes (it has \(info.st_size))")
        }
        guard let handle = FileHandle(forReadingAtPath: file), let data = try? handle.read(upToCount: maximumBytes + 1) ?? Data() else {
            throw ModelMeterError.malformedValue(what: "file", value: file, expected: "a readable file")
        }
        try? handle.close()
        guard data.count <= maximumBytes else {
            throw ModelMeterError.malformedValue(what: "file", value: file, expected: "at most \(maximumBytes) bytes")
        }
        return data
    }

    /// `value · scale` as whole nanoseconds or counts: finite, ≥ 0 and at most ``maximumCount``.
    static func wholeNumber(_ value: Double, scale: Double = 1, _ what: String, _ file: String) throws -> Int {
        let scaled = (value * scale).rounded()
        guard scaled.isFinite, scaled >= 0, scaled <= Double(maximumCount) else {
            throw ModelMeterError.malformedValue(
                what: "\(what) in \(file)", value: "\(value)", expected: "a finite number ≥ 0 whose total stays at most 2⁵³ ns or launches")
        }
        return Int(scaled)
    }

    /// `a + b` for totals of a file, refused past ``maximumCount``.
    static func total(_ a: Int, _ b: Int, _ what: String, _ file: String) throws -> Int {
        let (sum, overflow) = a.addingReportingOverflow(b)
        guard !overflow, sum <= maximumCount else {
            throw ModelMeterError.malformedValue(
                what: "\(what) in \(file)", value: "more than 2⁵³", expected: "a total of at most \(maximumCount) (2⁵³, exact as a double)")
        }
        return sum
    }

    /// Every stage's kernel time and launches summed with checks, so later sums cannot overflow.
    static func checkTotals(_ stage: MeasuredStage) throws {
        var nanoseconds = 0, instances = 0
        for kernel in stage.kernels {
            nanoseconds = try total(nanoseconds, kernel.nanoseconds, "total kernel time (ns) of stage \(stage.name)", stage.file)
            instances = try total(instances, kernel.instances, "total kernel launches of stage \(stage.name)", stage.file)
        }
    }

    /// The decompressed bytes of a gzip file (`gzip -dc`).
    static func gunzip(_ file: String) throws -> Data {
        _ = try readData(file)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["gzip", "-dc", "--", file]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch {
            throw ModelMeterError.malformedValue(what: "gzip file", value: file, expected: "gzip on the PATH to read it")
        }
        // Read at most maximumBytes + 1: a small file expanding without end is stopped there.
        var data = Data()
        while data.count <= maximumBytes, let chunk = try? pipe.fileHandleForReading.read(upToCount: 1 << 20), !chunk.isEmpty {
            data.append(chunk)
        }
        guard data.count <= maximumBytes else {
            try? pipe.fileHandleForReading.close()
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            throw ModelMeterError.malformedValue(
                what: "gzip file", value: file, expected: "at most \(maximumBytes) bytes once decompressed")
        }
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw ModelMeterError.malformedValue(what: "gzip file", value: file, expected: "a readable gzip stream")
        }
        return data
    }

    static func readText(_ file: String) throws -> String {
        guard let text = String(data: try readData(file), encoding: .utf8) else {
            throw ModelMeterError.malformedValue(what: "file", value: file, expected: "UTF-8 text")
        }
        return text
    }
}

/// RFC 4180 CSV: quoted fields may hold commas, doubled quotes and line breaks.
public enum CSV {
    public static func rows(_ text: String, file: String) throws -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var field = ""
        var quoted = false
        var iterator = Array(text.unicodeScalars)[...]
        var afterQuote = false
        while let c = iterator.popFirst() {
            if quoted {
                if c == "\"" {
                    if iterator.first == "\"" { field.unicodeScalars.append("\""); iterator.removeFirst() } else { quoted = false; afterQuote = true }
                } else {
                    field.unicodeScalars.append(c)
                }
                continue
            }
            switch c {
            case "\"":
                guard field.isEmpty, !afterQuote else {
                    throw ModelMeterError.malformedValue(what: "CSV in \(file)", value: field, expected: "quotes only around a whole field")
                }
                quoted = true
            case ",":
                row.append(field); field = ""; afterQuote = false
            case "\n", "\r":
                if c == "\r", iterator.first == "\n" { iterator.removeFirst() }
                row.append(field); field = ""; afterQuote = false
                if row != [""] { rows.append(row) }
                row = []
            default:
                field.unicodeScalars.append(c)
            }
        }
        if quoted { throw ModelMeterError.malformedValue(what: "CSV in \(file)", value: "…", expected: "a closing quote") }
        row.append(field)
        if row != [""] { rows.append(row) }
        return rows
    }

    /// Rows as dictionaries keyed by the header row; every row must have the header's width.
    public static func records(_ text: String, file: String, required: [String]) throws -> [[String: String]] {
        let all = try rows(text, file: file)
        guard let header = all.first else {
            throw ModelMeterError.malformedValue(what: "CSV file", value: file, expected: "a header row")
        }
        for column in required where !header.contains(column) {
            throw ModelMeterError.malformedValue(what: "CSV file", value: file, expected: "a column named '\(column)'")
        }
        return try all.dropFirst().enumerated().map { index, row in
            guard row.count == header.count else {
                throw ModelMeterError.malformedValue(
                    what: "CSV row \(index + 2) of \(file)", value: "\(row.count) fields", expected: "\(header.count) fields")
            }
            return Dictionary(zip(header, row), uniquingKeysWith: { first, _ in first })
        }
    }

    static func int(_ text: String?, _ what: String, _ file: String) throws -> Int {
        guard let text, let value = Int(text.trimmingCharacters(in: .whitespaces)), value >= 0, value <= MeasuredProfile.maximumCount else {
            throw ModelMeterError.malformedValue(what: "\(what) in \(file)", value: text ?? "", expected: "a whole number from 0 to 2⁵³")
        }
        return value
    }

    static func double(_ text: String?, _ what: String, _ file: String) throws -> Double {
        guard let text, let value = Double(text.trimmingCharacters(in: .whitespaces)), value.isFinite, value >= 0 else {
            throw ModelMeterError.malformedValue(what: "\(what) in \(file)", value: text ?? "", expected: "a number ≥ 0")
        }
        return value
    }
}

/// The seed runner's Nsight Systems layout: `nsys/per-stage/<stage>/nsys/summary_cuda_gpu_kern_sum.csv`
/// beside `<stage>/config.yaml` (mode, `max_new_tokens`) and `stakeholder_summary.md` (wall times).
public enum NsysLayout {
    /// Reads one kernel summary; the stage is the folder above `nsys/`.
    public static func stage(_ file: String) throws -> MeasuredStage {
        let text = try MeasuredProfile.readText(file)
        let records = try CSV.records(text, file: file, required: ["Total Time (ns)", "Instances", "Name"])
        let kernels = try records.map { r in
            MeasuredKernel(
                name: r["Name"] ?? "", instances: try CSV.int(r["Instances"], "Instances", file),
                nanoseconds: try CSV.int(r["Total Time (ns)"], "Total Time (ns)", file))
        }
        let nsysFolder = (file as NSString).deletingLastPathComponent
        let stageFolder = (nsysFolder as NSString).deletingLastPathComponent
        let name = (stageFolder as NSString).lastPathComponent
        let config = (try? MeasuredProfile.readText((stageFolder as NSString).appendingPathComponent("config.yaml"))) ?? ""
        let yaml = YAMLScalars(config)
        var settings = MeasuredSettings(batch: 1, precision: yaml["dtype"])
        if let base = yaml["base_size"], let image = yaml["image_size"], let crop = yaml["crop_mode"] {
            settings.mode = VisionModeName.named(base: base, image: image, crop: crop == "true")
        }
        if yaml["use_flash_attn"] == "true" { settings.attention = "sdpa" }
        let known = ["sam", "clip", "projector", "prefill", "decode"]
        var calls = 1
        var wall: Double?
        var wallSource: String?
        if name == "decode" {
            calls = try CSV.int(yaml["max_new_tokens"], "max_new_tokens", stageFolder + "/config.yaml")
            guard calls > 0 else {
                throw ModelMeterError.malformedValue(what: "max_new_tokens", value: "0", expected: "a positive count")
            }
            // The whole-run capture's stakeholder summary holds the decode wall time of every page;
            // the per-stage one is a fallback.
            let candidates = [
                (((stageFolder as NSString).deletingLastPathComponent as NSString).deletingLastPathComponent as NSString)
                    .appendingPathComponent("all-stage/stakeholder_summary.md"),
                (stageFolder as NSString).appendingPathComponent("stakeholder_summary.md"),
            ]
            for candidate in candidates {
                if let text = try? MeasuredProfile.readText(candidate), let ms = summaryMean(text, row: "Decode ms"),
                   let tokens = summaryMean(text, row: "Tokens"), tokens > 0, ms > 0, (ms / tokens).isFinite {
                    wall = ms * 1e-3 / tokens
                    wallSource = candidate
                    break
                }
            }
        }
        return MeasuredStage(
            name: name, modelStage: name == "prefill" ? "vision+prefill" : (known.contains(name) ? name : nil), file: file, calls: calls, kernels: kernels, settings: settings,
            wallSecondsPerCall: wall, wallSource: wallSource, runtime: "hf-eager")
    }

    /// The mean column of a stakeholder summary's `|row|mean|std|` line.
    static func summaryMean(_ text: String, row: String) -> Double? {
        for line in text.split(separator: "\n") {
            let cells = line.split(separator: "|", omittingEmptySubsequences: true).map { $0.trimmingCharacters(in: .whitespaces) }
            if cells.count >= 2, cells[0] == row, let value = Double(cells[1]) { return value }
        }
        return nil
    }

    /// The GPU named by an `env.json` in the file's stage folder, if any.
    static func gpu(near file: String) -> String? {
        var folder = (file as NSString).deletingLastPathComponent
        for _ in 0..<3 {
            let candidate = (folder as NSString).appendingPathComponent("env.json")
            if let data = try? MeasuredProfile.readData(candidate),
               let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any], let gpu = object["gpu"] as? String {
                return gpu
            }
            folder = (folder as NSString).deletingLastPathComponent
        }
        return nil
    }
}

/// The vendor's mode names by their `base_size`, `image_size`, `crop_mode`.
enum VisionModeName {
    static func named(base: String, image: String, crop: Bool) -> String? {
        switch (base, image, crop) {
        case ("1024", "640", true): return "gundam"
        case ("512", "512", false): return "tiny"
        case ("640", "640", false): return "small"
        case ("1024", "1024", false): return "base"
        case ("1280", "1280", false): return "large"
        default: return nil
        }
    }
}

/// `key: value` scalars of a YAML file, first occurrence of each key (nesting ignored).
struct YAMLScalars {
    private var values: [String: String] = [:]
    init(_ text: String) {
        for line in text.split(separator: "\n") {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard !trimmed.hasPrefix("#"), !trimmed.hasPrefix("-"), let colon = trimmed.firstIndex(of: ":") else { continue }
            let key = String(trimmed[..<colon])
            let value = trimmed[trimmed.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            guard !value.isEmpty, values[key] == nil else { continue }
            values[key] = value.trimmingCharacters(in: CharacterSet(charactersIn: "'\""))
        }
    }
    subscript(key: String) -> String? { values[key] }
}

/// Nsight Compute's long-form metrics (`kernel_id,section,metric_name,value`), one profiled
/// instance per kernel; `Duration` is in microseconds (the seed's per-kernel `ncu.details.csv`
/// give the unit as `us`) and `MemoryWorkloadAnalysis` `Memory Throughput` in GB/s. Kernel
/// names come from `nsys/top-kernels.yaml` (`kernel_000N` is its N-th entry) when present.
public enum NcuMetrics {
    public static func stage(_ file: String) throws -> MeasuredStage {
        let records = try CSV.records(try MeasuredProfile.readText(file), file: file, required: ["kernel_id", "section", "metric_name", "value"])
        var order: [String] = []
        var known: Set<String> = []
        var duration: [String: Int] = [:]
        var throughput: [String: Double] = [:]
        for r in records {
            guard let id = r["kernel_id"] else { continue }
            if known.insert(id).inserted { order.append(id) }
            if r["section"] == "SpeedOfLight" && r["metric_name"] == "Duration" {
                // µs with two decimals: exact nanoseconds after rounding.
                duration[id] = try MeasuredProfile.wholeNumber(try CSV.double(r["value"], "Duration of \(id)", file), scale: 1000, "Duration of \(id)", file)
            } else if r["section"] == "MemoryWorkloadAnalysis" && r["metric_name"] == "Memory Throughput" {
                throughput[id] = try CSV.double(r["value"], "Memory Throughput of \(id)", file) * 1e9
            }
        }
        let analysis = (file as NSString).deletingLastPathComponent
        let reports = ((analysis as NSString).deletingLastPathComponent as NSString).deletingLastPathComponent
        let names = topKernelNames((reports as NSString).appendingPathComponent("nsys/top-kernels.yaml"))
        let kernels = try order.map { id -> MeasuredKernel in
            guard let ns = duration[id] else {
                throw ModelMeterError.malformedValue(what: "Nsight Compute file \(file)", value: id, expected: "a SpeedOfLight Duration row")
            }
            var name = id
            if let index = Int(id.dropFirst("kernel_".count).prefix(4)), index >= 1, index <= names.count { name = names[index - 1] }
            return MeasuredKernel(name: name, instances: 1, nanoseconds: ns, reportedBytesPerSecond: throughput[id])
        }
        return MeasuredStage(
            name: "ncu", modelStage: nil, file: file, calls: 1, kernels: kernels, settings: MeasuredSettings(), runtime: "hf-eager")
    }

    static func topKernelNames(_ file: String) -> [String] {
        guard let text = try? MeasuredProfile.readText(file) else { return [] }
        return text.split(separator: "\n").compactMap { line in
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard trimmed.hasPrefix("-") else { return nil }
            let rest = trimmed.dropFirst().trimmingCharacters(in: .whitespaces)
            guard rest.hasPrefix("name:") else { return nil }
            return rest.dropFirst("name:".count).trimmingCharacters(in: .whitespaces)
        }
    }
}

/// PyTorch profiler Chrome traces (`.json` or `.json.gz`): `traceEvents` with `cat` `kernel`
/// events (`dur` in µs); a kernel belongs to the stage whose `record_function` range
/// (`user_annotation` or `gpu_user_annotation`) holds it (by GPU time, or by its launch's
/// correlation id on the CPU side). A range is a stage when named `vision`, `sam`, `clip`,
/// `projector`, `prefill` or `decode`, or `modelmeter/<run>` with a run name that starts with
/// one of them (`modelmeter/decode-L1024-b1`: settings read from the name). Kernels outside
/// every such range form the stage `trace`. A stage's calls are the number of its ranges.
public enum ChromeTrace {
    static let stageNames = ["vision", "sam", "clip", "projector", "prefill", "decode"]

    public static func stages(_ object: [String: Any], file: String) throws -> [MeasuredStage] {
        guard let events = object["traceEvents"] as? [[String: Any]] else {
            throw ModelMeterError.malformedValue(what: "Chrome trace \(file)", value: "traceEvents", expected: "an array of events")
        }
        func number(_ value: Any?) -> Double? { (value as? NSNumber)?.doubleValue }
        var cpuRanges: [(name: String, start: Double, end: Double)] = []
        var gpuRanges: [(name: String, start: Double, end: Double)] = []
        var launches: [Int: Double] = [:]
        for event in events {
            let cat = (event["cat"] as? String)?.lowercased() ?? ""
            guard let ts = number(event["ts"]) else { continue }
            let dur = number(event["dur"]) ?? 0
            let name = event["name"] as? String ?? ""
            if cat == "user_annotation" || cat == "gpu_user_annotation", modelStage(ofRange: name) != nil {
                if cat == "gpu_user_annotation" { gpuRanges.append((name, ts, ts + dur)) } else { cpuRanges.append((name, ts, ts + dur)) }
            } else if cat == "cuda_runtime" || cat == "cuda_driver", let args = event["args"] as? [String: Any],
                      let correlation = number(args["correlation"]).flatMap({ Int(exactly: $0) }) {
                launches[correlation] = ts
            }
        }
        let gpuIndex = RangeIndex(gpuRanges), cpuIndex = RangeIndex(cpuRanges)
        var steps = 0
        var perStage: [String: [String: (Int, Int)]] = [:]
        for event in events where (event["cat"] as? String)?.lowercased() == "kernel" {
            guard let name = event["name"] as? String, let ts = number(event["ts"]), let dur = number(event["dur"]), dur >= 0 else {
                throw ModelMeterError.malformedValue(what: "kernel event in \(file)", value: "\(event["name"] ?? "?")", expected: "name, ts and dur")
            }
            var stage = try gpuIndex.name(at: ts, steps: &steps, file: file)
            if stage == nil, let args = event["args"] as? [String: Any],
               let correlation = number(args["correlation"]).flatMap({ Int(exactly: $0) }), let launch = launches[correlation] {
                stage = try cpuIndex.name(at: launch, steps: &steps, file: file)
            }
            let key = stage ?? "trace"
            let ns = try MeasuredProfile.wholeNumber(dur, scale: 1000, "dur of kernel event", file)
            let old = perStage[key, default: [:]][name] ?? (0, 0)
            perStage[key, default: [:]][name] = (
                try MeasuredProfile.total(old.0, 1, "launches of \(key)", file),
                try MeasuredProfile.total(old.1, ns, "kernel time (ns) of \(key)", file))
        }
        guard !perStage.isEmpty else {
            throw ModelMeterError.malformedValue(what: "Chrome trace \(file)", value: "no kernel events", expected: "events with cat \"kernel\"")
        }
        return perStage.keys.sorted().map { stage in
            let kernels = perStage[stage]!.map { MeasuredKernel(name: $0.key, instances: $0.value.0, nanoseconds: $0.value.1) }
                .sorted { $0.nanoseconds > $1.nanoseconds }
            let ranges = (gpuRanges.isEmpty ? cpuRanges : gpuRanges).filter { $0.name == stage }.count
            let run = stage.hasPrefix("modelmeter/") ? String(stage.dropFirst("modelmeter/".count)) : stage
            return MeasuredStage(
                name: run, modelStage: modelStage(ofRange: stage), file: file, calls: max(1, ranges), kernels: kernels,
                settings: MeasuredSettings.fromRunName(run))
        }
    }

    /// The most range checks a trace may cost, all kernels together (overlapping ranges cost more).
    static let maximumRangeSteps = 10_000_000

    /// Stage ranges sorted by start: the range holding a time is the latest-starting one that
    /// still reaches it (the last listed among equal starts), found by bisection and a walk back
    /// that stops where no earlier range reaches the time.
    struct RangeIndex {
        let ranges: [(name: String, start: Double, end: Double)]
        /// `reach[i]`: the latest end among `ranges[0...i]`.
        let reach: [Double]

        init(_ unsorted: [(name: String, start: Double, end: Double)]) {
            ranges = unsorted.enumerated().sorted { ($0.element.start, $0.offset) < ($1.element.start, $1.offset) }.map(\.element)
            var latest = -Double.infinity
            reach = ranges.map { latest = max(latest, $0.end); return latest }
        }

        func name(at time: Double, steps: inout Int, file: String) throws -> String? {
            var low = 0, high = ranges.count
            while low < high {
                let middle = (low + high) / 2
                if ranges[middle].start <= time { low = middle + 1 } else { high = middle }
            }
            var i = low - 1
            while i >= 0, reach[i] >= time {
                if ranges[i].end >= time { return ranges[i].name }
                steps += 1
                guard steps <= ChromeTrace.maximumRangeSteps else {
                    throw ModelMeterError.malformedValue(
                        what: "Chrome trace \(file)", value: "overlapping stage ranges",
                        expected: "stage ranges that overlap little (at most \(ChromeTrace.maximumRangeSteps) range checks in all)")
                }
                i -= 1
            }
            return nil
        }
    }

    /// The model stage a range name stands for, or nil when it is no stage.
    static func modelStage(ofRange range: String) -> String? {
        let name = range.lowercased()
        if stageNames.contains(name) { return name }
        guard name.hasPrefix("modelmeter/") else { return nil }
        let run = name.dropFirst("modelmeter/".count)
        return stageNames.first { run == $0 || run.hasPrefix($0 + "-") }
    }
}

/// The measurement harness's JSON (`tools/measure/`, schema `modelmeter.measure/1`): one stage
/// per run, its kernels per iteration, its CUDA-event wall time (median) per forward.
public enum HarnessFile {
    public static let schema = "modelmeter.measure/1"

    public static func stages(_ object: [String: Any], file: String) throws -> (stages: [MeasuredStage], gpu: String?) {
        let provenance = object["provenance"] as? [String: Any]
        guard let runs = object["runs"] as? [[String: Any]] else {
            throw ModelMeterError.malformedValue(what: "harness file \(file)", value: "runs", expected: "an array of runs")
        }
        func number(_ value: Any?) -> Double? {
            (value as? NSNumber)?.doubleValue
        }
        let stages = try runs.map { run -> MeasuredStage in
            guard let name = run["name"] as? String, let stage = run["stage"] as? String else {
                throw ModelMeterError.malformedValue(what: "run in \(file)", value: "\(run["name"] ?? "?")", expected: "name and stage")
            }
            let kernels = try (run["kernels"] as? [[String: Any]] ?? []).map { k -> MeasuredKernel in
                guard let kname = k["name"] as? String, let count = number(k["count"]), let seconds = number(k["seconds"]),
                      count >= 0, seconds >= 0, count == count.rounded() else {
                    throw ModelMeterError.malformedValue(what: "kernel of run \(name) in \(file)", value: "\(k["name"] ?? "?")", expected: "name, count ≥ 0 and seconds ≥ 0")
                }
                return MeasuredKernel(
                    name: kname, instances: try MeasuredProfile.wholeNumber(count, "count of \(kname) in run \(name)", file),
                    nanoseconds: try MeasuredProfile.wholeNumber(seconds, scale: 1e9, "seconds of \(kname) in run \(name)", file))
            }
            let workload = run["workload"] as? [String: Any] ?? [:]
            // A whole number in Int's range (the model checks its limits when it prices the run).
            func whole(_ key: String) throws -> Int? {
                guard let value = workload[key] else { return nil }
                guard let n = number(value).flatMap({ Int(exactly: $0) }) else {
                    throw ModelMeterError.malformedValue(what: "workload \(key) of run \(name) in \(file)", value: "\(value)", expected: "a whole number")
                }
                return n
            }
            let settings = MeasuredSettings(
                mode: workload["mode"] as? String, crops: workload["crops"] as? String, batch: try whole("batch"),
                tokens: try whole("tokens"), context: try whole("context"),
                attention: workload["attention"] as? String, precision: workload["precision"] as? String)
            var settings2 = settings
            settings2.outputTokens = try whole("outputTokens")
            // A whole-page `generate` run gives its decode wall per token and no kernels.
            let generate = stage == "generate"
            let wall = generate
                ? number(run["decodeSecondsPerToken"])
                : (run["stageSeconds"] as? [String: Any]).flatMap { number($0["median"]) }
            if let wall, !(wall.isFinite && wall > 0) {
                throw ModelMeterError.malformedValue(what: "wall time of run \(name) in \(file)", value: "\(wall)", expected: "a finite number of seconds > 0")
            }
            return MeasuredStage(
                name: name, modelStage: generate ? nil : stage, file: file, calls: 1, kernels: kernels, settings: settings2,
                wallSecondsPerCall: wall, wallSource: wall == nil ? nil : file, runtime: run["runtime"] as? String ?? "hf-eager")
        }
        let environment = provenance?["environment"] as? [String: Any]
        return (stages, provenance?["gpu"] as? String ?? environment?["gpu"] as? String)
    }
}
