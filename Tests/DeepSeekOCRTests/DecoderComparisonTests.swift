import Foundation
import Testing
import ModelMeter
@testable import DeepSeekOCR

@Suite("models side by side")
struct DecoderComparisonTests {
    @Test("parameters, active parameters and KV bytes per token of DeepSeek-V2-Lite follow from the measured modules")
    func deepSeekV2Lite() throws {
        let reference = DecoderReferenceCase(file: "deepseek-v2-lite.json")
        let (document, config) = try reference.load()
        #expect(config.layers == 2)
        let full = try ConfigDecoder(path: ProjectFiles.root.appendingPathComponent("tools/reference/configs/deepseek-v2-lite.json").path)
        let comparison = try DecoderComparison(
            entries: [.config(full, kernel: .sdpa)], gpu: GPUCatalog.defaultGPU, precision: .bf16, prefillTokens: 8, context: 8)
        let row = try #require(comparison.rows.first)
        let p = document.parameters
        // The reference built layers 0 (dense) and 1 (MoE); layers 2…26 repeat layer 1.
        let total = try #require(p[""]) + 25 * (try #require(p["model.layers.1"]))
        #expect(row.parameters == total)
        // 26 MoE layers each run 6 of their 64 experts: 58/64 of the routed parameters stay idle.
        #expect(row.activeParameters == total - 26 * (try #require(p["model.layers.1.mlp.experts"])) / 64 * 58)
        // 27 layers · (512 + 64) latent values · 2 B.
        #expect(row.kvBytesPerToken == 27 * 576 * 2)
        #expect(comparison.markdown.contains("| deepseek-v2-lite.json | 15.71 G |"))
    }

    @Test("DeepSeek-OCR's decoder row: 64 experts, 6 per token, MHA cache of 2·12·10·128 values")
    func deepSeekOCR() throws {
        let comparison = try DecoderComparison(
            entries: [.deepSeekOCR(kernel: .sdpa)], gpu: GPUCatalog.defaultGPU, precision: .bf16, prefillTokens: 4, context: 4)
        let row = try #require(comparison.rows.first)
        let configuration = DeepseekV2Configuration.deepSeekOCR
        // Routed experts: 11 MoE layers × 64 × 3 · 1280 · 896; 58 of 64 idle per token.
        let routed = 11 * 64 * 3 * 1280 * 896
        #expect(row.activeParameters == row.parameters - routed / 64 * 58)
        #expect(row.kvBytesPerToken == 2 * 12 * 10 * 128 * 2)
        #expect(configuration.routedExperts == 64)
        // Bound tokens/s grow with the batch: the weights are read once per step for all B sequences.
        #expect(row.tokensPerSecond[1] > row.tokensPerSecond[0])
    }
}
