import Testing
import ModelMeter
@testable import DeepSeekOCR

/// `WeightReads` and `AffinePassCost` arithmetic against sums worked by hand.
@Suite("WeightReads and AffinePassCost arithmetic")
struct WeightReadsArithmeticTests {
    // One decoder layer's attention projections in bf16 (dense) and six 1280 → 896 → 1280
    // SwiGLU experts (routed): 3 matrices · 1280 · 896 · 2 bytes = 6,881,280 bytes an expert,
    // 6 experts = 41,287,680 bytes. The dense part is an arbitrary 1,000,000 bytes.
    let step = WeightReads(denseBytes: 1_000_000, routedExpertBytes: 41_287_680)
    let mask = WeightReads(denseBytes: 2, routedExpertBytes: 0)

    @Test("+, - and * by a count act on the dense and routed parts on their own")
    func arithmetic() {
        #expect(step + mask == WeightReads(denseBytes: 1_000_002, routedExpertBytes: 41_287_680))
        #expect(step - mask == WeightReads(denseBytes: 999_998, routedExpertBytes: 41_287_680))
        // 1000 steps: 10⁹ dense bytes, 41,287,680,000 routed
        #expect(step * 1000 == WeightReads(denseBytes: 1_000_000_000, routedExpertBytes: 41_287_680_000))
        #expect(1000 * step == step * 1000)
        #expect((step * 1000).totalBytes == 42_287_680_000)
        var total = WeightReads.zero
        total += step
        total -= mask
        #expect(total == step - mask)
        #expect([step, mask, mask].sum() == WeightReads(denseBytes: 1_000_004, routedExpertBytes: 41_287_680))
        #expect([WeightReads]().sum() == .zero)
    }

    @Test("N·w(P) + w_Δ·N(N−1)/2: decode reads over N = 4 steps")
    func decodeSeries() {
        // w(P) = step, w_Δ = mask (2 bytes a cached position); N = 4, N(N−1)/2 = 6:
        // dense 4·1,000,000 + 6·2 = 4,000,012; routed 4·41,287,680 = 165,150,720
        let n = 4
        #expect(step * n + mask * AffinePassCost.triangle(n) == WeightReads(denseBytes: 4_000_012, routedExpertBytes: 165_150_720))
        // The same as the steps summed one by one: w(P + i) = step + mask·i.
        #expect((0..<n).map { step + mask * $0 }.sum() == step * n + mask * AffinePassCost.triangle(n))
    }

    @Test("c(L) = c(0) + Δ·L and Σ_{i<n} c(L₀ + i) = n·c(L₀) + Δ·n(n−1)/2")
    func affine() throws {
        let affine = AffinePassCost(
            intercept: PassCost(tensorCoreFLOPs: 100, cudaCoreFLOPs: 10, ioBytes: 1_000),
            slope: PassCost(tensorCoreFLOPs: 3, cudaCoreFLOPs: 1, ioBytes: 20))
        // c(10) = (100 + 30, 10 + 10, 1,000 + 200)
        #expect(try affine.at(10) == PassCost(tensorCoreFLOPs: 130, cudaCoreFLOPs: 20, ioBytes: 1_200))
        // L = 10…13, Σ L = 46: (4·100 + 3·46, 4·10 + 46, 4·1,000 + 20·46) = (538, 86, 4,920)
        #expect(try affine.sum(from: 10, steps: 4) == PassCost(tensorCoreFLOPs: 538, cudaCoreFLOPs: 86, ioBytes: 4_920))
        #expect(try affine.sum(from: 10, steps: 4) == (10..<14).map { try! affine.at($0) }.sum())
    }
}
