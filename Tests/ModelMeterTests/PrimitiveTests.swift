import Foundation
import Testing
import ModelMeter

// MARK: - Helpers

extension Array where Element == CostTerm {
    /// Σ of one FLOP formula over the terms on `unit`.
    func flops(_ unit: ComputeUnit, _ pass: KeyPath<CostTerm, Formula>) throws -> Int {
        try filter { $0.unit == unit }.reduce(0) { $0 + (try $1[keyPath: pass].evaluate()) }
    }

    /// Σ of forward DRAM elements (reads + weight reads + writes) over all terms.
    func forwardElements() throws -> Int {
        try reduce(0) { $0 + (try $1.forwardTraffic.total.evaluate()) }
    }

    func backwardElements() throws -> Int {
        try reduce(0) { $0 + (try $1.backwardTraffic.total.evaluate()) }
    }

    var names: [String] { map(\.name) }
}

/// Asserts `body` throws `ModelMeterError.invalidShape`.
func expectInvalidShape(
    _ comment: Comment? = nil, sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void
) {
    do {
        try body()
        Issue.record("expected invalidShape, nothing was thrown. \(comment.map { "\($0)" } ?? "")", sourceLocation: sourceLocation)
    } catch let ModelMeterError.invalidShape(layer, what, reason) {
        #expect(!layer.isEmpty && !what.isEmpty && !reason.isEmpty, sourceLocation: sourceLocation)
    } catch {
        Issue.record("expected invalidShape, got \(error). \(comment.map { "\($0)" } ?? "")", sourceLocation: sourceLocation)
    }
}

// MARK: - Linear

@Suite("Linear")
struct LinearTests {
    static let b = Symbol("B", 1), s = Symbol("S", 4096), c = Symbol("C", 768), threeC = Symbol("3C", 2304)

    func qkv(bias: Bool = true, inputNeedsGradient: Bool = true) throws -> Linear {
        try Linear("QKV", tokens: Self.b * Self.s, inFeatures: Self.c.formula, outFeatures: Self.threeC.formula,
                   bias: bias, inputNeedsGradient: inputNeedsGradient)
    }

    @Test("QKV projection at 1024: terms, formula, FLOPs, bytes, parameters")
    func qkvProjection() throws {
        let linear = try qkv()
        #expect(linear.terms.names == ["QKV projection", "QKV bias add"])
        #expect(linear.terms[0].unit == .tensorCore)
        #expect(linear.terms[1].unit == .cudaCore)
        #expect(linear.terms[0].forwardFLOPs.symbolic == "2·B·S·C·3C")
        #expect(linear.symbols.map(\.name) == ["B", "S", "C", "3C"])
        let m = try linear.metrics()
        // 2·1·4096·768·2304 = 14,495,514,624
        #expect(m.forward.tensorCoreFLOPs == 14_495_514_624)
        // dX and dW GEMMs: 2 × 14,495,514,624 = 28,991,029,248
        #expect(m.backward.tensorCoreFLOPs == 28_991_029_248)
        // bias add: M·N = 4096·2304 = 9,437,184 forward and backward
        #expect(m.forward.cudaCoreFLOPs == 9_437_184)
        #expect(m.backward.cudaCoreFLOPs == 9_437_184)
        // parameters: 768·2304 + 2304 = 1,769,472 + 2,304 = 1,771,776
        #expect(m.parameters == 1_771_776)
        #expect(m.memory.weightBytes == 3_543_552) // 2·1,771,776
        // I/O: 2·(X 4096·768 + W 1,771,776 + Y 4096·2304) = 2·(3,145,728 + 1,771,776 + 9,437,184)
        //    = 2·14,354,688 = 28,709,376 (the epilogue bias add moves nothing)
        #expect(m.forward.ioBytes == 28_709_376)
        #expect(m.memory.kvCacheBytes == 0)
    }

    @Test("small Linear: backward bytes, saved activations, working set, gradients")
    func smallLinearMemory() throws {
        let linear = try Linear("", tokens: 2, inFeatures: 3, outFeatures: 4)
        #expect(linear.terms.names == ["projection", "bias add"])
        let m = try linear.metrics()
        // M = 2, K = 3, N = 4. Backward GEMM traffic: reads X 6 + dY 8 (dW) + dY 8 (dX) + W 12,
        // writes dW+db 16 + dX 6 = 56; bias gradient reads dY 8, writes db 4 = 12 → 68 elements = 136 B.
        #expect(m.backward.ioBytes == 136)
        // Saved for backward: X = M·K = 6 elements = 12 B (the bias add saves nothing).
        #expect(m.memory.trainingActivationBytes == 12)
        // Inference peak: GEMM working set X + Y = 6 + 8 = 14 elements = 28 B.
        #expect(m.memory.activationBytes == 28)
        // Gradients: every parameter, 3·4 + 4 = 16 → 32 B.
        #expect(m.memory.gradientBytes == 32)
        #expect(try linear.trainingMemoryBytes() == 32 + 32 + 12)
    }

