import ModelMeter

/// The vendor's resolution modes.
public enum VisionMode: String, CaseIterable, Sendable {
    case tiny, small, base, large, gundam

    /// Side of the global view (`base_size`).
    public var baseSize: Int {
        switch self {
        case .tiny: return 512
        case .small: return 640
        case .base, .gundam: return 1024
        case .large: return 1280
        }
    }

    /// Side of each local crop (`image_size`); equals `baseSize` without crop mode.
    public var imageSize: Int { self == .gundam ? 640 : baseSize }

    /// Whether the page is split into local crops plus a global view.
    public var cropMode: Bool { self == .gundam }

    public static func named(_ name: String) throws -> VisionMode {
        guard let mode = VisionMode(rawValue: name.lowercased()) else {
            throw ModelMeterError.unknownName(kind: "mode", name: name, accepted: allCases.map(\.rawValue))
        }
        return mode
    }
}

/// A crop grid: `widthTiles × heightTiles` local views.
public struct CropGrid: Sendable, Hashable, CustomStringConvertible {
    public let widthTiles: Int
    public let heightTiles: Int

    /// The vendor's default and hard limits on the number of crops.
    public static let defaultMinimumCrops = 2
    public static let defaultMaximumCrops = 6
    public static let largestMaximumCrops = 9

    public init(widthTiles: Int, heightTiles: Int) throws {
        guard widthTiles >= 1, heightTiles >= 1 else {
            throw ModelMeterError.invalidShape(
                layer: "crop grid", what: "\(widthTiles)x\(heightTiles)", reason: "both sides must be at least 1")
        }
        guard widthTiles * heightTiles <= CropGrid.largestMaximumCrops else {
            throw ModelMeterError.invalidShape(
                layer: "crop grid", what: "\(widthTiles)x\(heightTiles)",
                reason: "\(widthTiles * heightTiles) crops exceed the vendor's maximum of \(CropGrid.largestMaximumCrops)")
        }
        self.widthTiles = widthTiles
        self.heightTiles = heightTiles
    }

    /// Parses `WxH` (e.g. `2x3`).
    public init(parsing text: String) throws {
        let parts = text.lowercased().split(separator: "x", omittingEmptySubsequences: false)
        guard parts.count == 2, let w = Int(parts[0]), let h = Int(parts[1]) else {
            throw ModelMeterError.malformedValue(what: "crop grid", value: text, expected: "WxH with whole numbers, e.g. 2x2")
        }
        try self.init(widthTiles: w, heightTiles: h)
    }

    public var count: Int { widthTiles * heightTiles }
    public var description: String { "\(widthTiles)x\(heightTiles)" }
}

/// What runs: a mode, its crop grid, how many pages, and the attention kernel.
public struct Workload: Sendable {
    public let mode: VisionMode
    /// Local crops (Gundam only); nil or 1×1 means only the global view runs.
    public let crops: CropGrid?
    /// Pages processed together.
    public let batch: Int
    public let kernel: AttentionKernel
    /// The kernel of SAM's attention (`kernel` unless set apart, e.g. the math path of CPU autograd).
    public let samKernel: AttentionKernel
    /// The kernel of CLIP's attention (`kernel` unless set apart).
    public let clipKernel: AttentionKernel
    public let projectorType: ProjectorType
    /// The page size the crop grid was derived from (`--page`), when it was.
    public let page: PageSize?
    /// How the language decoder runs on the page's sequence.
    public var decoder = DecoderSettings()
    /// The model that runs (DeepSeek-OCR unless `running(_:)` chose another).
    public private(set) var model = OCRModel.deepseekOCR

    public init(
        mode: VisionMode, crops: CropGrid? = nil, batch: Int = 1, kernel: AttentionKernel = .sdpa,
        projectorType: ProjectorType = .linear, page: PageSize? = nil,
        samKernel: AttentionKernel? = nil, clipKernel: AttentionKernel? = nil
    ) throws {
        guard batch >= 1 else {
            throw ModelMeterError.invalidShape(layer: "workload", what: "batch", reason: "\(batch) is not positive")
        }
        if crops != nil && !mode.cropMode {
            throw ModelMeterError.invalidShape(
                layer: "workload", what: "crops", reason: "--crops needs crop mode (gundam); \(mode.rawValue) has a single view")
        }
        self.mode = mode
        let defaultCrops = try CropGrid(widthTiles: 2, heightTiles: 2)
        self.crops = mode.cropMode ? (crops ?? defaultCrops) : nil
        self.batch = batch
        self.kernel = kernel
        self.samKernel = samKernel ?? kernel
        self.clipKernel = clipKernel ?? kernel
        self.projectorType = projectorType
        self.page = page
    }

