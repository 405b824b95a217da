import Foundation
import Testing
import ModelMeter
@testable import DeepSeekOCR

/// The language decoder against hand-derived values at shapes the reference sample does not
/// hold (the reference runs themselves are checked in `ReferenceTests`).
@Suite("DeepSeek-V2 decoder")
struct DecoderTests {
    @Test("the decoder has 2,934,734,080 parameters")
    func parameters() throws {
        // embed 129,280·1280 = 165,478,400; layer 0: attention 4·1280² = 6,553,600 + SwiGLU 3·1280·6848 =
        // 26,296,320 + two norms 2,560 = 32,852,480; each MoE layer: 6,553,600 + gate 64·1280 = 81,920 +
        // experts 64·3·1280·896 = 220,200,960 + shared 3·1280·1792 = 6,881,280 + 2,560 = 233,720,320;
        // final norm 1,280; lm_head 165,478,400.
        let expected = 165_478_400 + 32_852_480 + 11 * 233_720_320 + 1_280 + 165_478_400
        #expect(expected == 2_934_734_080)
        let model = try DeepseekV2ForCausalLM(shape: .decode(batch: 3, context: 77))
        #expect(try model.metrics().parameters == expected)
        #expect(try DeepseekV2MoE(shape: .prefill(batch: 1, tokens: 1)).metrics().parameters == 81_920 + 220_200_960 + 6_881_280)
    }

    @Test("KV cache: 2 · 12 layers · 10 heads · 128 · 2 B = 61,440 B per token in bf16")
    func kvCache() throws {
        #expect(DeepseekV2Configuration.deepSeekOCR.kvCacheElementsPerToken * 2 == 61_440)
        // Decode B = 2 against L = 1000: each sequence holds 1001 positions after the step.
        let decode = try DeepseekV2ForCausalLM(shape: .decode(batch: 2, context: 1000))
        #expect(try decode.metrics(precision: .bf16).memory.kvCacheBytes == 2 * 1001 * 61_440)
        // Prefill of 100 positions in fp32: 4 bytes per element, twice the bf16 figure.
        let prefill = try DeepseekV2ForCausalLM(shape: .prefill(batch: 1, tokens: 100))
        #expect(try prefill.metrics(precision: .fp32).memory.kvCacheBytes == 100 * 122_880)
        // One attention holds its own layer's share: 2·B·(L + S)·D = 2·1·(7 + 1)·1280 elements.
        #expect(try LlamaAttention(shape: .decode(batch: 1, context: 7)).metrics().memory.kvCacheBytes == 2 * 8 * 1280 * 2)
        // Encoders keep nothing.
        #expect(try DeepSeekOCRVision(workload: .standard()).metrics().memory.kvCacheBytes == 0)
    }

    @Test("decode attention, B = 3 against L = 500: projections, attention over L + 1 keys, rotary")
    func decodeAttention() throws {
        let attention = try LlamaAttention(shape: .decode(batch: 3, context: 500), kernel: .eager)
        // q/k/v/o: 4·2·3·1280·1280 = 39,321,600; QKᵀ and A·V: 4·3·10·1·501·128 = 7,695,360;
        // inv_freq × positions: 2·3·64·1 = 384.
        #expect(try attention.metrics().forward.tensorCoreFLOPs == 39_321_600 + 7_695_360 + 384)
        // The fused kernel executes the same matmuls as far as FlopCounterMode counts them.
        let fused = try LlamaAttention(shape: .decode(batch: 3, context: 500), kernel: .sdpa)
        #expect(try fused.metrics().forward.tensorCoreFLOPs == 39_321_600 + 7_695_360 + 384)
        // Backward: 2× the linears and the eager attention matmuls; the rotary bmm runs without grad.
        #expect(try attention.metrics().backward.tensorCoreFLOPs == 2 * (39_321_600 + 7_695_360))
    }

    @Test("fused decode attention reads the whole cache: K and V of L + 1 positions")
    func decodeReadsCache() throws {
        let small = try LlamaAttention(shape: .decode(batch: 1, context: 100), kernel: .sdpa).metrics().forward.ioBytes
        let large = try LlamaAttention(shape: .decode(batch: 1, context: 1100), kernel: .sdpa).metrics().forward.ioBytes
        // 1000 more cached positions: K and V, 2·1000·1280 elements of 2 bytes = 5,120,000 B more.
        #expect(large - small == 2 * 1000 * 1280 * 2)
    }

