import Foundation
import Testing
import ModelMeter
@testable import DeepSeekOCR

/// The eager masks a config decoder builds (sliding windows sized as transformers 5.25's
/// `DynamicSlidingWindowLayer.get_mask_sizes` sizes them) and absorbed MLA's query concatenation.
@Suite struct ConfigDecoderFixesTests {
    static func decoder(_ name: String, latentMode: LatentAttentionMode = .naive) throws -> ConfigDecoder {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return try ConfigDecoder(path: root.appendingPathComponent("tools/reference/configs/\(name).json").path, latentMode: latentMode)
    }

    /// Elements each of the model's own memory-only terms writes, by name.
    static func maskWrites(_ decoder: ConfigDecoder, batch: Int, context: Int) throws -> [String: Int] {
        let model = try decoder.model(shape: .decode(batch: batch, context: context), kernel: .eager)
        let inner = try model.moduleInstance(at: "model").layer
        var writes: [String: Int] = [:]
        for term in inner.ownTerms where term.name.contains("mask") {
            writes[term.name] = try term.forwardTraffic.writes.evaluate()
        }
        return writes
    }

    @Test("eager masks: [B, 1, S, min(L, W − 1) + S] for a sliding window, [B, 1, S, L + S] otherwise")
    func masks() throws {
        // tiny-mistral-window, W = 16: the cache keeps 15 positions. B = 3, S = 1.
        let mistral = try Self.decoder("tiny-mistral-window")
        #expect(try Self.maskWrites(mistral, batch: 3, context: 40) == ["sliding-window causal mask": 3 * (15 + 1)])
        // Before the window fills (L = 5): every cached position, 3·(5 + 1).
        #expect(try Self.maskWrites(mistral, batch: 3, context: 5) == ["sliding-window causal mask": 3 * (5 + 1)])
        // tiny-qwen2-sliding, W = 12, every layer sliding: qwen2 still builds its full-attention mask,
        // sized by layer 0's (sliding) cache, and the sliding one: 2·(11 + 1) each.
        let qwen = try Self.decoder("tiny-qwen2-sliding")
        #expect(try Self.maskWrites(qwen, batch: 2, context: 40) == ["causal mask": 24, "sliding-window causal mask": 24])
        // No window: one mask over L + S = 41 keys.
        let llama = try Self.decoder("tiny-llama-bias")
        #expect(try Self.maskWrites(llama, batch: 3, context: 40) == ["causal mask": 3 * 41])
    }

    @Test("absorbed MLA copies the latent and rotary queries into one [T, h, r + dr] tensor; naive does not")
    func absorbedQueryConcatenation() throws {
        // DeepSeek-V2-Lite: h = 16, r = kv_lora_rank = 512, dr = 64. Decode at B = 3: T = 3 rows.
        for (mode, expected) in [(LatentAttentionMode.absorbed, 3 * 16 * (512 + 64)), (.naive, 0)] {
            let decoder = try Self.decoder("deepseek-v2-lite", latentMode: mode)
            let attention = try decoder.layer(1, shape: .decode(batch: 3, context: 40), kernel: .sdpa).children
                .first { $0.name == "self_attn" }?.layer
            let term = try #require(attention).ownTerms.first { $0.name == "cat(q_latent, q_pe)" }
            #expect(try term.map { try $0.forwardTraffic.writes.evaluate() } ?? 0 == expected)
            #expect(try term.map { try $0.forwardTraffic.activationReads.evaluate() } ?? 0 == expected)
        }
    }
}
