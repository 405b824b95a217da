import Testing
import ModelMeter
@testable import DeepSeekOCR

/// The kind of `ModelMeterError` a bad input must produce.
enum ErrorKind: String, Sendable {
    case invalidShape, overflow, unknownName, malformedValue

    init(_ error: ModelMeterError) {
        switch error {
        case .invalidShape: self = .invalidShape
        case .overflow: self = .overflow
        case .unknownName: self = .unknownName
        case .malformedValue: self = .malformedValue
        }
    }
}

/// One construction that must fail.
struct BadInput: Sendable, CustomTestStringConvertible {
    let name: String
    let expected: ErrorKind
    let attempt: @Sendable () throws -> Void

    init(_ name: String, _ expected: ErrorKind = .invalidShape, _ attempt: @escaping @Sendable () throws -> Void) {
        self.name = name
        self.expected = expected
        self.attempt = attempt
    }

    var testDescription: String { name }
}

private func sam(_ edit: (inout SAMConfiguration) -> Void) -> SAMConfiguration {
    var configuration = SAMConfiguration.vitB
    edit(&configuration)
    return configuration
}

private func clip(_ edit: (inout CLIPConfiguration) -> Void) -> CLIPConfiguration {
    var configuration = CLIPConfiguration.large
    edit(&configuration)
    return configuration
}

