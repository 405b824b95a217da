import Foundation
import Testing
import ModelMeter
@testable import DeepSeekOCR

/// The forecast's vision kernels are the chosen model's vision stack: DeepSeek-OCR 2's page
/// forecast and continuous-serving estimate once priced DeepSeek-OCR's SAM + CLIP kernels instead.
@Suite("forecast vision kernels follow the model")
struct VisionKernelsModelTests {
    /// One A4 page under DeepSeek-OCR 2 (global 1024 view + 2×3 crops of 768): the tensor-core
    /// FLOPs FlopCounterMode measured on the vendor modules (`context/reference/dsocr2-reference.json`),
    /// sam_model + qwen2_model + projector of `global_b1` and of `local_b6`:
    /// 976,607,182,848 + 388,963,008,512 + 587,202,560 + 3,086,695,268,352 + 1,279,455,676,416
    /// + 1,981,808,640 = 5,734,290,147,328.
    @Test("Σ count × tensor-core FLOPs of DeepSeek-OCR 2's vision kernels equals the measured page")
    func deepSeekOCR2() throws {
        let evaluator = PageCostEvaluator(model: .deepseekOCR2)
        let kernels = try evaluator.visionKernels(mode: .gundam, crops: try CropGrid(widthTiles: 2, heightTiles: 3), batch: 1)
        let flops = kernels.reduce(0) { $0 + $1.count * $1.cost.tensorCoreFLOPs }
        #expect(flops == 5_734_290_147_328)
    }
}