    @Test("input without gradient: backward is the dW GEMM only (1×)")
    func noInputGradient() throws {
        let m = try qkv(inputNeedsGradient: false).metrics()
        #expect(m.backward.tensorCoreFLOPs == 14_495_514_624)
        let small = try Linear("", tokens: 2, inFeatures: 3, outFeatures: 4, inputNeedsGradient: false).metrics()
        // dW GEMM: reads X 6 + dY 8, writes dW+db 16 = 30; bias gradient 12 → 42 elements = 84 B.
        #expect(small.backward.ioBytes == 84)
    }

    @Test("no bias: one term, K·N parameters, no CUDA-core work")
    func noBias() throws {
        let linear = try qkv(bias: false)
        #expect(linear.terms.names == ["QKV projection"])
        let m = try linear.metrics()
        #expect(m.parameters == 1_769_472) // 768·2304
        #expect(m.forward.cudaCoreFLOPs == 0)
        // 2·(3,145,728 + 1,769,472 + 9,437,184) = 2·14,352,384 = 28,704,768
        #expect(m.forward.ioBytes == 28_704_768)
    }

    @Test("non-positive sizes throw invalidShape", arguments: [(0, 3, 4), (2, 0, 4), (2, 3, 0), (-1, 3, 4), (2, -3, 4)])
    func invalid(tokens: Int, inFeatures: Int, outFeatures: Int) {
        expectInvalidShape {
            _ = try Linear("x", tokens: .constant(tokens), inFeatures: .constant(inFeatures), outFeatures: .constant(outFeatures))
        }
    }
}

// MARK: - Conv2d

@Suite("Conv2d")
struct Conv2dTests {
    /// 2×3×7×5 → 3×3 kernel, stride 2, padding 1 → Ho = ⌊(7 + 2 − 3)/2⌋ + 1 = 4, Wo = ⌊(5 + 2 − 3)/2⌋ + 1 = 3.
    func small(bias: Bool = true, inputNeedsGradient: Bool = true, output: (Int, Int) = (4, 3)) throws -> Conv2d {
        try Conv2d("test conv", batch: 2, inChannels: 3, outChannels: 4, kernel: 3, stride: 2, padding: 1,
                   input: (7, 5), output: (.constant(output.0), .constant(output.1)),
                   bias: bias, inputNeedsGradient: inputNeedsGradient)
    }

    @Test("strided padded convolution: FLOPs, bytes, parameters")
    func strided() throws {
        let conv = try small()
        #expect(conv.terms.names == ["test conv", "test bias add"])
        let m = try conv.metrics()
        // 2·B·Cout·Ho·Wo·Cin·k² = 2·2·4·4·3·3·9 = 5,184
        #expect(m.forward.tensorCoreFLOPs == 5_184)
        #expect(m.backward.tensorCoreFLOPs == 10_368) // dX + dW = 2×
        // bias add B·Cout·Ho·Wo = 2·4·4·3 = 96
        #expect(m.forward.cudaCoreFLOPs == 96)
        #expect(m.backward.cudaCoreFLOPs == 96)
        // parameters 4·3·3² + 4 = 112
        #expect(m.parameters == 112)
        // I/O 2·(input 2·3·7·5 = 210 + weights 112 + output 96) = 2·418 = 836
        #expect(m.forward.ioBytes == 836)
    }

    @Test("the image needs no gradient: backward = forward (dW only)")
    func noInputGradient() throws {
        let m = try small(inputNeedsGradient: false).metrics()
        #expect(m.backward.tensorCoreFLOPs == 5_184)
    }

    @Test("symbolic forward formula: 2·B·C·G·G·Cin·k², and k = 1 drops the kernel area")
    func symbolic() throws {
        let b = Symbol("B", 1), cin = Symbol("Cin", 3), c = Symbol("C", 768), k = Symbol("k", 16)
        let r = Symbol("R", 1024), g = Symbol("G", 64)
        let patch = try Conv2d("patch convolution", batch: b.formula, inChannels: cin.formula, outChannels: c.formula,
                               kernel: k.formula, stride: 16, padding: 0, input: (r.formula, r.formula),
                               output: (g.formula, g.formula), bias: true)
        #expect(patch.terms[0].forwardFLOPs.symbolic == "2·B·C·G·G·Cin·k²")
        #expect(patch.terms[0].forwardFLOPs.substituted == "2·1·768·64·64·3·16²")
        // 2·768·4096·3·256 = 4,831,838,208
        #expect(try patch.terms[0].forwardFLOPs.evaluate() == 4_831_838_208)

        let pointwise = try Conv2d("neck conv 1×1", batch: b.formula, inChannels: c.formula, outChannels: 256,
                                   kernel: 1, stride: 1, padding: 0, input: (g.formula, g.formula),
                                   output: (g.formula, g.formula), bias: false)
        #expect(pointwise.terms[0].forwardFLOPs.symbolic == "2·B·256·G·G·C")
        #expect(pointwise.terms.count == 1)
        // 2·1·256·64·64·768 = 1,610,612,736
        #expect(try pointwise.metrics().forward.tensorCoreFLOPs == 1_610_612_736)
    }

