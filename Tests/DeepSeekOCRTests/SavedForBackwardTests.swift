import Testing
import ModelMeter
@testable import DeepSeekOCR

/// Training activation bytes on shapes the reference does not sample (batch 2, fused SAM,
/// eager CLIP, bf16), derived by hand from PyTorch's autograd rules: Linear keeps its input,
/// LayerNorm its input and fp32 mean/rstd, GELU its input, quick_gelu x and σ(1.702x), softmax
/// its output, bmm both operands, fused SDPA Q, K, V, O (and mask) plus an fp32 log-sum-exp;
/// one storage is counted once.
@Suite("Saved for backward beyond the reference sample")
struct SavedForBackwardTests {
    @Test("SAM global attention, 2 images of 40×40, math path")
    func samGlobalBatchTwoEager() throws {
        // B = 2, S = 1600, C = 768, h = 12, d = 64, tables resized 127 → 79 rows (kept: nothing).
        // With B > 1 the qkv reshape copies into a contiguous [3, B·h, S, d]: the w-axis einsum takes
        // a view of it (nothing new); the h-axis einsum still copies the queries.
        //   x (qkv input)      2·1600·768           =  2,457,600
        //   Rh, Rw gathered    2·40·40·64           =    204,800
        //   queries copy (h)   2·12·1600·64         =  2,457,600
        //   Q·√s, K·√s         2·2,457,600          =  4,915,200
        //   P                  2·12·1600²           = 61,440,000
        //   packed Q, K, V     3·2,457,600          =  7,372,800
        //   proj input (copy)  2·1600·768           =  2,457,600
        //   = 81,305,600 elements × 4 B = 325,222,400 B + int64 indices 2·40·40·8 = 25,600 B → 325,248,000 B
        let attention = try Attention(batch: 2, height: 40, width: 40, relativePositionInputSize: (64, 64), kernel: .eager)
        #expect(try attention.metrics(precision: .fp32).memory.trainingActivationBytes == 325_248_000)
    }

    @Test("SAM global attention, 1 image of 40×40, fused kernel with the bias as mask")
    func samGlobalFused() throws {
        // B = 1: Q, K, V are strided views of the projection output; both einsums copy the queries.
        //   x 1,228,800 + Rh, Rw 204,800 + two query copies 2,457,600 + Q, K, V, O 4·1,228,800 = 4,915,200
        //   + mask 12·1600² = 30,720,000; the output projection reads O through views (nothing new)
        //   = 39,526,400 elements × 4 B = 158,105,600 B
        //   + int64 indices 25,600 B + log-sum-exp 12·1600·4 B = 76,800 B → 158,208,000 B
        let attention = try Attention(batch: 1, height: 40, width: 40, relativePositionInputSize: (64, 64), kernel: .sdpa)
        #expect(try attention.metrics(precision: .fp32).memory.trainingActivationBytes == 158_208_000)
    }

    @Test("SAM blocks at batch 2, from the reference's batch-1 measurement")
    func samBlocksBatchTwo() throws {
        // Reference (640, batch 1, saved activation + input): windowed Block 109,228,864 + 4,915,200
        // = 114,144,064 B; global Block 217,139,200 + 4,915,200 = 222,054,400 B.
        // Doubling the batch doubles everything but the batch-independent gathered tables and indices
        // (windowed: 2·14·14·64·4 + 2·14·14·8 = 103,488 B; global: 2·40·40·64·4 + 2·40·40·8 = 844,800 B)
        // and, in the global block, the w-axis query copy, which exists only at B = 1 (4,915,200 B).
        let windowed = try Block(batch: 2, height: 40, width: 40, windowSize: 14, kernel: .eager)
        #expect(try windowed.metrics(precision: .fp32).memory.trainingActivationBytes == 2 * 114_144_064 - 103_488)
        let global = try Block(batch: 2, height: 40, width: 40, windowSize: 0, kernel: .eager)
        #expect(try global.metrics(precision: .fp32).memory.trainingActivationBytes
            == 2 * 222_054_400 - 844_800 - 2 * 4_915_200)
    }

    @Test("CLIP attention on the math path: V is a view at batch 1, a copy at batch 2")
    func clipEager() throws {
        // S = 101, C = 1024, h = 16. Batch 1: x 103,424 + Q·√s, K·√s 206,848 + P 16·101² = 163,216
        //   + packed qkv (V's storage) 310,272 + out_proj input copy 103,424 = 887,184 × 4 B = 3,548,736 B.
        let one = try NoTPAttention(batch: 1, tokens: 101, kernel: .eager)
        #expect(try one.metrics(precision: .fp32).memory.trainingActivationBytes == 3_548_736)
        // Batch 2: x, Q·√s, K·√s, V copy, out_proj input: 5·206,848 = 1,034,240 + P 2·16·101² = 326,432
        //   = 1,360,672 × 4 B = 5,442,688 B.
        let two = try NoTPAttention(batch: 2, tokens: 101, kernel: .eager)
        #expect(try two.metrics(precision: .fp32).memory.trainingActivationBytes == 5_442_688)
    }

    @Test("CLIP layer in bf16: statistics and log-sum-exp stay fp32")
    func clipBlockBF16() throws {
        // S = 101, C = 1024, F = 4096, h = 16. Elements at e = 2: x, layer_norm1 output, packed qkv (3),
        // O, h, layer_norm2 output: 8·103,424 = 827,392 + quick_gelu x, σ and fc2 input 3·101·4096
        // = 1,241,088 → 2,068,480 × 2 B = 4,136,960 B; fp32: two LayerNorms' mean and rstd 2·2·101·4
        // = 1,616 B and the log-sum-exp 16·101·4 = 6,464 B → 4,145,040 B.
        // (At fp32 the same count gives 8,273,920 + 8,080 = 8,282,000 B, the reference's
        // 7,868,304 + 413,696.)
        let block = try NoTPTransformerBlock(batch: 1, tokens: 101)
        #expect(try block.metrics(precision: .bf16).memory.trainingActivationBytes == 4_145_040)
        #expect(try block.metrics(precision: .fp32).memory.trainingActivationBytes == 8_282_000)
    }
}

@Suite("Per-encoder attention kernels")
struct PerEncoderKernelTests {
    @Test("SAM and CLIP kernels are set apart in the model and in sweeps")
    func kernelsReachTheModelAndTheSweep() throws {
        let mixed = try Workload(mode: .base, batch: 2, kernel: .sdpa, samKernel: .eager)
        #expect(mixed.samKernel == .eager && mixed.clipKernel == .sdpa)
        let model = try DeepSeekOCRVision(workload: mixed)
        let view = try #require(model.views.first?.view)
        #expect(try view.samModel.metrics().forward.ioBytes
            == (try ImageEncoderViT(batch: 2, imageSize: 1024, kernel: .eager).metrics().forward.ioBytes))
        #expect(try view.visionModel.metrics().forward.ioBytes
            == (try VitModel(batch: 2, patchGrid: 16, kernel: .sdpa).metrics().forward.ioBytes))
        // The polynomial sweep keys on both kernels: it agrees with the exact evaluation of the mixed
        // workload and differs from the all-fused one (the math path moves the S² scores).
        let points = [SweepPoint(label: "mixed", workload: mixed), SweepPoint(label: "fused", workload: try Workload(mode: .base, batch: 2))]
        let rows = try Sweep(dimension: .batch, points: points).evaluate().rows
        #expect(rows[0].forward == (try model.metrics().forward))
        #expect(rows[0].forward.ioBytes > rows[1].forward.ioBytes)
    }
}