    @Test("prefill attention, B = 2, S = 100: the causal square is counted whole")
    func prefillAttention() throws {
        let attention = try LlamaAttention(shape: .prefill(batch: 2, tokens: 100), kernel: .eager)
        // 4·2·200·1280² = 2,621,440,000; 4·2·10·100·100·128 = 102,400,000; 2·2·64·100 = 25,600.
        #expect(try attention.metrics().forward.tensorCoreFLOPs == 2_621_440_000 + 102_400_000 + 25_600)
    }

    @Test("MoE FLOPs are 55,214,080 per token whatever the routing")
    func moeFLOPs() throws {
        // gate 2·1280·64 = 163,840; routed 6 experts × 6·1280·896 = 41,287,680; shared 6·1280·1792 = 13,762,560.
        let perToken = 163_840 + 41_287_680 + 13_762_560
        #expect(perToken == 55_214_080)
        let moe = try DeepseekV2MoE(shape: DecoderShape(batch: 4, newTokens: 3, cachedTokens: 9))
        #expect(try moe.metrics().forward.tensorCoreFLOPs == 12 * perToken)
    }

    @Test("distinct experts touched: exactly k for one token, E·(1 − (1 − k/E)^T) expected, k…min(E, k·T)")
    func distinctExperts() throws {
        #expect(RoutedExperts.expectedDistinctExperts(experts: 64, perToken: 6, tokens: 1) == 6)
        // T = 2: 64·(1 − (58/64)²) = 64·0.1787109375 = 11.4375.
        #expect(RoutedExperts.expectedDistinctExperts(experts: 64, perToken: 6, tokens: 2) == 11.4375)
        #expect(RoutedExperts.distinctExpertRange(experts: 64, perToken: 6, tokens: 2) == 6...12)
        #expect(RoutedExperts.distinctExpertRange(experts: 64, perToken: 6, tokens: 500) == 6...64)
        #expect(try RoutedExperts(shape: .decode(batch: 2, context: 10)).touchedExperts.value == 11)
        #expect(try RoutedExperts(shape: .prefill(batch: 1, tokens: 273)).touchedExperts.value == 64)
    }

    @Test("a decode step of one token reads the weights of 6 experts, not 64")
    func expertWeightTraffic() throws {
        let experts = try RoutedExperts(shape: .decode(batch: 1, context: 50))
        // Weights: 6 experts × 3·1280·896 elements × 2 B = 41,287,680 B. Activations (elements):
        // gate/up/down GEMMs 3 × (6·1280 + 6·896) = 39,168; SiLU 2·6·896 = 10,752;
        // gate·up 3·6·896 = 16,128: 66,048 elements = 132,096 B.
        #expect(try experts.metrics().forward.ioBytes == 41_287_680 + 132_096)
        #expect(try experts.metrics().parameters == 64 * 3 * 1280 * 896)
    }

    @Test("whole decoder prefill, S = 10: layers + lm_head on every position or the last only")
    func wholeDecoder() throws {
        // Per layer attention 131,585,280 (4·2·10·1280² + 4·10·10²·128 + 2·64·10); layer 0 SwiGLU
        // 6·10·1280·6848 = 525,926,400; each MoE layer 10 × 55,214,080; lm_head 2·10·1280·129,280.
        let all = try DeepseekV2ForCausalLM(shape: .prefill(batch: 1, tokens: 10), kernel: .eager)
        #expect(try all.metrics().forward.tensorCoreFLOPs == 11_488_066_560)
        // Backward: twice everything but the twelve rotary matmuls (2·64·10 each).
        #expect(try all.metrics().backward.tensorCoreFLOPs == 2 * (11_488_066_560 - 12 * 1_280))
        let last = try DeepseekV2ForCausalLM(shape: .prefill(batch: 1, tokens: 10), logits: .last)
        #expect(try last.metrics().forward.tensorCoreFLOPs == 11_488_066_560 - 2 * 10 * 1280 * 129_280 + 2 * 1280 * 129_280)
    }

    @Test("bad decoder shapes throw one clear error")
    func invalidShapes() throws {
        #expect(throws: ModelMeterError.self) { try DecoderShape(batch: 0, newTokens: 1) }
        #expect(throws: ModelMeterError.self) { try DecoderShape(batch: 1, newTokens: 0) }
        #expect(throws: ModelMeterError.self) { try DecoderShape(batch: 1, newTokens: 1, cachedTokens: -1) }
        // 8,192 positions is the limit: 8,191 cached + 1 new fits, 8,192 + 1 does not.
        _ = try DeepseekV2ForCausalLM(shape: .decode(batch: 1, context: 8191))
        #expect(throws: ModelMeterError.self) { try DeepseekV2ForCausalLM(shape: .decode(batch: 1, context: 8192)) }
        #expect(throws: ModelMeterError.self) { try DeepseekV2DecoderLayer(shape: .decode(batch: 1, context: 1), index: 12) }
    }
}
