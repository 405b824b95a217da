import Testing
import ModelMeter
@testable import DeepSeekOCR

/// A layer built at a given batch, with the forward bytes that do not depend on the batch worked
/// out by hand: every kernel reads its weights (and position / rel-pos tables) once, whatever the
/// batch, so forward I/O is affine in the batch, `io(B) = B·a + w`, not linear.
struct BatchedLayer: Sendable, CustomTestStringConvertible {
    let name: String
    let make: @Sendable (Int) throws -> any Layer
    /// `w`: batch-independent forward bytes (bf16), derived in the comment at each entry.
    let batchIndependentForwardBytes: Int?

    var testDescription: String { name }

    /// Every layer at a DeepSeek-OCR 1024 shape, where no table is resized, so every FLOP count
    /// is proportional to the batch.
    static let all: [BatchedLayer] = [
        // qkv 768·2304 + 2304 = 1,771,776, proj 768·768 + 768 = 590,592, gathered tables 2·14·14·64 = 25,088
        //   → 2·(1,771,776 + 590,592 + 25,088) = 2·2,387,456 = 4,774,912
        BatchedLayer(name: "Attention windowed 14×14 (batch = windows)", make: {
            try Attention(batch: $0, height: 14, width: 14, relativePositionInputSize: (14, 14))
        }, batchIndependentForwardBytes: 4_774_912),
        // 2·(1,771,776 + 590,592 + gathered tables 2·64·64·64 = 524,288) = 2·2,886,656 = 5,773,312
        BatchedLayer(name: "Attention global 64×64", make: {
            try Attention(batch: $0, height: 64, width: 64, relativePositionInputSize: (64, 64))
        }, batchIndependentForwardBytes: 5_773_312),
        // norm1 + norm2 2·1,536 = 3,072 + attention 2,387,456 + MLP (768·3072 + 3072) + (3072·768 + 768) = 4,722,432
        //   → 2·(3,072 + 2,387,456 + 4,722,432) = 2·7,112,960 = 14,225,920
        BatchedLayer(name: "Block windowed 64×64", make: {
            try Block(batch: $0, height: 64, width: 64, windowSize: 14)
        }, batchIndependentForwardBytes: 14_225_920),
        // 2·(3,072 + 2,886,656 + 4,722,432) = 2·7,612,160 = 15,224,320
        BatchedLayer(name: "Block global 64×64", make: {
            try Block(batch: $0, height: 64, width: 64, windowSize: 0)
        }, batchIndependentForwardBytes: 15_224_320),
        // lin1 + lin2 weights 4,722,432 → 9,444,864 (= the weight bytes)
        BatchedLayer(name: "MLPBlock 4096 tokens", make: { try MLPBlock(batch: $0, tokens: 4096) },
                     batchIndependentForwardBytes: 9_444_864),
        // γ, β: 2·256 = 512 → 1,024
        BatchedLayer(name: "LayerNorm2d 256×64×64", make: {
            try LayerNorm2d(batch: $0, channels: 256, height: 64, width: 64)
        }, batchIndependentForwardBytes: 1_024),
        // conv weights 768·3·16² + 768 = 590,592 → 1,181,184
        BatchedLayer(name: "PatchEmbed 1024", make: { try PatchEmbed(batch: $0, imageSize: 1024) },
                     batchIndependentForwardBytes: 1_181_184),
        // pos table G²·C = 3,145,728 + patch conv 590,592 + 8·7,112,960 + 4·7,612,160
        //   + neck 256·768 = 196,608 + 2·512 + 256·256·9 = 589,824 + net_2 1,179,648 + net_3 4,718,592
        //   = 3,736,320 + 56,903,680 + 30,448,640 + 6,685,696 = 97,774,336 → 195,548,672
        BatchedLayer(name: "ImageEncoderViT 1024", make: { try ImageEncoderViT(batch: $0, imageSize: 1024) },
                     batchIndependentForwardBytes: 195_548_672),
        // class embedding C = 1,024 + position lookup 2·257·1024 = 526,336 + position add table 257·1024 = 263,168
        //   → 2·790,528 = 1,581,056
        BatchedLayer(name: "CLIPVisionEmbeddings 16×16", make: { try CLIPVisionEmbeddings(batch: $0, patchGrid: 16) },
                     batchIndependentForwardBytes: 1_581_056),
        // qkv 1024·3072 + 3072 = 3,148,800 + out 1024·1024 + 1024 = 1,049,600 → 2·4,198,400 = 8,396,800
        BatchedLayer(name: "NoTPAttention 257 tokens", make: { try NoTPAttention(batch: $0, tokens: 257) },
                     batchIndependentForwardBytes: 8_396_800),
        // fc1 1024·4096 + 4096 = 4,198,400 + fc2 4096·1024 + 1024 = 4,195,328 → 2·8,393,728 = 16,787,456
        BatchedLayer(name: "NoTPFeedForward 257 tokens", make: { try NoTPFeedForward(batch: $0, tokens: 257) },
                     batchIndependentForwardBytes: 16_787_456),
        // 2·2,048 (two LayerNorms) + 4,198,400 + 8,393,728 = 12,596,224 → 25,192,448
        BatchedLayer(name: "NoTPTransformerBlock 257 tokens", make: { try NoTPTransformerBlock(batch: $0, tokens: 257) },
                     batchIndependentForwardBytes: 25_192_448),
        // 24·12,596,224 = 302,309,376 → 604,618,752
        BatchedLayer(name: "NoTPTransformer 257 tokens", make: { try NoTPTransformer(batch: $0, tokens: 257) },
                     batchIndependentForwardBytes: 604_618_752),
        // embeddings 790,528 + pre_layrnorm 2,048 + transformer 302,309,376 = 303,101,952 → 606,203,904
        BatchedLayer(name: "VitModel 16×16", make: { try VitModel(batch: $0, patchGrid: 16) },
                     batchIndependentForwardBytes: 606_203_904),
        // 2048·1280 + 1280 = 2,622,720 → 5,245,440
        BatchedLayer(name: "MlpProjector linear 256 tokens", make: { try MlpProjector(batch: $0, tokens: 256) },
                     batchIndependentForwardBytes: 5_245_440),
        BatchedLayer(name: "VisionEncoderView 1024", make: { try VisionEncoderView(batch: $0, imageSize: 1024) },
                     batchIndependentForwardBytes: nil),
        BatchedLayer(name: "DeepSeekOCRVision base", make: {
            try DeepSeekOCRVision(workload: try Workload(mode: .base, batch: $0))
        }, batchIndependentForwardBytes: nil),
    ]
}

