import Testing
import ModelMeter
@testable import DeepSeekOCR

/// A composite layer to check, built at a DeepSeek-OCR shape.
struct Composite: Sendable, CustomTestStringConvertible {
    let name: String
    let make: @Sendable () throws -> any Layer
    var testDescription: String { name }

    static let all: [Composite] = [
        Composite(name: "Attention windowed") { try Attention(batch: 25, height: 14, width: 14, relativePositionInputSize: (14, 14)) },
        Composite(name: "Attention global 40×40 (resized tables)") {
            try Attention(batch: 1, height: 40, width: 40, relativePositionInputSize: (64, 64))
        },
        Composite(name: "Block windowed") { try Block(batch: 1, height: 64, width: 64, windowSize: 14) },
        Composite(name: "Block global") { try Block(batch: 1, height: 64, width: 64, windowSize: 0) },
        Composite(name: "MLPBlock") { try MLPBlock(batch: 1, tokens: 4096) },
        Composite(name: "PatchEmbed") { try PatchEmbed(batch: 1, imageSize: 1024) },
        Composite(name: "ImageEncoderViT 1024") { try ImageEncoderViT(batch: 1, imageSize: 1024) },
        Composite(name: "ImageEncoderViT 640") { try ImageEncoderViT(batch: 2, imageSize: 640) },
        Composite(name: "CLIPVisionEmbeddings 16") { try CLIPVisionEmbeddings(batch: 1, patchGrid: 16) },
        Composite(name: "CLIPVisionEmbeddings 10") { try CLIPVisionEmbeddings(batch: 4, patchGrid: 10) },
        Composite(name: "NoTPAttention") { try NoTPAttention(batch: 1, tokens: 257) },
        Composite(name: "NoTPFeedForward") { try NoTPFeedForward(batch: 1, tokens: 257) },
        Composite(name: "NoTPTransformerBlock") { try NoTPTransformerBlock(batch: 1, tokens: 257) },
        Composite(name: "NoTPTransformer") { try NoTPTransformer(batch: 1, tokens: 257) },
        Composite(name: "VitModel") { try VitModel(batch: 1, patchGrid: 16) },
        Composite(name: "MlpProjector linear") { try MlpProjector(batch: 1, tokens: 256) },
        Composite(name: "MlpProjector mlp_gelu depth 2") { try MlpProjector(batch: 1, tokens: 256, type: .mlpGELU(depth: 2)) },
        Composite(name: "MlpProjector downsample_mlp_gelu") {
            try MlpProjector(batch: 1, tokens: 100, type: .downsampleMLPGELU(depth: 3, ratio: 3, mlpRatio: 2))
        },
        Composite(name: "VisionEncoderView 1024") { try VisionEncoderView(batch: 1, imageSize: 1024) },
        Composite(name: "VisionEncoderView 640 eager") { try VisionEncoderView(batch: 2, imageSize: 640, kernel: .eager) },
        Composite(name: "DeepSeekOCRVision base") { try DeepSeekOCRVision(workload: try Workload(mode: .base)) },
        Composite(name: "DeepSeekOCRVision gundam 2×3") {
            try DeepSeekOCRVision(workload: try Workload(mode: .gundam, crops: try CropGrid(widthTiles: 2, heightTiles: 3)))
        },
    ]
}