    @Test("an output size that disagrees with ⌊(H + 2p − k)/s⌋ + 1 throws", arguments: [(5, 3), (4, 2), (3, 3), (4, 4)])
    func outputMismatch(height: Int, width: Int) {
        expectInvalidShape { _ = try small(output: (height, width)) }
    }

    @Test("input smaller than the kernel, and non-positive sizes, throw")
    func invalid() {
        // 3 + 2·0 < 5
        expectInvalidShape {
            _ = try Conv2d("c", batch: 1, inChannels: 1, outChannels: 1, kernel: 5, stride: 1, padding: 0,
                           input: (3, 3), output: (1, 1), bias: false)
        }
        for (batch, cin, cout, kernel, stride) in [(0, 1, 1, 1, 1), (1, 0, 1, 1, 1), (1, 1, 0, 1, 1), (1, 1, 1, 0, 1), (1, 1, 1, 1, 0)] {
            expectInvalidShape("batch \(batch) cin \(cin) cout \(cout) k \(kernel) s \(stride)") {
                _ = try Conv2d("c", batch: .constant(batch), inChannels: .constant(cin), outChannels: .constant(cout),
                               kernel: .constant(kernel), stride: stride, padding: 0, input: (4, 4), output: (4, 4), bias: false)
            }
        }
    }

    @Test("executed: false — parameters and weight bytes, no FLOPs, no bytes, no gradient")
    func notExecuted() throws {
        // CLIP's patch_embedding: 3 → 1024, 14×14 stride 14 over 224×224 → 16×16, never called.
        let conv = try Conv2d("patch convolution (not run)", batch: 1, inChannels: 3, outChannels: 1024, kernel: 14,
                              stride: 14, padding: 0, input: (224, 224), output: (16, 16), bias: false, executed: false)
        #expect(conv.terms.isEmpty)
        #expect(!conv.parametersReceiveGradients)
        let m = try conv.metrics()
        // 1024·3·14² = 1024·588 = 602,112 parameters → 1,204,224 B
        #expect(m.parameters == 602_112)
        #expect(m.memory.weightBytes == 1_204_224)
        #expect(m.forward == PassCost())
        #expect(m.backward == PassCost())
        #expect(m.memory.gradientBytes == 0)
        #expect(m.memory.trainingActivationBytes == 0)
    }
}

// MARK: - Norms, activations, embeddings

@Suite("LayerNorm, GELU, Embedding")
struct NormalizationTests {
    @Test("LayerNorm over 4096 × 768")
    func layerNorm() throws {
        let norm = try LayerNorm("norm1 LayerNorm", rows: 4096, width: 768)
        #expect(norm.terms.names == ["norm1 LayerNorm"])
        let m = try norm.metrics()
        #expect(m.forward.tensorCoreFLOPs == 0)
        // 8·4096·768 = 25,165,824; backward 14·4096·768 = 44,040,192
        #expect(m.forward.cudaCoreFLOPs == 25_165_824)
        #expect(m.backward.cudaCoreFLOPs == 44_040_192)
        // weight + bias: 2·768 = 1,536
        #expect(m.parameters == 1_536)
        // 2·(x 3,145,728 + γβ 1,536 + y 3,145,728) = 2·6,292,992 = 12,585,984
        #expect(m.forward.ioBytes == 12_585_984)
        // backward reads dy and saved x, reads γβ, writes dx and dγβ: 2·(2·3,145,728 + 1,536 + 3,145,728 + 1,536)
        //   = 2·9,440,256 = 18,880,512
        #expect(m.backward.ioBytes == 18_880_512)
    }

    @Test("GELU module over 10 elements")
    func gelu() throws {
        let gelu = GELU(elements: 10)
        #expect(gelu.typeName == "GELU")
        let m = try gelu.metrics()
        #expect(m.forward.cudaCoreFLOPs == 100) // 10·10
        #expect(m.backward.cudaCoreFLOPs == 140) // 14·10
        #expect(m.forward.ioBytes == 40) // 2·(10 + 10)
        #expect(m.parameters == 0)
        #expect(m.memory.trainingActivationBytes == 20) // saves its input: 10 elements
    }

    @Test("Embedding: memory-only lookup of 257 × 1024")
    func embedding() throws {
        let embedding = try Embedding("position lookup", rows: 257, width: 1024, lookups: 257)
        #expect(embedding.terms.map(\.unit) == [.memoryOnly])
        let m = try embedding.metrics()
        #expect(m.forward.totalFLOPs == 0)
        #expect(m.backward.totalFLOPs == 0)
        // 257·1024 = 263,168 parameters; lookup reads and writes 263,168 each: 2·526,336 = 1,052,672 B
        #expect(m.parameters == 263_168)
        #expect(m.forward.ioBytes == 1_052_672)
    }

    @Test("non-positive widths and row counts throw")
    func invalid() {
        expectInvalidShape { _ = try LayerNorm("n", rows: 4, width: 0) }
        expectInvalidShape { _ = try LayerNorm("n", rows: 0, width: 4) }
        expectInvalidShape { _ = try Embedding("e", rows: 0, width: 4, lookups: 1) }
        expectInvalidShape { _ = try Embedding("e", rows: 4, width: -1, lookups: 1) }
    }
}

