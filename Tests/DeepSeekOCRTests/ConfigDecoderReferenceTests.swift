import Foundation
import Testing
import ModelMeter
@testable import DeepSeekOCR

/// One `tools/reference/decoder_reference.py` document: FlopCounterMode on the `transformers`
/// 5.25 `…ForCausalLM` built from a `config.json` (random weights, eager attention and experts).
struct DecoderReferenceDocument: Decodable {
    struct Source: Decodable { let dtype: String }
    struct Count: Decodable { let total: Int }
    struct Run: Decodable {
        let kind: String
        let batch: Int
        let tokens: Int?
        let cachedTokens: Int?
        let flopsTotal: Int
        let flopsByModule: [String: Count]
        let cacheBytesAfter: Int
    }
    let layersBuilt: Int
    let source: Source
    let parameters: [String: Int]
    let moduleTypes: [String: String]
    let runs: [String: Run]
}

/// A reference file with its decoder, cut to the layers the reference built.
struct DecoderReferenceCase: CustomTestStringConvertible, Sendable {
    let file: String
    var testDescription: String { file }

    var url: URL { ProjectFiles.root.appendingPathComponent("context/reference/decoders/" + file) }

    func load() throws -> (DecoderReferenceDocument, DecoderConfig) {
        let data = try Data(contentsOf: url)
        let document = try JSONDecoder().decode(DecoderReferenceDocument.self, from: data)
        // The configuration the reference was built from, as it is stored in the document.
        let object = try #require(JSONSerialization.jsonObject(with: data) as? [String: Any])
        let configData = try JSONSerialization.data(withJSONObject: try #require(object["config"]))
        var config = try DecoderConfig.parse(configData, source: file)
        config.layers = document.layersBuilt
        config.slidingWindows = Array(config.slidingWindows.prefix(document.layersBuilt))
        return (document, config)
    }

    /// The committed measurements: one public config per family at the shapes the formulas were
    /// written against, and `holdout/`: shapes (and tiny configs exercising group gates, q_lora,
    /// sliding windows, biases) generated after the formulas were written and never fitted on.
    static let all: [DecoderReferenceCase] =
        ["qwen2.5-0.5b.json", "llama-3.2-1b.json", "mistral-7b-v0.1.json", "deepseek-v2-lite.json", "deepseek-v3.json"]
            .map { DecoderReferenceCase(file: $0) }
        + ((try? FileManager.default.contentsOfDirectory(
            atPath: ProjectFiles.root.appendingPathComponent("context/reference/decoders/holdout").path)) ?? [])
            .filter { $0.hasSuffix(".json") }.sorted().map { DecoderReferenceCase(file: "holdout/" + $0) }
}

@Suite("config.json decoders against FlopCounterMode on transformers 5.25")
struct ConfigDecoderReferenceTests {
    @Test("the five public configs and the held-out runs are present")
    func present() {
        #expect(DecoderReferenceCase.all.count >= 5 + 10)
    }

    @Test("every module path, class and parameter count equals named_modules()", arguments: DecoderReferenceCase.all)
    func parameters(case reference: DecoderReferenceCase) throws {
        let (document, config) = try reference.load()
        let run = try #require(document.runs.values.first)
        let model = try ConfigDecoder(config: config).model(shape: try shape(of: run))
        let instances = try model.moduleInstances()
        let ours = Dictionary(uniqueKeysWithValues: instances.map { ($0.path, $0) })
        #expect(Set(ours.keys).union([""]) == Set(document.parameters.keys))
        #expect(try model.metrics().parameters == document.parameters[""])
        #expect(model.typeName == document.moduleTypes[""])
        for (path, count) in document.parameters where !path.isEmpty {
            let instance = try #require(ours[path], "\(path) missing")
            #expect(instance.metrics.parameters == count, "\(path)")
            #expect(instance.layer.typeName == document.moduleTypes[path], "\(path)")
        }
    }