/// Recomputes a layer's totals from its own terms and its children's metrics × multiplicities.
func expectComposes(_ layer: any Layer, path: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let bytes = Precision.bf16.bytesPerElement
    var parameters = 0, gradients = 0
    var fwdTC = 0, bwdTC = 0, fwdCUDA = 0, bwdCUDA = 0, fwdIO = 0, bwdIO = 0, saved = 0, peak = 0
    for tensor in layer.ownParameters {
        let count = tensor.shape.reduce(1, *)
        parameters += count
        if layer.parametersReceiveGradients { gradients += bytes * count }
    }
    for term in layer.ownTerms {
        let fwd = try term.forwardFLOPs.evaluate(), bwd = try term.backwardFLOPs.evaluate()
        switch term.unit {
        case .tensorCore: fwdTC += fwd; bwdTC += bwd
        case .cudaCore: fwdCUDA += fwd; bwdCUDA += bwd
        case .memoryOnly: #expect(fwd == 0 && bwd == 0, "\(path) \(term.name)", sourceLocation: sourceLocation)
        }
        fwdIO += bytes * (try term.forwardTraffic.total.evaluate())
        bwdIO += bytes * (try term.backwardTraffic.total.evaluate())
        saved += bytes * (try term.savedElements.evaluate())
        saved += try term.savedFixedWidthBytes.evaluate()
        peak = max(peak, bytes * (try term.forwardTraffic.workingSet.evaluate()))
    }
    for child in layer.children {
        let m = try child.layer.metrics()
        if child.ownsParameters {
            parameters += child.count * m.parameters
            gradients += child.count * m.memory.gradientBytes
        }
        fwdTC += child.count * m.forward.tensorCoreFLOPs
        bwdTC += child.count * m.backward.tensorCoreFLOPs
        fwdCUDA += child.count * m.forward.cudaCoreFLOPs
        bwdCUDA += child.count * m.backward.cudaCoreFLOPs
        fwdIO += child.count * m.forward.ioBytes
        bwdIO += child.count * m.backward.ioBytes
        saved += child.count * m.memory.trainingActivationBytes
        peak = max(peak, m.memory.activationBytes)
    }
    let held = bytes * (try layer.heldActivationElements.evaluate())
    let m = try layer.metrics()
    let context: Comment = "\(path) (\(layer.typeName))"
    #expect(m.parameters == parameters, context, sourceLocation: sourceLocation)
    #expect(m.memory.weightBytes == bytes * parameters, context, sourceLocation: sourceLocation)
    #expect(m.memory.gradientBytes == gradients, context, sourceLocation: sourceLocation)
    #expect(m.forward.tensorCoreFLOPs == fwdTC, context, sourceLocation: sourceLocation)
    #expect(m.backward.tensorCoreFLOPs == bwdTC, context, sourceLocation: sourceLocation)
    #expect(m.forward.cudaCoreFLOPs == fwdCUDA, context, sourceLocation: sourceLocation)
    #expect(m.backward.cudaCoreFLOPs == bwdCUDA, context, sourceLocation: sourceLocation)
    #expect(m.forward.ioBytes == fwdIO, context, sourceLocation: sourceLocation)
    #expect(m.backward.ioBytes == bwdIO, context, sourceLocation: sourceLocation)
    #expect(m.memory.trainingActivationBytes == saved, context, sourceLocation: sourceLocation)
    #expect(m.memory.activationBytes == held + peak, context, sourceLocation: sourceLocation)
    #expect(m.memory.kvCacheBytes == 0, context, sourceLocation: sourceLocation)
}

@Suite("Composition")
struct CompositionTests {
    @Test("a composite's totals = its own terms + Σ children × multiplicity", arguments: Composite.all)
    func composes(composite: Composite) throws {
        let layer = try composite.make()
        #expect(!layer.children.isEmpty)
        try expectComposes(layer, path: composite.name)
    }

    @Test("every module in the tree composes, and its instance carries its own metrics", arguments: Composite.all)
    func composesEverywhere(composite: Composite) throws {
        let root = try composite.make()
        for instance in try root.moduleInstances() {
            try expectComposes(instance.layer, path: instance.path)
            #expect(instance.metrics == (try instance.layer.metrics()), "\(instance.path)")
        }
    }

    // MARK: - SAM blocks

    @Test("SAM's 12 blocks are 8 windowed + 4 global (2, 5, 8, 11), in runs")
    func samBlockRuns() throws {
        let encoder = try ImageEncoderViT(batch: 1, imageSize: 1024)
        let blocks = try #require(encoder.children.first { $0.name == "blocks" }).layer
        #expect(blocks.typeName == "ModuleList")
        let runs = blocks.children
        // runs: 0–1 windowed, 2 global, 3–4, 5, 6–7, 8, 9–10, 11
        #expect(runs.map(\.firstIndex) == [0, 2, 3, 5, 6, 8, 9, 11])
        #expect(runs.map(\.count) == [2, 1, 2, 1, 2, 1, 2, 1])
        #expect(runs.map(\.displayName) == ["0…1", "2", "3…4", "5", "6…7", "8", "9…10", "11"])
        var windowed = 0, global: [Int] = []
        for run in runs {
            let block = try #require(run.layer as? Block)
            if block.isGlobal { global += run.expandedNames.compactMap { Int($0) } } else { windowed += run.count }
        }
        #expect(windowed == 8)
        #expect(global == [2, 5, 8, 11])

        // The container = 8 × windowed block + 4 × global block, each built on its own.
        let w = try Block(batch: 1, height: 64, width: 64, windowSize: 14).metrics()
        let g = try Block(batch: 1, height: 64, width: 64, windowSize: 0).metrics()
        let m = try blocks.metrics()
        #expect(m.forward.tensorCoreFLOPs == 8 * w.forward.tensorCoreFLOPs + 4 * g.forward.tensorCoreFLOPs)
        #expect(m.backward.tensorCoreFLOPs == 8 * w.backward.tensorCoreFLOPs + 4 * g.backward.tensorCoreFLOPs)
        #expect(m.forward.cudaCoreFLOPs == 8 * w.forward.cudaCoreFLOPs + 4 * g.forward.cudaCoreFLOPs)
        #expect(m.forward.ioBytes == 8 * w.forward.ioBytes + 4 * g.forward.ioBytes)
        #expect(m.parameters == 8 * w.parameters + 4 * g.parameters)
        // by hand (golden rows): 8·64,936,894,464 + 4·110,326,972,416 = 519,495,155,712 + 441,307,889,664
        //   = 960,803,045,376
        #expect(m.forward.tensorCoreFLOPs == 960_803_045_376)
    }

