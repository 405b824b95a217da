import Testing
import ModelMeter
@testable import DeepSeekOCR

/// One layer at one shape with every number worked out by hand from the term formulas in the
/// layers' doc comments and the counting conventions (context/hints/dsocr-kb/conventions.md):
///
/// - tensor-core FLOPs = 2 per MAC; backward 2× per GEMM/conv (1× when the input needs no
///   gradient: SAM's patch_embed); fused SDPA backward 3× for QKᵀ and 2× for P·V, eager 2× each;
/// - CUDA-core FLOPs from the per-element table: add 1/1, softmax 5/4, LayerNorm 8/14,
///   GELU 10/14, quick_gelu 5/8, linear resize 4/4, bicubic resize 16/16 (forward/backward);
///   a bias add costs M·N forward and backward;
/// - forward I/O = 2 B × (elements read + weight elements read + elements written) per kernel:
///   GEMM reads X [M,K] and W (K·N + N), writes Y [M,N]; its bias add is in the epilogue (0 B);
///   LayerNorm reads x and 2·C weights, writes y; GELU / quick_gelu / softmax read 1, write 1;
///   a residual add reads 2, writes 1; fused SDPA reads Q, K, V (+ the S×S mask), writes O, and
///   its mask add / softmax / P·V move nothing; eager SDPA's QKᵀ reads Q, K and writes the
///   scores, the mask add reads 2·S² and writes S², softmax reads and writes S², P·V reads the
///   probabilities and V and writes O; data movement (window partition, concat) = reads + writes;
/// - weight bytes = 2 B × parameters; KV cache = 0 for every encoder module.
///
/// Notation in the comments: "qkv GEMM 2·M·K·N" is the child's projection term; a composite's
/// row cites each child's total from the row of that child at the same shape further up
/// (e.g. a windowed Block cites "Attention, windowed: 25 windows of 14×14").
struct GoldenCase: Sendable, CustomTestStringConvertible {
    let name: String
    let make: @Sendable () throws -> any Layer
    let forwardTensorCore: Int
    let backwardTensorCore: Int
    let forwardCUDACore: Int
    let backwardCUDACore: Int
    let forwardIOBytes: Int
    let parameters: Int
    let weightBytes: Int

    init(
        _ name: String, make: @escaping @Sendable () throws -> any Layer,
        forwardTensorCore: Int, backwardTensorCore: Int, forwardCUDACore: Int, backwardCUDACore: Int,
        forwardIOBytes: Int, parameters: Int, weightBytes: Int
    ) {
        self.name = name
        self.make = make
        self.forwardTensorCore = forwardTensorCore
        self.backwardTensorCore = backwardTensorCore
        self.forwardCUDACore = forwardCUDACore
        self.backwardCUDACore = backwardCUDACore
        self.forwardIOBytes = forwardIOBytes
        self.parameters = parameters
        self.weightBytes = weightBytes
    }

    var testDescription: String { name }
}

extension CLIPConfiguration {
    /// A deliberately small CLIP body for unusual-shape golden values: C = 8, h = 2 (d = 4), F = 12, 3 layers.
    static let tiny: CLIPConfiguration = {
        var configuration = CLIPConfiguration()
        configuration.hiddenSize = 8
        configuration.heads = 2
        configuration.ffnHiddenSize = 12
        configuration.layers = 3
        return configuration
    }()
}