extension BadInput {
    static let layers: [BadInput] = [
        // Attention
        BadInput("Attention: 7 heads do not divide 768") { _ = try Attention(batch: 1, height: 14, width: 14, heads: 7, relativePositionInputSize: nil) },
        BadInput("Attention: batch 0") { _ = try Attention(batch: 0, height: 14, width: 14, relativePositionInputSize: nil) },
        BadInput("Attention: height 0") { _ = try Attention(batch: 1, height: 0, width: 14, relativePositionInputSize: nil) },
        BadInput("Attention: width −1") { _ = try Attention(batch: 1, height: 14, width: -1, relativePositionInputSize: nil) },
        BadInput("Attention: dim 0") { _ = try Attention(batch: 1, height: 14, width: 14, dim: 0, relativePositionInputSize: nil) },
        BadInput("Attention: heads 0") { _ = try Attention(batch: 1, height: 14, width: 14, heads: 0, relativePositionInputSize: nil) },
        BadInput("Attention: rel-pos input height 0") { _ = try Attention(batch: 1, height: 14, width: 14, relativePositionInputSize: (0, 14)) },
        BadInput("Attention: rel-pos input width −2") { _ = try Attention(batch: 1, height: 14, width: 14, relativePositionInputSize: (14, -2)) },
        // Block
        BadInput("Block: batch 0") { _ = try Block(batch: 0, height: 64, width: 64, windowSize: 14) },
        BadInput("Block: height 0") { _ = try Block(batch: 1, height: 0, width: 64, windowSize: 14) },
        BadInput("Block: width 0") { _ = try Block(batch: 1, height: 64, width: 0, windowSize: 0) },
        BadInput("Block: dim 0") { _ = try Block(batch: 1, height: 64, width: 64, dim: 0, windowSize: 14) },
        BadInput("Block: window size −1") { _ = try Block(batch: 1, height: 64, width: 64, windowSize: -1) },
        BadInput("Block: 5 heads do not divide 768") { _ = try Block(batch: 1, height: 64, width: 64, heads: 5, windowSize: 14) },
        BadInput("Block: mlp_dim 0") { _ = try Block(batch: 1, height: 64, width: 64, mlpDim: 0, windowSize: 14) },
        BadInput("Block: global rel-pos grid 0×0") { _ = try Block(batch: 1, height: 64, width: 64, windowSize: 0, globalInputSize: (0, 0)) },
        // MLPBlock
        BadInput("MLPBlock: batch 0") { _ = try MLPBlock(batch: 0, tokens: 4096) },
        BadInput("MLPBlock: tokens 0") { _ = try MLPBlock(batch: 1, tokens: 0) },
        BadInput("MLPBlock: embedding_dim 0") { _ = try MLPBlock(batch: 1, tokens: 4096, embeddingDim: 0) },
        BadInput("MLPBlock: mlp_dim −3072") { _ = try MLPBlock(batch: 1, tokens: 4096, mlpDim: -3072) },
        // LayerNorm2d
        BadInput("LayerNorm2d: batch 0") { _ = try LayerNorm2d(batch: 0, height: 64, width: 64) },
        BadInput("LayerNorm2d: channels 0") { _ = try LayerNorm2d(batch: 1, channels: 0, height: 64, width: 64) },
        BadInput("LayerNorm2d: height 0") { _ = try LayerNorm2d(batch: 1, height: 0, width: 64) },
        BadInput("LayerNorm2d: width −64") { _ = try LayerNorm2d(batch: 1, height: 64, width: -64) },
        // PatchEmbed
        BadInput("PatchEmbed: batch 0") { _ = try PatchEmbed(batch: 0, imageSize: 1024) },
        BadInput("PatchEmbed: image 0") { _ = try PatchEmbed(batch: 1, imageSize: 0) },
        BadInput("PatchEmbed: in_chans 0") { _ = try PatchEmbed(batch: 1, imageSize: 1024, inChannels: 0) },
        BadInput("PatchEmbed: embed_dim 0") { _ = try PatchEmbed(batch: 1, imageSize: 1024, embedDim: 0) },
        BadInput("PatchEmbed: patch 0") { _ = try PatchEmbed(batch: 1, imageSize: 1024, patchSize: 0) },
        BadInput("PatchEmbed: 15-pixel image, 16-pixel patch") { _ = try PatchEmbed(batch: 1, imageSize: 15) },
        // ImageEncoderViT
        BadInput("ImageEncoderViT: 8-pixel image") { _ = try ImageEncoderViT(batch: 1, imageSize: 8) },
        BadInput("ImageEncoderViT: batch 0") { _ = try ImageEncoderViT(batch: 0, imageSize: 1024) },
        BadInput("ImageEncoderViT: 5 heads") { _ = try ImageEncoderViT(batch: 1, imageSize: 1024, configuration: sam { $0.heads = 5 }) },
        BadInput("ImageEncoderViT: window −14") { _ = try ImageEncoderViT(batch: 1, imageSize: 1024, configuration: sam { $0.windowSize = -14 }) },
        BadInput("ImageEncoderViT: neck channels 0") { _ = try ImageEncoderViT(batch: 1, imageSize: 1024, configuration: sam { $0.neckChannels = 0 }) },
        BadInput("ImageEncoderViT: patch size 0") { _ = try ImageEncoderViT(batch: 1, imageSize: 1024, configuration: sam { $0.patchSize = 0 }) },
        // CLIPVisionEmbeddings
        BadInput("CLIPVisionEmbeddings: batch 0") { _ = try CLIPVisionEmbeddings(batch: 0, patchGrid: 16) },
        BadInput("CLIPVisionEmbeddings: grid 0") { _ = try CLIPVisionEmbeddings(batch: 1, patchGrid: 0) },
        BadInput("CLIPVisionEmbeddings: hidden 0") { _ = try CLIPVisionEmbeddings(batch: 1, patchGrid: 16, configuration: clip { $0.hiddenSize = 0 }) },
        BadInput("CLIPVisionEmbeddings: patch 0") { _ = try CLIPVisionEmbeddings(batch: 1, patchGrid: 16, configuration: clip { $0.patchSize = 0 }) },
        BadInput("CLIPVisionEmbeddings: 10-pixel image, 14-pixel patch") {
            _ = try CLIPVisionEmbeddings(batch: 1, patchGrid: 16, configuration: clip { $0.imageSize = 10 })
        },
        // NoTPAttention
        BadInput("NoTPAttention: 3 heads do not divide 1024") { _ = try NoTPAttention(batch: 1, tokens: 257, heads: 3) },
        BadInput("NoTPAttention: batch 0") { _ = try NoTPAttention(batch: 0, tokens: 257) },
        BadInput("NoTPAttention: tokens 0") { _ = try NoTPAttention(batch: 1, tokens: 0) },
        BadInput("NoTPAttention: hidden 0") { _ = try NoTPAttention(batch: 1, tokens: 257, hiddenSize: 0) },
        BadInput("NoTPAttention: heads −16") { _ = try NoTPAttention(batch: 1, tokens: 257, heads: -16) },
        // NoTPFeedForward
        BadInput("NoTPFeedForward: batch 0") { _ = try NoTPFeedForward(batch: 0, tokens: 257) },
        BadInput("NoTPFeedForward: tokens 0") { _ = try NoTPFeedForward(batch: 1, tokens: 0) },
        BadInput("NoTPFeedForward: dim 0") { _ = try NoTPFeedForward(batch: 1, tokens: 257, dim: 0) },
        BadInput("NoTPFeedForward: hidden 0") { _ = try NoTPFeedForward(batch: 1, tokens: 257, hiddenDim: 0) },
        // NoTPTransformerBlock / NoTPTransformer / VitModel
        BadInput("NoTPTransformerBlock: tokens 0") { _ = try NoTPTransformerBlock(batch: 1, tokens: 0) },
        BadInput("NoTPTransformerBlock: 3 heads") { _ = try NoTPTransformerBlock(batch: 1, tokens: 257, configuration: clip { $0.heads = 3 }) },
        BadInput("NoTPTransformerBlock: ffn 0") { _ = try NoTPTransformerBlock(batch: 1, tokens: 257, configuration: clip { $0.ffnHiddenSize = 0 }) },
        BadInput("NoTPTransformer: 0 layers") { _ = try NoTPTransformer(batch: 1, tokens: 257, configuration: clip { $0.layers = 0 }) },
        BadInput("NoTPTransformer: batch 0") { _ = try NoTPTransformer(batch: 0, tokens: 257) },
        BadInput("VitModel: grid 0") { _ = try VitModel(batch: 1, patchGrid: 0) },
        BadInput("VitModel: grid −4") { _ = try VitModel(batch: 1, patchGrid: -4) },
        BadInput("VitModel: batch 0") { _ = try VitModel(batch: 0, patchGrid: 16) },
        // MlpProjector
        BadInput("MlpProjector: batch 0") { _ = try MlpProjector(batch: 0, tokens: 256) },
        BadInput("MlpProjector: tokens 0") { _ = try MlpProjector(batch: 1, tokens: 0) },
        BadInput("MlpProjector: input_dim 0") { _ = try MlpProjector(batch: 1, tokens: 256, inputDim: 0) },
        BadInput("MlpProjector: n_embed 0") { _ = try MlpProjector(batch: 1, tokens: 256, outputDim: 0) },
        BadInput("MlpProjector: mlp_gelu depth 0") { _ = try MlpProjector(batch: 1, tokens: 256, type: .mlpGELU(depth: 0)) },
        BadInput("MlpProjector: downsample depth 0") {
            _ = try MlpProjector(batch: 1, tokens: 256, type: .downsampleMLPGELU(depth: 0, ratio: 2, mlpRatio: 1))
        },
        BadInput("MlpProjector: downsample ratio 0") {
            _ = try MlpProjector(batch: 1, tokens: 256, type: .downsampleMLPGELU(depth: 2, ratio: 0, mlpRatio: 1))
        },
        BadInput("MlpProjector: mlp_ratio 0") {
            _ = try MlpProjector(batch: 1, tokens: 256, type: .downsampleMLPGELU(depth: 2, ratio: 2, mlpRatio: 0))
        },
        BadInput("MlpProjector: 10 tokens are not a square grid") {
            _ = try MlpProjector(batch: 1, tokens: 10, type: .downsampleMLPGELU(depth: 2, ratio: 2, mlpRatio: 1))
        },
        // Views and workloads
        BadInput("VisionEncoderView: 8-pixel image") { _ = try VisionEncoderView(batch: 1, imageSize: 8) },
        BadInput("VisionEncoderView: batch 0") { _ = try VisionEncoderView(batch: 0, imageSize: 1024) },
        BadInput("VisionEncoderView: SAM emits 512 channels, CLIP wants 1024") {
            _ = try VisionEncoderView(batch: 1, imageSize: 1024, sam: sam { $0.net3Channels = 512 })
        },
        BadInput("Workload: batch 0") { _ = try Workload(mode: .gundam, batch: 0) },
        BadInput("Workload: batch −1") { _ = try Workload(mode: .base, batch: -1) },
        BadInput("Workload: crops in base mode") { _ = try Workload(mode: .base, crops: try CropGrid(widthTiles: 2, heightTiles: 2)) },
        BadInput("Workload: crops in tiny mode") { _ = try Workload(mode: .tiny, crops: try CropGrid(widthTiles: 1, heightTiles: 1)) },
        // Crop grids
        BadInput("CropGrid 0x2") { _ = try CropGrid(widthTiles: 0, heightTiles: 2) },
        BadInput("CropGrid 2x0") { _ = try CropGrid(widthTiles: 2, heightTiles: 0) },
        BadInput("CropGrid −1x2") { _ = try CropGrid(widthTiles: -1, heightTiles: 2) },
        BadInput("CropGrid 4x3: 12 > 9 crops") { _ = try CropGrid(widthTiles: 4, heightTiles: 3) },
        BadInput("CropGrid 10x1: 10 > 9 crops") { _ = try CropGrid(widthTiles: 10, heightTiles: 1) },
        BadInput("CropGrid parsing 0x2") { _ = try CropGrid(parsing: "0x2") },
        BadInput("CropGrid parsing 4x3") { _ = try CropGrid(parsing: "4x3") },
        // Malformed text
        BadInput("CropGrid parsing 2by2", .malformedValue) { _ = try CropGrid(parsing: "2by2") },
        BadInput("CropGrid parsing x2", .malformedValue) { _ = try CropGrid(parsing: "x2") },
        BadInput("CropGrid parsing 2x", .malformedValue) { _ = try CropGrid(parsing: "2x") },
        BadInput("CropGrid parsing empty", .malformedValue) { _ = try CropGrid(parsing: "") },
        BadInput("CropGrid parsing 2x2x2", .malformedValue) { _ = try CropGrid(parsing: "2x2x2") },
        BadInput("CropGrid parsing 2.5x2", .malformedValue) { _ = try CropGrid(parsing: "2.5x2") },
        BadInput("CropGrid parsing ' 2x2'", .malformedValue) { _ = try CropGrid(parsing: " 2x2") },
        BadInput("CropGrid parsing 2*2", .malformedValue) { _ = try CropGrid(parsing: "2*2") },
        // Unknown names
        BadInput("mode 'huge'", .unknownName) { _ = try VisionMode.named("huge") },
        // A workload's batch is refused past 2¹⁶ before any product is formed: 2⁴⁰ pages, and
        // (Int.max/4 + 1) pages whose 4 crops each would have wrapped the view count.
        BadInput("Workload batch 2⁴⁰", .invalidShape) { _ = try Workload(mode: .base, batch: 1 << 40) },
        BadInput("Workload batch Int.max/4 + 1", .invalidShape) { _ = try Workload(mode: .gundam, batch: Int.max / 4 + 1) },
        BadInput("Workload batch 2¹⁶ + 1", .invalidShape) { _ = try Workload(mode: .gundam, batch: (1 << 16) + 1) },
        // A crop grid's sides are checked before their product: 3,037,000,500² > Int.max.
        BadInput("CropGrid 3037000500x3037000500", .invalidShape) { _ = try CropGrid(widthTiles: 3_037_000_500, heightTiles: 3_037_000_500) },
        BadInput("PageSize 65536x1", .invalidShape) { _ = try PageSize(width: 65_536, height: 1) },
    ]