// MARK: - Attention core

@Suite("ScaledDotProductAttention")
struct AttentionCoreTests {
    static func core(_ kernel: AttentionKernel, mask: Bool, b: Int = 1, h: Int = 12, s: Int = 4096, d: Int = 64)
        -> ScaledDotProductAttention {
        ScaledDotProductAttention(batch: .constant(b), heads: .constant(h), tokens: Symbol("S", s).formula,
                                  headDim: .constant(d), hasMask: mask, kernel: kernel)
    }

    @Test("sdpa and eager: same forward tensor-core FLOPs 4·B·h·S²·d", arguments: AttentionKernel.allCases)
    func forward(kernel: AttentionKernel) throws {
        let terms = Self.core(kernel, mask: false).terms
        #expect(terms.names == ["SDPA scores QKᵀ", "SDPA softmax", "SDPA P·V"])
        // 4·1·12·4096²·64 = 4·12·16,777,216·64 = 51,539,607,552
        #expect(try terms.flops(.tensorCore, \.forwardFLOPs) == 51_539_607_552)
        // softmax 5·B·h·S² = 5·12·16,777,216 = 1,006,632,960
        #expect(try terms.flops(.cudaCore, \.forwardFLOPs) == 1_006_632_960)
        // backward softmax 4·12·16,777,216 = 805,306,368
        #expect(try terms.flops(.cudaCore, \.backwardFLOPs) == 805_306_368)
    }

    @Test("backward: sdpa 2.5× (QKᵀ 3×, P·V 2×), eager 2×")
    func backward() throws {
        // one product: 2·12·4096²·64 = 25,769,803,776
        let sdpa = Self.core(.sdpa, mask: false).terms
        #expect(try sdpa[0].backwardFLOPs.evaluate() == 77_309_411_328) // 3·25,769,803,776
        #expect(try sdpa[2].backwardFLOPs.evaluate() == 51_539_607_552) // 2·25,769,803,776
        // 2.5 × 51,539,607,552 = 128,849,018,880
        #expect(try sdpa.flops(.tensorCore, \.backwardFLOPs) == 128_849_018_880)
        // 2 × 51,539,607,552 = 103,079,215,104
        #expect(try Self.core(.eager, mask: false).terms.flops(.tensorCore, \.backwardFLOPs) == 103_079_215_104)
    }

    @Test("eager moves the S² scores through DRAM; sdpa moves only Q, K, V, O")
    func bytes() throws {
        // V = B·h·S·d = 12·4096·64 = 3,145,728; S² block B·h·S² = 12·16,777,216 = 201,326,592
        // sdpa: reads Q, K, V, writes O = 4·3,145,728 = 12,582,912 elements
        #expect(try Self.core(.sdpa, mask: false).terms.forwardElements() == 12_582_912)
        // eager: QKᵀ 2V + S², softmax 2·S², P·V S² + 2V = 4V + 4·S² = 12,582,912 + 805,306,368 = 817,889,280
        #expect(try Self.core(.eager, mask: false).terms.forwardElements() == 817_889_280)
        // fused terms move nothing of their own
        for term in Self.core(.sdpa, mask: false).terms.dropFirst() {
            #expect(try term.forwardTraffic.total.evaluate() == 0, "\(term.name)")
        }
    }

    @Test("an additive mask adds a CUDA-core add; sdpa reads the mask once, eager adds 3·S²")
    func mask() throws {
        // B = 2, h = 3, S = 5, d = 4: V = 120, S² block = 2·3·25 = 150, one product = 2·2·3·25·4 = 1,200
        let sdpa = Self.core(.sdpa, mask: true, b: 2, h: 3, s: 5, d: 4).terms
        let eager = Self.core(.eager, mask: true, b: 2, h: 3, s: 5, d: 4).terms
        #expect(sdpa.names == ["SDPA scores QKᵀ", "SDPA mask add", "SDPA softmax", "SDPA P·V"])
        #expect(try sdpa.flops(.tensorCore, \.forwardFLOPs) == 2_400)
        // mask 150 + softmax 5·150 = 900; backward 150 + 4·150 = 750
        #expect(try sdpa.flops(.cudaCore, \.forwardFLOPs) == 900)
        #expect(try sdpa.flops(.cudaCore, \.backwardFLOPs) == 750)
        #expect(try eager.flops(.cudaCore, \.forwardFLOPs) == 900)
        // sdpa: 4·120 + 150 = 630; eager: 4·120 + 4·150 + 3·150 = 1,530
        #expect(try sdpa.forwardElements() == 630)
        #expect(try eager.forwardElements() == 1_530)
    }

    @Test("the S² terms print with a superscript")
    func symbolic() {
        let terms = ScaledDotProductAttention(
            batch: Symbol("B", 1).formula, heads: Symbol("h", 12).formula, tokens: Symbol("S", 4096).formula,
            headDim: Symbol("d", 64).formula, hasMask: false, kernel: .sdpa).terms
        #expect(terms[0].forwardFLOPs.symbolic == "2·B·h·S²·d")
        #expect(terms[1].forwardFLOPs.symbolic == "5·B·h·S²")
    }
}

