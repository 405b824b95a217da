import Foundation
import Testing
@testable import ModelMeterCommands

/// `report --model CONFIG.json`: the machine interface outside checks rely on.
@Suite struct ConfigModelReportTests {
    static let config = CommandHarness.packageRoot.appendingPathComponent("tools/reference/configs/deepseek-v2-lite.json").path
    static let reference = CommandHarness.packageRoot.appendingPathComponent("context/reference/decoders/deepseek-v2-lite.json")

    /// `modules` of `report --model … --format json` plus `arguments`.
    static func modules(_ arguments: [String]) throws -> [String: [String: Any]] {
        let text = try CommandHarness.output(["report", "--model", config, "--format", "json", "--precision", "fp32"] + arguments)
        let document = try #require(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        return try #require(document["modules"] as? [String: [String: Any]])
    }

    static func number(_ entry: [String: Any]?, _ keys: String...) -> Int? {
        var value: Any? = entry
        for key in keys { value = (value as? [String: Any])?[key] }
        return (value as? NSNumber)?.intValue
    }

    /// The measured run (`prefill_s17_b2`, …) of the committed FlopCounterMode document.
    static func measured(_ run: String) throws -> (parameters: [String: Int], flops: [String: Int], cacheBytes: Int, layers: Int) {
        let document = try #require(JSONSerialization.jsonObject(with: Data(contentsOf: reference)) as? [String: Any])
        let runs = try #require(document["runs"] as? [String: [String: Any]])
        let entry = try #require(runs[run])
        let byModule = try #require(entry["flopsByModule"] as? [String: [String: Any]])
        return (
            try #require(document["parameters"] as? [String: Int]),
            byModule.compactMapValues { ($0["total"] as? NSNumber)?.intValue },
            try #require((entry["cacheBytesAfter"] as? NSNumber)?.intValue),
            try #require((document["layersBuilt"] as? NSNumber)?.intValue))
    }

    @Test("prefill and decode modules carry the named_modules() paths and FlopCounterMode's counts",
          arguments: [("prefill_s17_b2", ["--stage", "prefill", "--tokens", "17", "--batch", "2", "--attention", "eager"]),
                      ("decode_kv40_b3", ["--stage", "decode", "--context", "40", "--batch", "3", "--attention", "eager"])])
    func machineInterface(run: String, arguments: [String]) throws {
        let modules = try Self.modules(arguments)
        let stage = arguments[1]
        let reference = try Self.measured(run)
        // The reference built layers 0 (dense) and 1 (MoE); every path under them is reported as it is.
        let paths = reference.parameters.keys.filter { $0.hasPrefix("model.layers.0") || $0.hasPrefix("model.layers.1") || $0 == "lm_head" }
        #expect(paths.count > 30)
        for path in paths {
            let entry = try #require(modules["\(stage)/\(path)"], "\(stage)/\(path) missing")
            #expect(Self.number(entry, "parameters") == reference.parameters[path], "\(path)")
            #expect(Self.number(entry, "forward", "tensorCoreFLOPs") == reference.flops[path] ?? 0, "\(path)")
            #expect(Self.number(entry, "backward", "tensorCoreFLOPs") == 2 * (reference.flops[path] ?? 0), "\(path)")
            #expect(Self.number(entry, "forward", "cudaCoreFLOPs") != nil && Self.number(entry, "forward", "ioBytes") != nil)
        }
        // Each layer caches the same latent: the measured cache divided by the layers built.
        #expect(Self.number(modules["\(stage)/model.layers.1.self_attn"], "memory", "kvCacheBytes") == reference.cacheBytes / reference.layers)
        // All 27 layers of DeepSeek-V2-Lite are reported, not only the two the reference built.
        #expect(modules["\(stage)/model.layers.26.mlp.gate"] != nil && modules["\(stage)/model.layers.27"] == nil)
    }

    @Test("absorbed MLA prices kv_b_proj on the new rows only: 2·T·h·r·(dn + dv)")
    func absorbed() throws {
        let modules = try Self.modules(["--context", "40", "--batch", "3", "--mla", "absorbed"])
        // T = 3 rows, h = 16, r = 512, dn = dv = 128: 2·3·16·512·256 = 12,582,912 (naive: 2·3·41·512·16·256).
        #expect(Self.number(modules["decode/model.layers.1.self_attn.kv_b_proj"], "forward", "tensorCoreFLOPs") == 12_582_912)
        // Latent scores and P·V: 2·B·h·S·Sk·(r + dr) + 2·B·h·S·Sk·r = 2·3·16·1·41·(576 + 512).
        let attention = Self.number(modules["decode/model.layers.1.self_attn"], "forward", "tensorCoreFLOPs")
        let projections = ["q_proj", "kv_a_proj_with_mqa", "kv_b_proj", "o_proj"].compactMap {
            Self.number(modules["decode/model.layers.1.self_attn.\($0)"], "forward", "tensorCoreFLOPs")
        }.reduce(0, +)
        #expect(attention.map { $0 - projections } == 2 * 3 * 16 * 41 * (576 + 512))
    }

    static let badInputs: [BadInput] = [
        BadInput(arguments: ["report", "--mla", "absorbed", "--format", "json"],
                 message: "Error: --mla absorbed needs --model CONFIG.json (a deepseek_v2 or deepseek_v3 config)"),
        BadInput(arguments: ["report", "--model", config, "--tokens", "4", "--format", "csv"],
                 message: "Error: unknown format 'csv'; accepted: json"),
        BadInput(arguments: ["report", "--model", config, "--tokens", "4", "--stage", "prefill"],
                 message: "Error: --stage prefill needs --format json; the site shows every stage"),
        BadInput(arguments: ["report", "--model", config, "--file", "x.json"],
                 message: "Error: --file x.json needs --format json; the site is written to --output"),
        BadInput(arguments: ["report", "--model", config, "--format", "json"],
                 message: "Error: --model \(config) needs --tokens S (a prefill) and/or --context L (a decode step)"),
        BadInput(arguments: ["report", "--model", config, "--format", "json", "--tokens", "4", "--mla", "fused"],
                 message: "Error: The value 'fused' is invalid for '--mla <mla>'. Please provide one of 'naive' and 'absorbed'. "
                    + "See 'modelmeter report --help' for more information."),
        BadInput(arguments: ["report", "--model", config, "--format", "json", "--stage", "vision", "--tokens", "4"],
                 message: "Error: workload: invalid stage vision: a config.json decoder has prefill and decode stages only"),
    ]

    @Test("bad --model invocations end with one line", arguments: badInputs)
    func errors(input: BadInput) {
        #expect(CommandHarness.errorLine(input.arguments) == input.message)
    }

    @Test("an unknown model_type or a missing field is one Error: line naming it")
    func configErrors() throws {
        let folder = try CommandHarness.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let cases = [
            (#"{"model_type": "gpt2"}"#, "field model_type \"gpt2\" is not supported; accepted: llama, mistral, qwen2, deepseek_v2, deepseek_v3"),
            (#"{"model_type": "qwen2", "hidden_size": 64, "num_attention_heads": 4}"#, "field num_key_value_heads is missing"),
            (#"{"model_type": "llama", "hidden_size": 64.5}"#, "field hidden_size is 64.5; expected a whole number"),
            ("[1, 2]", "is not a JSON object"),
        ]
        for (index, (text, problem)) in cases.enumerated() {
            let file = folder.appendingPathComponent("c\(index).json")
            try Data(text.utf8).write(to: file)
            #expect(CommandHarness.errorLine(["report", "--model", file.path, "--format", "json", "--tokens", "2"])
                == "Error: c\(index).json: \(problem)")
        }
    }

    @Test("list layers --model lists the tree's classes with their instance counts")
    func listLayers() throws {
        let lines = try CommandHarness.output(["list", "layers", "--model", Self.config]).split(separator: "\n")
        let rows = lines.dropFirst().map(ExplainTests.cells)
        let reference = try #require(
            JSONSerialization.jsonObject(with: Data(contentsOf: Self.reference)) as? [String: Any])
        let parameters = try #require(reference["parameters"] as? [String: Int])
        // DeepSeek-V2-Lite: 27 layers, the first dense (first_k_dense_replace 1): 26 routers, one per MoE layer.
        let router = try #require(rows.first { $0.first == "DeepseekV2TopkRouter" })
        let gateParameters = try #require(parameters["model.layers.1.mlp.gate"])
        #expect(router[1] == "26" && router[2] == "\(gateParameters)")
        #expect(rows.first { $0.first == "DeepseekV2Attention" }?[1] == "27")
        #expect(rows.first?.first == "DeepseekV2ForCausalLM")
    }

    @Test("explain --model takes a module path or a class and prints its formulas")
    func explain() throws {
        let text = try CommandHarness.output([
            "explain", "--model", Self.config, "model.layers.1.self_attn.kv_b_proj", "--set", "tokens=1", "--set", "context=40",
            "--set", "batch=3",
        ])
        // kv_b_proj re-expands all L + S = 41 cached positions of the 3 sequences: 2·3·41·512·16·256.
        #expect(text.contains("kv_b projection"))
        #expect(text.contains("515.90 MFLOP"))
        let byClass = try CommandHarness.output(["explain", "--model", Self.config, "DeepseekV2TopkRouter"])
        #expect(byClass.hasPrefix("DeepseekV2TopkRouter ("))
        #expect(CommandHarness.errorLine(["explain", "--model", Self.config, "NoSuchModule"])?
            .hasPrefix("Error: unknown module path or class of deepseek-v2-lite.json 'NoSuchModule'; accepted: DeepseekV2ForCausalLM") == true)
    }
}
