import ArgumentParser
import DeepSeekOCR
import ModelMeter

/// Options that pick what runs: mode, crops (or a page size), batch, attention kernel.
///
/// Values are checked when the workload is built (`workload()`), never in `validate()`, so a
/// bad value ends with one `Error: …` line instead of a usage screen.
struct WorkloadOptions: ParsableArguments {
    @Option(help: """
        Model: deepseek-ocr (default) or deepseek-ocr-2 (one mode, gundam: base 1024, crops 768); or a decoder's \
        config.json (a path; model_type llama, mistral, qwen2, deepseek_v2 or deepseek_v3) for report, page, sweep, \
        explain and list: the module tree transformers 5.25 builds from it, with --tokens S and/or --context L.
        """)
    var model: String = OCRModel.deepseekOCR.rawValue

    /// `--model` when it names a `config.json` (a path, or a name ending in `.json`), else nil.
    var configDecoderPath: String? { model.hasSuffix(".json") || model.contains("/") ? model : nil }

    @Option(help: "Vendor mode (DeepSeek-OCR 2 runs gundam only).")
    var mode: VisionMode = .gundam

    @Option(help: "Crop grid WxH for gundam (width tiles x height tiles, at most 9 crops), e.g. 2x3.")
    var crops: String?

    @Option(help: """
        Page size WIDTHxHEIGHT in pixels (gundam; conflicts with --crops): the crop grid is picked as the \
        vendor's preprocessing does; a page within 640x640 runs the global view only.
        """)
    var page: String?

    @Option(parsing: .unconditional, help: "With --page: fewest crops a page is split into (vendor MIN_CROPS).")
    var minCrops: Int = CropGrid.defaultMinimumCrops

    @Option(parsing: .unconditional, help: "With --page: most crops a page is split into (vendor MAX_CROPS, at most 9).")
    var maxCrops: Int = CropGrid.defaultMaximumCrops

    @Option(parsing: .unconditional, help: "Pages processed together.")
    var batch: Int = 1

    @Option(help: "Attention kernel: sdpa (fused) or eager (scores materialised); --sam-attention and --clip-attention set an encoder apart.")
    var attention: AttentionKernel = .sdpa

    @Option(help: "Attention kernel of SAM alone (overrides --attention), e.g. eager as CPU autograd runs its masked attention.")
    var samAttention: AttentionKernel?

    @Option(help: "Attention kernel of CLIP alone (overrides --attention).")
    var clipAttention: AttentionKernel?

    @Option(help: "Projector: linear (what DeepSeek-OCR ships) or mlp_gelu.")
    var projector: ProjectorChoice = .linear

    @Option(parsing: .unconditional, help: "With --projector mlp_gelu: Linear layers, GELU between them (default 2).")
    var projectorDepth: Int?

    @Option(parsing: .unconditional, help: "Decoder prefill positions per sequence (default: the page's image positions + --prompt-tokens).")
    var tokens: Int?

    @Option(parsing: .unconditional, help: "Decoder decode step: positions already in the KV cache (default: the prefill length).")
    var context: Int?

    @Option(parsing: .unconditional, help: "Prompt text tokens besides the image (BOS + instruction; default 10).")
    var promptTokens: Int?

    @Option(help: "Positions lm_head turns into logits: all (Hugging Face forward) or last (serving engines).")
    var logits: LogitPositions = .all

    /// The workload these options describe; throws a one-line error for any bad value.
    func workload() throws -> Workload {
        if let path = configDecoderPath {
            throw CommandLineError("--model \(path): a config.json decoder works with report, page, sweep, explain and list")
        }
        let model = try OCRModel.named(model)
        try model.check(mode)
        try PageCropping.checkRange(minimumCrops: minCrops, maximumCrops: maxCrops)
        var grid = try crops.map { try CropGrid(parsing: $0) }
        var pageSize: PageSize?
        if let page {
            let size = try PageSize(parsing: page)
            pageSize = size
            guard crops == nil else {
                throw CommandLineError("--page \(page) and --crops \(crops ?? "") conflict: give one of them")
            }
            guard mode.cropMode else {
                throw ModelMeterError.invalidShape(
                    layer: "workload", what: "--page \(page)",
                    reason: "page cropping needs crop mode (gundam); \(mode.rawValue) has a single view")
            }
            grid = try PageCropping.grid(
                for: size, minimumCrops: minCrops, maximumCrops: maxCrops, cropSide: model.imageSize(mode))
        }
        var workload = try Workload(
            mode: mode, crops: grid, batch: batch, kernel: attention, projectorType: try projectorType(), page: pageSize,
            samKernel: samAttention, clipKernel: clipAttention
        ).running(model)
        workload.decoder = try decoderSettings(visionTokensPerPage: workload.visionTokensPerPage)
        return workload
    }