    /// Sizes whose counts leave the 64-bit range must throw `overflow`, never wrap or trap.
    static let overflows: [BadInput] = [
        // 2⁴⁰ images at 1024: QKV alone is 2·2⁴⁰·4096·768·2304 ≈ 1.6e22 > 9.2e18
        BadInput("ImageEncoderViT metrics at batch 2⁴⁰", .overflow) {
            let encoder = try ImageEncoderViT(batch: 1 << 40, imageSize: 1024)
            _ = try encoder.metrics()
        },
        BadInput("NoTPTransformer metrics at batch 2⁴⁰", .overflow) {
            _ = try NoTPTransformer(batch: 1 << 40, tokens: 257).metrics()
        },
        // S = 2³²·2³² = 2⁶⁴
        BadInput("Attention 2³² × 2³² grid", .overflow) {
            _ = try Attention(batch: 1, height: 1 << 32, width: 1 << 32, relativePositionInputSize: nil)
        },
        // B·S = 2⁴⁰·2⁴⁰ = 2⁸⁰
        BadInput("MLPBlock 2⁴⁰ × 2⁴⁰ tokens", .overflow) { _ = try MLPBlock(batch: 1 << 40, tokens: 1 << 40) },
        // B·H·W = 2⁴⁰·2¹²·2¹² = 2⁶⁴
        BadInput("Block 2⁴⁰ images of 4096 × 4096 tokens", .overflow) {
            _ = try Block(batch: 1 << 40, height: 4096, width: 4096, windowSize: 0)
        },
    ]
}

