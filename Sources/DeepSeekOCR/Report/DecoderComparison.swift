import Foundation
import ModelMeter

/// Models side by side: the figures that decide what a decoder costs to serve, each from the
/// same closed-form tree the reports use.
///
/// ```
/// active parameters      parameters − routed-expert parameters · (1 − k/E)    (embeddings and lm_head included)
/// KV bytes per token     KV elements per token (all layers) × bytes per element
/// prefill FLOPs / token  tensor-core FLOPs of a B = 1 prefill of S positions ÷ S (lm_head on the last position)
/// decode-step bytes      DRAM bytes of one decode step against L cached positions, B = 1 and 64
/// bound tokens/s         B ÷ max(compute time, memory time) of that step on the GPU (a ceiling)
/// ```
public struct DecoderComparison: Sendable {
    /// One model to compare: how to build its decoder for a shape, and its expert ratio.
    public struct Entry: Sendable {
        public let name: String
        public let build: @Sendable (DecoderShape) throws -> any Layer
        public let kvElementsPerToken: Int
        /// Routed experts `E` and experts per token `k` (1 and 1 for a dense model).
        public let routedExperts: Int
        public let expertsPerToken: Int

        public init(
            name: String, kvElementsPerToken: Int, routedExperts: Int, expertsPerToken: Int,
            build: @escaping @Sendable (DecoderShape) throws -> any Layer
        ) {
            self.name = name
            self.build = build
            self.kvElementsPerToken = kvElementsPerToken
            self.routedExperts = routedExperts
            self.expertsPerToken = expertsPerToken
        }

        /// DeepSeek-OCR's decoder as the vendor code runs it.
        public static func deepSeekOCR(kernel: AttentionKernel) -> Entry {
            let configuration = DeepseekV2Configuration.deepSeekOCR
            return Entry(
                name: "DeepSeek-OCR decoder", kvElementsPerToken: configuration.kvCacheElementsPerToken,
                routedExperts: configuration.routedExperts, expertsPerToken: configuration.expertsPerToken
            ) { shape in try DeepseekV2ForCausalLM(shape: shape, configuration: configuration, kernel: kernel, logits: .last) }
        }

        /// A decoder read from a `config.json`.
        public static func config(_ decoder: ConfigDecoder, kernel: AttentionKernel) -> Entry {
            Entry(
                name: decoder.config.source, kvElementsPerToken: decoder.config.kvCacheElementsPerToken,
                routedExperts: decoder.config.mixture?.routedExperts ?? 1,
                expertsPerToken: decoder.config.mixture?.expertsPerToken ?? 1
            ) { shape in try decoder.model(shape: shape, kernel: kernel, logits: .last) }
        }
    }

    /// One model's row.
    public struct Row: Sendable {
        public let name: String
        public let parameters: Int
        public let activeParameters: Int
        public let kvBytesPerToken: Int
        public let prefillFLOPsPerToken: Double
        /// Decode-step DRAM bytes and bound tokens/s at each batch of `batches`.
        public let decodeBytes: [Int]
        public let tokensPerSecond: [Double]
    }

    public let rows: [Row]
    public let prefillTokens: Int
    public let context: Int
    public let batches: [Int]
    public let gpu: GPUSpec
    public let precision: Precision

    public init(
        entries: [Entry], gpu: GPUSpec, precision: Precision, prefillTokens: Int = 1024, context: Int = 1024,
        batches: [Int] = [1, 64]
    ) throws {
        self.prefillTokens = prefillTokens
        self.context = context
        self.batches = batches
        self.gpu = gpu
        self.precision = precision
        rows = try entries.map { entry in
            let prefill = try entry.build(try .prefill(batch: 1, tokens: prefillTokens)).evaluate(precision: precision)
            let routed = try prefill.sum(of: \.parameters, in: ExactArithmetic()) { $0 is RoutedExperts || $0 is DeepseekV2Experts }
            let unused = routed / entry.routedExperts * (entry.routedExperts - entry.expertsPerToken)
            var bytes: [Int] = []
            var rates: [Double] = []
            for batch in batches {
                let step = try entry.build(try .decode(batch: batch, context: context)).metrics(precision: precision)
                let point = try RooflinePoint(cost: step.forward, gpu: gpu, precision: precision)
                bytes.append(step.forward.ioBytes)
                rates.append(Double(batch) / point.timeLowerBoundSeconds)
            }
            return Row(
                name: entry.name, parameters: prefill.metrics.parameters, activeParameters: prefill.metrics.parameters - unused,
                kvBytesPerToken: try ModelMeterError.checkedProduct(entry.kvElementsPerToken, precision.bytesPerElement, "KV bytes"),
                prefillFLOPsPerToken: Double(prefill.metrics.forward.tensorCoreFLOPs) / Double(prefillTokens),
                decodeBytes: bytes, tokensPerSecond: rates)
        }
    }

    /// The comparison as a Markdown table with its definitions (SI decimal units).
    public var markdown: String {
        let header = ["model", "parameters", "active / token", "KV bytes / token", "prefill FLOPs / token"]
            + batches.map { "decode-step bytes, B = \($0)" } + batches.map { "bound tokens/s, B = \($0)" }
        var lines = [
            "# Models side by side",
            "",
            "\(gpu.name), \(precision.rawValue); prefill of S = \(prefillTokens) positions at B = 1; decode step against "
                + "L = \(context) cached positions; lm_head on the last position only. Active parameters: all "
                + "parameters less the routed experts a token does not run, (1 − k/E) of them. Bound tokens/s: B ÷ "
                + "max(compute, memory) time of one decode step, a ceiling no run reaches. SI decimal units.",
            "",
            "| " + header.joined(separator: " | ") + " |",
            "|" + header.map { _ in "---" }.joined(separator: "|") + "|",
        ]
        for row in rows {
            let cells = [row.name, plain(Double(row.parameters)), plain(Double(row.activeParameters)),
                         SIUnits.format(Double(row.kvBytesPerToken), unit: "B"), SIUnits.format(row.prefillFLOPsPerToken, unit: "FLOP")]
                + row.decodeBytes.map { SIUnits.format(Double($0), unit: "B") } + row.tokensPerSecond.map(plain)
            lines.append("| " + cells.joined(separator: " | ") + " |")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A count with an SI prefix and no unit: `2.79 G`, `15.0 k` → `2.79 G`.
    private func plain(_ value: Double) -> String { SIUnits.format(value, unit: "").trimmingCharacters(in: .whitespaces) }
}