    /// The decoder's prompt, step and head; one-line errors for bad values. The prompt's text
    /// tokens share the decoder's `positions` (its max_position_embeddings) with the page's
    /// `visionTokensPerPage`.
    func decoderSettings(visionTokensPerPage: Int, positions: Int = WorkloadLimits.positions) throws -> DecoderSettings {
        var settings = DecoderSettings()
        if let promptTokens {
            try WorkloadLimits.checkPositions(
                promptTokens, "--prompt-tokens", allowZero: true, largest: positions - visionTokensPerPage, maxPositions: positions)
            settings.promptTextTokens = promptTokens
        }
        if let tokens {
            try WorkloadLimits.checkPositions(tokens, "--tokens", allowZero: false, largest: positions, maxPositions: positions)
            settings.prefillTokens = tokens
        }
        if let context {
            try WorkloadLimits.checkPositions(context, "--context", allowZero: true, largest: positions - 1, maxPositions: positions)
            settings.decodeContext = context
        }
        settings.logits = logits
        return settings
    }

    /// `--projector` with `--projector-depth`.
    func projectorType() throws -> ProjectorType {
        switch projector {
        case .linear:
            if let projectorDepth {
                throw CommandLineError("--projector-depth \(projectorDepth) needs --projector mlp_gelu; linear has one layer")
            }
            return .linear
        case .mlpGELU:
            let depth = projectorDepth ?? 2
            try ModelMeterError.requirePositive(depth, "--projector-depth", in: "MlpProjector")
            try ModelMeterError.requireAtMost(
                depth, WorkloadLimits.projectorDepth, "--projector-depth", in: "MlpProjector",
                because: "32 times the vendor's 2 Linear layers")
            return .mlpGELU(depth: depth)
        }
    }
}

/// Options that pick where it runs: a catalog GPU or a spec file, and the storage precision.
struct HardwareOptions: ParsableArguments {
    @Option(help: "GPU from the catalog (see `modelmeter list gpus`; default rtx5090; sweep: keeps only this GPU, default every catalog GPU).")
    var gpu: String?

    @Option(help: "JSON file describing a GPU the catalog lacks (conflicts with --gpu; sweep: added to the catalog's GPUs).")
    var gpuSpec: String?

    @Option(help: "Storage precision.")
    var precision: Precision = .bf16

    /// The chosen GPU: `--gpu`, `--gpu-spec`, or the catalog default.
    func selectedGPU() throws -> GPUSpec {
        if let gpu, let gpuSpec {
            throw CommandLineError("--gpu \(gpu) and --gpu-spec \(gpuSpec) conflict: give one of them")
        }
        if let gpuSpec { return try GPUSpecFile.load(path: gpuSpec) }
        return try GPUCatalog.named(gpu ?? GPUCatalog.defaultGPU.id)
    }

    /// The GPU and precision, checked together: the GPU must have a roof at that precision.
    func checked() throws -> (gpu: GPUSpec, precision: Precision) {
        let gpu = try selectedGPU()
        _ = try gpu.tensorCorePeak(for: precision)
        return (gpu, precision)
    }
}

extension WorkloadOptions {
    /// With `--model CONFIG.json` (a text-only decoder), the options that shape a page image or the
    /// vision encoders make no sense: each given one is one `Error:` line naming it.
    func requireNoVisionOptions(model path: String) throws {
        func refuse(_ option: String) -> CommandLineError {
            CommandLineError("\(option) needs an image; --model \(path) is a text-only decoder (no vision stage)")
        }
        if let page { throw refuse("--page \(page)") }
        if let crops { throw refuse("--crops \(crops)") }
        if mode != .gundam { throw refuse("--mode \(mode.rawValue)") }
        if minCrops != CropGrid.defaultMinimumCrops { throw refuse("--min-crops \(minCrops)") }
        if maxCrops != CropGrid.defaultMaximumCrops { throw refuse("--max-crops \(maxCrops)") }
        if let samAttention { throw refuse("--sam-attention \(samAttention.rawValue)") }
        if let clipAttention { throw refuse("--clip-attention \(clipAttention.rawValue)") }
        if projector != .linear { throw refuse("--projector \(projector.rawValue)") }
        if let projectorDepth { throw refuse("--projector-depth \(projectorDepth)") }
    }
}