    @Test("forward tensor-core FLOPs per module, backward 2×, and cache bytes equal the measured run",
          arguments: DecoderReferenceCase.all)
    func flops(case reference: DecoderReferenceCase) throws {
        let (document, config) = try reference.load()
        let precision: Precision = document.source.dtype == "bfloat16" ? .bf16 : .fp32
        for (name, run) in document.runs {
            let model = try ConfigDecoder(config: config).model(shape: try shape(of: run))
            let root = try model.metrics(precision: precision)
            #expect(root.forward.tensorCoreFLOPs == run.flopsTotal, "\(name)")
            #expect(root.backward.tensorCoreFLOPs == 2 * run.flopsTotal, "\(name)")
            #expect(root.memory.kvCacheBytes == run.cacheBytesAfter, "\(name)")
            // A ModuleList is never called, so FlopCounterMode books nothing to it (its entries hold the counts).
            for instance in try model.moduleInstances(precision: precision) where instance.layer.typeName != "ModuleList" {
                let measured = run.flopsByModule[instance.path]?.total ?? 0
                #expect(instance.metrics.forward.tensorCoreFLOPs == measured, "\(name) \(instance.path)")
            }
        }
    }

    private func shape(of run: DecoderReferenceDocument.Run) throws -> DecoderShape {
        run.kind == "prefill"
            ? try .prefill(batch: run.batch, tokens: try #require(run.tokens))
            : try .decode(batch: run.batch, context: try #require(run.cachedTokens))
    }
}

@Suite("config.json decoders: KV bytes per token by attention kind")
struct ConfigDecoderKVTests {
    /// Per token over all layers, derived from the measured cache: bytes ÷ (B·positions·layers built·bytes per element) × layers.
    @Test("KV elements per token equal the measured cache's (MHA/GQA 2·kv·d per layer, MLA r + dr)",
          arguments: DecoderReferenceCase.all.filter { !$0.file.contains("sliding") && !$0.file.contains("window") })
    func perToken(case reference: DecoderReferenceCase) throws {
        let (document, config) = try reference.load()
        let full = try DecoderConfig.parse(
            JSONSerialization.data(withJSONObject: try #require(
                (JSONSerialization.jsonObject(with: Data(contentsOf: reference.url)) as? [String: Any])?["config"])),
            source: reference.file)
        let bytes = document.source.dtype == "bfloat16" ? 2 : 4
        for run in document.runs.values {
            let positions = run.kind == "prefill" ? try #require(run.tokens) : try #require(run.cachedTokens) + 1
            let perLayer = run.cacheBytesAfter / (run.batch * positions * document.layersBuilt * bytes)
            #expect(perLayer * config.layers == config.kvCacheElementsPerToken)
            #expect(perLayer * full.layers == full.kvCacheElementsPerToken)
        }
    }

    @Test("hand-derived KV bytes per token in bf16")
    func handDerived() throws {
        func perToken(_ name: String) throws -> Int {
            try DecoderConfig.load(path: ProjectFiles.root.appendingPathComponent("tools/reference/configs/\(name).json").path)
                .kvCacheElementsPerToken * 2
        }
        // GQA: 2 (K, V) · 16 layers · 8 KV heads · 64 = 16,384 elements → 32,768 B.
        #expect(try perToken("llama-3.2-1b") == 32_768)
        // GQA: 2 · 24 layers · 2 KV heads · 64 = 6,144 → 12,288 B.
        #expect(try perToken("qwen2.5-0.5b") == 12_288)
        // MLA latent: 27 layers · (512 + 64) = 15,552 → 31,104 B; DeepSeek-V3: 61 · 576 = 35,136 → 70,272 B.
        #expect(try perToken("deepseek-v2-lite") == 31_104)
        #expect(try perToken("deepseek-v3") == 70_272)
        // DeepSeek-OCR's MHA decoder: 2 · 12 · 10 · 128 = 30,720 → 61,440 B.
        #expect(DeepseekV2Configuration.deepSeekOCR.kvCacheElementsPerToken * 2 == 61_440)
    }
}