// MARK: - Relative position

@Suite("DecomposedRelativePosition")
struct RelativePositionTests {
    static func bias(h: Int, w: Int, stored: (Int, Int), b: Int = 1, heads: Int = 12, d: Int = 64) -> [CostTerm] {
        DecomposedRelativePosition(
            batch: .constant(b), heads: .constant(heads), height: Symbol("H", h), width: Symbol("W", w),
            tokens: Symbol("S", h * w).formula, headDim: .constant(d), storedTableRows: stored).terms
    }

    @Test("global 64×64 with 127-row tables: two einsums and the bias sum, no resize")
    func global() throws {
        let terms = Self.bias(h: 64, w: 64, stored: (127, 127))
        #expect(terms.names == ["rel-pos einsum (h)", "rel-pos einsum (w)", "rel-pos bias sum"])
        // each einsum 2·B·h·S·H·d = 2·1·12·4096·64·64 = 402,653,184; two = 805,306,368
        #expect(try terms.flops(.tensorCore, \.forwardFLOPs) == 805_306_368)
        #expect(try terms.flops(.tensorCore, \.backwardFLOPs) == 1_610_612_736)
        // bias sum B·h·S² = 12·16,777,216 = 201,326,592
        #expect(try terms.flops(.cudaCore, \.forwardFLOPs) == 201_326_592)
    }

    @Test("global 40×40 with 127-row tables: both tables resized to 79 rows")
    func resizedBoth() throws {
        let terms = Self.bias(h: 40, w: 40, stored: (127, 127))
        #expect(terms.names == ["rel-pos table resize (h)", "rel-pos table resize (w)",
                                "rel-pos einsum (h)", "rel-pos einsum (w)", "rel-pos bias sum"])
        // resize: 4·(2·40 − 1)·64 = 4·79·64 = 20,224 per axis
        #expect(try terms[0].forwardFLOPs.evaluate() == 20_224)
        // backward is priced on the gradient produced, the stored table's: 4·127·64 = 32,512
        #expect(try terms[1].backwardFLOPs.evaluate() == 32_512)
        // CUDA total: 2·20,224 + bias sum 12·1600² = 30,720,000 → 30,760,448
        #expect(try terms.flops(.cudaCore, \.forwardFLOPs) == 30_760_448)
        // resize traffic: 2·(79·64) written/read + 127·64 table = 10,112 + 8,128 = 18,240 elements
        #expect(try terms[0].forwardTraffic.total.evaluate() == 18_240)
        // einsum (h): 2·1·12·1600·40·64 = 98,304,000
        #expect(try terms[2].forwardFLOPs.evaluate() == 98_304_000)
    }

    @Test("only the axis whose table length ≠ 2·size − 1 is resized")
    func resizedOneAxis() throws {
        // H = 3 with 5 rows = 2·3 − 1: no resize; W = 5 with 7 rows ≠ 9: resize (w)
        let terms = Self.bias(h: 3, w: 5, stored: (5, 7), heads: 2, d: 4)
        #expect(terms.names == ["rel-pos table resize (w)", "rel-pos einsum (h)", "rel-pos einsum (w)", "rel-pos bias sum"])
        // 4·9·4 = 144
        #expect(try terms[0].forwardFLOPs.evaluate() == 144)
        // einsums: 2·1·2·15·3·4 = 720 and 2·1·2·15·5·4 = 1,200
        #expect(try terms.flops(.tensorCore, \.forwardFLOPs) == 1_920)
    }

    @Test("windowed 14×14 with 27-row tables: no resize")
    func windowed() {
        #expect(!Self.bias(h: 14, w: 14, stored: (27, 27)).names.contains { $0.hasPrefix("rel-pos table resize") })
    }
}

// MARK: - Per-element cost table

@Suite("ElementwiseOp")
struct ElementwiseTests {
    // Saved tensors by derivatives.yaml: add nothing; softmax its result; layer norm and gelu
    // their input; x·sigmoid(1.702·x) keeps x and the sigmoid; interpolation only sizes.
    @Test("the per-element cost table", arguments: [
        (ElementwiseOp.add, 1, 1, 0), (.softmax, 5, 4, 1), (.layerNorm, 8, 14, 1), (.gelu, 10, 14, 1), (.quickGELU, 5, 8, 2),
        (.linearResize, 4, 4, 0), (.bicubicResize, 16, 16, 0),
        // Decoder ops: RMSNorm = square, sum, ·rstd, ·w (4); backward 8. SiLU = exp, add, divide,
        // multiply (4); backward g·σ·(1 + x·(1 − σ)) with σ recomputed (8). a·b: 1, backward g·b and g·a (2).
        // RoPE x·cos + rotate_half(x)·sin: 2 multiplies + 1 add (3), backward the same. cos or sin: 1, backward 2.
        // Saved: a product keeps both factors; the others one same-sized tensor.
        (.rmsNorm, 4, 8, 1), (.silu, 4, 8, 1), (.multiply, 1, 2, 2), (.rotary, 3, 3, 1), (.trigonometric, 1, 2, 1),
    ])
    func table(op: ElementwiseOp, forward: Int, backward: Int, saved: Int) {
        #expect(op.forwardFLOPsPerElement == forward)
        #expect(op.backwardFLOPsPerElement == backward)
        // Binary ops read two tensors.
        #expect(op.forwardInputs == (op == .add || op == .multiply ? 2 : 1))
        #expect(op.savedTensors == saved)
        #expect(!op.summary.isEmpty)
    }

