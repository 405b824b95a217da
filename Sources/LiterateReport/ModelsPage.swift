import DeepSeekOCR
import Foundation
import ModelMeter

/// "Models side by side": DeepSeek-OCR's decoder and every public `config.json` committed in
/// `modelsFolder`, with the figures of `DecoderComparison` (the same as `modelmeter list models`)
/// on the report's GPU and precision.
extension SiteGenerator {
    /// Where the public configurations the page compares live, relative to the project root.
    public static let modelsFolder = "context/models"

    /// The comparison on `gpu`: DeepSeek-OCR's decoder first, then the committed configs by file
    /// name, then `adding` when it is not one of them (a site's own config). SDPA attention,
    /// S = 1024, L = 1024, as `list models` prints by default.
    /// The table's prefill positions S and cached positions L (`list models`' defaults).
    static let comparisonTokens = 1024

    static func modelsComparison(
        root: URL, gpu: GPUSpec, precision: Precision, adding extra: ConfigDecoder? = nil
    ) throws -> DecoderComparison {
        let folder = root.appendingPathComponent(modelsFolder)
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else {
            throw SiteError(file: modelsFolder, "folder of public configs is missing or unreadable")
        }
        var entries = [DecoderComparison.Entry.deepSeekOCR(kernel: .sdpa)]
        var configs: [DecoderConfig] = []
        for name in names.sorted() where name.hasSuffix(".json") {
            let config = try DecoderConfig.load(path: folder.appendingPathComponent(name).path)
            configs.append(config)
            entries.append(.config(ConfigDecoder(config: config), kernel: .sdpa))
        }
        // A config joins when it can run the table's shapes (S positions, and L cached plus one).
        let positions = comparisonTokens + 1
        if let extra, extra.config.maxPositions >= positions,
           !configs.contains(where: { $0.source == extra.config.source && $0 == extra.config }) {
            entries.append(.config(extra, kernel: .sdpa))
        }
        return try DecoderComparison(
            entries: entries, gpu: gpu, precision: precision, prefillTokens: comparisonTokens, context: comparisonTokens)
    }

    /// The view of `templates/models.md.mustache`.
    static func modelsView(_ comparison: DecoderComparison) -> [String: Any] {
        let rows: [[String: String]] = comparison.rows.map { row in
            [
                "name": row.name, "parameters": Format.count(row.parameters), "active": Format.count(row.activeParameters),
                "kv": Format.bytes(row.kvBytesPerToken),
                "prefill": Format.flops(Int(row.prefillFLOPsPerToken.rounded())),
                "bytesOne": Format.bytes(row.decodeBytes[0]), "bytesMany": Format.bytes(row.decodeBytes[1]),
                "rateOne": Format.count(Int(row.tokensPerSecond[0].rounded(.down))),
                "rateMany": Format.count(Int(row.tokensPerSecond[1].rounded(.down))),
            ]
        }
        return [
            "title": "Models side by side",
            "gpu": Markup.escape(comparison.gpu.name, for: .markdown),
            "precision": comparison.precision.rawValue,
            "tokens": Format.count(comparison.prefillTokens),
            "context": Format.count(comparison.context),
            "batchOne": Format.count(comparison.batches[0]),
            "batchMany": Format.count(comparison.batches[1]),
            "folder": modelsFolder,
            "rows": rows,
        ]
    }
}
