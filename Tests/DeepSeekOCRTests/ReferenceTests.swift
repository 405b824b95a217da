import Foundation
import Testing
import ModelMeter
@testable import DeepSeekOCR

/// The project's copy of the reference data, found from this file's location.
enum ProjectFiles {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let referenceRuns: [ReferenceRun] = (try? ReferenceRun.loadAll(root: root)) ?? []
}

extension ReferenceRun {
    static var all: [ReferenceRun] { ProjectFiles.referenceRuns }
}

/// Our closed-form counts against FlopCounterMode measurements of the vendor modules.
@Suite("FlopCounterMode reference")
struct ReferenceTests {
    @Test("reference data is present: 38 vision runs and 20 decoder runs") func loaded() {
        #expect(ReferenceRun.all.count == 38 + 20)
    }

    @Test("every reference module is verified by exactly one layer type of the model description")
    func everyModuleHasOneLayerType() {
        for module in Set(ReferenceRun.all.map(\.module)) {
            #expect(DeepSeekOCRModel.layers.filter { $0.referenceModules.contains(module) }.count == 1, "\(module)")
        }
    }

    @Test("parameter count equals the vendor module's", arguments: ReferenceRun.all)
    func parameters(run: ReferenceRun) throws {
        #expect(try run.makeLayer().metrics().parameters == run.parameters)
    }

    @Test("forward tensor-core FLOPs equal FlopCounterMode's total", arguments: ReferenceRun.all)
    func forwardTotal(run: ReferenceRun) throws {
        #expect(try run.makeLayer().metrics().forward.tensorCoreFLOPs == run.forwardFLOPs)
    }

    @Test("forward tensor-core FLOPs equal FlopCounterMode's per submodule", arguments: ReferenceRun.all)
    func forwardPerSubmodule(run: ReferenceRun) throws {
        let layer = try run.makeLayer()
        let instances = try layer.moduleInstances()
        for (path, measured) in run.comparableSubmodules {
            let ours = instances.first { $0.path == path }
            #expect(ours != nil, "no module at \(path)")
            #expect(ours?.metrics.forward.tensorCoreFLOPs == measured, "\(run.key) \(path)")
        }
    }

    @Test("backward tensor-core FLOPs equal FlopCounterMode's", arguments: ReferenceRun.all.filter { $0.backwardFLOPs != nil })
    func backwardTotal(run: ReferenceRun) throws {
        #expect(try run.makeLayer().metrics().backward.tensorCoreFLOPs == run.backwardFLOPs)
    }

    @Test("fp32 training activation bytes equal what autograd saved (vision modules)", arguments: ReferenceRun.all.filter(\.isVisionModule))
    func savedForBackward(run: ReferenceRun) throws {
        let ours = try run.makeLayer().metrics(precision: .fp32).memory.trainingActivationBytes
        #expect(run.savedForBackwardBytes >= 0, "\(run.key) has no saved_for_backward_fp32")
        #expect(ours == run.savedForBackwardBytes, "\(run.key): ours \(ours), autograd \(run.savedForBackwardBytes), diff \(ours - run.savedForBackwardBytes)")
    }

    /// Decoder training runs (prefill with grad): `activation_bytes + input_bytes_referenced`, as for the vision modules.
    @Test("fp32 training activation bytes equal what autograd saved (decoder modules)",
          arguments: ReferenceRun.all.filter { !$0.isVisionModule && $0.backwardFLOPs != nil })
    func decoderSavedForBackward(run: ReferenceRun) throws {
        #expect(run.savedForBackwardBytes >= 0, "\(run.key) has no saved_for_backward_fp32")
        let ours = try run.makeLayer().metrics(precision: .fp32).memory.trainingActivationBytes
        #expect(ours == run.savedForBackwardBytes, "\(run.key): ours \(ours), autograd \(run.savedForBackwardBytes), diff \(ours - run.savedForBackwardBytes)")
    }

    @Test("the decoder sample has ten training runs with saved bytes, one per measured module")
    func decoderTrainingRuns() {
        let runs = ReferenceRun.all.filter { !$0.isVisionModule && $0.savedForBackwardBytes >= 0 }
        #expect(runs.count == 10)
        #expect(Set(runs.map(\.module)).count == 10)
    }
}
