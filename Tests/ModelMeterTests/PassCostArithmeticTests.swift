import Testing
import ModelMeter

/// `PassCost` arithmetic, field by field, against sums worked by hand.
///
/// `linear` is a bf16 `Linear` 1024 → 4096 on 8 tokens: tensor-core FLOPs `2·8·1024·4096 =
/// 67,108,864`; bytes `(8·1024 + 1024·4096 + 8·4096)·2 = (8,192 + 4,194,304 + 32,768)·2 =
/// 8,470,528`; 32,768 CUDA-core FLOPs (one per output element, a bias add). `small` is an
/// arbitrary second cost with every field different.
@Suite("PassCost arithmetic")
struct PassCostArithmeticTests {
    let linear = PassCost(tensorCoreFLOPs: 67_108_864, cudaCoreFLOPs: 32_768, ioBytes: 8_470_528)
    let small = PassCost(tensorCoreFLOPs: 1_000, cudaCoreFLOPs: 7, ioBytes: 300)

    @Test("+ and - act on each field on its own")
    func addAndSubtract() {
        // 67,108,864 + 1,000; 32,768 + 7; 8,470,528 + 300
        #expect(linear + small == PassCost(tensorCoreFLOPs: 67_109_864, cudaCoreFLOPs: 32_775, ioBytes: 8_470_828))
        // 67,108,864 − 1,000; 32,768 − 7; 8,470,528 − 300
        #expect(linear - small == PassCost(tensorCoreFLOPs: 67_107_864, cudaCoreFLOPs: 32_761, ioBytes: 8_470_228))
        #expect(small - linear == PassCost(tensorCoreFLOPs: -67_107_864, cudaCoreFLOPs: -32_761, ioBytes: -8_470_228))
        #expect((linear + small) - small == linear)
    }

    @Test("+= and -= update in place")
    func compoundAssignment() {
        var cost = PassCost.zero
        cost += linear
        cost += small
        cost += small
        // 67,108,864 + 2·1,000; 32,768 + 2·7; 8,470,528 + 2·300
        #expect(cost == PassCost(tensorCoreFLOPs: 67_110_864, cudaCoreFLOPs: 32_782, ioBytes: 8_471_128))
        cost -= linear
        #expect(cost == PassCost(tensorCoreFLOPs: 2_000, cudaCoreFLOPs: 14, ioBytes: 600))
    }

    @Test("* by a count scales every field, on either side")
    func scale() {
        // 3·67,108,864 = 201,326,592; 3·32,768 = 98,304; 3·8,470,528 = 25,411,584
        let three = PassCost(tensorCoreFLOPs: 201_326_592, cudaCoreFLOPs: 98_304, ioBytes: 25_411_584)
        #expect(linear * 3 == three)
        #expect(3 * linear == three)
        #expect(linear * 0 == .zero)
        #expect(small * -1 == PassCost(tensorCoreFLOPs: -1_000, cudaCoreFLOPs: -7, ioBytes: -300))
    }

    @Test(".zero is the identity and an empty sum")
    func zero() {
        #expect(PassCost.zero == PassCost(tensorCoreFLOPs: 0, cudaCoreFLOPs: 0, ioBytes: 0))
        #expect(linear + .zero == linear)
        #expect([PassCost]().sum() == .zero)
    }

    @Test("sum() adds a sequence: [linear, small, linear] = 2·linear + small")
    func sequenceSum() {
        // 2·67,108,864 + 1,000 = 134,218,728; 2·32,768 + 7 = 65,543; 2·8,470,528 + 300 = 16,941,356
        #expect([linear, small, linear].sum() == PassCost(tensorCoreFLOPs: 134_218_728, cudaCoreFLOPs: 65_543, ioBytes: 16_941_356))
        // The same through the kernel-style form Σ count × cost: 4·small + 1·linear.
        let counted = [(4, small), (1, linear)].map { $0.0 * $0.1 }.sum()
        #expect(counted == PassCost(tensorCoreFLOPs: 67_112_864, cudaCoreFLOPs: 32_796, ioBytes: 8_471_728))
    }

    @Test("the checked forms give the same values and name the sum on overflow")
    func checked() throws {
        // linear·2 + small·5: 134,217,728 + 5,000; 65,536 + 35; 16,941,056 + 1,500
        #expect(try PassCost.combination(linear, 2, small, 5, "test sum")
            == PassCost(tensorCoreFLOPs: 134_222_728, cudaCoreFLOPs: 65_571, ioBytes: 16_942_556))
        #expect(try linear.adding(small, times: 3) == linear + small * 3)
        let half = PassCost(tensorCoreFLOPs: Int.max / 2 + 1)
        #expect(throws: ModelMeterError.overflow(formula: "report totals")) {
            try half.adding(half, "report totals")
        }
        #expect(throws: ModelMeterError.overflow(formula: "decode sum")) {
            try PassCost.zero.adding(half, times: 2)
        }
    }
}
