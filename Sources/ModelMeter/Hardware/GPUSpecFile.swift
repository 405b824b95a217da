import Foundation

/// Why a GPU spec file was rejected: one line naming the file, the field and the problem.
public struct GPUSpecFileError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file as the user named it.
    public let file: String
    /// Dotted path of the field at fault (`tensorCorePeaks.bf16.teraFLOPS`), nil for the whole file.
    public let field: String?
    public let problem: String

    public init(file: String, field: String? = nil, _ problem: String) {
        self.file = file
        self.field = field
        self.problem = problem
    }

    public var description: String {
        if let field { return "GPU spec file \(file): field '\(field)' \(problem)" }
        return "GPU spec file \(file): \(problem)"
    }
}

/// Reads a GPU the catalog lacks from a JSON file (`modelmeter … --gpu-spec FILE.json`).
///
/// The shape mirrors `GPUSpec` (every field required unless marked optional):
/// ```json
/// {
///   "id": "rtx6000-ada",
///   "name": "NVIDIA RTX 6000 Ada Generation",
///   "architecture": "Ada AD102",
///   "tensorCorePeaks": {
///     "bf16": { "teraFLOPS": 364.2, "precision": "BF16", "accumulate": "FP32" },
///     "fp8":  { "teraFLOPS": 728.5, "precision": "FP8", "accumulate": "FP32", "sparsity": "dense" }
///   },
///   "cudaCorePeak": { "teraFLOPS": 91.1, "precision": "FP32", "accumulate": "FP32" },
///   "memoryBandwidthGBps": 960,
///   "memoryGB": 48,
///   "source": "NVIDIA RTX 6000 Ada datasheet"
/// }
/// ```
/// - `tensorCorePeaks` keys are precisions (`bf16`, `fp16`, `fp8`; `fp32` matmuls use
///   `cudaCorePeak`); a missing key means the GPU has no such tensor-core mode.
/// - `teraFLOPS` are dense figures (1e12 FLOP/s); `sparsity` is optional and must be `"dense"`.
/// - `memoryBandwidthGBps` is in 1e9 B/s, `memoryGB` in 1e9 B; every figure must be positive
///   and inside a generous range (``teraFLOPSRange``, ``bandwidthRange``, ``memoryRange``).
/// - `id` is at most 64 letters, digits, `-`, `_`, `.`; text fields have no control characters.
/// - Unknown fields are rejected, so a misspelt field is never silently ignored.
public enum GPUSpecFile {
    static let topLevelFields = [
        "id", "name", "architecture", "tensorCorePeaks", "cudaCorePeak", "memoryBandwidthGBps", "memoryGB", "source",
    ]
    static let peakFields = ["teraFLOPS", "precision", "accumulate", "sparsity"]
    /// The largest spec file read.
    public static let maximumBytes = 100_000
    /// Accepted ranges, wide enough for any real GPU and narrow enough that every time,
    /// ridge point and intensity computed from them is a finite, non-zero number.
    public static let teraFLOPSRange = 0.001...1_000_000.0
    public static let bandwidthRange = 1.0...1_000_000.0
    public static let memoryRange = 0.001...1_000_000.0
    /// Longest accepted `name`, `architecture` and `source`.
    public static let maximumTextLength = 300