    @Test("NoTPTransformer = 24 × NoTPTransformerBlock, in every figure")
    func clipLayers() throws {
        let transformer = try NoTPTransformer(batch: 1, tokens: 257)
        let list = try #require(transformer.children.first { $0.name == "layers" }).layer
        #expect(list.children.count == 1)
        #expect(list.children.first?.count == 24)
        #expect(list.children.first?.displayName == "0…23")
        let block = try NoTPTransformerBlock(batch: 1, tokens: 257).metrics()
        let m = try transformer.metrics()
        #expect(m.parameters == 24 * block.parameters)
        #expect(m.forward.tensorCoreFLOPs == 24 * block.forward.tensorCoreFLOPs)
        #expect(m.backward.tensorCoreFLOPs == 24 * block.backward.tensorCoreFLOPs)
        #expect(m.forward.cudaCoreFLOPs == 24 * block.forward.cudaCoreFLOPs)
        #expect(m.backward.cudaCoreFLOPs == 24 * block.backward.cudaCoreFLOPs)
        #expect(m.forward.ioBytes == 24 * block.forward.ioBytes)
        #expect(m.backward.ioBytes == 24 * block.backward.ioBytes)
        #expect(m.memory.trainingActivationBytes == 24 * block.memory.trainingActivationBytes)
        // Layers run one after another: the peak is one block's, not 24 blocks'.
        #expect(m.memory.activationBytes == block.memory.activationBytes)
        // by hand: 24·12,596,224 = 302,309,376 parameters; 24·6,738,153,472 = 161,715,683,328 forward TC
        #expect(m.parameters == 302_309_376)
        #expect(m.forward.tensorCoreFLOPs == 161_715_683_328)
    }

    // MARK: - Module paths

    @Test("moduleInstances expands the SAM runs into blocks.0 … blocks.11")
    func samPaths() throws {
        let instances = try ImageEncoderViT(batch: 1, imageSize: 1024).moduleInstances()
        let paths = instances.map(\.path)
        #expect(Set(paths).count == paths.count, "paths are unique")
        let blockPaths = paths.filter { $0.hasPrefix("blocks.") && $0.split(separator: ".").count == 2 }
        #expect(blockPaths == (0..<12).map { "blocks.\($0)" })
        #expect(!paths.contains("blocks.12"))
        // windowed blocks see 14×14 windows, global ones the 64×64 grid
        for index in 0..<12 {
            let attention = try #require(instances.first { $0.path == "blocks.\(index).attn" }?.layer as? Attention)
            let global = [2, 5, 8, 11].contains(index)
            #expect(attention.height.value == (global ? 64 : 14), "blocks.\(index)")
            #expect(attention.batch.value == (global ? 1 : 25), "blocks.\(index)")
        }
        for path in ["patch_embed", "patch_embed.proj", "blocks.11.mlp.lin2", "neck", "neck.0", "neck.1", "neck.2", "neck.3",
                     "net_2", "net_3", "blocks.0.attn.qkv", "blocks.0.attn.proj", "blocks.0.norm1"] {
            #expect(paths.contains(path), "\(path)")
        }
        // below each block: norm1, attn, attn.qkv, attn.proj, norm2, mlp, mlp.lin1, mlp.act, mlp.lin2 = 9
        #expect(paths.filter { $0.hasPrefix("blocks.3.") }.count == 9)
    }