@Suite("Invalid shapes")
struct InvalidShapeTests {
    @Test("impossible shapes throw the right ModelMeterError", arguments: BadInput.layers)
    func rejected(input: BadInput) {
        do {
            try input.attempt()
            Issue.record("\(input.name): accepted, expected \(input.expected.rawValue)")
        } catch let error as ModelMeterError {
            #expect(ErrorKind(error) == input.expected, "\(input.name): \(error)")
            #expect(!error.description.isEmpty)
        } catch {
            Issue.record("\(input.name): threw a non-ModelMeter error \(error)")
        }
    }

    @Test("absurd sizes throw overflow", arguments: BadInput.overflows)
    func overflow(input: BadInput) {
        do {
            try input.attempt()
            Issue.record("\(input.name): no overflow reported")
        } catch let error as ModelMeterError {
            #expect(ErrorKind(error) == .overflow, "\(input.name): \(error)")
        } catch {
            Issue.record("\(input.name): threw a non-ModelMeter error \(error)")
        }
    }

    @Test("the same shapes one step inside the limits are accepted")
    func boundaries() throws {
        // The largest batch, 2¹⁶, and the largest page side, 65,535 pixels, are accepted.
        #expect(try Workload(mode: .gundam, batch: 1 << 16).batch == 65_536)
        #expect(try PageSize(width: 65_535, height: 65_535).width == 65_535)
        // 3x3 = 9 crops is the vendor's maximum; 1x9 too
        #expect(try CropGrid(widthTiles: 3, heightTiles: 3).count == 9)
        #expect(try CropGrid(parsing: "1x9").count == 9)
        // upper-case X parses
        let grid = try CropGrid(parsing: "2X3")
        #expect(grid.widthTiles == 2 && grid.heightTiles == 3)
        #expect(grid.description == "2x3")
        // a 16-pixel image is exactly one patch: G = 1
        #expect(try PatchEmbed(batch: 1, imageSize: 16).grid.value == 1)
        // 1024 / 8 heads = 128
        #expect(try NoTPAttention(batch: 1, tokens: 257, heads: 8).headDim.value == 128)
        #expect(try VisionMode.named("Gundam") == .gundam)
    }

    @Test("error values name what went wrong")
    func messages() {
        do {
            _ = try Attention(batch: 1, height: 14, width: 14, heads: 7, relativePositionInputSize: nil)
            Issue.record("accepted 7 heads")
        } catch let ModelMeterError.invalidShape(layer, what, reason) {
            #expect(layer == "Attention")
            #expect(what == "num_heads")
            #expect(reason.contains("7") && reason.contains("768"))
        } catch {
            Issue.record("unexpected \(error)")
        }
        #expect(throws: ModelMeterError.malformedValue(
            what: "crop grid", value: "2by2", expected: "WxH with whole numbers, e.g. 2x2")) {
            try CropGrid(parsing: "2by2")
        }
    }
}