    /// Reads, decodes and validates the spec at `path`.
    public static func load(path: String) throws -> GPUSpec {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw GPUSpecFileError(file: path, "cannot read the file: it does not exist")
        }
        guard !isDirectory.boolValue else {
            throw GPUSpecFileError(file: path, "cannot read the file: it is a folder")
        }
        if let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int, size > maximumBytes {
            throw GPUSpecFileError(file: path, "is \(size) bytes; a GPU spec is a few hundred bytes (limit \(maximumBytes))")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw GPUSpecFileError(file: path, "cannot read the file: permission denied or unreadable")
        }
        guard data.count <= maximumBytes else {
            throw GPUSpecFileError(file: path, "is \(data.count) bytes; a GPU spec is a few hundred bytes (limit \(maximumBytes))")
        }
        return try decode(data, file: path)
    }

    /// Decodes and validates a spec; `file` names the source in errors.
    public static func decode(_ data: Data, file: String) throws -> GPUSpec {
        let document: Document
        do {
            document = try JSONDecoder().decode(Document.self, from: data)
        } catch let error as GPUSpecFileError {
            throw GPUSpecFileError(file: file, field: error.field, error.problem)
        } catch let error as DecodingError {
            throw describe(error, file: file)
        } catch {
            throw GPUSpecFileError(file: file, "is not valid JSON")
        }
        let spec = document.spec
        try check(spec, file: file)
        do {
            try spec.validate()
        } catch {
            throw GPUSpecFileError(file: file, "\(error)")
        }
        return spec
    }

    /// Field-by-field checks with the field's path, before `GPUSpec.validate()`'s catch-all.
    private static func check(_ spec: GPUSpec, file: String) throws {
        func positive(_ value: Double, _ field: String, in range: ClosedRange<Double>, unit: String) throws {
            guard value.isFinite, value > 0 else {
                throw GPUSpecFileError(file: file, field: field, "is \(GPUSpecFile.number(value)), not a positive number")
            }
            guard range.contains(value) else {
                throw GPUSpecFileError(
                    file: file, field: field,
                    "is \(GPUSpecFile.number(value)), outside the accepted range \(GPUSpecFile.number(range.lowerBound)) to \(GPUSpecFile.number(range.upperBound)) \(unit)")
            }
        }
        func nonEmpty(_ value: String, _ field: String) throws {
            guard !value.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw GPUSpecFileError(file: file, field: field, "is empty")
            }
        }
        func text(_ value: String, _ field: String) throws {
            guard value.count <= maximumTextLength else {
                throw GPUSpecFileError(file: file, field: field, "is \(value.count) characters long; the limit is \(maximumTextLength)")
            }
            if let control = value.unicodeScalars.first(where: { $0.properties.generalCategory == .control }) {
                throw GPUSpecFileError(
                    file: file, field: field,
                    "contains the control character U+\(String(format: "%04X", control.value)) (a line break or tab?); use plain text")
            }
        }
        try nonEmpty(spec.id, "id")
        let idCharacters = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")
        guard spec.id.count <= 64, spec.id.allSatisfy({ idCharacters.contains($0) }) else {
            throw GPUSpecFileError(
                file: file, field: "id",
                "is '\(shown(spec.id))'; use at most 64 letters, digits, '-', '_' or '.' (it names CSV columns and chart series)")
        }
        try nonEmpty(spec.name, "name")
        try text(spec.name, "name")
        try text(spec.architecture, "architecture")
        try text(spec.source, "source")
        guard !spec.tensorCorePeaks.isEmpty else {
            throw GPUSpecFileError(file: file, field: "tensorCorePeaks", "is empty; give at least one precision, e.g. \"bf16\"")
        }
        let accepted = Precision.allCases.map(\.rawValue)
        for (key, peak) in spec.tensorCorePeaks.sorted(by: { $0.key < $1.key }) {
            guard accepted.contains(key) else {
                throw GPUSpecFileError(
                    file: file, field: "tensorCorePeaks.\(key)",
                    "names an unknown precision; accepted: \(accepted.joined(separator: ", "))")
            }
            try positive(peak.teraFLOPS, "tensorCorePeaks.\(key).teraFLOPS", in: teraFLOPSRange, unit: "TFLOPS")
            guard peak.sparsity == "dense" else {
                throw GPUSpecFileError(
                    file: file, field: "tensorCorePeaks.\(key).sparsity",
                    "is '\(shown(peak.sparsity))'; accepted: dense (sparse figures overstate a dense model)")
            }
        }
        try positive(spec.cudaCorePeak.teraFLOPS, "cudaCorePeak.teraFLOPS", in: teraFLOPSRange, unit: "TFLOPS")
        guard spec.cudaCorePeak.sparsity == "dense" else {
            throw GPUSpecFileError(
                file: file, field: "cudaCorePeak.sparsity", "is '\(shown(spec.cudaCorePeak.sparsity))'; accepted: dense")
        }
        try positive(spec.memoryBandwidthGBps, "memoryBandwidthGBps", in: bandwidthRange, unit: "GB/s")
        try positive(spec.memoryGB, "memoryGB", in: memoryRange, unit: "GB")
    }

    private static func path(_ codingPath: [any CodingKey], _ last: (any CodingKey)? = nil) -> String {
        (codingPath + (last.map { [$0] } ?? [])).map(\.stringValue).joined(separator: ".")
    }

    private static func describe(_ error: DecodingError, file: String) -> GPUSpecFileError {
        switch error {
        case let .keyNotFound(key, context):
            return GPUSpecFileError(file: file, field: path(context.codingPath, key), "is missing")
        case let .typeMismatch(type, context):
            if context.codingPath.isEmpty {
                return GPUSpecFileError(file: file, "expected a JSON object at the top level")
            }
            return GPUSpecFileError(file: file, field: path(context.codingPath), "must be \(noun(type))")
        case let .valueNotFound(type, context):
            if context.codingPath.isEmpty {
                return GPUSpecFileError(file: file, "is null; expected a JSON object at the top level")
            }
            return GPUSpecFileError(file: file, field: path(context.codingPath), "is null; it must be \(noun(type))")
        case let .dataCorrupted(context):
            if context.codingPath.isEmpty {
                return GPUSpecFileError(file: file, "is not valid JSON")
            }
            return GPUSpecFileError(file: file, field: path(context.codingPath), "must be a finite number")
        @unknown default:
            return GPUSpecFileError(file: file, "is not a valid GPU spec")
        }
    }

    /// `text` as an error message shows it: control characters as `?`, at most 60 characters.
    static func shown(_ text: String) -> String {
        let printable = String(String.UnicodeScalarView(text.unicodeScalars.map { $0.properties.generalCategory == .control ? "?" : $0 }))
        return printable.count > 60 ? String(printable.prefix(60)) + "…" : printable
    }

    /// `48`, `364.2`: no trailing `.0`.
    static func number(_ value: Double) -> String {
        value.isFinite && value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }

    private static func noun(_ type: Any.Type) -> String {
        if type == Double.self { return "a number" }
        if type == String.self { return "a string" }
        return "an object"
    }

    // MARK: - Decoding

    struct Key: CodingKey {
        let stringValue: String
        var intValue: Int? { nil }
        init(_ string: String) { stringValue = string }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { return nil }
    }

    /// Rejects keys outside `accepted`, naming the first one found (in sorted order).
    static func rejectUnknownKeys(_ container: KeyedDecodingContainer<Key>, accepted: [String]) throws {
        if let unknown = container.allKeys.map(\.stringValue).sorted().first(where: { !accepted.contains($0) }) {
            let prefix = container.codingPath.map(\.stringValue).joined(separator: ".")
            throw GPUSpecFileError(
                file: "", field: prefix.isEmpty ? shown(unknown) : prefix + "." + shown(unknown),
                "is not a known field; accepted: \(accepted.joined(separator: ", "))")
        }
    }

    struct Peak: Decodable {
        let value: PeakThroughput

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: Key.self)
            try GPUSpecFile.rejectUnknownKeys(container, accepted: GPUSpecFile.peakFields)
            value = PeakThroughput(
                try container.decode(Double.self, forKey: Key("teraFLOPS")),
                precision: try container.decode(String.self, forKey: Key("precision")),
                accumulate: try container.decode(String.self, forKey: Key("accumulate")),
                sparsity: try container.decodeIfPresent(String.self, forKey: Key("sparsity")) ?? "dense")
        }
    }

    struct Document: Decodable {
        let spec: GPUSpec

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: Key.self)
            try GPUSpecFile.rejectUnknownKeys(container, accepted: GPUSpecFile.topLevelFields)
            // Decoded in the documented order, so the first problem reported is the first in the file's shape.
            let id = try container.decode(String.self, forKey: Key("id"))
            let name = try container.decode(String.self, forKey: Key("name"))
            let architecture = try container.decode(String.self, forKey: Key("architecture"))
            let peaks = try container.decode([String: Peak].self, forKey: Key("tensorCorePeaks"))
            let cudaCorePeak = try container.decode(Peak.self, forKey: Key("cudaCorePeak")).value
            let bandwidth = try container.decode(Double.self, forKey: Key("memoryBandwidthGBps"))
            let memory = try container.decode(Double.self, forKey: Key("memoryGB"))
            spec = GPUSpec(
                id: id, name: name, architecture: architecture, tensorCorePeaks: peaks.mapValues(\.value),
                cudaCorePeak: cudaCorePeak, memoryBandwidthGBps: bandwidth, memoryGB: memory,
                source: try container.decode(String.self, forKey: Key("source")))
        }
    }
}