    @Test("the table covers exactly twelve operations: seven vision, five decoder")
    func count() {
        #expect(ElementwiseOp.allCases.count == 12)
    }

    @Test("an elementwise term: FLOPs from the table, traffic, fused terms move nothing")
    func elementwiseTerm() throws {
        let gelu = CostTerm.elementwise("GELU", .gelu, elements: 100)
        #expect(try gelu.forwardFLOPs.evaluate() == 1_000)
        #expect(try gelu.backwardFLOPs.evaluate() == 1_400)
        #expect(try gelu.forwardTraffic.total.evaluate() == 200)
        // backward reads dY and the saved input, writes dX: 300
        #expect(try gelu.backwardTraffic.total.evaluate() == 300)
        let add = CostTerm.elementwise("residual", .add, elements: 100)
        #expect(try add.forwardTraffic.total.evaluate() == 300) // two inputs, one output
        #expect(add.savedElements.isZero)
        let fused = CostTerm.elementwise("softmax", .softmax, elements: 100, fused: true)
        #expect(try fused.forwardFLOPs.evaluate() == 500)
        #expect(fused.forwardTraffic.total.isZero)
        #expect(fused.backwardTraffic.total.isZero)
    }

    @Test("a memory-only term never carries FLOPs")
    func memoryOnly() throws {
        let term = CostTerm(name: "copy", unit: .memoryOnly, forwardFLOPs: 5, backwardFLOPs: 7,
                            forwardTraffic: Traffic(activationReads: 3, writes: 3), backwardTraffic: .none)
        #expect(term.forwardFLOPs.isZero)
        #expect(term.backwardFLOPs.isZero)
        let move = CostTerm.dataMovement("pad", reads: 10, writes: 12)
        #expect(try move.forwardTraffic.total.evaluate() == 22)
        #expect(try move.backwardTraffic.activationReads.evaluate() == 12)
        #expect(try move.backwardTraffic.writes.evaluate() == 10)
    }
}

// MARK: - SI units

@Suite("SIUnits")
struct SIUnitsTests {
    @Test("FLOP and byte formatting")
    func formatting() {
        // 14,495,514,624 / 1e9 = 14.4955… → 14.50
        #expect(SIUnits.flops(14_495_514_624) == "14.50 GFLOP")
        #expect(SIUnits.flops(512) == "512 FLOP")
        #expect(SIUnits.flops(0) == "0 FLOP")
        #expect(SIUnits.flops(1_000) == "1.00 kFLOP")
        // 191,138,304 / 1e6 = 191.138… → 191.14 MB
        #expect(SIUnits.bytes(191_138_304) == "191.14 MB")
        // 2,063,867,117,568 / 1e12 = 2.0638… → 2.06 T
        #expect(SIUnits.flops(2_063_867_117_568) == "2.06 TFLOP")
        #expect(SIUnits.flopsPerSecond(209.5e12) == "209.50 TFLOP/s")
        #expect(SIUnits.format(3e15, unit: "FLOP") == "3.00 PFLOP")
        #expect(SIUnits.format(4e18, unit: "FLOP") == "4.00 EFLOP")
        #expect(SIUnits.format(2.5, unit: "B") == "2.50 B")
        #expect(SIUnits.format(14_495_514_624, unit: "FLOP", digits: 1) == "14.5 GFLOP")
    }

    @Test("grouped thousands", arguments: [
        (14_495_514_624, "14,495,514,624"), (0, "0"), (999, "999"), (1_000, "1,000"), (100_000, "100,000"),
        (-1_234_567, "-1,234,567"),
    ])
    func grouped(value: Int, text: String) {
        #expect(SIUnits.grouped(value) == text)
    }

    @Test("seconds pick s, ms, µs or ns")
    func seconds() {
        #expect(SIUnits.seconds(2.5) == "2.50 s")
        #expect(SIUnits.seconds(1.23e-3) == "1.23 ms")
        #expect(SIUnits.seconds(5e-9) == "5.00 ns")
        // three significant figures: ≥ 100 → no decimals, ≥ 10 → one, else two
        #expect(SIUnits.seconds(250e-6) == "250 µs")
        #expect(SIUnits.seconds(12.345e-3) == "12.3 ms")
        #expect(SIUnits.ratio(209.5 / 1.792) == "116.91")
    }