    /// The seed's `dsocr-standard-v1`: base 1024, image 640, crop mode, 2×2 local crops.
    public static func standard() throws -> Workload { try Workload(mode: .gundam) }

    /// The same workload for other pages: `mode`, `crops` (kept only in crop mode), `page` and
    /// `batch` replaced; kernels, projector and decoder settings kept.
    public func reshaped(mode: VisionMode, crops: CropGrid?, page: PageSize? = nil, batch: Int) throws -> Workload {
        var copy = try Workload(
            mode: mode, crops: mode.cropMode ? crops : nil, batch: batch, kernel: kernel, projectorType: projectorType,
            page: page, samKernel: samKernel, clipKernel: clipKernel)
        copy.decoder = decoder
        return try copy.running(model)
    }

    /// The same workload run by `model`; throws when the model lacks the workload's mode.
    public func running(_ model: OCRModel) throws -> Workload {
        try model.check(mode)
        if model == .deepseekOCR2 && projectorType != .linear {
            throw ModelMeterError.invalidShape(
                layer: "workload", what: "projector \(projectorType.vendorName)",
                reason: "\(model.displayName) ships the linear projector 896 -> 1280 only; accepted: linear")
        }
        var copy = self
        copy.model = model
        return copy
    }

    /// Side of the global view (`BASE_SIZE`) under this workload's model and mode.
    public var baseSize: Int { model.baseSize(mode) }

    /// Side of one local crop (`IMAGE_SIZE`) under this workload's model and mode.
    public var imageSize: Int { model.imageSize(mode) }

    /// The same workload with `batch` pages.
    public func withBatch(_ batch: Int) throws -> Workload { try reshaped(mode: mode, crops: crops, page: page, batch: batch) }

    /// Whether local crops run (the vendor skips them for a 1×1 grid).
    public var hasLocalView: Bool { (crops?.count ?? 0) > 1 }

    /// Human-readable one-line summary.
    public var summary: String {
        var text = (model == .deepseekOCR ? "" : "\(model.displayName) ") + "\(mode.rawValue) ("
            + (page.map { "page \($0), " } ?? "") + "base \(baseSize)"
        if let crops, hasLocalView { text += ", \(crops) crops of \(imageSize)" }
        text += "), batch \(batch), attention "
            + (samKernel == clipKernel ? samKernel.rawValue : "SAM \(samKernel.rawValue), CLIP \(clipKernel.rawValue)")
        if projectorType != .linear { text += ", projector \(projectorType.vendorName)" }
        return text
    }

    /// Prefill positions per sequence: `--tokens`, or the page's image positions plus the
    /// prompt's text tokens.
    public var prefillTokens: Int { decoder.prefillTokens ?? visionTokensPerPage + decoder.promptTextTokens }

    /// Cached positions the decode step attends over: `--context`, or the prefill length (the
    /// step that generates the first token after the prompt).
    public var decodeContext: Int { decoder.decodeContext ?? prefillTokens }

    /// Vision tokens the decoder sees per page, built as the vendor does (DeepSeek-OCR 2:
    /// `OCRModel.deepseekOCR2Tokens`); DeepSeek-OCR:
    /// global `q·(q + 1)` (an image-newline token ends each row), local
    /// `(nh·q₂)·(nw·q₂ + 1)` when crops run, plus one view separator.
    public var visionTokensPerPage: Int {
        if model == .deepseekOCR2 { return OCRModel.deepseekOCR2Tokens(crops: crops) }
        let q = (mode.baseSize / 16 + 3) / 4
        var tokens = q * (q + 1) + 1
        if let crops, hasLocalView {
            let q2 = (mode.imageSize / 16 + 3) / 4
            tokens += (crops.heightTiles * q2) * (crops.widthTiles * q2 + 1)
        }
        return tokens
    }
}

/// How the language decoder runs: prompt, the decode step to price, and the logits head.
public struct DecoderSettings: Sendable, Hashable {
    /// Prompt positions besides the image: BOS and the instruction
    /// (`\n<|grounding|>Convert the document to markdown.`), about 10 tokens (an estimate).
    public var promptTextTokens = 10
    /// Prefill positions per sequence; nil: image positions + `promptTextTokens`.
    public var prefillTokens: Int?
    /// Positions already cached at the decode step; nil: the prefill length.
    public var decodeContext: Int?
    /// Positions `lm_head` runs on (all, as the Hugging Face forward does, by default).
    public var logits: LogitPositions = .all
    public var configuration = DeepseekV2Configuration.deepSeekOCR

    public init() {}
}
