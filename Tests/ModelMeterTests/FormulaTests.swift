import Testing
import ModelMeter

/// Symbols of SAM's global QKV projection at 1024: B = 1 image, S = 64·64 = 4096 tokens,
/// C = 768 channels, 3C = 2304.
private enum QKV {
    static let b = Symbol("B", 1, "batch")
    static let s = Symbol("S", 4096, "tokens")
    static let c = Symbol("C", 768, "channels")
    static let threeC = Symbol("3C", 2304, "fused width")
    /// 2·B·S·C·3C
    static var flops: Formula { 2 * b * s.formula * c * threeC }
}

@Suite("Formula")
struct FormulaTests {
    // MARK: - Printing

    @Test("a product prints symbolically and substituted, and evaluates exactly")
    func qkvProduct() throws {
        let formula = QKV.flops
        #expect(formula.symbolic == "2·B·S·C·3C")
        #expect(formula.description == "2·B·S·C·3C")
        #expect(formula.substituted == "2·1·4096·768·2304")
        // 2·1·4096·768·2304: 4096·768 = 3,145,728; ·2304 = 7,247,757,312; ·2 = 14,495,514,624
        #expect(try formula.evaluate() == 14_495_514_624)
    }

    @Test("a sum inside a product gets parentheses; a sum at top level does not")
    func sumsInProducts() throws {
        let h = Symbol("H", 14), w = Symbol("W", 6)
        let product = Symbol("B", 3) * (h + w)
        #expect(product.symbolic == "B·(H + W)")
        #expect(product.substituted == "3·(14 + 6)")
        // 3·(14 + 6) = 3·20 = 60
        #expect(try product.evaluate() == 60)

        let sum = h + w
        #expect(sum.symbolic == "H + W")
        // A sum of sums flattens: (H + W) + (H + W) prints without nested parentheses.
        #expect((sum + sum).symbolic == "H + W + H + W")
        // 14 + 6 + 14 + 6 = 40
        #expect(try (sum + sum).evaluate() == 40)
    }

    @Test("a negative addend prints as a subtraction, never '+ -'")
    func negativeAddends() throws {
        let h = Symbol("H", 40), d = Symbol("d", 64), b = Symbol("B", 3)
        // The rel-pos resize: 4·(2·H − 1)·d = 4·79·64 = 20,224.
        let resize = 4 * (2 * h.formula + .constant(-1)) * d
        #expect(resize.symbolic == "4·(2·H − 1)·d")
        #expect(resize.substituted == "4·(2·40 − 1)·64")
        #expect(try resize.evaluate() == 20_224)
        // -3·B and -1·B as later addends: H − 3·B = 40 − 9 = 31; H − B = 37.
        let minusThree = h.formula + (-3) * b.formula
        #expect(minusThree.symbolic == "H − 3·B")
        #expect(try minusThree.evaluate() == 31)
        let minusOne = h.formula + .product([.constant(-1), b.formula])
        #expect(minusOne.symbolic == "H − B")
        #expect(minusOne.substituted == "40 − 3")
        #expect(try minusOne.evaluate() == 37)
        // A leading negative constant stays as it is: −1 + H prints "-1 + H".
        #expect((Formula.constant(-1) + h.formula).symbolic == "-1 + H")
        for formula in [resize, minusThree, minusOne] {
            #expect(!formula.symbolic.contains("+ -") && !formula.substituted.contains("+ -"))
        }
    }

    @Test("powers print with superscript digits and bind tighter than products")
    func powers() throws {
        let s = Symbol("S", 196)
        let scores = Symbol("h", 12) * Formula.power(s.formula, 2)
        #expect(scores.symbolic == "h·S²")
        #expect(scores.substituted == "12·196²")
        // 12·196² = 12·38,416 = 460,992
        #expect(try scores.evaluate() == 460_992)

        // A compound base is parenthesised: (B·S)², and a two-digit exponent prints both digits.
        let compound = Formula.power(Symbol("B", 2) * s, 2)
        #expect(compound.symbolic == "(B·S)²")
        // (2·196)² = 392² = 153,664
        #expect(try compound.evaluate() == 153_664)
        let big = Formula.power(.constant(2), 10)
        #expect(big.symbolic == "2¹⁰")
        // 2¹⁰ = 1,024
        #expect(try big.evaluate() == 1_024)
        // x⁰ = 1
        #expect(try Formula.power(.constant(7), 0).evaluate() == 1)
    }