    @Test("seconds keep three significant figures, as documented (`69.2 µs`)")
    func secondsSignificantFigures() {
        // 69.2e-6 s = 69.2 µs: two integer digits, so one decimal
        #expect(SIUnits.seconds(69.2e-6) == "69.2 µs")
    }
}

// MARK: - Roofline and GPUs

@Suite("Roofline and GPU specs")
struct RooflineTests {
    let gpu = GPUCatalog.rtx5090

    @Test("RTX 5090 ridge points: 209.5e12 / 1.792e12 ≈ 116.9 and 104.8e12 / 1.792e12 ≈ 58.5")
    func ridge() throws {
        let point = try RooflinePoint(cost: PassCost(tensorCoreFLOPs: 1, ioBytes: 1), gpu: gpu, precision: .bf16)
        // 209.5 / 1.792 = 116.908…
        #expect(abs(point.ridgePoint - 116.908_482) < 1e-5)
        // 104.8 / 1.792 = 58.482…
        #expect(abs(point.cudaRidgePoint - 58.482_142) < 1e-5)
    }

    @Test("memory-bound: 1 GFLOP over 1 GB (intensity 1 < 116.9)")
    func memoryBound() throws {
        let cost = PassCost(tensorCoreFLOPs: 1_000_000_000, ioBytes: 1_000_000_000)
        let point = try RooflinePoint(cost: cost, gpu: gpu, precision: .bf16)
        #expect(point.bound == .memory)
        #expect(point.arithmeticIntensity == 1)
        // memory 1e9 / 1.792e12 = 558.04 µs; compute 1e9 / 209.5e12 = 4.77 µs
        #expect(abs(point.memorySeconds - 5.580_357e-4) < 1e-9)
        #expect(abs(point.tensorCoreSeconds - 4.773_270e-6) < 1e-11)
        #expect(point.timeLowerBoundSeconds == point.memorySeconds)
        // attainable = 1e9 FLOP / 558.04 µs = 1.792e12 FLOP/s (intensity × bandwidth)
        #expect(abs(point.attainableFLOPS - 1.792e12) < 1e3)
    }

    @Test("tensor-core-bound: 209.5 GFLOP (1 ms) over 1.792 MB (1 µs)")
    func computeBound() throws {
        let cost = PassCost(tensorCoreFLOPs: 209_500_000_000, ioBytes: 1_792_000)
        let point = try RooflinePoint(cost: cost, gpu: gpu, precision: .bf16)
        #expect(point.bound == .tensorCore)
        #expect(abs(point.tensorCoreSeconds - 1e-3) < 1e-12)
        #expect(abs(point.memorySeconds - 1e-6) < 1e-15)
        #expect(point.timeLowerBoundSeconds == point.computeSeconds)
        #expect(abs(point.attainableFLOPS - 209.5e12) < 1e3)
    }

    @Test("CUDA-core-bound: 104.8 GFLOP of elementwise work is 1 ms")
    func cudaBound() throws {
        let cost = PassCost(tensorCoreFLOPs: 0, cudaCoreFLOPs: 104_800_000_000, ioBytes: 1_792)
        let point = try RooflinePoint(cost: cost, gpu: gpu, precision: .bf16)
        #expect(point.bound == .cudaCore)
        #expect(abs(point.cudaCoreSeconds - 1e-3) < 1e-12)
    }

    @Test("lower bound = max(TC time + CUDA time, memory time)")
    func lowerBound() throws {
        // TC 1 ms + CUDA 1 ms = 2 ms compute; memory 2.688e9 B / 1.792e12 B/s = 1.5 ms → bound 2 ms, not 1.5 ms
        let cost = PassCost(tensorCoreFLOPs: 209_500_000_000, cudaCoreFLOPs: 104_800_000_000, ioBytes: 2_688_000_000)
        let point = try RooflinePoint(cost: cost, gpu: gpu, precision: .bf16)
        #expect(abs(point.computeSeconds - 2e-3) < 1e-12)
        #expect(abs(point.memorySeconds - 1.5e-3) < 1e-12)
        #expect(abs(point.timeLowerBoundSeconds - 2e-3) < 1e-12)
        #expect(point.bound != .memory)
        // memory 3 ms (5.376e9 B) now dominates
        let slower = try RooflinePoint(
            cost: PassCost(tensorCoreFLOPs: 209_500_000_000, cudaCoreFLOPs: 104_800_000_000, ioBytes: 5_376_000_000),
            gpu: gpu, precision: .bf16)
        #expect(slower.bound == .memory)
        #expect(abs(slower.timeLowerBoundSeconds - 3e-3) < 1e-12)
    }

    @Test("nothing to do: zero time, zero attainable throughput, zero intensity")
    func empty() throws {
        let point = try RooflinePoint(cost: PassCost(), gpu: gpu, precision: .bf16)
        #expect(point.timeLowerBoundSeconds == 0)
        #expect(point.attainableFLOPS == 0)
        #expect(point.arithmeticIntensity == 0)
    }

