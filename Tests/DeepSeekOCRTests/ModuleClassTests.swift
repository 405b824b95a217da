import Foundation
import Testing
import ModelMeter
@testable import DeepSeekOCR

/// A page's time split by module class, against values derived by hand from the decoder's
/// configuration (hidden 1,280, vocabulary 129,280, 12 layers of 10 heads × 128, the first
/// dense, 64 routed experts of width 896, 6 per token, 2 shared).
@Suite("Module classes")
struct ModuleClassTests {
    /// The report's default page: gundam 2×2, B = 1, N = 1,000, sdpa, bf16, on the RTX 5090.
    static func defaultPage(batch: Int = 1) throws -> PageModuleBreakdown {
        let page = try PageWorkload(workload: try Workload(mode: .gundam, crops: try CropGrid(widthTiles: 2, heightTiles: 2), batch: batch))
        return try PageModuleBreakdown(try PageCostEvaluator(for: page).result(page, gpu: GPUCatalog.rtx5090))
    }

    @Test("the classes of each call add up to the call: prefill, every decode step, and the seconds of each stage")
    func classesAddUp() throws {
        for batch in [1, 8] {
            let breakdown = try Self.defaultPage(batch: batch)
            let result = breakdown.result
            let prefill = breakdown.prefill.values.reduce(PassCost()) { try! $0.adding($1, times: 1) }
            #expect(prefill == result.cost.prefill.forward)
            // Σ_classes Σ_steps c_class(P + i) is the decode stage's cost.
            let n = result.page.outputTokens, start = result.page.promptTokens
            let decode = try breakdown.decodeStep.values.reduce(PassCost()) { try $0.adding(try $1.sum(from: start, steps: n), times: 1) }
            #expect(decode == result.cost.decode)
            for stage in result.stages {
                let seconds = breakdown.seconds[stage.stage]!.values.reduce(0, +)
                #expect(abs(seconds - stage.seconds) <= 1e-12 * stage.seconds)
            }
        }
    }

    @Test("lm_head in decode: 1,280 × 129,280 bf16 weights plus its input and output per step, all steps memory-bound")
    func lmHeadByHand() throws {
        let breakdown = try Self.defaultPage()
        // Per step at B = 1: weights 1280·129280·2 = 330,956,800 B, input 1280·2 = 2,560 B,
        // logits 129,280·2 = 258,560 B: 331,217,920 B; FLOPs 2·1280·129280 = 330,956,800.
        let step = try #require(breakdown.decodeStep[.lmHead])
        #expect(try step.at(703) == PassCost(tensorCoreFLOPs: 330_956_800, cudaCoreFLOPs: 0, ioBytes: 331_217_920))
        #expect(step.slope == PassCost())
        // 1,000 memory-bound steps on 1,792 GB/s: 1000 · 331,217,920 / 1.792e12 = 0.184831428… s.
        let seconds = try #require(breakdown.seconds[.decode]?[.lmHead])
        #expect(abs(seconds - 0.184_831_428_571) < 1e-9)
    }

    @Test("only attention grows with the cache: 12 layers × K and V × 1,280 × 2 B = 61,440 B per cached position")
    func onlyAttentionGrows() throws {
        let breakdown = try Self.defaultPage()
        for (moduleClass, step) in breakdown.decodeStep {
            if moduleClass == .attention {
                // The slope of the score and value products: 2·2·1,280 FLOPs per layer, 12 layers.
                #expect(step.slope == PassCost(tensorCoreFLOPs: 61_440, cudaCoreFLOPs: step.slope.cudaCoreFLOPs, ioBytes: 61_440))
            } else {
                #expect(step.slope == PassCost(), "\(moduleClass) grows with L")
            }
        }
    }

    @Test("routed experts of one decode token: 6 experts × 3 matrices × 1,280 × 896 bf16 in each of the 11 MoE layers")
    func routedExpertsByHand() throws {
        let breakdown = try Self.defaultPage()
        let step = try #require(breakdown.decodeStep[.routedExperts]).at(703)
        // Weights read: 11 · 6 · 3 · 1280 · 896 · 2 = 454,164,480 B; FLOPs 2 · that / 2 B per element
        // = 11 · 6 · 3 · 2 · 1280 · 896 = 454,164,480 tensor-core FLOPs.
        #expect(step.tensorCoreFLOPs == 454_164_480)
        // The rest of the bytes are the activations the three projections read and write, a few MB at most.
        #expect(step.ioBytes > 454_164_480 && step.ioBytes < 454_164_480 + 2_000_000)
        // The largest three of decode at B = 1: routed experts (454 MB a step), lm_head (331 MB),
        // attention (12 · 4 · 1280² · 2 = 157 MB of projections + 703 · 61,440 = 43 MB of cache).
        #expect(Array(breakdown.decodeClassesByTime.prefix(3)) == [.routedExperts, .lmHead, .attention])
    }

    @Test("a shared expert is the MLP inside a MoE; the dense layer's MLP is not")
    func sharedAndDense() throws {
        let step = try DeepseekV2ForCausalLM(shape: .decode(batch: 1, context: 10), logits: .last).evaluate()
        let split = try ModuleClass.split(decoder: step)
        // Shared experts: 11 layers × 3 × 1280 × (2 · 896) FLOPs·2 = 11 · 3 · 2 · 1280 · 1792 = 151,388,160.
        #expect(split[.sharedExperts]?.tensorCoreFLOPs == 151_388_160)
        // Dense MLP of layer 0: 3 · 2 · 1280 · 6848 = 52,592,640.
        #expect(split[.denseMLP]?.tensorCoreFLOPs == 52_592_640)
    }
}