    @Test("ceil-division prints ⌈a/b⌉ and rounds up", arguments: [
        // (numerator, divisor, ⌈n/d⌉)
        (64, 14, 5),   // 64/14 = 4.57… → 5
        (70, 14, 5),   // exact: 5
        (40, 14, 3),   // 40/14 = 2.86… → 3
        (1, 14, 1),    // 0.07… → 1
        (0, 14, 0),    // 0
        (15, 1, 15),   // divisor 1
    ])
    func ceilDivision(numerator: Int, divisor: Int, expected: Int) throws {
        let formula = Formula.ceilDivision(Symbol("H", numerator).formula, Symbol("ws", divisor).formula)
        #expect(formula.symbolic == "⌈H/ws⌉")
        #expect(formula.substituted == "⌈\(numerator)/\(divisor)⌉")
        #expect(try formula.evaluate() == expected)
    }

    @Test("floor quotient prints a/b, parenthesised inside a product")
    func quotient() throws {
        let q = Formula.quotient(Symbol("C", 768).formula, Symbol("h", 12).formula)
        #expect(q.symbolic == "C/h")
        // 768/12 = 64
        #expect(try q.evaluate() == 64)
        let scaled = Symbol("B", 2) * q
        #expect(scaled.symbolic == "B·(C/h)")
        // 2·64 = 128
        #expect(try scaled.evaluate() == 128)
        // 50/16 = 3.125 → 3 (floor)
        #expect(try Formula.quotient(50, 16).evaluate() == 3)
    }

    @Test("quotient floors, also for negative numerators or divisors", arguments: [
        (-3, 2, -2),   // ⌊−1.5⌋ = −2 (truncation would give −1)
        (-7, 2, -4),   // ⌊−3.5⌋ = −4
        (7, -2, -4),   // ⌊−3.5⌋ = −4
        (-7, -2, 3),   // ⌊3.5⌋ = 3
        (-6, 2, -3),   // exact
        (7, 2, 3),     // ⌊3.5⌋ = 3
    ])
    func floorOfNegative(numerator: Int, divisor: Int, expected: Int) throws {
        #expect(try Formula.quotient(.constant(numerator), .constant(divisor)).evaluate() == expected)
    }

    @Test("ceil-division of a negative numerator rounds toward +∞")
    func ceilOfNegative() throws {
        // ⌈−3/2⌉ = ⌈−1.5⌉ = −1
        #expect(try Formula.ceilDivision(-3, 2).evaluate() == -1)
    }

    @Test("a ceil-division with a compound numerator parenthesises it")
    func ceilCompound() throws {
        let formula = Formula.ceilDivision(Symbol("H", 64) + Symbol("p", 2), Symbol("k", 3).formula)
        #expect(formula.symbolic == "⌈(H + p)/k⌉")
        // ⌈66/3⌉ = 22
        #expect(try formula.evaluate() == 22)
    }

    // MARK: - Simplification

    @Test("a leading constant folds into the other side's leading constant")
    func leadingConstantFolding() throws {
        let b = Symbol("B", 3), s = Symbol("S", 5)
        let inner = 2 * b * s.formula
        #expect(inner.symbolic == "2·B·S")
        let folded = 2 * inner
        #expect(folded.symbolic == "4·B·S")
        #expect(folded == Formula.product([.constant(4), b.formula, s.formula]))
        // 4·3·5 = 60
        #expect(try folded.evaluate() == 60)
        // Constant × constant folds to one constant: 3 × 7 = 21.
        #expect(Formula.constant(3) * Formula.constant(7) == .constant(21))
        // No leading constant on the right: the constant is prepended, not folded.
        #expect((3 * (b * s)).symbolic == "3·B·S")
    }