extension Array where Element == CostTerm {
    /// Σ of one FLOP formula over the terms on `unit`.
    fileprivate func scalingSum(_ unit: ComputeUnit, _ pass: KeyPath<CostTerm, Formula>) throws -> Int {
        try filter { $0.unit == unit }.reduce(0) { $0 + (try $1[keyPath: pass].evaluate()) }
    }
}

@Suite("Scaling laws")
struct ScalingLawTests {
    // MARK: - Batch

    @Test("FLOPs at batch 2k are exactly 2 × FLOPs at batch k", arguments: BatchedLayer.all, [1, 3])
    func flopsLinearInBatch(layer: BatchedLayer, k: Int) throws {
        let single = try layer.make(k).metrics()
        let double = try layer.make(2 * k).metrics()
        #expect(double.forward.tensorCoreFLOPs == 2 * single.forward.tensorCoreFLOPs)
        #expect(double.backward.tensorCoreFLOPs == 2 * single.backward.tensorCoreFLOPs)
        #expect(double.forward.cudaCoreFLOPs == 2 * single.forward.cudaCoreFLOPs)
        #expect(double.backward.cudaCoreFLOPs == 2 * single.backward.cudaCoreFLOPs)
        #expect(single.forward.tensorCoreFLOPs > 0 || single.forward.cudaCoreFLOPs > 0)
    }

    @Test("activation bytes are linear in the batch: io(2k) = 2·io(k) − w, w = weights and tables read once",
          arguments: BatchedLayer.all, [1, 3])
    func ioAffineInBatch(layer: BatchedLayer, k: Int) throws {
        let one = try layer.make(k).metrics()
        let two = try layer.make(2 * k).metrics()
        let four = try layer.make(4 * k).metrics()
        // The same intercept from (k, 2k) and (2k, 4k): the batch-dependent part is exactly linear.
        let intercept = 2 * one.forward.ioBytes - two.forward.ioBytes
        #expect(2 * two.forward.ioBytes - four.forward.ioBytes == intercept)
        #expect(intercept >= 0)
        #expect(2 * one.backward.ioBytes - two.backward.ioBytes == 2 * two.backward.ioBytes - four.backward.ioBytes)
        if let expected = layer.batchIndependentForwardBytes {
            #expect(intercept == expected)
        }
    }