extension GoldenCase {
    static let all: [GoldenCase] = [
        GoldenCase(
            "Attention, windowed: 25 windows of 14×14 (1024 view)",
            make: { try Attention(batch: 25, height: 14, width: 14, relativePositionInputSize: (14, 14)) },
            // forward TC: einsum (h) 2·25·12·196·14·64 = 105,369,600 + einsum (w) 2·25·12·196·14·64 = 105,369,600
            //     + QKᵀ 2·25·12·196²·64 = 1,475,174,400 + P·V 2·25·12·196²·64 = 1,475,174,400
            //     + qkv GEMM 2·4900·768·2304 = 17,340,825,600 + proj GEMM 2·4900·768·768 = 5,780,275,200 = 26,282,188,800
            forwardTensorCore: 26_282_188_800,
            // backward TC: einsum (h) 4·25·12·196·14·64 = 210,739,200 + einsum (w) 4·25·12·196·14·64 = 210,739,200
            //     + QKᵀ 6·25·12·196²·64 = 4,425,523,200 + P·V 4·25·12·196²·64 = 2,950,348,800
            //     + qkv GEMM 4·4900·768·2304 = 34,681,651,200 + proj GEMM 4·4900·768·768 = 11,560,550,400
            //     = 54,039,552,000
            backwardTensorCore: 54_039_552_000,
            // forward CUDA: bias sum 25·12·196² = 11,524,800 + mask add 25·12·196² = 11,524,800
            //     + softmax 5·25·12·196² = 57,624,000 + qkv bias 4900·2304 = 11,289,600 + proj bias 4900·768 = 3,763,200
            //     = 95,726,400
            forwardCUDACore: 95_726_400,
            // backward CUDA: bias sum 25·12·196² = 11,524,800 + mask add 25·12·196² = 11,524,800
            //     + softmax 4·25·12·196² = 46,099,200 + qkv bias 4900·2304 = 11,289,600 + proj bias 4900·768 = 3,763,200
            //     = 84,201,600
            backwardCUDACore: 84_201_600,
            // forward I/O bytes: einsum (h) 2·(25·12·196·64 + 14·14·64 + 25·12·196·14) = 9,197,888
            //     + einsum (w) 2·(25·12·196·64 + 14·14·64 + 25·12·196·14) = 9,197,888
            //     + bias sum 2·(25·12·196·28 + 25·12·196²) = 26,342,400
            //     + QKᵀ 2·(4·25·12·196·64 + 25·12·196²) = 53,155,200
            //     + qkv GEMM 2·(4900·768 + 768·2304 + 2304 + 4900·2304) = 33,649,152
            //     + proj GEMM 2·(4900·768 + 768·768 + 768 + 4900·768) = 16,233,984 = 147,776,512
            forwardIOBytes: 147_776_512,
            // parameters: own 27·64 + 27·64 = 3,456 + qkv 768·2304 + 2304 = 1,771,776 + proj 768·768 + 768 = 590,592
            //     = 2,365,824
            parameters: 2_365_824,
            // weight bytes: 2 B × 2,365,824 = 4,731,648
            weightBytes: 4_731_648),
        GoldenCase(
            "Attention, global 64×64 (1024 view)",
            make: { try Attention(batch: 1, height: 64, width: 64, relativePositionInputSize: (64, 64)) },
            // forward TC: einsum (h) 2·1·12·4096·64·64 = 402,653,184 + einsum (w) 2·1·12·4096·64·64 = 402,653,184
            //     + QKᵀ 2·1·12·4096²·64 = 25,769,803,776 + P·V 2·1·12·4096²·64 = 25,769,803,776
            //     + qkv GEMM 2·4096·768·2304 = 14,495,514,624 + proj GEMM 2·4096·768·768 = 4,831,838,208 = 71,672,266,752
            forwardTensorCore: 71_672_266_752,
            // backward TC: einsum (h) 4·1·12·4096·64·64 = 805,306,368 + einsum (w) 4·1·12·4096·64·64 = 805,306,368
            //     + QKᵀ 6·1·12·4096²·64 = 77,309,411,328 + P·V 4·1·12·4096²·64 = 51,539,607,552
            //     + qkv GEMM 4·4096·768·2304 = 28,991,029,248 + proj GEMM 4·4096·768·768 = 9,663,676,416
            //     = 169,114,337,280
            backwardTensorCore: 169_114_337_280,
            // forward CUDA: bias sum 1·12·4096² = 201,326,592 + mask add 1·12·4096² = 201,326,592
            //     + softmax 5·1·12·4096² = 1,006,632,960 + qkv bias 4096·2304 = 9,437,184
            //     + proj bias 4096·768 = 3,145,728 = 1,421,869,056
            forwardCUDACore: 1_421_869_056,
            // backward CUDA: bias sum 1·12·4096² = 201,326,592 + mask add 1·12·4096² = 201,326,592
            //     + softmax 4·1·12·4096² = 805,306,368 + qkv bias 4096·2304 = 9,437,184 + proj bias 4096·768 = 3,145,728
            //     = 1,220,542,464
            backwardCUDACore: 1_220_542_464,
            // forward I/O bytes: einsum (h) 2·(1·12·4096·64 + 64·64·64 + 1·12·4096·64) = 13,107,200
            //     + einsum (w) 2·(1·12·4096·64 + 64·64·64 + 1·12·4096·64) = 13,107,200
            //     + bias sum 2·(1·12·4096·128 + 1·12·4096²) = 415,236,096
            //     + QKᵀ 2·(4·1·12·4096·64 + 1·12·4096²) = 427,819,008
            //     + qkv GEMM 2·(4096·768 + 768·2304 + 2304 + 4096·2304) = 28,709,376
            //     + proj GEMM 2·(4096·768 + 768·768 + 768 + 4096·768) = 13,764,096 = 911,742,976
            forwardIOBytes: 911_742_976,
            // parameters: own 127·64 + 127·64 = 16,256 + qkv 768·2304 + 2304 = 1,771,776 + proj 768·768 + 768 = 590,592
            //     = 2,378,624
            parameters: 2_378_624,
            // weight bytes: 2 B × 2,378,624 = 4,757,248
            weightBytes: 4_757_248),
        GoldenCase(
            "Attention, windowed: 9 windows of 14×14 (640 view)",
            make: { try Attention(batch: 9, height: 14, width: 14, relativePositionInputSize: (14, 14)) },
            // forward TC: einsum (h) 2·9·12·196·14·64 = 37,933,056 + einsum (w) 2·9·12·196·14·64 = 37,933,056
            //     + QKᵀ 2·9·12·196²·64 = 531,062,784 + P·V 2·9·12·196²·64 = 531,062,784
            //     + qkv GEMM 2·1764·768·2304 = 6,242,697,216 + proj GEMM 2·1764·768·768 = 2,080,899,072 = 9,461,587,968
            forwardTensorCore: 9_461_587_968,
            // backward TC: einsum (h) 4·9·12·196·14·64 = 75,866,112 + einsum (w) 4·9·12·196·14·64 = 75,866,112
            //     + QKᵀ 6·9·12·196²·64 = 1,593,188,352 + P·V 4·9·12·196²·64 = 1,062,125,568
            //     + qkv GEMM 4·1764·768·2304 = 12,485,394,432 + proj GEMM 4·1764·768·768 = 4,161,798,144 = 19,454,238,720
            backwardTensorCore: 19_454_238_720,
            // forward CUDA: bias sum 9·12·196² = 4,148,928 + mask add 9·12·196² = 4,148,928
            //     + softmax 5·9·12·196² = 20,744,640 + qkv bias 1764·2304 = 4,064,256 + proj bias 1764·768 = 1,354,752
            //     = 34,461,504
            forwardCUDACore: 34_461_504,
            // backward CUDA: bias sum 9·12·196² = 4,148,928 + mask add 9·12·196² = 4,148,928
            //     + softmax 4·9·12·196² = 16,595,712 + qkv bias 1764·2304 = 4,064,256 + proj bias 1764·768 = 1,354,752
            //     = 30,312,576
            backwardCUDACore: 30_312_576,
            // forward I/O bytes: einsum (h) 2·(9·12·196·64 + 14·14·64 + 9·12·196·14) = 3,327,296
            //     + einsum (w) 2·(9·12·196·64 + 14·14·64 + 9·12·196·14) = 3,327,296
            //     + bias sum 2·(9·12·196·28 + 9·12·196²) = 9,483,264 + QKᵀ 2·(4·9·12·196·64 + 9·12·196²) = 19,135,872
            //     + qkv GEMM 2·(1764·768 + 768·2304 + 2304 + 1764·2304) = 14,381,568
            //     + proj GEMM 2·(1764·768 + 768·768 + 768 + 1764·768) = 6,600,192 = 56,255,488
            forwardIOBytes: 56_255_488,
            // parameters: own 27·64 + 27·64 = 3,456 + qkv 768·2304 + 2304 = 1,771,776 + proj 768·768 + 768 = 590,592
            //     = 2,365,824
            parameters: 2_365_824,
            // weight bytes: 2 B × 2,365,824 = 4,731,648
            weightBytes: 4_731_648),
        GoldenCase(
            "Attention, global 40×40 with 64-grid tables (640 view): both tables resized",
            make: { try Attention(batch: 1, height: 40, width: 40, relativePositionInputSize: (64, 64)) },
            // forward TC: einsum (h) 2·1·12·1600·40·64 = 98,304,000 + einsum (w) 2·1·12·1600·40·64 = 98,304,000
            //     + QKᵀ 2·1·12·1600²·64 = 3,932,160,000 + P·V 2·1·12·1600²·64 = 3,932,160,000
            //     + qkv GEMM 2·1600·768·2304 = 5,662,310,400 + proj GEMM 2·1600·768·768 = 1,887,436,800 = 15,610,675,200
            forwardTensorCore: 15_610_675_200,
            // backward TC: einsum (h) 4·1·12·1600·40·64 = 196,608,000 + einsum (w) 4·1·12·1600·40·64 = 196,608,000
            //     + QKᵀ 6·1·12·1600²·64 = 11,796,480,000 + P·V 4·1·12·1600²·64 = 7,864,320,000
            //     + qkv GEMM 4·1600·768·2304 = 11,324,620,800 + proj GEMM 4·1600·768·768 = 3,774,873,600 = 35,153,510,400
            backwardTensorCore: 35_153_510_400,
            // forward CUDA: table resize (h) 4·79·64 = 20,224 + table resize (w) 4·79·64 = 20,224
            //     + bias sum 1·12·1600² = 30,720,000 + mask add 1·12·1600² = 30,720,000
            //     + softmax 5·1·12·1600² = 153,600,000 + qkv bias 1600·2304 = 3,686,400 + proj bias 1600·768 = 1,228,800
            //     = 219,995,648
            forwardCUDACore: 219_995_648,
            // backward CUDA (a resize is priced on the gradient it produces, the stored 127-row table):
            //     table resize (h) 4·127·64 = 32,512 + table resize (w) 4·127·64 = 32,512
            //     + bias sum 1·12·1600² = 30,720,000 + mask add 1·12·1600² = 30,720,000
            //     + softmax 4·1·12·1600² = 122,880,000 + qkv bias 1600·2304 = 3,686,400 + proj bias 1600·768 = 1,228,800
            //     = 189,300,224
            backwardCUDACore: 189_300_224,
            // forward I/O bytes: table resize (h) 2·(79·64 + 127·64 + 79·64) = 36,480
            //     + table resize (w) 2·(79·64 + 127·64 + 79·64) = 36,480
            //     + einsum (h) 2·(1·12·1600·64 + 40·40·64 + 1·12·1600·40) = 4,198,400
            //     + einsum (w) 2·(1·12·1600·64 + 40·40·64 + 1·12·1600·40) = 4,198,400
            //     + bias sum 2·(1·12·1600·80 + 1·12·1600²) = 64,512,000
            //     + QKᵀ 2·(4·1·12·1600·64 + 1·12·1600²) = 71,270,400
            //     + qkv GEMM 2·(1600·768 + 768·2304 + 2304 + 1600·2304) = 13,373,952
            //     + proj GEMM 2·(1600·768 + 768·768 + 768 + 1600·768) = 6,096,384 = 163,722,496
            forwardIOBytes: 163_722_496,
            // parameters: own 127·64 + 127·64 = 16,256 + qkv 768·2304 + 2304 = 1,771,776 + proj 768·768 + 768 = 590,592
            //     = 2,378,624
            parameters: 2_378_624,
            // weight bytes: 2 B × 2,378,624 = 4,757,248
            weightBytes: 4_757_248),
        GoldenCase(
            "Attention, unusual 2×3×5, C = 8, h = 2, tables for 4×2, eager",
            make: { try Attention(batch: 2, height: 3, width: 5, dim: 8, heads: 2, relativePositionInputSize: (4, 2), kernel: .eager) },
            // forward TC: einsum (h) 2·2·2·15·3·4 = 1,440 + einsum (w) 2·2·2·15·5·4 = 2,400 + QKᵀ 2·2·2·15²·4 = 7,200
            //     + P·V 2·2·2·15²·4 = 7,200 + qkv GEMM 2·30·8·24 = 11,520 + proj GEMM 2·30·8·8 = 3,840 = 33,600
            forwardTensorCore: 33_600,
            // backward TC: einsum (h) 4·2·2·15·3·4 = 2,880 + einsum (w) 4·2·2·15·5·4 = 4,800 + QKᵀ 4·2·2·15²·4 = 14,400
            //     + P·V 4·2·2·15²·4 = 14,400 + qkv GEMM 4·30·8·24 = 23,040 + proj GEMM 4·30·8·8 = 7,680 = 67,200
            backwardTensorCore: 67_200,
            // forward CUDA: table resize (h) 4·5·4 = 80 + table resize (w) 4·9·4 = 144 + bias sum 2·2·15² = 900
            //     + mask add 2·2·15² = 900 + softmax 5·2·2·15² = 4,500 + qkv bias 30·24 = 720 + proj bias 30·8 = 240
            //     = 7,484
            forwardCUDACore: 7_484,
            // backward CUDA (resizes priced on the stored tables' gradients, 7 and 3 rows):
            //     table resize (h) 4·7·4 = 112 + table resize (w) 4·3·4 = 48 + bias sum 2·2·15² = 900
            //     + mask add 2·2·15² = 900 + softmax 4·2·2·15² = 3,600 + qkv bias 30·24 = 720 + proj bias 30·8 = 240
            //     = 6,520
            backwardCUDACore: 6_520,
            // forward I/O bytes: table resize (h) 2·(5·4 + 7·4 + 5·4) = 136 + table resize (w) 2·(9·4 + 3·4 + 9·4) = 168
            //     + einsum (h) 2·(2·2·15·4 + 3·3·4 + 2·2·15·3) = 912 + einsum (w) 2·(2·2·15·4 + 5·5·4 + 2·2·15·5) = 1,280
            //     + bias sum 2·(2·2·15·8 + 2·2·15²) = 2,760 + QKᵀ 2·(2·2·2·15·4 + 2·2·15²) = 2,760
            //     + mask add 2·(3·2·2·15²) = 5,400 + softmax 2·(2·2·2·15²) = 3,600 + P·V 2·(2·2·15² + 2·2·2·15·4) = 2,760
            //     + qkv GEMM 2·(30·8 + 8·24 + 24 + 30·24) = 2,352 + proj GEMM 2·(30·8 + 8·8 + 8 + 30·8) = 1,104 = 23,232
            forwardIOBytes: 23_232,
            // parameters: own 7·4 + 3·4 = 40 + qkv 8·24 + 24 = 216 + proj 8·8 + 8 = 72 = 328
            parameters: 328,
            // weight bytes: 2 B × 328 = 656
            weightBytes: 656),
        GoldenCase(
            "Attention, unusual 1×2×3, C = 6, h = 3, no rel-pos (unmasked sdpa)",
            make: { try Attention(batch: 1, height: 2, width: 3, dim: 6, heads: 3, relativePositionInputSize: nil) },
            // forward TC: QKᵀ 2·1·3·6²·2 = 432 + P·V 2·1·3·6²·2 = 432 + qkv GEMM 2·6·6·18 = 1,296
            //     + proj GEMM 2·6·6·6 = 432 = 2,592
            forwardTensorCore: 2_592,
            // backward TC: QKᵀ 6·1·3·6²·2 = 1,296 + P·V 4·1·3·6²·2 = 864 + qkv GEMM 4·6·6·18 = 2,592
            //     + proj GEMM 4·6·6·6 = 864 = 5,616
            backwardTensorCore: 5_616,
            // forward CUDA: softmax 5·1·3·6² = 540 + qkv bias 6·18 = 108 + proj bias 6·6 = 36 = 684
            forwardCUDACore: 684,
            // backward CUDA: softmax 4·1·3·6² = 432 + qkv bias 6·18 = 108 + proj bias 6·6 = 36 = 576
            backwardCUDACore: 576,
            // forward I/O bytes: QKᵀ 2·(4·1·3·6·2) = 288 + qkv GEMM 2·(6·6 + 6·18 + 18 + 6·18) = 540
            //     + proj GEMM 2·(6·6 + 6·6 + 6 + 6·6) = 228 = 1,056
            forwardIOBytes: 1_056,
            // parameters: qkv 6·18 + 18 = 126 + proj 6·6 + 6 = 42 = 168
            parameters: 168,
            // weight bytes: 2 B × 168 = 336
            weightBytes: 336),
        GoldenCase(
            "MLPBlock, 4096 tokens (1024 view)",
            make: { try MLPBlock(batch: 1, tokens: 4096) },
            // forward TC: lin1 GEMM 2·4096·768·3072 = 19,327,352,832 + lin2 GEMM 2·4096·3072·768 = 19,327,352,832
            //     = 38,654,705,664
            forwardTensorCore: 38_654_705_664,
            // backward TC: lin1 GEMM 4·4096·768·3072 = 38,654,705,664 + lin2 GEMM 4·4096·3072·768 = 38,654,705,664
            //     = 77,309,411,328
            backwardTensorCore: 77_309_411_328,
            // forward CUDA: lin1 bias 4096·3072 = 12,582,912 + act 10·12582912 = 125,829,120
            //     + lin2 bias 4096·768 = 3,145,728 = 141,557,760
            forwardCUDACore: 141_557_760,
            // backward CUDA: lin1 bias 4096·3072 = 12,582,912 + act 14·12582912 = 176,160,768
            //     + lin2 bias 4096·768 = 3,145,728 = 191,889,408
            backwardCUDACore: 191_889_408,
            // forward I/O bytes: lin1 GEMM 2·(4096·768 + 768·3072 + 3072 + 4096·3072) = 36,182,016
            //     + act 2·(12582912 + 12582912) = 50,331,648
            //     + lin2 GEMM 2·(4096·3072 + 3072·768 + 768 + 4096·768) = 36,177,408 = 122,691,072
            forwardIOBytes: 122_691_072,
            // parameters: lin1 768·3072 + 3072 = 2,362,368 + lin2 3072·768 + 768 = 2,360,064 = 4,722,432
            parameters: 4_722_432,
            // weight bytes: 2 B × 4,722,432 = 9,444,864
            weightBytes: 9_444_864),
        GoldenCase(
            "MLPBlock, 1600 tokens (640 view)",
            make: { try MLPBlock(batch: 1, tokens: 1600) },
            // forward TC: lin1 GEMM 2·1600·768·3072 = 7,549,747,200 + lin2 GEMM 2·1600·3072·768 = 7,549,747,200
            //     = 15,099,494,400
            forwardTensorCore: 15_099_494_400,
            // backward TC: lin1 GEMM 4·1600·768·3072 = 15,099,494,400 + lin2 GEMM 4·1600·3072·768 = 15,099,494,400
            //     = 30,198,988,800
            backwardTensorCore: 30_198_988_800,
            // forward CUDA: lin1 bias 1600·3072 = 4,915,200 + act 10·4915200 = 49,152,000
            //     + lin2 bias 1600·768 = 1,228,800 = 55,296,000
            forwardCUDACore: 55_296_000,
            // backward CUDA: lin1 bias 1600·3072 = 4,915,200 + act 14·4915200 = 68,812,800
            //     + lin2 bias 1600·768 = 1,228,800 = 74,956,800
            backwardCUDACore: 74_956_800,
            // forward I/O bytes: lin1 GEMM 2·(1600·768 + 768·3072 + 3072 + 1600·3072) = 17,012,736
            //     + act 2·(4915200 + 4915200) = 19,660,800
            //     + lin2 GEMM 2·(1600·3072 + 3072·768 + 768 + 1600·768) = 17,008,128 = 53,681,664
            forwardIOBytes: 53_681_664,
            // parameters: lin1 768·3072 + 3072 = 2,362,368 + lin2 3072·768 + 768 = 2,360,064 = 4,722,432
            parameters: 4_722_432,
            // weight bytes: 2 B × 4,722,432 = 9,444,864
            weightBytes: 9_444_864),
        GoldenCase(
            "MLPBlock, unusual B = 3, S = 5, C = 4, F = 6",
            make: { try MLPBlock(batch: 3, tokens: 5, embeddingDim: 4, mlpDim: 6) },
            // forward TC: lin1 GEMM 2·15·4·6 = 720 + lin2 GEMM 2·15·6·4 = 720 = 1,440
            forwardTensorCore: 1_440,
            // backward TC: lin1 GEMM 4·15·4·6 = 1,440 + lin2 GEMM 4·15·6·4 = 1,440 = 2,880
            backwardTensorCore: 2_880,
            // forward CUDA: lin1 bias 15·6 = 90 + act 10·90 = 900 + lin2 bias 15·4 = 60 = 1,050
            forwardCUDACore: 1_050,
            // backward CUDA: lin1 bias 15·6 = 90 + act 14·90 = 1,260 + lin2 bias 15·4 = 60 = 1,410
            backwardCUDACore: 1_410,
            // forward I/O bytes: lin1 GEMM 2·(15·4 + 4·6 + 6 + 15·6) = 360 + act 2·(90 + 90) = 360
            //     + lin2 GEMM 2·(15·6 + 6·4 + 4 + 15·4) = 356 = 1,076
            forwardIOBytes: 1_076,
            // parameters: lin1 4·6 + 6 = 30 + lin2 6·4 + 4 = 28 = 58
            parameters: 58,
            // weight bytes: 2 B × 58 = 116
            weightBytes: 116),
        GoldenCase(
            "Block, windowed 64×64 → 70×70 padded, 25 windows (1024 view)",
            make: { try Block(batch: 1, height: 64, width: 64, windowSize: 14) },
            // forward TC: attn 26,282,188,800 + mlp 38,654,705,664 = 64,936,894,464
            forwardTensorCore: 64_936_894_464,
            // backward TC: attn 54,039,552,000 + mlp 77,309,411,328 = 131,348,963,328
            backwardTensorCore: 131_348_963_328,
            // forward CUDA: residual add 1 1·64·64·768 = 3,145,728 + residual add 2 1·64·64·768 = 3,145,728
            //     + norm1 8·4096·768 = 25,165,824 + attn 95,726,400 + norm2 8·4096·768 = 25,165,824 + mlp 141,557,760
            //     = 293,907,264
            forwardCUDACore: 293_907_264,
            // backward CUDA: residual add 1 1·64·64·768 = 3,145,728 + residual add 2 1·64·64·768 = 3,145,728
            //     + norm1 14·4096·768 = 44,040,192 + attn 84,201,600 + norm2 14·4096·768 = 44,040,192 + mlp 191,889,408
            //     = 370,462,848
            backwardCUDACore: 370_462_848,
            // forward I/O bytes: partition 2·(1·64·64·768 + 1·70·70·768) = 13,817,856
            //     + unpartition 2·(1·70·70·768 + 1·64·64·768) = 13,817,856
            //     + residual add 1 2·(1·64·64·768 + 1·64·64·768 + 1·64·64·768) = 18,874,368
            //     + residual add 2 2·(1·64·64·768 + 1·64·64·768 + 1·64·64·768) = 18,874,368
            //     + norm1 2·(4096·768 + 2·768 + 4096·768) = 12,585,984 + attn 147,776,512
            //     + norm2 2·(4096·768 + 2·768 + 4096·768) = 12,585,984 + mlp 122,691,072 = 361,024,000
            forwardIOBytes: 361_024_000,
            // parameters: norm1 2·768 = 1,536 + attn 2,365,824 + norm2 2·768 = 1,536 + mlp 4,722,432 = 7,091,328
            parameters: 7_091_328,
            // weight bytes: 2 B × 7,091,328 = 14,182,656
            weightBytes: 14_182_656),
        GoldenCase(
            "Block, global 64×64 (1024 view)",
            make: { try Block(batch: 1, height: 64, width: 64, windowSize: 0) },
            // forward TC: attn 71,672,266,752 + mlp 38,654,705,664 = 110,326,972,416
            forwardTensorCore: 110_326_972_416,
            // backward TC: attn 169,114,337,280 + mlp 77,309,411,328 = 246,423,748,608
            backwardTensorCore: 246_423_748_608,
            // forward CUDA: residual add 1 1·64·64·768 = 3,145,728 + residual add 2 1·64·64·768 = 3,145,728
            //     + norm1 8·4096·768 = 25,165,824 + attn 1,421,869,056 + norm2 8·4096·768 = 25,165,824 + mlp 141,557,760
            //     = 1,620,049,920
            forwardCUDACore: 1_620_049_920,
            // backward CUDA: residual add 1 1·64·64·768 = 3,145,728 + residual add 2 1·64·64·768 = 3,145,728
            //     + norm1 14·4096·768 = 44,040,192 + attn 1,220,542,464 + norm2 14·4096·768 = 44,040,192
            //     + mlp 191,889,408 = 1,506,803,712
            backwardCUDACore: 1_506_803_712,
            // forward I/O bytes: residual add 1 2·(1·64·64·768 + 1·64·64·768 + 1·64·64·768) = 18,874,368
            //     + residual add 2 2·(1·64·64·768 + 1·64·64·768 + 1·64·64·768) = 18,874,368
            //     + norm1 2·(4096·768 + 2·768 + 4096·768) = 12,585,984 + attn 911,742,976
            //     + norm2 2·(4096·768 + 2·768 + 4096·768) = 12,585,984 + mlp 122,691,072 = 1,097,354,752
            forwardIOBytes: 1_097_354_752,
            // parameters: norm1 2·768 = 1,536 + attn 2,378,624 + norm2 2·768 = 1,536 + mlp 4,722,432 = 7,104,128
            parameters: 7_104_128,
            // weight bytes: 2 B × 7,104,128 = 14,208,256
            weightBytes: 14_208_256),
        GoldenCase(
            "Block, windowed 40×40 → 42×42 padded, 9 windows (640 view)",
            make: { try Block(batch: 1, height: 40, width: 40, windowSize: 14) },
            // forward TC: attn 9,461,587,968 + mlp 15,099,494,400 = 24,561,082,368
            forwardTensorCore: 24_561_082_368,
            // backward TC: attn 19,454,238,720 + mlp 30,198,988,800 = 49,653,227,520
            backwardTensorCore: 49_653_227_520,
            // forward CUDA: residual add 1 1·40·40·768 = 1,228,800 + residual add 2 1·40·40·768 = 1,228,800
            //     + norm1 8·1600·768 = 9,830,400 + attn 34,461,504 + norm2 8·1600·768 = 9,830,400 + mlp 55,296,000
            //     = 111,875,904
            forwardCUDACore: 111_875_904,
            // backward CUDA: residual add 1 1·40·40·768 = 1,228,800 + residual add 2 1·40·40·768 = 1,228,800
            //     + norm1 14·1600·768 = 17,203,200 + attn 30,312,576 + norm2 14·1600·768 = 17,203,200 + mlp 74,956,800
            //     = 142,133,376
            backwardCUDACore: 142_133_376,
            // forward I/O bytes: partition 2·(1·40·40·768 + 1·42·42·768) = 5,167,104
            //     + unpartition 2·(1·42·42·768 + 1·40·40·768) = 5,167,104
            //     + residual add 1 2·(1·40·40·768 + 1·40·40·768 + 1·40·40·768) = 7,372,800
            //     + residual add 2 2·(1·40·40·768 + 1·40·40·768 + 1·40·40·768) = 7,372,800
            //     + norm1 2·(1600·768 + 2·768 + 1600·768) = 4,918,272 + attn 56,255,488
            //     + norm2 2·(1600·768 + 2·768 + 1600·768) = 4,918,272 + mlp 53,681,664 = 144,853,504
            forwardIOBytes: 144_853_504,
            // parameters: norm1 2·768 = 1,536 + attn 2,365,824 + norm2 2·768 = 1,536 + mlp 4,722,432 = 7,091,328
            parameters: 7_091_328,
            // weight bytes: 2 B × 7,091,328 = 14,182,656
            weightBytes: 14_182_656),
        GoldenCase(
            "Block, global 40×40 with 64-grid tables (640 view)",
            make: { try Block(batch: 1, height: 40, width: 40, windowSize: 0) },
            // forward TC: attn 15,610,675,200 + mlp 15,099,494,400 = 30,710,169,600
            forwardTensorCore: 30_710_169_600,
            // backward TC: attn 35,153,510,400 + mlp 30,198,988,800 = 65,352,499,200
            backwardTensorCore: 65_352_499_200,
            // forward CUDA: residual add 1 1·40·40·768 = 1,228,800 + residual add 2 1·40·40·768 = 1,228,800
            //     + norm1 8·1600·768 = 9,830,400 + attn 219,995,648 + norm2 8·1600·768 = 9,830,400 + mlp 55,296,000
            //     = 297,410,048
            forwardCUDACore: 297_410_048,
            // backward CUDA: residual add 1 1·40·40·768 = 1,228,800 + residual add 2 1·40·40·768 = 1,228,800
            //     + norm1 14·1600·768 = 17,203,200 + attn 189,300,224 + norm2 14·1600·768 = 17,203,200 + mlp 74,956,800
            //     = 301,121,024
            backwardCUDACore: 301_121_024,
            // forward I/O bytes: residual add 1 2·(1·40·40·768 + 1·40·40·768 + 1·40·40·768) = 7,372,800
            //     + residual add 2 2·(1·40·40·768 + 1·40·40·768 + 1·40·40·768) = 7,372,800
            //     + norm1 2·(1600·768 + 2·768 + 1600·768) = 4,918,272 + attn 163,722,496
            //     + norm2 2·(1600·768 + 2·768 + 1600·768) = 4,918,272 + mlp 53,681,664 = 241,986,304
            forwardIOBytes: 241_986_304,
            // parameters: norm1 2·768 = 1,536 + attn 2,378,624 + norm2 2·768 = 1,536 + mlp 4,722,432 = 7,104,128
            parameters: 7_104_128,
            // weight bytes: 2 B × 7,104,128 = 14,208,256
            weightBytes: 14_208_256),
        GoldenCase(
            "Block, unusual windowed 5×3, ws = 2 → 6×4 padded, 6 windows",
            make: { try Block(batch: 1, height: 5, width: 3, dim: 8, heads: 2, mlpDim: 16, windowSize: 2) },
            // forward TC: attn 16,896 + mlp 7,680 = 24,576
            forwardTensorCore: 24_576,
            // backward TC: attn 35,328 + mlp 15,360 = 50,688
            backwardTensorCore: 50_688,
            // forward CUDA: residual add 1 1·5·3·8 = 120 + residual add 2 1·5·3·8 = 120 + norm1 8·15·8 = 960 + attn 2,112
            //     + norm2 8·15·8 = 960 + mlp 2,760 = 7,032
            forwardCUDACore: 7_032,
            // backward CUDA: residual add 1 1·5·3·8 = 120 + residual add 2 1·5·3·8 = 120 + norm1 14·15·8 = 1,680
            //     + attn 1,920 + norm2 14·15·8 = 1,680 + mlp 3,720 = 9,240
            backwardCUDACore: 9_240,
            // forward I/O bytes: partition 2·(1·5·3·8 + 1·6·4·8) = 624 + unpartition 2·(1·6·4·8 + 1·5·3·8) = 624
            //     + residual add 1 2·(1·5·3·8 + 1·5·3·8 + 1·5·3·8) = 720
            //     + residual add 2 2·(1·5·3·8 + 1·5·3·8 + 1·5·3·8) = 720 + norm1 2·(15·8 + 2·8 + 15·8) = 512 + attn 6,784
            //     + norm2 2·(15·8 + 2·8 + 15·8) = 512 + mlp 2,960 = 13,456
            forwardIOBytes: 13_456,
            // parameters: norm1 2·8 = 16 + attn 312 + norm2 2·8 = 16 + mlp 280 = 624
            parameters: 624,
            // weight bytes: 2 B × 624 = 1,248
            weightBytes: 1_248),
        GoldenCase(
            "Block, unusual global 3×2, tables for 3×3 (only w resized), eager",
            make: { try Block(batch: 2, height: 3, width: 2, dim: 4, heads: 2, mlpDim: 8, windowSize: 0, globalInputSize: (3, 3), kernel: .eager) },
            // forward TC: attn 3,168 + mlp 1,536 = 4,704
            forwardTensorCore: 4_704,
            // backward TC: attn 6,336 + mlp 3,072 = 9,408
            backwardTensorCore: 9_408,
            // forward CUDA: residual add 1 2·3·2·4 = 48 + residual add 2 2·3·2·4 = 48 + norm1 8·12·4 = 384 + attn 1,224
            //     + norm2 8·12·4 = 384 + mlp 1,104 = 3,192
            forwardCUDACore: 3_192,
            // backward CUDA: residual add 1 2·3·2·4 = 48 + residual add 2 2·3·2·4 = 48 + norm1 14·12·4 = 672
            //     + attn 1,096 (its w-table resize is priced on the stored 5-row table: 4·5·2 = 40, not 4·3·2 = 24)
            //     + norm2 14·12·4 = 672 + mlp 1,488 = 4,024
            backwardCUDACore: 4_024,
            // forward I/O bytes: residual add 1 2·(2·3·2·4 + 2·3·2·4 + 2·3·2·4) = 288
            //     + residual add 2 2·(2·3·2·4 + 2·3·2·4 + 2·3·2·4) = 288 + norm1 2·(12·4 + 2·4 + 12·4) = 208 + attn 4,192
            //     + norm2 2·(12·4 + 2·4 + 12·4) = 208 + mlp 1,112 = 6,296
            forwardIOBytes: 6_296,
            // parameters: norm1 2·4 = 8 + attn 100 + norm2 2·4 = 8 + mlp 76 = 192
            parameters: 192,
            // weight bytes: 2 B × 192 = 384
            weightBytes: 384),
        GoldenCase(
            "LayerNorm2d, 256×64×64 (neck at 1024)",
            make: { try LayerNorm2d(batch: 1, channels: 256, height: 64, width: 64) },
            // forward TC: none = 0
            forwardTensorCore: 0,
            // backward TC: none = 0
            backwardTensorCore: 0,
            // forward CUDA: LN2d 8·1·256·64·64 = 8,388,608
            forwardCUDACore: 8_388_608,
            // backward CUDA: LN2d 14·1·256·64·64 = 14,680,064
            backwardCUDACore: 14_680_064,
            // forward I/O bytes: LN2d 2·(1·256·64·64 + 2·256 + 1·256·64·64) = 4,195,328
            forwardIOBytes: 4_195_328,
            // parameters: own 2·256 = 512
            parameters: 512,
            // weight bytes: 2 B × 512 = 1,024
            weightBytes: 1_024),
        GoldenCase(
            "LayerNorm2d, unusual 2×3×5×7",
            make: { try LayerNorm2d(batch: 2, channels: 3, height: 5, width: 7) },
            // forward TC: none = 0
            forwardTensorCore: 0,
            // backward TC: none = 0
            backwardTensorCore: 0,
            // forward CUDA: LN2d 8·2·3·5·7 = 1,680
            forwardCUDACore: 1_680,
            // backward CUDA: LN2d 14·2·3·5·7 = 2,940
            backwardCUDACore: 2_940,
            // forward I/O bytes: LN2d 2·(2·3·5·7 + 2·3 + 2·3·5·7) = 852
            forwardIOBytes: 852,
            // parameters: own 2·3 = 6
            parameters: 6,
            // weight bytes: 2 B × 6 = 12
            weightBytes: 12),
        GoldenCase(
            "PatchEmbed, 1024 image",
            make: { try PatchEmbed(batch: 1, imageSize: 1024) },
            // forward TC: proj conv 2·1·768·64·64·3·16² = 4,831,838,208
            forwardTensorCore: 4_831_838_208,
            // backward TC: proj conv 2·1·768·64·64·3·16² = 4,831,838,208
            backwardTensorCore: 4_831_838_208,
            // forward CUDA: proj bias 1·768·64·64 = 3,145,728
            forwardCUDACore: 3_145_728,
            // backward CUDA: proj bias 1·768·64·64 = 3,145,728
            backwardCUDACore: 3_145_728,
            // forward I/O bytes: proj conv 2·(1·3·1024·1024 + 768·3·16² + 768 + 1·768·64·64) = 13,764,096
            forwardIOBytes: 13_764_096,
            // parameters: proj 768·3·16² + 768 = 590,592
            parameters: 590_592,
            // weight bytes: 2 B × 590,592 = 1,181,184
            weightBytes: 1_181_184),
        GoldenCase(
            "PatchEmbed, 640 image",
            make: { try PatchEmbed(batch: 1, imageSize: 640) },
            // forward TC: proj conv 2·1·768·40·40·3·16² = 1,887,436,800
            forwardTensorCore: 1_887_436_800,
            // backward TC: proj conv 2·1·768·40·40·3·16² = 1,887,436,800
            backwardTensorCore: 1_887_436_800,
            // forward CUDA: proj bias 1·768·40·40 = 1,228,800
            forwardCUDACore: 1_228_800,
            // backward CUDA: proj bias 1·768·40·40 = 1,228,800
            backwardCUDACore: 1_228_800,
            // forward I/O bytes: proj conv 2·(1·3·640·640 + 768·3·16² + 768 + 1·768·40·40) = 6,096,384
            forwardIOBytes: 6_096_384,
            // parameters: proj 768·3·16² + 768 = 590,592
            parameters: 590_592,
            // weight bytes: 2 B × 590,592 = 1,181,184
            weightBytes: 1_181_184),
        GoldenCase(
            "PatchEmbed, unusual 2×1×50×50 → 3×3 grid, C = 4, input needs grad",
            make: { try PatchEmbed(batch: 2, imageSize: 50, inChannels: 1, embedDim: 4, patchSize: 16, inputNeedsGradient: true) },
            // forward TC: proj conv 2·2·4·3·3·1·16² = 36,864
            forwardTensorCore: 36_864,
            // backward TC: proj conv 4·2·4·3·3·1·16² = 73,728
            backwardTensorCore: 73_728,
            // forward CUDA: proj bias 2·4·3·3 = 72
            forwardCUDACore: 72,
            // backward CUDA: proj bias 2·4·3·3 = 72
            backwardCUDACore: 72,
            // forward I/O bytes: proj conv 2·(2·1·50·50 + 4·1·16² + 4 + 2·4·3·3) = 12,200
            forwardIOBytes: 12_200,
            // parameters: proj 4·1·16² + 4 = 1,028
            parameters: 1_028,
            // weight bytes: 2 B × 1,028 = 2,056
            weightBytes: 2_056),
        GoldenCase(
            "ImageEncoderViT, 1024 image",
            make: { try ImageEncoderViT(batch: 1, imageSize: 1024) },
            // forward TC: patch_embed 4,831,838,208 + windowed blocks 8×64,936,894,464 + global blocks 4×110,326,972,416
            //     + neck.0 2·1·256·64·64·768 = 1,610,612,736 + neck.2 2·1·256·64·64·256·3² = 4,831,838,208
            //     + net_2 2·1·512·32·32·256·3² = 2,415,919,104 + net_3 2·1·1024·16·16·512·3² = 2,415,919,104
            //     = 976,909,172,736
            forwardTensorCore: 976_909_172_736,
            // backward TC: patch_embed 4,831,838,208 + windowed blocks 8×131,348,963,328
            //     + global blocks 4×246,423,748,608 + neck.0 4·1·256·64·64·768 = 3,221,225,472
            //     + neck.2 4·1·256·64·64·256·3² = 9,663,676,416 + net_2 4·1·512·32·32·256·3² = 4,831,838,208
            //     + net_3 4·1·1024·16·16·512·3² = 4,831,838,208 = 2,063,867,117,568
            backwardTensorCore: 2_063_867_117_568,
            // forward CUDA: pos add 1·64·64·768 = 3,145,728 + patch_embed 3,145,728 + windowed blocks 8×293,907,264
            //     + global blocks 4×1,620,049,920 + neck.1+neck.3 2×(8·1·256·64·64 = 8,388,608) = 8,854,526,464
            forwardCUDACore: 8_854_526_464,
            // backward CUDA: pos add 1·64·64·768 = 3,145,728 + patch_embed 3,145,728 + windowed blocks 8×370,462,848
            //     + global blocks 4×1,506,803,712 + neck.1+neck.3 2×(14·1·256·64·64 = 14,680,064) = 9,026,569,216
            backwardCUDACore: 9_026_569_216,
            // forward I/O bytes: pos add 2·(2·1·64·64·768 + 64·64·768) = 18,874,368 + patch_embed 13,764,096
            //     + windowed blocks 8×361,024,000 + global blocks 4×1,097,354,752
            //     + neck.0 2·(1·768·64·64 + 256·768 + 1·256·64·64) = 8,781,824
            //     + neck.1+neck.3 2×(2·(1·256·64·64 + 2·256 + 1·256·64·64) = 4,195,328)
            //     + neck.2 2·(1·256·64·64 + 256·256·3² + 1·256·64·64) = 5,373,952
            //     + net_2 2·(1·256·64·64 + 512·256·3² + 1·512·32·32) = 5,505,024
            //     + net_3 2·(1·512·32·32 + 1024·512·3² + 1·1024·16·16) = 11,010,048 = 7,349,310,976
            forwardIOBytes: 7_349_310_976,
            // parameters: own 64·64·768 = 3,145,728 + patch_embed 590,592 + windowed blocks 8×7,091,328
            //     + global blocks 4×7,104,128 + neck.0 256·768 = 196,608 + neck.1+neck.3 2×(2·256 = 512)
            //     + neck.2 256·256·3² = 589,824 + net_2 512·256·3² = 1,179,648 + net_3 1024·512·3² = 4,718,592
            //     = 95,569,152
            parameters: 95_569_152,
            // weight bytes: 2 B × 95,569,152 = 191,138,304
            weightBytes: 191_138_304),
        GoldenCase(
            "ImageEncoderViT, 640 image (pos-embed and global tables resized)",
            make: { try ImageEncoderViT(batch: 1, imageSize: 640) },
            // forward TC: patch_embed 1,887,436,800 + windowed blocks 8×24,561,082,368 + global blocks 4×30,710,169,600
            //     + neck.0 2·1·256·40·40·768 = 629,145,600 + neck.2 2·1·256·40·40·256·3² = 1,887,436,800
            //     + net_2 2·1·512·20·20·256·3² = 943,718,400 + net_3 2·1·1024·10·10·512·3² = 943,718,400
            //     = 325,620,793,344
            forwardTensorCore: 325_620_793_344,
            // backward TC: patch_embed 1,887,436,800 + windowed blocks 8×49,653,227,520 + global blocks 4×65,352,499,200
            //     + neck.0 4·1·256·40·40·768 = 1,258,291,200 + neck.2 4·1·256·40·40·256·3² = 3,774,873,600
            //     + net_2 4·1·512·20·20·256·3² = 1,887,436,800 + net_3 4·1·1024·10·10·512·3² = 1,887,436,800
            //     = 669,331,292,160
            backwardTensorCore: 669_331_292_160,
            // forward CUDA: pos resize 16·40·40·768 = 19,660,800 + pos add 1·40·40·768 = 1,228,800
            //     + patch_embed 1,228,800 + windowed blocks 8×111,875,904 + global blocks 4×297,410,048
            //     + neck.1+neck.3 2×(8·1·256·40·40 = 3,276,800) = 2,113,319,424
            forwardCUDACore: 2_113_319_424,
            // backward CUDA: pos resize 16·64·64·768 = 50,331,648 (the gradient of the stored 64×64 table)
            //     + pos add 1·40·40·768 = 1,228,800
            //     + patch_embed 1,228,800 + windowed blocks 8×142,133,376 + global blocks 4×301,121,024
            //     + neck.1+neck.3 2×(14·1·256·40·40 = 5,734,400) = 2,405,809,152
            backwardCUDACore: 2_405_809_152,
            // forward I/O bytes: pos resize 2·(40·40·768 + 64·64·768 + 40·40·768) = 11,206,656
            //     + pos add 2·(2·1·40·40·768 + 40·40·768) = 7,372,800 + patch_embed 6,096,384
            //     + windowed blocks 8×144,853,504 + global blocks 4×241,986,304
            //     + neck.0 2·(1·768·40·40 + 256·768 + 1·256·40·40) = 3,670,016
            //     + neck.1+neck.3 2×(2·(1·256·40·40 + 2·256 + 1·256·40·40) = 1,639,424)
            //     + neck.2 2·(1·256·40·40 + 256·256·3² + 1·256·40·40) = 2,818,048
            //     + net_2 2·(1·256·40·40 + 512·256·3² + 1·512·20·20) = 3,588,096
            //     + net_3 2·(1·512·20·20 + 1024·512·3² + 1·1024·10·10) = 10,051,584 = 2,174,855,680
            forwardIOBytes: 2_174_855_680,
            // parameters: own 64·64·768 = 3,145,728 + patch_embed 590,592 + windowed blocks 8×7,091,328
            //     + global blocks 4×7,104,128 + neck.0 256·768 = 196,608 + neck.1+neck.3 2×(2·256 = 512)
            //     + neck.2 256·256·3² = 589,824 + net_2 512·256·3² = 1,179,648 + net_3 1024·512·3² = 4,718,592
            //     = 95,569,152
            parameters: 95_569_152,
            // weight bytes: 2 B × 95,569,152 = 191,138,304
            weightBytes: 191_138_304),
        GoldenCase(
            "NoTPAttention, 257 tokens (1024 view)",
            make: { try NoTPAttention(batch: 1, tokens: 257) },
            // forward TC: QKᵀ 2·1·16·257²·64 = 135,268,352 + P·V 2·1·16·257²·64 = 135,268,352
            //     + qkv_proj GEMM 2·257·1024·3072 = 1,616,904,192 + out_proj GEMM 2·257·1024·1024 = 538,968,064
            //     = 2,426,408,960
            forwardTensorCore: 2_426_408_960,
            // backward TC: QKᵀ 6·1·16·257²·64 = 405,805,056 + P·V 4·1·16·257²·64 = 270,536,704
            //     + qkv_proj GEMM 4·257·1024·3072 = 3,233,808,384 + out_proj GEMM 4·257·1024·1024 = 1,077,936,128
            //     = 4,988,086,272
            backwardTensorCore: 4_988_086_272,
            // forward CUDA: softmax 5·1·16·257² = 5,283,920 + qkv_proj bias 257·3072 = 789,504
            //     + out_proj bias 257·1024 = 263,168 = 6,336,592
            forwardCUDACore: 6_336_592,
            // backward CUDA: softmax 4·1·16·257² = 4,227,136 + qkv_proj bias 257·3072 = 789,504
            //     + out_proj bias 257·1024 = 263,168 = 5,279,808
            backwardCUDACore: 5_279_808,
            // forward I/O bytes: QKᵀ 2·(4·1·16·257·64) = 2,105,344
            //     + qkv_proj GEMM 2·(257·1024 + 1024·3072 + 3072 + 257·3072) = 8,402,944
            //     + out_proj GEMM 2·(257·1024 + 1024·1024 + 1024 + 257·1024) = 3,151,872 = 13,660,160
            forwardIOBytes: 13_660_160,
            // parameters: qkv_proj 1024·3072 + 3072 = 3,148,800 + out_proj 1024·1024 + 1024 = 1,049,600 = 4,198,400
            parameters: 4_198_400,
            // weight bytes: 2 B × 4,198,400 = 8,396,800
            weightBytes: 8_396_800),
        GoldenCase(
            "NoTPAttention, 101 tokens (640 view)",
            make: { try NoTPAttention(batch: 1, tokens: 101) },
            // forward TC: QKᵀ 2·1·16·101²·64 = 20,891,648 + P·V 2·1·16·101²·64 = 20,891,648
            //     + qkv_proj GEMM 2·101·1024·3072 = 635,437,056 + out_proj GEMM 2·101·1024·1024 = 211,812,352
            //     = 889,032,704
            forwardTensorCore: 889_032_704,
            // backward TC: QKᵀ 6·1·16·101²·64 = 62,674,944 + P·V 4·1·16·101²·64 = 41,783,296
            //     + qkv_proj GEMM 4·101·1024·3072 = 1,270,874,112 + out_proj GEMM 4·101·1024·1024 = 423,624,704
            //     = 1,798,957,056
            backwardTensorCore: 1_798_957_056,
            // forward CUDA: softmax 5·1·16·101² = 816,080 + qkv_proj bias 101·3072 = 310,272
            //     + out_proj bias 101·1024 = 103,424 = 1,229,776
            forwardCUDACore: 1_229_776,
            // backward CUDA: softmax 4·1·16·101² = 652,864 + qkv_proj bias 101·3072 = 310,272
            //     + out_proj bias 101·1024 = 103,424 = 1,066,560
            backwardCUDACore: 1_066_560,
            // forward I/O bytes: QKᵀ 2·(4·1·16·101·64) = 827,392
            //     + qkv_proj GEMM 2·(101·1024 + 1024·3072 + 3072 + 101·3072) = 7,124,992
            //     + out_proj GEMM 2·(101·1024 + 1024·1024 + 1024 + 101·1024) = 2,512,896 = 10,465,280
            forwardIOBytes: 10_465_280,
            // parameters: qkv_proj 1024·3072 + 3072 = 3,148,800 + out_proj 1024·1024 + 1024 = 1,049,600 = 4,198,400
            parameters: 4_198_400,
            // weight bytes: 2 B × 4,198,400 = 8,396,800
            weightBytes: 8_396_800),
        GoldenCase(
            "NoTPAttention, unusual B = 2, S = 5, C = 6, h = 3, eager",
            make: { try NoTPAttention(batch: 2, tokens: 5, hiddenSize: 6, heads: 3, kernel: .eager) },
            // forward TC: QKᵀ 2·2·3·5²·2 = 600 + P·V 2·2·3·5²·2 = 600 + qkv_proj GEMM 2·10·6·18 = 2,160
            //     + out_proj GEMM 2·10·6·6 = 720 = 4,080
            forwardTensorCore: 4_080,
            // backward TC: QKᵀ 4·2·3·5²·2 = 1,200 + P·V 4·2·3·5²·2 = 1,200 + qkv_proj GEMM 4·10·6·18 = 4,320
            //     + out_proj GEMM 4·10·6·6 = 1,440 = 8,160
            backwardTensorCore: 8_160,
            // forward CUDA: softmax 5·2·3·5² = 750 + qkv_proj bias 10·18 = 180 + out_proj bias 10·6 = 60 = 990
            forwardCUDACore: 990,
            // backward CUDA: softmax 4·2·3·5² = 600 + qkv_proj bias 10·18 = 180 + out_proj bias 10·6 = 60 = 840
            backwardCUDACore: 840,
            // forward I/O bytes: QKᵀ 2·(2·2·3·5·2 + 2·3·5²) = 540 + softmax 2·(2·2·3·5²) = 600
            //     + P·V 2·(2·3·5² + 2·2·3·5·2) = 540 + qkv_proj GEMM 2·(10·6 + 6·18 + 18 + 10·18) = 732
            //     + out_proj GEMM 2·(10·6 + 6·6 + 6 + 10·6) = 324 = 2,736
            forwardIOBytes: 2_736,
            // parameters: qkv_proj 6·18 + 18 = 126 + out_proj 6·6 + 6 = 42 = 168
            parameters: 168,
            // weight bytes: 2 B × 168 = 336
            weightBytes: 336),
        GoldenCase(
            "NoTPFeedForward, 257 tokens (1024 view)",
            make: { try NoTPFeedForward(batch: 1, tokens: 257) },
            // forward TC: fc1 GEMM 2·257·1024·4096 = 2,155,872,256 + fc2 GEMM 2·257·4096·1024 = 2,155,872,256
            //     = 4,311,744,512
            forwardTensorCore: 4_311_744_512,
            // backward TC: fc1 GEMM 4·257·1024·4096 = 4,311,744,512 + fc2 GEMM 4·257·4096·1024 = 4,311,744,512
            //     = 8,623,489,024
            backwardTensorCore: 8_623_489_024,
            // forward CUDA: quick_gelu 5·1·257·4096 = 5,263,360 + fc1 bias 257·4096 = 1,052,672
            //     + fc2 bias 257·1024 = 263,168 = 6,579,200
            forwardCUDACore: 6_579_200,
            // backward CUDA: quick_gelu 8·1·257·4096 = 8,421,376 + fc1 bias 257·4096 = 1,052,672
            //     + fc2 bias 257·1024 = 263,168 = 9,737,216
            backwardCUDACore: 9_737_216,
            // forward I/O bytes: quick_gelu 2·(1·257·4096 + 1·257·4096) = 4,210,688
            //     + fc1 GEMM 2·(257·1024 + 1024·4096 + 4096 + 257·4096) = 11,028,480
            //     + fc2 GEMM 2·(257·4096 + 4096·1024 + 1024 + 257·1024) = 11,022,336 = 26,261,504
            forwardIOBytes: 26_261_504,
            // parameters: fc1 1024·4096 + 4096 = 4,198,400 + fc2 4096·1024 + 1024 = 4,195,328 = 8,393,728
            parameters: 8_393_728,
            // weight bytes: 2 B × 8,393,728 = 16,787,456
            weightBytes: 16_787_456),
        GoldenCase(
            "NoTPFeedForward, 101 tokens (640 view)",
            make: { try NoTPFeedForward(batch: 1, tokens: 101) },
            // forward TC: fc1 GEMM 2·101·1024·4096 = 847,249,408 + fc2 GEMM 2·101·4096·1024 = 847,249,408 = 1,694,498,816
            forwardTensorCore: 1_694_498_816,
            // backward TC: fc1 GEMM 4·101·1024·4096 = 1,694,498,816 + fc2 GEMM 4·101·4096·1024 = 1,694,498,816
            //     = 3,388,997,632
            backwardTensorCore: 3_388_997_632,
            // forward CUDA: quick_gelu 5·1·101·4096 = 2,068,480 + fc1 bias 101·4096 = 413,696
            //     + fc2 bias 101·1024 = 103,424 = 2,585,600
            forwardCUDACore: 2_585_600,
            // backward CUDA: quick_gelu 8·1·101·4096 = 3,309,568 + fc1 bias 101·4096 = 413,696
            //     + fc2 bias 101·1024 = 103,424 = 3,826,688
            backwardCUDACore: 3_826_688,
            // forward I/O bytes: quick_gelu 2·(1·101·4096 + 1·101·4096) = 1,654,784
            //     + fc1 GEMM 2·(101·1024 + 1024·4096 + 4096 + 101·4096) = 9,431,040
            //     + fc2 GEMM 2·(101·4096 + 4096·1024 + 1024 + 101·1024) = 9,424,896 = 20,510,720
            forwardIOBytes: 20_510_720,
            // parameters: fc1 1024·4096 + 4096 = 4,198,400 + fc2 4096·1024 + 1024 = 4,195,328 = 8,393,728
            parameters: 8_393_728,
            // weight bytes: 2 B × 8,393,728 = 16,787,456
            weightBytes: 16_787_456),
        GoldenCase(
            "NoTPFeedForward, unusual B = 2, S = 3, C = 4, F = 5",
            make: { try NoTPFeedForward(batch: 2, tokens: 3, dim: 4, hiddenDim: 5) },
            // forward TC: fc1 GEMM 2·6·4·5 = 240 + fc2 GEMM 2·6·5·4 = 240 = 480
            forwardTensorCore: 480,
            // backward TC: fc1 GEMM 4·6·4·5 = 480 + fc2 GEMM 4·6·5·4 = 480 = 960
            backwardTensorCore: 960,
            // forward CUDA: quick_gelu 5·2·3·5 = 150 + fc1 bias 6·5 = 30 + fc2 bias 6·4 = 24 = 204
            forwardCUDACore: 204,
            // backward CUDA: quick_gelu 8·2·3·5 = 240 + fc1 bias 6·5 = 30 + fc2 bias 6·4 = 24 = 294
            backwardCUDACore: 294,
            // forward I/O bytes: quick_gelu 2·(2·3·5 + 2·3·5) = 120 + fc1 GEMM 2·(6·4 + 4·5 + 5 + 6·5) = 158
            //     + fc2 GEMM 2·(6·5 + 5·4 + 4 + 6·4) = 156 = 434
            forwardIOBytes: 434,
            // parameters: fc1 4·5 + 5 = 25 + fc2 5·4 + 4 = 24 = 49
            parameters: 49,
            // weight bytes: 2 B × 49 = 98
            weightBytes: 98),
        GoldenCase(
            "NoTPTransformerBlock, 257 tokens (1024 view)",
            make: { try NoTPTransformerBlock(batch: 1, tokens: 257) },
            // forward TC: self_attn 2,426,408,960 + mlp 4,311,744,512 = 6,738,153,472
            forwardTensorCore: 6_738_153_472,
            // backward TC: self_attn 4,988,086,272 + mlp 8,623,489,024 = 13,611,575,296
            backwardTensorCore: 13_611_575_296,
            // forward CUDA: residual add 1 1·257·1024 = 263,168 + residual add 2 1·257·1024 = 263,168
            //     + layer_norm1 8·257·1024 = 2,105,344 + self_attn 6,336,592 + layer_norm2 8·257·1024 = 2,105,344
            //     + mlp 6,579,200 = 17,652,816
            forwardCUDACore: 17_652_816,
            // backward CUDA: residual add 1 1·257·1024 = 263,168 + residual add 2 1·257·1024 = 263,168
            //     + layer_norm1 14·257·1024 = 3,684,352 + self_attn 5,279,808 + layer_norm2 14·257·1024 = 3,684,352
            //     + mlp 9,737,216 = 22,912,064
            backwardCUDACore: 22_912_064,
            // forward I/O bytes: residual add 1 2·(1·257·1024 + 1·257·1024 + 1·257·1024) = 1,579,008
            //     + residual add 2 2·(1·257·1024 + 1·257·1024 + 1·257·1024) = 1,579,008
            //     + layer_norm1 2·(257·1024 + 2·1024 + 257·1024) = 1,056,768 + self_attn 13,660,160
            //     + layer_norm2 2·(257·1024 + 2·1024 + 257·1024) = 1,056,768 + mlp 26,261,504 = 45,193,216
            forwardIOBytes: 45_193_216,
            // parameters: layer_norm1 2·1024 = 2,048 + self_attn 4,198,400 + layer_norm2 2·1024 = 2,048 + mlp 8,393,728
            //     = 12,596,224
            parameters: 12_596_224,
            // weight bytes: 2 B × 12,596,224 = 25,192,448
            weightBytes: 25_192_448),
        GoldenCase(
            "NoTPTransformerBlock, 101 tokens (640 view)",
            make: { try NoTPTransformerBlock(batch: 1, tokens: 101) },
            // forward TC: self_attn 889,032,704 + mlp 1,694,498,816 = 2,583,531,520
            forwardTensorCore: 2_583_531_520,
            // backward TC: self_attn 1,798,957,056 + mlp 3,388,997,632 = 5,187,954,688
            backwardTensorCore: 5_187_954_688,
            // forward CUDA: residual add 1 1·101·1024 = 103,424 + residual add 2 1·101·1024 = 103,424
            //     + layer_norm1 8·101·1024 = 827,392 + self_attn 1,229,776 + layer_norm2 8·101·1024 = 827,392
            //     + mlp 2,585,600 = 5,677,008
            forwardCUDACore: 5_677_008,
            // backward CUDA: residual add 1 1·101·1024 = 103,424 + residual add 2 1·101·1024 = 103,424
            //     + layer_norm1 14·101·1024 = 1,447,936 + self_attn 1,066,560 + layer_norm2 14·101·1024 = 1,447,936
            //     + mlp 3,826,688 = 7,995,968
            backwardCUDACore: 7_995_968,
            // forward I/O bytes: residual add 1 2·(1·101·1024 + 1·101·1024 + 1·101·1024) = 620,544
            //     + residual add 2 2·(1·101·1024 + 1·101·1024 + 1·101·1024) = 620,544
            //     + layer_norm1 2·(101·1024 + 2·1024 + 101·1024) = 417,792 + self_attn 10,465,280
            //     + layer_norm2 2·(101·1024 + 2·1024 + 101·1024) = 417,792 + mlp 20,510,720 = 33,052,672
            forwardIOBytes: 33_052_672,
            // parameters: layer_norm1 2·1024 = 2,048 + self_attn 4,198,400 + layer_norm2 2·1024 = 2,048 + mlp 8,393,728
            //     = 12,596,224
            parameters: 12_596_224,
            // weight bytes: 2 B × 12,596,224 = 25,192,448
            weightBytes: 25_192_448),
        GoldenCase(
            "NoTPTransformerBlock, unusual C = 8, h = 2, F = 12, S = 5",
            make: { try NoTPTransformerBlock(batch: 1, tokens: 5, configuration: .tiny) },
            // forward TC: self_attn 3,360 + mlp 1,920 = 5,280
            forwardTensorCore: 5_280,
            // backward TC: self_attn 7,120 + mlp 3,840 = 10,960
            backwardTensorCore: 10_960,
            // forward CUDA: residual add 1 1·5·8 = 40 + residual add 2 1·5·8 = 40 + layer_norm1 8·5·8 = 320
            //     + self_attn 410 + layer_norm2 8·5·8 = 320 + mlp 400 = 1,530
            forwardCUDACore: 1_530,
            // backward CUDA: residual add 1 1·5·8 = 40 + residual add 2 1·5·8 = 40 + layer_norm1 14·5·8 = 560
            //     + self_attn 360 + layer_norm2 14·5·8 = 560 + mlp 580 = 2,140
            backwardCUDACore: 2_140,
            // forward I/O bytes: residual add 1 2·(1·5·8 + 1·5·8 + 1·5·8) = 240
            //     + residual add 2 2·(1·5·8 + 1·5·8 + 1·5·8) = 240 + layer_norm1 2·(5·8 + 2·8 + 5·8) = 192
            //     + self_attn 1,376 + layer_norm2 2·(5·8 + 2·8 + 5·8) = 192 + mlp 1,064 = 3,304
            forwardIOBytes: 3_304,
            // parameters: layer_norm1 2·8 = 16 + self_attn 288 + layer_norm2 2·8 = 16 + mlp 212 = 532
            parameters: 532,
            // weight bytes: 2 B × 532 = 1,064
            weightBytes: 1_064),
        GoldenCase(
            "NoTPTransformer, 24 layers × 257 tokens (1024 view)",
            make: { try NoTPTransformer(batch: 1, tokens: 257) },
            // forward TC: layers 24×6,738,153,472
            forwardTensorCore: 161_715_683_328,
            // backward TC: layers 24×13,611,575,296
            backwardTensorCore: 326_677_807_104,
            // forward CUDA: layers 24×17,652,816
            forwardCUDACore: 423_667_584,
            // backward CUDA: layers 24×22,912,064
            backwardCUDACore: 549_889_536,
            // forward I/O bytes: layers 24×45,193,216
            forwardIOBytes: 1_084_637_184,
            // parameters: layers 24×12,596,224
            parameters: 302_309_376,
            // weight bytes: 2 B × 302,309,376 = 604,618,752
            weightBytes: 604_618_752),
        GoldenCase(
            "NoTPTransformer, 24 layers × 101 tokens (640 view)",
            make: { try NoTPTransformer(batch: 1, tokens: 101) },
            // forward TC: layers 24×2,583,531,520
            forwardTensorCore: 62_004_756_480,
            // backward TC: layers 24×5,187,954,688
            backwardTensorCore: 124_510_912_512,
            // forward CUDA: layers 24×5,677,008
            forwardCUDACore: 136_248_192,
            // backward CUDA: layers 24×7,995,968
            backwardCUDACore: 191_903_232,
            // forward I/O bytes: layers 24×33,052,672
            forwardIOBytes: 793_264_128,
            // parameters: layers 24×12,596,224
            parameters: 302_309_376,
            // weight bytes: 2 B × 302,309,376 = 604,618,752
            weightBytes: 604_618_752),
        GoldenCase(
            "NoTPTransformer, unusual 3 layers, C = 8, S = 5",
            make: { try NoTPTransformer(batch: 1, tokens: 5, configuration: .tiny) },
            // forward TC: layers 3×5,280
            forwardTensorCore: 15_840,
            // backward TC: layers 3×10,960
            backwardTensorCore: 32_880,
            // forward CUDA: layers 3×1,530
            forwardCUDACore: 4_590,
            // backward CUDA: layers 3×2,140
            backwardCUDACore: 6_420,
            // forward I/O bytes: layers 3×3,304
            forwardIOBytes: 9_912,
            // parameters: layers 3×532
            parameters: 1_596,
            // weight bytes: 2 B × 1,596 = 3,192
            weightBytes: 3_192),
        GoldenCase(
            "CLIPVisionEmbeddings, 16×16 SAM grid (1024 view, no resize)",
            make: { try CLIPVisionEmbeddings(batch: 1, patchGrid: 16) },
            // forward TC: none = 0
            forwardTensorCore: 0,
            // backward TC: none = 0
            backwardTensorCore: 0,
            // forward CUDA: position add 1·257·1024 = 263,168
            forwardCUDACore: 263_168,
            // backward CUDA: position add 1·257·1024 = 263,168
            backwardCUDACore: 263_168,
            // forward I/O bytes: class concat 2·(1·256·1024 + 1024 + 1·257·1024) = 1,052,672
            //     + position lookup 2·(257·1024 + 257·1024) = 1,052,672
            //     + position add 2·(2·1·257·1024 + 257·1024) = 1,579,008 = 3,684,352
            forwardIOBytes: 3_684_352,
            // parameters: own 1024 + patch_embedding 1024·3·14² = 602,112 + position_embedding 257·1024 = 263,168
            //     = 866,304
            parameters: 866_304,
            // weight bytes: 2 B × 866,304 = 1,732,608
            weightBytes: 1_732_608),
        GoldenCase(
            "CLIPVisionEmbeddings, 2 × 10×10 SAM grid (640 view, table resized)",
            make: { try CLIPVisionEmbeddings(batch: 2, patchGrid: 10) },
            // forward TC: none = 0
            forwardTensorCore: 0,
            // backward TC: none = 0
            backwardTensorCore: 0,
            // forward CUDA: table resize 16·100·1024 = 1,638,400 + position add 2·101·1024 = 206,848 = 1,845,248
            forwardCUDACore: 1_845_248,
            // backward CUDA: table resize on the stored table's gradient 16·16·16·1024 = 4,194,304
            //     + position add 2·101·1024 = 206,848 = 4,401,152
            backwardCUDACore: 4_401_152,
            // forward I/O bytes: class concat 2·(2·100·1024 + 1024 + 2·101·1024) = 825,344
            //     + position lookup 2·(257·1024 + 257·1024) = 1,052,672
            //     + table resize 2·(100·1024 + 16·16·1024 + 100·1024) = 933,888
            //     + position add 2·(2·2·101·1024 + 101·1024) = 1,034,240 = 3,846,144
            forwardIOBytes: 3_846_144,
            // parameters: own 1024 + patch_embedding 1024·3·14² = 602,112 + position_embedding 257·1024 = 263,168
            //     = 866,304
            parameters: 866_304,
            // weight bytes: 2 B × 866,304 = 1,732,608
            weightBytes: 1_732_608),
        GoldenCase(
            "VitModel, 16×16 SAM grid (1024 view)",
            make: { try VitModel(batch: 1, patchGrid: 16) },
            // forward TC: transformer 161,715,683,328
            forwardTensorCore: 161_715_683_328,
            // backward TC: transformer 326,677,807,104
            backwardTensorCore: 326_677_807_104,
            // forward CUDA: embeddings 263,168 + pre_layrnorm 8·257·1024 = 2,105,344 + transformer 423,667,584
            //     = 426,036,096
            forwardCUDACore: 426_036_096,
            // backward CUDA: embeddings 263,168 + pre_layrnorm 14·257·1024 = 3,684,352 + transformer 549,889,536
            //     = 553,837,056
            backwardCUDACore: 553_837_056,
            // forward I/O bytes: embeddings 3,684,352 + pre_layrnorm 2·(257·1024 + 2·1024 + 257·1024) = 1,056,768
            //     + transformer 1,084,637,184 = 1,089,378,304
            forwardIOBytes: 1_089_378_304,
            // parameters: embeddings 866,304 + pre_layrnorm 2·1024 = 2,048 + transformer 302,309,376 = 303,177,728
            parameters: 303_177_728,
            // weight bytes: 2 B × 303,177,728 = 606,355,456
            weightBytes: 606_355_456),
        GoldenCase(
            "VitModel, 10×10 SAM grid (640 view)",
            make: { try VitModel(batch: 1, patchGrid: 10) },
            // forward TC: transformer 62,004,756,480
            forwardTensorCore: 62_004_756_480,
            // backward TC: transformer 124,510,912,512
            backwardTensorCore: 124_510_912_512,
            // forward CUDA: embeddings 1,741,824 + pre_layrnorm 8·101·1024 = 827,392 + transformer 136,248,192
            //     = 138,817,408
            forwardCUDACore: 138_817_408,
            // backward CUDA: embeddings (resize 16·16·16·1024 = 4,194,304 + add 101·1024 = 103,424) 4,297,728
            //     + pre_layrnorm 14·101·1024 = 1,447,936 + transformer 191,903,232 = 197,648,896
            backwardCUDACore: 197_648_896,
            // forward I/O bytes: embeddings 3,020,800 + pre_layrnorm 2·(101·1024 + 2·1024 + 101·1024) = 417,792
            //     + transformer 793,264,128 = 796,702,720
            forwardIOBytes: 796_702_720,
            // parameters: embeddings 866,304 + pre_layrnorm 2·1024 = 2,048 + transformer 302,309,376 = 303,177,728
            parameters: 303_177_728,
            // weight bytes: 2 B × 303,177,728 = 606,355,456
            weightBytes: 606_355_456),
        GoldenCase(
            "MlpProjector linear, 256 tokens (1024 view)",
            make: { try MlpProjector(batch: 1, tokens: 256) },
            // forward TC: layers GEMM 2·256·2048·1280 = 1,342,177,280
            forwardTensorCore: 1_342_177_280,
            // backward TC: layers GEMM 4·256·2048·1280 = 2,684,354,560
            backwardTensorCore: 2_684_354_560,
            // forward CUDA: layers bias 256·1280 = 327,680
            forwardCUDACore: 327_680,
            // backward CUDA: layers bias 256·1280 = 327,680
            backwardCUDACore: 327_680,
            // forward I/O bytes: layers GEMM 2·(256·2048 + 2048·1280 + 1280 + 256·1280) = 6,949,376
            forwardIOBytes: 6_949_376,
            // parameters: layers 2048·1280 + 1280 = 2,622,720
            parameters: 2_622_720,
            // weight bytes: 2 B × 2,622,720 = 5,245,440
            weightBytes: 5_245_440),
        GoldenCase(
            "MlpProjector linear, 4 × 100 tokens (640 crops)",
            make: { try MlpProjector(batch: 4, tokens: 100) },
            // forward TC: layers GEMM 2·400·2048·1280 = 2,097,152,000
            forwardTensorCore: 2_097_152_000,
            // backward TC: layers GEMM 4·400·2048·1280 = 4,194,304,000
            backwardTensorCore: 4_194_304_000,
            // forward CUDA: layers bias 400·1280 = 512,000
            forwardCUDACore: 512_000,
            // backward CUDA: layers bias 400·1280 = 512,000
            backwardCUDACore: 512_000,
            // forward I/O bytes: layers GEMM 2·(400·2048 + 2048·1280 + 1280 + 400·1280) = 7,907,840
            forwardIOBytes: 7_907_840,
            // parameters: layers 2048·1280 + 1280 = 2,622,720
            parameters: 2_622_720,
            // weight bytes: 2 B × 2,622,720 = 5,245,440
            weightBytes: 5_245_440),
        GoldenCase(
            "MlpProjector mlp_gelu depth 2, unusual B = 2, T = 3, 4 → 5",
            make: { try MlpProjector(batch: 2, tokens: 3, inputDim: 4, outputDim: 5, type: .mlpGELU(depth: 2)) },
            // forward TC: layers.0 GEMM 2·6·4·5 = 240 + layers.2 GEMM 2·6·5·5 = 300 = 540
            forwardTensorCore: 540,
            // backward TC: layers.0 GEMM 4·6·4·5 = 480 + layers.2 GEMM 4·6·5·5 = 600 = 1,080
            backwardTensorCore: 1_080,
            // forward CUDA: layers.0 bias 6·5 = 30 + layers.1 10·6·5 = 300 + layers.2 bias 6·5 = 30 = 360
            forwardCUDACore: 360,
            // backward CUDA: layers.0 bias 6·5 = 30 + layers.1 14·6·5 = 420 + layers.2 bias 6·5 = 30 = 480
            backwardCUDACore: 480,
            // forward I/O bytes: layers.0 GEMM 2·(6·4 + 4·5 + 5 + 6·5) = 158 + layers.1 2·(6·5 + 6·5) = 120
            //     + layers.2 GEMM 2·(6·5 + 5·5 + 5 + 6·5) = 180 = 458
            forwardIOBytes: 458,
            // parameters: layers.0 4·5 + 5 = 25 + layers.2 5·5 + 5 = 30 = 55
            parameters: 55,
            // weight bytes: 2 B × 55 = 110
            weightBytes: 110),
        GoldenCase(
            "MlpProjector downsample_mlp_gelu depth 2, r = 2, mlp_ratio 2, 3×3 grid → 4 tokens",
            make: { try MlpProjector(batch: 1, tokens: 9, inputDim: 2, outputDim: 3, type: .downsampleMLPGELU(depth: 2, ratio: 2, mlpRatio: 2)) },
            // forward TC: layers.0 GEMM 2·4·8·6 = 384 + layers.2 GEMM 2·4·6·3 = 144 = 528
            forwardTensorCore: 528,
            // backward TC: layers.0 GEMM 4·4·8·6 = 768 + layers.2 GEMM 4·4·6·3 = 288 = 1,056
            backwardTensorCore: 1_056,
            // forward CUDA: layers.0 bias 4·6 = 24 + layers.1 10·4·6 = 240 + layers.2 bias 4·3 = 12 = 276
            forwardCUDACore: 276,
            // backward CUDA: layers.0 bias 4·6 = 24 + layers.1 14·4·6 = 336 + layers.2 bias 4·3 = 12 = 372
            backwardCUDACore: 372,
            // forward I/O bytes: r×r unfold 2·(1·9·2 + 1·4·2·2·2) = 100 + layers.0 GEMM 2·(4·8 + 8·6 + 6 + 4·6) = 220
            //     + layers.1 2·(4·6 + 4·6) = 96 + layers.2 GEMM 2·(4·6 + 6·3 + 3 + 4·3) = 114 = 530
            forwardIOBytes: 530,
            // parameters: layers.0 8·6 + 6 = 54 + layers.2 6·3 + 3 = 21 = 75
            parameters: 75,
            // weight bytes: 2 B × 75 = 150
            weightBytes: 150),
        GoldenCase(
            "MlpProjector downsample_mlp_gelu depth 3, r = 2, mlp_ratio 1, 2×2 grid → 1 token",
            make: { try MlpProjector(batch: 2, tokens: 4, inputDim: 3, outputDim: 2, type: .downsampleMLPGELU(depth: 3, ratio: 2, mlpRatio: 1)) },
            // forward TC: layers.0 GEMM 2·2·12·2 = 96 + layers.2 GEMM 2·2·2·2 = 16 + layers.4 GEMM 2·2·2·2 = 16 = 128
            forwardTensorCore: 128,
            // backward TC: layers.0 GEMM 4·2·12·2 = 192 + layers.2 GEMM 4·2·2·2 = 32 + layers.4 GEMM 4·2·2·2 = 32 = 256
            backwardTensorCore: 256,
            // forward CUDA: layers.0 bias 2·2 = 4 + layers.1 10·2·2 = 40 + layers.2 bias 2·2 = 4 + layers.3 10·2·2 = 40
            //     + layers.4 bias 2·2 = 4 = 92
            forwardCUDACore: 92,
            // backward CUDA: layers.0 bias 2·2 = 4 + layers.1 14·2·2 = 56 + layers.2 bias 2·2 = 4 + layers.3 14·2·2 = 56
            //     + layers.4 bias 2·2 = 4 = 124
            backwardCUDACore: 124,
            // forward I/O bytes: r×r unfold 2·(2·4·3 + 2·1·3·2·2) = 96 + layers.0 GEMM 2·(2·12 + 12·2 + 2 + 2·2) = 108
            //     + layers.1 2·(2·2 + 2·2) = 16 + layers.2 GEMM 2·(2·2 + 2·2 + 2 + 2·2) = 28
            //     + layers.3 2·(2·2 + 2·2) = 16 + layers.4 GEMM 2·(2·2 + 2·2 + 2 + 2·2) = 28 = 292
            forwardIOBytes: 292,
            // parameters: layers.0 12·2 + 2 = 26 + layers.2 2·2 + 2 = 6 + layers.4 2·2 + 2 = 6 = 38
            parameters: 38,
            // weight bytes: 2 B × 38 = 76
            weightBytes: 76),
    ]
}

