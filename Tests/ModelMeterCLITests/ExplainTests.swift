import DeepSeekOCR
import Foundation
import ModelMeter
import Testing
@testable import ModelMeterCommands

/// `modelmeter explain <Layer>`: rows, totals, memory and roofline, with numbers worked out
/// by hand from the term formulas (2 FLOP per MAC; bf16 = 2 B per element).
@Suite struct ExplainTests {
    /// The cells of a table line (columns are separated by two or more spaces).
    static func cells(_ line: Substring) -> [String] {
        line.trimmingCharacters(in: .whitespaces)
            .components(separatedBy: "  ").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// The table rows of one section (`forward` or `backward`) keyed by row name.
    static func section(_ text: String, _ title: String) -> [String: [String]] {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard let start = lines.firstIndex(where: { $0 == Substring(title) }) else { return [:] }
        var rows: [String: [String]] = [:]
        for line in lines[(start + 1)...] {
            if line.isEmpty { break }
            let cells = cells(line)
            rows[cells[0]] = cells
        }
        return rows
    }

    @Test func attentionDefaultsGolden() throws {
        Golden.check(try CommandHarness.output(["explain", "Attention"]), matches: "explain-Attention.txt")
    }

    /// SAM global attention at 1024: B = 1, H = W = 64, S = 4096, C = 768, h = 12, d = 64.
    @Test func attentionRowsByHand() throws {
        let text = try CommandHarness.output(["explain", "attention"])
        let forward = Self.section(text, "forward")
        // QKV: 2·B·S·C·3C = 2·4096·768·2304 = 14,495,514,624 → 14.50 GFLOP.
        #expect(forward["QKV projection"] == ["QKV projection", "tensor core", "2·B·S·C·3C", "2·1·4096·768·2304", "14.50 GFLOP"])
        // Scores: 2·B·h·S²·d = 2·12·16,777,216·64 = 25,769,803,776 → 25.77 GFLOP.
        #expect(forward["SDPA scores QKᵀ"]?.last == "25.77 GFLOP")
        // Rel-pos einsum: 2·B·h·S·H·d = 2·12·4096·64·64 = 402,653,184 → 402.65 MFLOP.
        #expect(forward["rel-pos einsum (h)"]?.last == "402.65 MFLOP")
        // Softmax: 5·B·h·S² = 5·12·16,777,216 = 1,006,632,960 → 1.01 GFLOP.
        #expect(forward["SDPA softmax"]?.last == "1.01 GFLOP")
        // Forward TC: 14,495,514,624 + 2·402,653,184 + 2·25,769,803,776 + 2·4096·768·768 (4,831,838,208)
        //   = 71,672,266,752 → 71.67 GFLOP.
        // CUDA: qkv bias 4096·2304 = 9,437,184; bias sum and mask add 12·4096² = 201,326,592 each;
        //   softmax 1,006,632,960; proj bias 4096·768 = 3,145,728 → 1,421,869,056 → 1.42 GFLOP.
        // I/O elements: qkv 3,145,728 + 1,771,776 + 9,437,184; two einsums 2·(3,145,728 + 262,144 + 3,145,728);
        //   bias sum 12·4096·128 + 201,326,592; fused SDPA 3·3,145,728 + 201,326,592 + 3,145,728;
        //   proj 3,145,728 + 590,592 + 3,145,728 → 455,871,488 elements × 2 B = 911,742,976 B → 911.74 MB.
        #expect(forward["total"]?.last == "tensor core 71.67 GFLOP, CUDA core 1.42 GFLOP, I/O 911.74 MB")
        #expect(text.contains("forward I/O: 911.74 MB (911,742,976 B)"))
        // Parameters: 768·2304 + 2304 + 768·768 + 768 + 2·(127·64) = 2,378,624 (the oracle's
        // sam.Attention.global also has 2,378,624) → 4,757,248 B. Peak working set: fused SDPA
        // 213,909,504 elements → 427,819,008 B.
        #expect(text.contains("memory: weights 4.76 MB (2,378,624 parameters), activations 427.82 MB, KV cache 0 B"))
        // Intensity (71,672,266,752 + 1,421,869,056) / 911,742,976 = 80.17 FLOP/B < ridge
        // 209.5e12 / 1.792e12 = 116.91 → memory bound; 911,742,976 / 1.792e12 s = 508.8 µs.
        #expect(text.contains("intensity 80.17 FLOP/B, ridge 116.91 FLOP/B"))
        #expect(text.contains("bound memory bandwidth"))
        // Backward QKV: dX and dW GEMMs, 2 × 14,495,514,624 = 28,991,029,248 → 28.99 GFLOP.
        #expect(Self.section(text, "backward")["QKV projection"]?.last == "28.99 GFLOP")
    }

    @Test func settingsChangeTheShape() throws {
        // heads = 16 → d = 768/16 = 48.
        let text = try CommandHarness.output(["explain", "Attention", "--set", "heads=16", "--set", "batch=2"])
        #expect(text.contains("settings: batch=2 height=64 width=64 dim=768 heads=16 relpos-height=64 relpos-width=64 kernel=sdpa"))
        #expect(text.contains("  d = 48 "))
        // QKV at B = 2: 2·2·4096·768·2304 = 28,991,029,248 → 28.99 GFLOP.
        #expect(Self.section(text, "forward")["QKV projection"]?.last == "28.99 GFLOP")
        // Without rel-pos tables there are no einsum rows and no mask add.
        let plain = try CommandHarness.output(["explain", "Attention", "--set", "relpos-height=0", "--set", "relpos-width=0"])
        #expect(Self.section(plain, "forward")["rel-pos einsum (h)"] == nil)
        #expect(Self.section(plain, "forward")["SDPA mask add"] == nil)
    }

    @Test func windowedBlockShowsPaddingAndModules() throws {
        // 64×64 grid, window 14: padded to 70×70, (70/14)² = 25 windows; window partition moves
        // B·H·W·C + B·Hp·Wp·C = 4096·768 + 4900·768 = 3,145,728 + 3,763,200 = 6,908,928 elements
        // = 13,817,856 B → 13.82 MB.
        let text = try CommandHarness.output(["explain", "Block"])
        #expect(text.contains("  n_win = 25 "))
        let forward = Self.section(text, "forward")
        #expect(forward["window partition"]?.dropFirst().first == "memory only")
        #expect(forward["window partition"]?.last == "13.82 MB moved")
        // Documented children are one row each: attn (Attention) and mlp (MLPBlock).
        #expect(forward["attn"]?[1] == "module")
        #expect(forward["attn"]?[2] == "Attention")
        #expect(forward["mlp"]?[2] == "MLPBlock")
        // The MLP runs on the unpadded 4096 tokens: lin1 + lin2 = 2 · 2·4096·768·3072 = 38,654,705,664
        // → 38.65 GFLOP of tensor-core work in the module row.
        #expect(forward["mlp"]?.last?.hasPrefix("tensor core 38.65 GFLOP") == true)
    }

    @Test func projectorMatchesTheOracle() throws {
        // MlpProjector (linear) at 256 tokens: 2·256·2048·1280 = 1,342,177,280 FLOP — the
        // FlopCounterMode figure in reference/oracle (proj.MlpProjector.linear/img1024_b1).
        let json = try CommandHarness.output(["explain", "MlpProjector", "--format", "json"])
        #expect(json.contains("\"flops\": 1342177280"))
        // Parameters 2048·1280 + 1280 = 2,622,720 (oracle: 2,622,720).
        #expect(json.contains("\"parameters\": 2622720"))
    }

    @Test func layerNorm2dJSONGolden() throws {
        // LayerNorm2d (neck): 8·B·C·H·W = 8·256·64·64 = 8,388,608 CUDA-core FLOP; I/O reads
        // 1,048,576 + 512 weights, writes 1,048,576 → 2,097,664 elements = 4,195,328 B.
        let json = try CommandHarness.output(["explain", "LayerNorm2d", "--format", "json"])
        #expect(json.contains("\"cudaCoreFLOPs\": 8388608"))
        #expect(json.contains("\"ioBytes\": 4195328"))
        Golden.check(json, matches: "explain-LayerNorm2d.json")
    }

    /// For every layer, the rows add up to the layer's totals (terms × count + module totals).
    @Test(arguments: DeepSeekOCRModel.layers.map(\.name)) func rowsAddUpToTotals(_ name: String) throws {
        let explanation = try LayerExplanation(
            recipe: try DeepSeekOCRModel.recipe(named: name), settings: [], gpu: GPUCatalog.rtx5090, precision: .bf16)
        for (rows, pass) in [(explanation.forwardRows, explanation.metrics.forward), (explanation.backwardRows, explanation.metrics.backward)] {
            var tensorCore = 0, cudaCore = 0
            for row in rows {
                if let cost = row.moduleCost {
                    tensorCore += cost.tensorCoreFLOPs
                    cudaCore += cost.cudaCoreFLOPs
                } else if row.unit == ComputeUnit.tensorCore.rawValue {
                    tensorCore += row.value
                } else if row.unit == ComputeUnit.cudaCore.rawValue {
                    cudaCore += row.value
                }
            }
            #expect(tensorCore == pass.tensorCoreFLOPs)
            #expect(cudaCore == pass.cudaCoreFLOPs)
        }
        // Every layer explains in both formats.
        #expect(try CommandHarness.output(["explain", name]).hasPrefix("\(name) ("))
        #expect(try CommandHarness.output(["explain", name, "--format", "json"]).contains("\"layer\": \"\(name)\""))
    }

    @Test func eagerKernelAndPrecision() throws {
        // fp32: 4 B per element, fp32 matmuls use the CUDA-core roof (104.8 TFLOPS): ridge
        // 104.8e12 / 1.792e12 = 58.48 FLOP/B.
        let text = try CommandHarness.output(["explain", "NoTPAttention", "--set", "kernel=eager", "--precision", "fp32"])
        #expect(text.contains("kernel=eager"))
        #expect(text.contains("precision fp32 (4 B per element)"))
        #expect(text.contains("ridge 58.48 FLOP/B"))
    }

    static let badInputs: [BadInput] = [
        BadInput(arguments: ["explain", "Foo"], message: "Error: unknown layer 'Foo'; accepted: " + DeepSeekOCRModel.layers.map(\.name).joined(separator: ", ")),
        BadInput(arguments: ["explain", "Attention", "--set", "heads=7"], message: "Error: Attention: invalid num_heads: num_heads = 7 does not divide dim = 768"),
        BadInput(arguments: ["explain", "Attention", "--set", "foo=1"], message: "Error: unknown parameter of Attention 'foo'; accepted: batch, height, width, dim, heads, relpos-height, relpos-width, kernel"),
        BadInput(arguments: ["explain", "MLPBlock", "--set", "kernel=sdpa"], message: "Error: unknown parameter of MLPBlock 'kernel'; accepted: batch, tokens, dim, mlp-dim"),
        BadInput(arguments: ["explain", "Attention", "--set", "heads=abc"], message: "Error: malformed value of heads 'abc': expected a whole number"),
        BadInput(arguments: ["explain", "Attention", "--set", "heads"], message: "Error: malformed --set 'heads': expected key=value, e.g. batch=2"),
        BadInput(arguments: ["explain", "Attention", "--set", "kernel=flash"], message: "Error: unknown attention variant 'flash'; accepted: sdpa, eager"),
        BadInput(arguments: ["explain", "Attention", "--set", "batch=0"], message: "Error: Attention: invalid batch: 0 is not positive"),
        BadInput(arguments: ["explain", "Block", "--set", "window=-2"], message: "Error: Block: invalid window_size: -2 is negative"),
        BadInput(arguments: ["explain", "PatchEmbed", "--set", "image=8"], message: "Error: PatchEmbed: invalid image size: 8 is smaller than the 16-pixel patch"),
        BadInput(arguments: ["explain", "Attention", "--set", "batch=4000000000000"], message: "Error: Attention: invalid batch: 4000000000000 is more than 2147483647, the largest batch that works (a product of two sizes must fit 64 bits)"),
        BadInput(arguments: ["explain", "Attention", "--format", "xml"],
                 message: "Error: The value 'xml' is invalid for '--format <format>'. Please provide one of 'text' and 'json'. "
                    + "See 'modelmeter explain --help' for more information."),
        BadInput(arguments: ["explain", "Attention", "--precision", "fp64"],
                 message: "Error: The value 'fp64' is invalid for '--precision <precision>'. Please provide one of 'bf16', 'fp16', 'fp32' or 'fp8'. "
                    + "See 'modelmeter explain --help' for more information."),
        BadInput(arguments: ["explain", "Attention", "--gpu", "a100-sxm-80gb", "--precision", "fp8"], message: "Error: unknown precision for NVIDIA A100 SXM 80GB 'fp8'; accepted: bf16, fp16, fp32"),
        BadInput(arguments: ["explain", "ImageEncoderViT", "--set", "depth=0"], message: "Error: ImageEncoderViT: invalid depth: 0 is not positive"),
    ]

    @Test(arguments: badInputs) func oneLineErrors(_ input: BadInput) {
        #expect(CommandHarness.errorLine(input.arguments) == input.message)
    }

    @Test func helpGolden() {
        Golden.check(ExplainCommand.helpMessage(columns: 100), matches: "explain-help.txt")
    }
}
