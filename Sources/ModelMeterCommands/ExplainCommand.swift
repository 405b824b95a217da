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
        \(DeepSeekOCRModel.layers.map { "\($0.name): \($0.acceptedKeys.joined(separator: ", "))" }.joined(separator: "\n"))
        """)

    @Argument(help: "Layer type, one of the vendor classes of the model description (see `modelmeter list layers`).")
    var layer: String

    @Option(name: .customLong("set"), help: "Override a constructor parameter, key=value (repeatable), e.g. --set heads=16.")
    var settings: [String] = []

    @Option(help: """
        A decoder's config.json: explain one of its modules, named by its named_modules() path \
        (model.layers.3.self_attn) or its class (the first instance); keys batch, tokens, context, kernel.
        """)
    var model: String?

    @Option(help: "With --model on a deepseek_v2/deepseek_v3 config: naive (default) or absorbed latent attention.")
    var mla: String?

    @Option(help: "Output format: text or json.")
    var format: String = "text"

    @OptionGroup var hardware: HardwareOptions

    func execute() throws -> String {
        let format = try checkedFormat(format, accepted: ["text", "json"])
        let recipe: LayerRecipe
        if let model {
            recipe = try ConfigDecoder(path: model, latentMode: try LatentAttentionMode.named(mla ?? "naive")).recipe(for: layer)
        } else {
            if let mla { throw CommandLineError("--mla \(mla) needs --model CONFIG.json (a deepseek_v2 or deepseek_v3 config)") }
            recipe = try DeepSeekOCRModel.recipe(named: layer)
        }
        let (gpu, precision) = try hardware.checked()
        let explanation = try LayerExplanation(recipe: recipe, settings: settings, gpu: gpu, precision: precision)
        return format == "json" ? explanation.json.rendered() + "\n" : explanation.text
    }
}