    @Test("weights, parameters and gradients do not depend on the batch", arguments: BatchedLayer.all)
    func weightsIndependentOfBatch(layer: BatchedLayer) throws {
        let one = try layer.make(1).metrics()
        let seven = try layer.make(7).metrics()
        #expect(seven.parameters == one.parameters)
        #expect(seven.memory.weightBytes == one.memory.weightBytes)
        #expect(seven.memory.gradientBytes == one.memory.gradientBytes)
        #expect(seven.memory.kvCacheBytes == 0)
    }

    @Test("at 640 the resized tables are batch-independent: 2·f(1) − f(2) = the resize FLOPs")
    func resizeIsBatchIndependent() throws {
        // ImageEncoderViT 640: pos-embed bicubic resize 16·40·40·768 = 19,660,800 (fwd and bwd, 16/16)
        //   + 4 global blocks × rel-pos linear resize 2 axes × 4·79·64 = 4·40,448 = 161,792 → 19,822,592
        let one = try ImageEncoderViT(batch: 1, imageSize: 640).metrics()
        let two = try ImageEncoderViT(batch: 2, imageSize: 640).metrics()
        #expect(2 * one.forward.cudaCoreFLOPs - two.forward.cudaCoreFLOPs == 19_822_592)
        // Backward prices each resize on the gradient it produces, the stored table's:
        //   16·64·64·768 = 50,331,648 + 4 global blocks × 2 axes × 4·127·64 = 4·65,024 = 260,096 → 50,591,744
        #expect(2 * one.backward.cudaCoreFLOPs - two.backward.cudaCoreFLOPs == 50_591_744)
        #expect(two.forward.tensorCoreFLOPs == 2 * one.forward.tensorCoreFLOPs)

        // CLIP embeddings at g = 10: bicubic resize 16·100·1024 = 1,638,400
        let clip1 = try CLIPVisionEmbeddings(batch: 1, patchGrid: 10).metrics()
        let clip2 = try CLIPVisionEmbeddings(batch: 2, patchGrid: 10).metrics()
        #expect(2 * clip1.forward.cudaCoreFLOPs - clip2.forward.cudaCoreFLOPs == 1_638_400)

        // Global attention 40×40 with 127-row tables: 2·4·79·64 = 40,448
        let attn1 = try Attention(batch: 1, height: 40, width: 40, relativePositionInputSize: (64, 64)).metrics()
        let attn2 = try Attention(batch: 2, height: 40, width: 40, relativePositionInputSize: (64, 64)).metrics()
        #expect(2 * attn1.forward.cudaCoreFLOPs - attn2.forward.cudaCoreFLOPs == 40_448)
    }

    // MARK: - Tokens

    struct TokenLayer: Sendable, CustomTestStringConvertible {
        let name: String
        let make: @Sendable (Int) throws -> any Layer
        /// Weight bytes read once per pass whatever the token count.
        let weightReadBytes: Int
        var testDescription: String { name }
    }

    static let tokenLayers: [TokenLayer] = [
        // 768·2304 + 2304 = 1,771,776 → 3,543,552
        TokenLayer(name: "Linear 768 → 2304", make: {
            try Linear("QKV", tokens: .constant($0), inFeatures: 768, outFeatures: 2304)
        }, weightReadBytes: 3_543_552),
        // 4,722,432 → 9,444,864
        TokenLayer(name: "MLPBlock", make: { try MLPBlock(batch: 1, tokens: $0) }, weightReadBytes: 9_444_864),
        // 8,393,728 → 16,787,456
        TokenLayer(name: "NoTPFeedForward", make: { try NoTPFeedForward(batch: 1, tokens: $0) }, weightReadBytes: 16_787_456),
    ]

    @Test("projections and feed-forwards are linear in tokens", arguments: ScalingLawTests.tokenLayers, [196, 257, 4096])
    func linearInTokens(layer: TokenLayer, tokens: Int) throws {
        let one = try layer.make(tokens).metrics()
        let two = try layer.make(2 * tokens).metrics()
        #expect(two.forward.tensorCoreFLOPs == 2 * one.forward.tensorCoreFLOPs)
        #expect(two.backward.tensorCoreFLOPs == 2 * one.backward.tensorCoreFLOPs)
        #expect(two.forward.cudaCoreFLOPs == 2 * one.forward.cudaCoreFLOPs)
        #expect(two.backward.cudaCoreFLOPs == 2 * one.backward.cudaCoreFLOPs)
        #expect(2 * one.forward.ioBytes - two.forward.ioBytes == layer.weightReadBytes)
    }

