import ModelMeter

/// The largest value each numeric workload option accepts (`--batch`, `--tokens`, `--context`,
/// `--prompt-tokens`, `--crops`, `--page`, `--projector-depth`), checked before anything is
/// built, so no count of any workload within every limit at once can leave exact 64-bit integers.
///
/// Worst page within the other limits (3×3 crops, eager attention, fp32, 8,192 positions,
/// 64-layer `mlp_gelu` projector): its largest figure, the report's summed backward tensor-core
/// FLOPs, is about 3.7·10¹³ per page; times `batch` = 2¹⁶ that is 2.4·10¹⁸ < 2⁶³ − 1 ≈ 9.2·10¹⁸
/// (a quarter of the range: 2¹⁸ pages already overflow). A page job's 8,192 decode steps stay
/// below 10¹⁸ at the same batch.
public enum WorkloadLimits {
    /// Pages processed together: 2¹⁶ (also the largest batch the serving analysis searches).
    public static let batch = 1 << 16
    /// Decoder positions: `max_position_embeddings` = 8,192 bounds `--tokens` (S), `--prompt-tokens`,
    /// and `--context` (L, one below it: a decode step adds one position).
    public static let positions = DeepseekV2Configuration.deepSeekOCR.maxPositions
    /// Linear layers of an `mlp_gelu` projector: 64, 32 times the vendor's 2 (each layer is a
    /// 1280 × 1280 weight; deeper stacks are no projector DeepSeek-OCR could be configured with).
    public static let projectorDepth = 64
    /// Side of a page in pixels: 65,535, the largest a JPEG or WebP image can have (the formats
    /// pages arrive in); `width·height·2` then stays below 2³³.
    public static let pageSide = 65_535

    /// Why a batch is limited, for error lines.
    static let batchReason = "every count of the largest page times the batch must fit 64 bits"

    /// `batch`, checked: positive and at most ``batch``.
    public static func checkBatch(_ batch: Int) throws {
        try ModelMeterError.requirePositive(batch, "batch", in: "workload")
        try ModelMeterError.requireAtMost(batch, Self.batch, "batch", in: "workload", because: batchReason)
    }

    /// A count of decoder positions (`what` is the option's name), checked against `0 or 1…largest`;
    /// `maxPositions` is the decoder's `max_position_embeddings` the limit comes from.
    public static func checkPositions(
        _ value: Int, _ what: String, allowZero: Bool, largest: Int, maxPositions: Int = positions
    ) throws {
        if allowZero {
            guard value >= 0 else {
                throw ModelMeterError.invalidShape(layer: "workload", what: what, reason: "\(value) is negative")
            }
        } else {
            try ModelMeterError.requirePositive(value, what, in: "workload")
        }
        try ModelMeterError.requireAtMost(
            value, largest, what, in: "workload", because: "the decoder's max_position_embeddings is \(maxPositions)")
    }
}
