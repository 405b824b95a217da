import Testing
import ModelMeter
@testable import DeepSeekOCR

/// Decoder training activation bytes at a shape the reference does not sample (B = 2, S = 17,
/// so T = B·S = 34 rows), derived by hand from autograd's rules and the vendor code:
/// D = 1280, h = 10, d = 128, F = 6848 (dense), Fs = 1792 (shared), Fe = 896 (routed),
/// E = 64 routed experts, k = 6; T·D = 43,520, T·k = 204.
@Suite("Decoder saved for backward beyond the reference sample")
struct DecoderSavedForBackwardTests {
    private var shape: DecoderShape { get throws { try DecoderShape.prefill(batch: 2, tokens: 17) } }

    @Test("RMSNorm keeps x in fp32, rstd in fp32 and the normalised x at the storage precision")
    func rmsNorm() throws {
        let norm = try DeepseekV2RMSNorm(shape: try shape)
        // fp32: x 43,520·4 = 174,080 + rstd 34·4 = 136 + normalised 43,520·4 = 174,080 → 348,296 B.
        #expect(try norm.metrics(precision: .fp32).memory.trainingActivationBytes == 348_296)
        // bf16: the .to(float32) copy 174,080 + rstd 136 + normalised cast back to bf16 43,520·2 = 87,040 → 261,256 B.
        #expect(try norm.metrics(precision: .bf16).memory.trainingActivationBytes == 261_256)
    }

    @Test("SwiGLU keeps its input once and four T×F tensors")
    func denseMLP() throws {
        let mlp = try DeepseekV2MLP(shape: try shape, hiddenSize: 1280, intermediateSize: 6848)
        // x 43,520 (gate_proj and up_proj share it) + g, silu(g), u, silu(g)·u 4·34·6848 = 931,328
        // = 974,848 elements × 4 B = 3,899,392 B.
        #expect(try mlp.metrics(precision: .fp32).memory.trainingActivationBytes == 3_899_392)
    }

    @Test("LlamaAttention eager: X, cos and sin, q and k after RoPE, fp32 P, v, o_proj's input")
    func attention() throws {
        let attention = try LlamaAttention(shape: try shape, kernel: .eager)
        // X 43,520 + cos, sin 2·34·128 = 8,704 + q, k 2·2·10·17·128 = 87,040 (contiguous copies at B = 2)
        // + v 43,520 + o_proj input 43,520 = 226,304 elements × 4 B = 905,216 B
        // + P 2·10·17²·4 B = 23,120 B (fp32 softmax) → 928,336 B.
        #expect(try attention.metrics(precision: .fp32).memory.trainingActivationBytes == 928_336)
    }

    @Test("MoEGate keeps X, fp32 scores, int64 indices and the auxiliary loss's counts")
    func gate() throws {
        let gate = try MoEGate(shape: try shape)
        // X 43,520·4 = 174,080 + scores 34·64·4 = 8,704 + indices 34·6·8 = 1,632 + ce 2·64·4 = 512 → 184,928 B.
        #expect(try gate.metrics(precision: .fp32).memory.trainingActivationBytes == 184_928)
    }

    @Test("DeepseekV2MoE training path: routing-independent totals over the T·k routed rows")
    func moe() throws {
        let moe = try DeepseekV2MoE(shape: try shape)
        // gate 184,928 B
        // + masks 2·64 experts · 204 rows · 1 B = 26,112 B
        // + routed rows and activations (204·1280 + 4·204·896) = 261,120 + 731,136 = 992,256 × 4 = 3,969,024 B
        // + combine: y 204·1280·4 = 1,044,480 B and the top-k weights 204·4 = 816 B
        // + shared experts 4·34·1792 = 243,712 × 4 = 974,848 B (their input is the gate's X)
        // = 6,200,208 B.
        #expect(try moe.metrics(precision: .fp32).memory.trainingActivationBytes == 6_200_208)
    }

    @Test("dense decoder layer: two norms, attention, MLP; residual adds keep nothing")
    func denseLayer() throws {
        let layer = try DeepseekV2DecoderLayer(shape: try shape, index: 0, kernel: .eager)
        // 2 RMSNorms 2·348,296 = 696,592 + attention 928,336 (its X is input_layernorm's output)
        // + MLP 3,899,392 (its x is post_attention_layernorm's output) = 5,524,320 B.
        #expect(try layer.metrics(precision: .fp32).memory.trainingActivationBytes == 5_524_320)
    }
}