    @Test("global attention: doubling H and W makes S ×4 and the SDPA terms ×16")
    func quadraticGlobalAttention() throws {
        let small = try Attention(batch: 1, height: 32, width: 32, relativePositionInputSize: (64, 64))
        let large = try Attention(batch: 1, height: 64, width: 64, relativePositionInputSize: (64, 64))
        func sdpa(_ layer: Attention, _ unit: ComputeUnit, _ pass: KeyPath<CostTerm, Formula>) throws -> Int {
            try layer.ownTerms.filter { $0.name.hasPrefix("SDPA") }.scalingSum(unit, pass)
        }
        // 4·B·h·S²·d: S = 1024 → 4·12·1024²·64 = 3,221,225,472; S = 4096 → 51,539,607,552 = 16×
        #expect(try sdpa(small, .tensorCore, \.forwardFLOPs) == 3_221_225_472)
        #expect(try sdpa(large, .tensorCore, \.forwardFLOPs) == 51_539_607_552)
        #expect(try sdpa(large, .tensorCore, \.backwardFLOPs) == 16 * sdpa(small, .tensorCore, \.backwardFLOPs))
        // mask add + softmax: 6·B·h·S², also ×16
        #expect(try sdpa(large, .cudaCore, \.forwardFLOPs) == 16 * sdpa(small, .cudaCore, \.forwardFLOPs))
        // rel-pos einsums 2·B·h·S·H·d scale by 4 (S) × 2 (H) = 8
        func einsums(_ layer: Attention) throws -> Int {
            try layer.ownTerms.filter { $0.name.hasPrefix("rel-pos einsum") }.scalingSum(.tensorCore, \.forwardFLOPs)
        }
        #expect(try einsums(large) == 8 * einsums(small))
        // the projections scale with S only: ×4
        let smallChildren = try small.children.reduce(0) { $0 + (try $1.layer.metrics().forward.tensorCoreFLOPs) }
        let largeChildren = try large.children.reduce(0) { $0 + (try $1.layer.metrics().forward.tensorCoreFLOPs) }
        #expect(largeChildren == 4 * smallChildren)
    }

    @Test("CLIP attention: doubling S multiplies the SDPA terms by 4")
    func quadraticCLIPAttention() throws {
        // 4·1·16·S²·64: S = 100 → 40,960,000; S = 200 → 163,840,000
        let terms100 = try NoTPAttention(batch: 1, tokens: 100).ownTerms
        let terms200 = try NoTPAttention(batch: 1, tokens: 200).ownTerms
        #expect(try terms100.scalingSum(.tensorCore, \.forwardFLOPs) == 40_960_000)
        #expect(try terms200.scalingSum(.tensorCore, \.forwardFLOPs) == 163_840_000)
    }

    // MARK: - Windows

    @Test("windowed attention is linear in the number of 14×14 windows", arguments: [1, 4, 9, 25, 50])
    func windows(count: Int) throws {
        let one = try Attention(batch: 1, height: 14, width: 14, relativePositionInputSize: (14, 14)).metrics()
        let many = try Attention(batch: count, height: 14, width: 14, relativePositionInputSize: (14, 14)).metrics()
        // per window: 26,282,188,800 / 25 = 1,051,287,552 (the 25-window golden row)
        #expect(one.forward.tensorCoreFLOPs == 1_051_287_552)
        #expect(many.forward.tensorCoreFLOPs == count * 1_051_287_552)
        #expect(many.backward.tensorCoreFLOPs == count * one.backward.tensorCoreFLOPs)
        #expect(many.forward.cudaCoreFLOPs == count * one.forward.cudaCoreFLOPs)
        #expect(many.backward.cudaCoreFLOPs == count * one.backward.cudaCoreFLOPs)
    }

    @Test("a windowed block's attention pays for n_win windows: 25 at 64×64, 9 at 40×40")
    func windowCountsInBlocks() throws {
        // ⌈64/14⌉² = 5² = 25, ⌈40/14⌉² = 3² = 9
        let perWindow = 1_051_287_552
        for (grid, windows) in [(64, 25), (40, 9)] {
            let block = try Block(batch: 1, height: grid, width: grid, windowSize: 14)
            #expect(block.windowsPerImage.value == windows)
            let attention = try #require(block.children.first { $0.name == "attn" })
            #expect(try attention.layer.metrics().forward.tensorCoreFLOPs == windows * perWindow)
        }
    }
}
