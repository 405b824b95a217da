import Testing
import ModelMeter
@testable import DeepSeekOCR

/// DeepSeek-OCR's `RoutedExperts` (a ModuleList of E MLPs) and transformers 5.25's
/// `DeepseekV2Experts` (3-D weights) name and size their experts through one block.
@Suite struct RoutedExpertSizesTests {
    /// DeepSeek-OCR's MoE: D = 1280, F = 896, E = 64, k = 6.
    static let mixture = MixtureConfig(
        routedExperts: 64, sharedExperts: 2, expertsPerToken: 6, expertIntermediateSize: 896, firstDenseLayers: 1,
        selection: .greedy, groups: 1, groupsPerToken: 1, normalizesWeights: false)

    /// Weight elements every term of `layer`'s cost rows reads in the forward pass.
    static func weightReads(_ layer: any Layer) throws -> Int {
        try layer.costRows().reduce(0) { total, row in
            guard case let .term(term, count) = row else { return total }
            return total + count * (try term.forwardTraffic.weightReads.evaluate())
        }
    }

    @Test("same symbols and the same weights read, E_t·3·D·F, at a decode step and a prefill")
    func sameBlock() throws {
        // One token: E_t = 64·(1 − (1 − 6/64)¹) = 6 experts; 3·6·1280·896 = 20,643,840 weight elements.
        // 100 tokens: 64·(1 − (58/64)^100) = 63.9966… → 64 experts; 3·64·1280·896 = 220,200,960.
        for (shape, weights) in [(try DecoderShape.decode(batch: 1, context: 9), 20_643_840),
                                 (try DecoderShape.prefill(batch: 1, tokens: 100), 220_200_960)] {
            let list = try RoutedExperts(shape: shape)
            let threeD = try DeepseekV2Experts(shape: shape, hiddenSize: 1280, mixture: Self.mixture)
            #expect(list.symbols.map { "\($0.name)=\($0.value):\($0.meaning)" } == threeD.symbols.map { "\($0.name)=\($0.value):\($0.meaning)" })
            #expect(try Self.weightReads(list) == weights)
            #expect(try Self.weightReads(threeD) == weights)
        }
    }
}