@Suite("Golden values derived by hand")
struct GoldenValueTests {
    @Test("every number of the layer matches the hand derivation", arguments: GoldenCase.all)
    func golden(_ golden: GoldenCase) throws {
        let metrics = try golden.make().metrics(precision: .bf16)
        #expect(metrics.forward.tensorCoreFLOPs == golden.forwardTensorCore, "forward tensor-core FLOPs")
        #expect(metrics.backward.tensorCoreFLOPs == golden.backwardTensorCore, "backward tensor-core FLOPs")
        #expect(metrics.forward.cudaCoreFLOPs == golden.forwardCUDACore, "forward CUDA-core FLOPs")
        #expect(metrics.backward.cudaCoreFLOPs == golden.backwardCUDACore, "backward CUDA-core FLOPs")
        #expect(metrics.forward.ioBytes == golden.forwardIOBytes, "forward I/O bytes")
        #expect(metrics.parameters == golden.parameters, "parameters")
        #expect(metrics.memory.weightBytes == golden.weightBytes, "weight bytes")
        #expect(metrics.memory.kvCacheBytes == 0, "an encoder keeps no KV cache")
    }

    @Test("the thirteen documented layers all have golden rows")
    func coverage() throws {
        var covered: Set<String> = []
        for golden in GoldenCase.all {
            let layer = try golden.make()
            if let doc = layer.doc { covered.insert(doc.vendorClass) }
        }
        #expect(covered == [
            "Attention", "Block", "CLIPVisionEmbeddings", "ImageEncoderViT", "LayerNorm2d", "MLPBlock",
            "MlpProjector", "NoTPAttention", "NoTPFeedForward", "NoTPTransformer", "NoTPTransformerBlock",
            "PatchEmbed", "VitModel",
        ])
    }

    @Test("fp32 doubles every byte figure of bf16 and leaves FLOPs alone")
    func precisionScalesBytes() throws {
        // Bytes are elements × bytes per element: bf16 = 2, fp32 = 4, fp8 = 1. Windowed attention at
        // 1024 (row above): 147,776,512 B in bf16 = 73,888,256 elements → 295,553,024 B in fp32,
        // 73,888,256 B in fp8; weights 2,365,824 parameters → 9,463,296 B fp32, 2,365,824 B fp8.
        let attention = try Attention(batch: 25, height: 14, width: 14, relativePositionInputSize: (14, 14))
        let fp32 = try attention.metrics(precision: .fp32)
        let fp8 = try attention.metrics(precision: .fp8)
        #expect(fp32.forward.ioBytes == 295_553_024)
        #expect(fp8.forward.ioBytes == 73_888_256)
        #expect(fp32.memory.weightBytes == 9_463_296)
        #expect(fp8.memory.weightBytes == 2_365_824)
        // FLOPs do not depend on storage precision: 26,282,188,800 as in the bf16 row.
        #expect(fp32.forward.tensorCoreFLOPs == 26_282_188_800)
    }

    @Test("the identity projector costs nothing and owns no weights")
    func identityProjector() throws {
        // nn.Identity(): no terms, no parameters.
        let metrics = try MlpProjector(batch: 1, tokens: 256, type: .identity).metrics()
        #expect(metrics.forward == PassCost())
        #expect(metrics.backward == PassCost())
        #expect(metrics.parameters == 0)
    }
}