    @Test("zero and one simplify away")
    func zeroAndOne() throws {
        let x = Symbol("X", 9).formula
        #expect(Formula.zero + x == x)
        #expect(x + Formula.zero == x)
        #expect(x * Formula.one == x)
        #expect(Formula.one * x == x)
        #expect(x * Formula.zero == .zero)
        #expect(Formula.zero * x == .zero)
        #expect((0 * x).isZero)
        #expect(Formula.total([Formula.zero, .zero]) == .zero)
        #expect(Formula.total([Formula.zero, x, .zero]) == x)
        #expect(Formula.productOf([]) == .one)
        #expect(Formula.productOf([x]) == x)
        #expect(!x.isZero)
        #expect(Formula.zero.symbolic == "0")
        #expect(try Formula.zero.evaluate() == 0)
    }

    @Test("integer literals are constants")
    func literals() throws {
        let seven: Formula = 7
        #expect(seven == .constant(7))
        #expect(seven.symbolic == "7")
        #expect(seven.substituted == "7")
    }

    // MARK: - Overflow

    @Test("a product of 2⁴⁰ and 2⁴⁰ throws overflow instead of wrapping")
    func productOverflow() throws {
        // 2⁴⁰·2⁴⁰ = 2⁸⁰ > Int.max = 2⁶³ − 1
        let a = Symbol("a", 1 << 40), b = Symbol("b", 1 << 40)
        let error = #expect(throws: ModelMeterError.self) { try (a * b).evaluate() }
        guard case let .overflow(formula)? = error else {
            Issue.record("expected .overflow, got \(String(describing: error))")
            return
        }
        #expect(formula == "a·b")

        // Constants too: the fold detects the overflow and leaves the product unevaluated.
        let constants = Formula.constant(1 << 40) * Formula.constant(1 << 40)
        #expect(throws: ModelMeterError.self) { try constants.evaluate() }
    }

    @Test("sums and powers overflow too")
    func sumAndPowerOverflow() throws {
        let max = Symbol("M", Int.max)
        #expect(throws: ModelMeterError.overflow(formula: "M + 1")) { try (max.formula + 1).evaluate() }
        // (2³²)² = 2⁶⁴ > Int.max
        let power = Formula.power(Symbol("x", 1 << 32).formula, 2)
        #expect(throws: ModelMeterError.overflow(formula: "x²")) { try power.evaluate() }
        // (2³¹)² = 2⁶² still fits: 4,611,686,018,427,387,904
        #expect(try Formula.power(.constant(1 << 31), 2).evaluate() == 4_611_686_018_427_387_904)
    }

    @Test("division by zero throws rather than trapping")
    func divisionByZero() {
        #expect(throws: ModelMeterError.self) { try Formula.quotient(1, 0).evaluate() }
        #expect(throws: ModelMeterError.self) { try Formula.ceilDivision(1, 0).evaluate() }
    }

    // MARK: - Symbols

    @Test("symbols are listed once each, in first-appearance order")
    func symbolOrder() {
        let b = Symbol("B", 1), s = Symbol("S", 4096), c = Symbol("C", 768), h = Symbol("h", 12), d = Symbol("d", 64)
        // S appears first inside the power, then B, then h; C and d in the second addend.
        let formula = Formula.power(s.formula, 2) * b * h.formula + (c * s.formula) + Formula.quotient(c.formula, d.formula)
        #expect(formula.symbols.map(\.name) == ["S", "B", "h", "C", "d"])
        #expect(QKV.flops.symbols == [QKV.b, QKV.s, QKV.c, QKV.threeC])
        #expect(Formula.constant(5).symbols.isEmpty)
        let ceil = Formula.ceilDivision(Symbol("H", 64).formula, Symbol("ws", 14).formula)
        #expect(ceil.symbols.map(\.name) == ["H", "ws"])
    }

    @Test("a symbol carries its value and meaning; symbols with equal fields are equal")
    func symbolValue() {
        let symbol = Symbol("n_win", 25, "windows per image")
        #expect(symbol.value == 25)
        #expect(symbol.meaning == "windows per image")
        #expect(symbol.formula == .symbol(symbol))
        #expect(Symbol("n_win", 25, "windows per image") == symbol)
        #expect(Symbol("n_win", 9, "windows per image") != symbol)
    }
}