    @Test("fp32 matmuls use the CUDA-core roof; a missing precision throws unknownName")
    func precisionRoofs() throws {
        #expect(try gpu.tensorCorePeak(for: .fp32).teraFLOPS == 104.8)
        #expect(try gpu.tensorCorePeak(for: .fp8).teraFLOPS == 419)
        let error = #expect(throws: ModelMeterError.self) { try GPUCatalog.a100SXM80GB.tensorCorePeak(for: .fp8) }
        guard case .unknownName? = error else {
            Issue.record("expected unknownName, got \(String(describing: error))")
            return
        }
    }

    @Test("precision byte sizes")
    func precisionBytes() {
        #expect(Precision.bf16.bytesPerElement == 2)
        #expect(Precision.fp16.bytesPerElement == 2)
        #expect(Precision.fp32.bytesPerElement == 4)
        #expect(Precision.fp8.bytesPerElement == 1)
    }

    // MARK: GPUSpec.validate

    static func spec(
        id: String = "custom", peaks: [String: Double] = ["bf16": 100], cuda: Double = 50,
        bandwidth: Double = 1000, memory: Double = 16
    ) -> GPUSpec {
        GPUSpec(
            id: id, name: "Custom", architecture: "test",
            tensorCorePeaks: peaks.mapValues { PeakThroughput($0, precision: "BF16", accumulate: "FP32") },
            cudaCorePeak: PeakThroughput(cuda, precision: "FP32", accumulate: "FP32"),
            memoryBandwidthGBps: bandwidth, memoryGB: memory, source: "test")
    }

    @Test("every catalog GPU validates, and a sound custom spec does")
    func catalogValid() throws {
        for gpu in GPUCatalog.all { try gpu.validate() }
        try Self.spec().validate()
        #expect(GPUCatalog.defaultGPU == GPUCatalog.rtx5090)
    }

    @Test("validate() rejects non-positive or non-finite figures", arguments: [
        RooflineTests.spec(bandwidth: 0), RooflineTests.spec(bandwidth: -1792), RooflineTests.spec(bandwidth: .nan), RooflineTests.spec(bandwidth: .infinity),
        RooflineTests.spec(memory: 0), RooflineTests.spec(memory: -32), RooflineTests.spec(cuda: 0), RooflineTests.spec(cuda: -1),
        RooflineTests.spec(peaks: ["bf16": 0]), RooflineTests.spec(peaks: ["bf16": 100, "fp8": -5]), RooflineTests.spec(peaks: [:]), RooflineTests.spec(id: ""),
    ])
    func invalidSpec(spec: GPUSpec) {
        expectInvalidShape("\(spec)") { try spec.validate() }
    }

    @Test("validate() rejects an unknown precision key")
    func unknownPrecision() {
        #expect(throws: ModelMeterError.self) { try Self.spec(peaks: ["int4": 100]).validate() }
        do {
            try Self.spec(peaks: ["int4": 100]).validate()
        } catch let ModelMeterError.unknownName(_, name, accepted) {
            #expect(name == "int4")
            #expect(accepted.contains("bf16"))
        } catch {
            Issue.record("expected unknownName, got \(error)")
        }
    }

    @Test("GPUCatalog.named is case-insensitive and rejects unknown names")
    func named() throws {
        #expect(try GPUCatalog.named("rtx5090") == GPUCatalog.rtx5090)
        #expect(try GPUCatalog.named("RTX5090") == GPUCatalog.rtx5090)
        #expect(try GPUCatalog.named("h100-sxm") == GPUCatalog.h100SXM)
        #expect(throws: ModelMeterError.unknownName(
            kind: "GPU", name: "rtx9999",
            accepted: ["rtx5090", "rtx4090", "h100-sxm", "h100-pcie", "a100-sxm-80gb", "l40s", "a100-40gb", "h200"])) {
            try GPUCatalog.named("rtx9999")
        }
    }
}

// MARK: - SiLU as a module

@Suite("SiLU module")
struct SiLUModuleTests {
    @Test("one type for nn.SiLU and SiLUActivation: the class name is a parameter, the cost the same")
    func classNames() throws {
        let elements = Symbol("N", 3 * 1024, "elements")
        let qwen = SiLU(.elementwise("SiLU", .silu, elements: elements.formula), className: "SiLU")
        let transformers = SiLU(elements: elements.formula, className: "SiLUActivation")
        #expect(qwen.typeName == "SiLU" && transformers.typeName == "SiLUActivation")
        let (a, b) = (try qwen.metrics(), try transformers.metrics())
        // x·σ(x): 4 CUDA-core FLOPs per element forward, 8 backward; 3,072 elements.
        #expect(a.forward.cudaCoreFLOPs == 4 * 3072 && a.forward.tensorCoreFLOPs == 0)
        #expect(a.backward.cudaCoreFLOPs == 8 * 3072)
        #expect(a == b)
        // Both list the symbols of their element count.
        #expect(qwen.symbols.map(\.name) == ["N"] && transformers.symbols.map(\.name) == ["N"])
        // The term is named as the enclosing module names it.
        #expect(SiLU("routed SiLU", elements: elements.formula, className: "SiLUActivation").term.name == "routed SiLU")
    }
}