    @Test("moduleInstances expands CLIP's run into layers.0 … layers.23")
    func clipPaths() throws {
        let paths = try VitModel(batch: 1, patchGrid: 16).moduleInstances().map(\.path)
        #expect(Set(paths).count == paths.count)
        let layerPaths = paths.filter { $0.hasPrefix("transformer.layers.") && $0.split(separator: ".").count == 3 }
        #expect(layerPaths == (0..<24).map { "transformer.layers.\($0)" })
        for path in ["embeddings", "embeddings.patch_embedding", "embeddings.position_embedding", "pre_layrnorm",
                     "transformer", "transformer.layers", "transformer.layers.23.self_attn.qkv_proj",
                     "transformer.layers.0.mlp.fc2", "transformer.layers.7.layer_norm2"] {
            #expect(paths.contains(path), "\(path)")
        }
        let transformerPaths = try NoTPTransformer(batch: 1, tokens: 257).moduleInstances().map(\.path)
        #expect(transformerPaths.filter { $0.split(separator: ".").count == 2 } == (0..<24).map { "layers.\($0)" })
    }

    @Test("Gundam: global and local views are prefixed, and the crops run at batch × crops")
    func gundamViews() throws {
        // 2×3 crops → local batch 6 at 640; global view at 1024
        let vision = try DeepSeekOCRVision(workload: try Workload(mode: .gundam, crops: try CropGrid(widthTiles: 2, heightTiles: 3)))
        #expect(vision.views.map { $0.prefix } == ["global", "local"])
        #expect(vision.views.map { $0.view.batch.value } == [1, 6])
        #expect(vision.views.map { $0.view.imageSize.value } == [1024, 640])
        #expect(vision.views.map { $0.view.featureGrid.value } == [16, 10])
        let paths = try vision.moduleInstances().map(\.path)
        #expect(paths.contains("global/sam_model.blocks.11.attn"))
        #expect(paths.contains("local/vision_model.transformer.layers.23.mlp"))
        #expect(paths.contains("global/projector.layers"))
        #expect(paths.allSatisfy { $0.hasPrefix("global/") || $0.hasPrefix("local/") })

        // A 1×1 grid runs only the global view.
        let single = try DeepSeekOCRVision(workload: try Workload(mode: .gundam, crops: try CropGrid(widthTiles: 1, heightTiles: 1)))
        #expect(single.views.map { $0.prefix } == ["global"])
    }

    @Test("moduleInstances gives the same paths through `any Layer` as on the concrete type")
    func existentialPaths() throws {
        // Crop-mode views are namespaces ("global/…", "local/…"); single-view modes have no
        // prefix, no "" entry and no leading dot — whether called on the struct or generically.
        let gundam = try DeepSeekOCRVision(workload: try Workload(mode: .gundam))
        let base = try DeepSeekOCRVision(workload: try Workload(mode: .base))
        let concreteGundam = try gundam.moduleInstances().map(\.path)
        let concreteBase = try base.moduleInstances().map(\.path)
        #expect(concreteGundam.first == "global/sam_model")
        #expect(concreteBase.first == "sam_model")
        #expect(!concreteBase.contains { $0.isEmpty || $0.hasPrefix(".") || $0.contains("/") })
        #expect(!concreteGundam.contains("global") && !concreteGundam.contains("local"))
        let existentialGundam = try (gundam as any Layer).moduleInstances().map(\.path)
        let existentialBase = try (base as any Layer).moduleInstances().map(\.path)
        #expect(existentialGundam == concreteGundam)
        #expect(existentialBase == concreteBase)
    }

    @Test("every view shares one set of weights: Gundam counts the parameters once")
    func sharedWeights() throws {
        let base = try DeepSeekOCRVision(workload: try Workload(mode: .base)).metrics()
        let gundam = try DeepSeekOCRVision(workload: try Workload(mode: .gundam)).metrics()
        // SAM 95,569,152 + CLIP 303,177,728 + projector 2048·1280 + 1280 = 2,622,720
        //   + image_newline and view_seperator 2·1280 = 2,560 → 401,372,160
        #expect(base.parameters == 401_372_160)
        #expect(gundam.parameters == 401_372_160)
        #expect(gundam.forward.tensorCoreFLOPs > base.forward.tensorCoreFLOPs)
    }

    @Test("Child multiplicities expand into consecutive names")
    func childNames() throws {
        let norm = try LayerNorm("n", rows: 1, width: 1)
        let run = Child(indices: 9, count: 3, norm)
        #expect(run.expandedNames == ["9", "10", "11"])
        #expect(run.displayName == "9…11")
        let single = Child(indices: 4, count: 1, norm)
        #expect(single.displayName == "4")
        let attribute = Child("mlp", norm)
        #expect(attribute.expandedNames == ["mlp"])
        #expect(attribute.count == 1)
    }
}
