import ArgumentParser
import DeepSeekOCR
import ModelMeter

/// `modelmeter explain <Layer>`: one layer's cost table with every formula, substituted and evaluated.
struct ExplainCommand: TextCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Show one layer's cost rows: formula, substituted values and totals, memory and roofline.",
        discussion: """
        Builds the layer with DeepSeek-OCR's shapes; override them with --set key=value. Keys:
        \(OCRModel.deepseekOCR.description.layers.map { "\($0.name): \($0.acceptedKeys.joined(separator: ", "))" }.joined(separator: "\n"))
        """)

    @Argument(help: "Layer type, one of the vendor classes of the model description (see `modelmeter list layers`).")
    var layer: String

    @Option(name: .customLong("set"), help: "Override a constructor parameter, key=value (repeatable), e.g. --set heads=16.")
    var settings: [String] = []

    @Option(help: """
        Model: deepseek-ocr (default) or deepseek-ocr-2 (its layer classes at its shapes); or a decoder's \
        config.json: explain one of its modules, named by its named_modules() path \
        (model.layers.3.self_attn) or its class (the first instance); keys batch, tokens, context, kernel.
        """)
    var model: String?

    @Option(help: "With --model on a deepseek_v2/deepseek_v3 config: naive (default) or absorbed latent attention.")
    var mla: LatentAttentionMode?

    @Option(help: "Output format.")
    var format: TextOrJSON = .text

    @OptionGroup var hardware: HardwareOptions

    func execute() throws -> String {
        let recipe: LayerRecipe
        if let model, OCRModel(rawValue: model.lowercased()) == nil {
            recipe = try ConfigDecoder(path: model, latentMode: mla ?? .naive).recipe(for: layer)
        } else {
            if let mla { throw CommandLineError("--mla \(mla.rawValue) needs --model CONFIG.json (a deepseek_v2 or deepseek_v3 config)") }
            recipe = try (try model.map(OCRModel.named) ?? .deepseekOCR).description.recipe(named: layer)
        }
        let (gpu, precision) = try hardware.checked()
        let explanation: LayerExplanation
        do {
            explanation = try LayerExplanation(recipe: recipe, settings: settings, gpu: gpu, precision: precision)
        } catch let overflow as ModelMeterError {
            guard case .overflow = overflow else { throw overflow }
            throw ModelMeterError.invalidShape(
                layer: recipe.name, what: "--set " + settings.joined(separator: " "),
                reason: "\(overflow); " + largestFitting(recipe, gpu: gpu, precision: precision))
        }
        return format == .json ? explanation.json.rendered() + "\n" : explanation.text
    }

    /// For each `--set key=value` that overflows, the largest value of that key that evaluates in
    /// 64 bits with the other settings kept: a bisection, since every count grows with every size.
    private func largestFitting(_ recipe: LayerRecipe, gpu: GPUSpec, precision: Precision) -> String {
        func overflows(_ trial: [String]) -> Bool {
            do {
                _ = try LayerExplanation(recipe: recipe, settings: trial, gpu: gpu, precision: precision)
                return false
            } catch ModelMeterError.overflow {
                return true
            } catch {
                return false
            }
        }
        var found: [String] = []
        for (index, setting) in settings.enumerated() {
            let parts = setting.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, let value = Int(parts[1]), value > 1 else { continue }
            func with(_ trial: Int) -> [String] {
                var copy = settings
                copy[index] = "\(parts[0])=\(trial)"
                return copy
            }
            // Invariant: `low` fits (or is 0), `high` overflows.
            var low = 0, high = value
            while high - low > 1 {
                let middle = low + (high - low) / 2
                if overflows(with(middle)) { high = middle } else { low = middle }
            }
            if low >= 1, low < value { found.append("\(parts[0]) ≤ \(low)") }
        }
        return found.isEmpty
            ? "no single setting brings the counts within 64 bits"
            : "with the other settings kept, the counts fit 64 bits up to " + found.joined(separator: ", ")
    }
}
