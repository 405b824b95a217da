import Foundation
import Testing
@testable import ModelMeterCommands

/// `--sam-attention`, `--clip-attention`, `--projector` and `--projector-depth`.
@Suite struct KernelAndProjectorOptionTests {
    /// The JSON report's `workload` and `modules` objects.
    static func report(_ arguments: [String]) throws -> (workload: [String: Any], modules: [String: [String: Any]]) {
        let text = try CommandHarness.output(["report", "--format", "json"] + arguments)
        let root = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let workload = try #require(root["workload"] as? [String: Any])
        let modules = try #require(root["modules"] as? [String: [String: Any]])
        return (workload, modules)
    }

    static func trainingBytes(_ module: [String: Any]?) -> Int? {
        (module?["memory"] as? [String: Any])?["trainingActivationBytes"] as? Int
    }

    @Test func referenceConditionsReproduceAutogradsSavedBytes() throws {
        // The reference ran SAM on the math path and CLIP on the fused kernel, CPU fp32, image 1024:
        // ImageEncoderViT saved activation 6,725,859,840 B + input 12,582,912 B = 6,738,442,752 B;
        // VitModel saved activation 506,832,784 B + input 0 B
        // (context/reference/flopcounter-reference.json, saved_for_backward_fp32).
        let (workload, modules) = try Self.report(["--mode", "base", "--sam-attention", "eager", "--precision", "fp32"])
        #expect(workload["samAttention"] as? String == "eager")
        #expect(workload["clipAttention"] as? String == "sdpa")
        #expect(workload["attention"] as? String == "mixed")
        #expect(Self.trainingBytes(modules["sam_model"]) == 6_738_442_752)
        #expect(Self.trainingBytes(modules["vision_model"]) == 506_832_784)
    }

    @Test func attentionSetsBothAndEachOptionOverridesOneEncoder() throws {
        let both = try Self.report(["--mode", "tiny", "--attention", "eager"])
        #expect(both.workload["samAttention"] as? String == "eager")
        #expect(both.workload["clipAttention"] as? String == "eager")
        #expect(both.workload["attention"] as? String == "eager")
        let clipFused = try Self.report(["--mode", "tiny", "--attention", "eager", "--clip-attention", "sdpa"])
        #expect(clipFused.workload["clipAttention"] as? String == "sdpa")
        // SAM is untouched by --clip-attention: same saved bytes as with eager everywhere;
        // CLIP's change: the fused kernel keeps less than the math path (no S² probabilities).
        #expect(Self.trainingBytes(clipFused.modules["sam_model"]) == Self.trainingBytes(both.modules["sam_model"]))
        let eagerCLIP = try #require(Self.trainingBytes(both.modules["vision_model"]))
        let fusedCLIP = try #require(Self.trainingBytes(clipFused.modules["vision_model"]))
        #expect(fusedCLIP < eagerCLIP)
    }

    @Test func mlpGELUProjectorWithDepth() throws {
        // mlp_gelu depth 3: Linear, GELU, Linear, GELU, Linear → projector.layers.0 … .4.
        let (workload, modules) = try Self.report(["--mode", "base", "--projector", "mlp_gelu", "--projector-depth", "3"])
        #expect(workload["projector"] as? String == "mlp_gelu")
        #expect(workload["projectorDepth"] as? Int == 3)
        #expect((0...4).allSatisfy { modules["projector.layers.\($0)"] != nil })
        #expect(modules["projector.layers.5"] == nil)
        #expect(modules["projector.layers.1"]?["type"] as? String == "GELU")
        // Parameters: 2048·1280 + 1280 + 2·(1280·1280 + 1280) = 2,622,720 + 3,279,360 = 5,902,080.
        #expect(modules["projector"]?["parameters"] as? Int == 5_902_080)
        // Without a depth mlp_gelu has two Linear layers: 2,622,720 + 1,639,680 = 4,262,400 parameters.
        let two = try Self.report(["--mode", "base", "--projector", "mlp_gelu"])
        #expect(two.modules["projector"]?["parameters"] as? Int == 4_262_400)
    }

    @Test func badValuesEndWithOneErrorLine() {
        #expect(CommandHarness.errorLine(["report", "--format", "json", "--sam-attention", "flash"])
            == "Error: The value 'flash' is invalid for '--sam-attention <sam-attention>'. Please provide one of 'sdpa' and 'eager'. "
                + "See 'modelmeter report --help' for more information.")
        #expect(CommandHarness.errorLine(["report", "--format", "json", "--sam-attention", "EAGER"]) == nil)
        #expect(CommandHarness.errorLine(["report", "--format", "json", "--projector", "conv"])
            == "Error: The value 'conv' is invalid for '--projector <projector>'. Please provide one of 'linear' and 'mlp_gelu'. "
                + "See 'modelmeter report --help' for more information.")
        #expect(CommandHarness.errorLine(["report", "--format", "json", "--projector-depth", "2"])
            == "Error: --projector-depth 2 needs --projector mlp_gelu; linear has one layer")
        #expect(CommandHarness.errorLine(["report", "--format", "json", "--projector", "mlp_gelu", "--projector-depth", "0"])?
            .hasPrefix("Error: ") == true)
    }
}
