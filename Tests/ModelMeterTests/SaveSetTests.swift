import Testing
@testable import ModelMeter

/// Save sets of the primitives, by PyTorch's derivative formulas, with hand-counted bytes.
@Suite("Save sets")
struct SaveSetTests {
    @Test("LayerNorm keeps its input and fp32 mean and rstd per row")
    func layerNorm() throws {
        // rows 3, C 4: input 12 elements × 2 B (bf16) = 24 B + mean, rstd 2·3·4 B = 24 B → 48 B.
        let norm = try LayerNorm("norm", rows: 3, width: 4)
        #expect(try norm.metrics(precision: .bf16).memory.trainingActivationBytes == 48)
        // fp32: 12 × 4 = 48 B + 24 B → 72 B (the statistics are 4 B in either precision).
        #expect(try norm.metrics(precision: .fp32).memory.trainingActivationBytes == 72)
        // When an earlier op keeps the input, only the statistics are new: 24 B.
        let shared = try LayerNorm("norm", rows: 3, width: 4, inputAlreadySaved: true)
        #expect(try shared.metrics(precision: .bf16).memory.trainingActivationBytes == 24)
    }

    @Test("Linear and GELU count an input that an earlier op keeps only there")
    func sharedInputs() throws {
        // M 2, K 3: X = 6 elements → 12 B in bf16; none when the storage is already kept.
        #expect(try Linear("", tokens: 2, inFeatures: 3, outFeatures: 4).metrics().memory.trainingActivationBytes == 12)
        let shared = try Linear("", tokens: 2, inFeatures: 3, outFeatures: 4, inputAlreadySaved: true)
        #expect(try shared.metrics().memory.trainingActivationBytes == 0)
        #expect(try GELU(elements: 10, inputAlreadySaved: true).metrics().memory.trainingActivationBytes == 0)
    }

    @Test("an embedding keeps its int64 indices whatever the precision")
    func embedding() throws {
        // 257 lookups × 8 B = 2,056 B (CLIP's position_ids, as the reference measured).
        let lookup = try Embedding("lookup", rows: 257, width: 1024, lookups: 257)
        #expect(try lookup.metrics(precision: .bf16).memory.trainingActivationBytes == 2_056)
        #expect(try lookup.metrics(precision: .fp32).memory.trainingActivationBytes == 2_056)
    }

    @Test("a resize keeps nothing; its backward is priced on the table gradient")
    func resize() throws {
        // Bicubic 16×16×8 table → 10×10×8: forward 16·800 = 12,800; backward 16·2,048 = 32,768;
        // backward reads the 800-element incoming gradient and writes the 2,048-element table gradient.
        let term = CostTerm.resize("resize", .bicubicResize, elements: 800, tableElements: 2_048)
        #expect(try term.forwardFLOPs.evaluate() == 12_800)
        #expect(try term.backwardFLOPs.evaluate() == 32_768)
        #expect(try term.backwardTraffic.total.evaluate() == 2_848)
        #expect(term.savedElements.isZero && term.savedFixedWidthBytes.isZero)
    }

    @Test("quick_gelu keeps x and σ(1.702·x): two tensors")
    func quickGELU() throws {
        let term = CostTerm.elementwise("quick_gelu", .quickGELU, elements: 5)
        #expect(try term.savedElements.evaluate() == 10)
    }

    @Test("fused attention keeps Q, K, V, O and an fp32 log-sum-exp; the math path Q·√s, K·√s, P and V")
    func attention() throws {
        // B 1, h 2, S 3, d 4: one of Q, K, V, O = 24 elements; scores 18.
        var fused = ScaledDotProductAttention(batch: 1, heads: 2, tokens: 3, headDim: 4, hasMask: false, kernel: .sdpa)
        func saved(_ terms: [CostTerm]) throws -> (elements: Int, fixed: Int) {
            (try terms.reduce(0) { $0 + (try $1.savedElements.evaluate()) },
             try terms.reduce(0) { $0 + (try $1.savedFixedWidthBytes.evaluate()) })
        }
        // 4·24 = 96 elements; log-sum-exp 1·2·3 rows × 4 B = 24 B.
        #expect(try saved(fused.terms) == (96, 24))
        // With a mask: + 18 elements.
        fused = ScaledDotProductAttention(batch: 1, heads: 2, tokens: 3, headDim: 4, hasMask: true, kernel: .sdpa)
        #expect(try saved(fused.terms) == (114, 24))
        // Math path: Q·√s, K·√s 48 + P 18 (softmax's output, which P·V shares) + V 24 = 90.
        var eager = ScaledDotProductAttention(batch: 1, heads: 2, tokens: 3, headDim: 4, hasMask: true, kernel: .eager)
        #expect(try saved(eager.terms) == (90, 0))
        // V a view of a packed 72-element projection: 48 + 18 + 72 = 138.
        eager.valueStorageElements = 72
        #expect(try saved(eager.terms) == (138, 0))
    }

    @Test("rel-pos einsums copy the queries for the h axis, and for the w axis only from a strided view")
    func relativePositionCopies() throws {
        // B 2, h 3, H 4, W 5, S 20, d 2: queries 2·3·20·2 = 240; Rh 4·4·2 = 32, Rw 5·5·2 = 50;
        // indices 8·(16 + 25) = 328 B. Tables stored at the right length: no resize term.
        func terms(strided: Bool) -> [CostTerm] {
            DecomposedRelativePosition(
                batch: 2, heads: 3, height: Symbol("H", 4), width: Symbol("W", 5), tokens: 20, headDim: 2,
                storedTableRows: (7, 9), queriesAreStridedView: strided).terms
        }
        let contiguous = terms(strided: false)
        #expect(try contiguous.reduce(0) { $0 + (try $1.savedElements.evaluate()) } == 240 + 32 + 50)
        #expect(try contiguous.reduce(0) { $0 + (try $1.savedFixedWidthBytes.evaluate()) } == 328)
        let strided = terms(strided: true)
        #expect(try strided.reduce(0) { $0 + (try $1.savedElements.evaluate()) } == 2 * 240 + 32 + 50)
    }
}
