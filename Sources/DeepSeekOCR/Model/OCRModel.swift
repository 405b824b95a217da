import ModelMeter

/// The vision-language models ModelMeter prices. They share SAM ViT-B and the DeepSeek-V2 MoE
/// decoder and differ in the second vision encoder, the crop size and the image tokens per view.
public enum OCRModel: String, CaseIterable, Sendable, Hashable {
    /// DeepSeek-OCR (arXiv 2510.18234): SAM + CLIP-L, 640 crops in Gundam mode, a newline token per row.
    case deepseekOCR = "deepseek-ocr"
    /// DeepSeek-OCR 2 (arXiv 2601.20552): SAM + a Qwen2 encoder with causal-flow queries ("DeepEncoder V2"),
    /// one mode: a 1024 global view plus 0 or 2–6 crops of 768, no newline tokens.
    case deepseekOCR2 = "deepseek-ocr-2"

    /// The model named `name` (`deepseek-ocr`, `deepseek-ocr-2`), case-insensitively.
    public static func named(_ name: String) throws -> OCRModel {
        guard let model = OCRModel(rawValue: name.lowercased()) else {
            throw ModelMeterError.unknownName(kind: "model", name: name, accepted: allCases.map(\.rawValue))
        }
        return model
    }

    /// The name reports print (`DeepSeek-OCR`, `DeepSeek-OCR 2`).
    public var displayName: String { self == .deepseekOCR ? "DeepSeek-OCR" : "DeepSeek-OCR 2" }

    /// The vision modes the model runs: all five of DeepSeek-OCR's; DeepSeek-OCR 2 has one
    /// (base 1024, crops 768), which ModelMeter names `gundam` as its crop mode.
    public var modes: [VisionMode] { self == .deepseekOCR ? VisionMode.allCases : [.gundam] }

    /// Side of the global view in `mode` (`BASE_SIZE`).
    public func baseSize(_ mode: VisionMode) -> Int { self == .deepseekOCR ? mode.baseSize : 1024 }

    /// Side of one local crop in `mode` (`IMAGE_SIZE`): 640 (Gundam) or 768 (DeepSeek-OCR 2).
    public func imageSize(_ mode: VisionMode) -> Int { self == .deepseekOCR ? mode.imageSize : 768 }

    /// Throws unless the model runs `mode`.
    public func check(_ mode: VisionMode) throws {
        guard modes.contains(mode) else {
            throw ModelMeterError.unknownName(
                kind: "mode of \(displayName)", name: mode.rawValue, accepted: modes.map(\.rawValue))
        }
    }

    /// Image positions the decoder sees for one page: DeepSeek-OCR 2 gives `q·q + 1` for the
    /// global view and its separator (q = 16 query outputs per side at 1024) plus `(nh·q₂)·(nw·q₂)`
    /// for the crops (q₂ = 12 at 768), with no newline tokens: `257 + 144·n`.
    /// DeepSeek-OCR's count (with a newline per row) is `Workload.visionTokensPerPage`'s own rule.
    static func deepseekOCR2Tokens(crops: CropGrid?) -> Int {
        let q = 1024 / 16 / 4
        var tokens = q * q + 1
        if let crops, crops.count > 1 {
            let q2 = 768 / 16 / 4
            tokens += (crops.heightTiles * q2) * (crops.widthTiles * q2)
        }
        return tokens
    }
}

extension Workload {
    /// The vision stage's module tree: `DeepSeekOCRVision` or `DeepSeekOCR2Vision`, by model.
    public func visionModel() throws -> any Layer {
        switch model {
        case .deepseekOCR: return try DeepSeekOCRVision(workload: self)
        case .deepseekOCR2: return try DeepSeekOCR2Vision(workload: self)
        }
    }
}
