import DeepSeekOCR
import ModelMeter

/// The layer types `explain` and `list layers` offer: the model description's list.
enum LayerCatalog {
    static var recipes: [LayerRecipe] { DeepSeekOCRModel.layers }

    /// The recipe for a layer name, case-insensitively.
    static func recipe(named name: String) throws -> LayerRecipe {
        guard let recipe = recipes.first(where: { $0.name.lowercased() == name.lowercased() }) else {
            throw ModelMeterError.unknownName(kind: "layer", name: name, accepted: recipes.map(\.name))
        }
        return recipe
    }
}
