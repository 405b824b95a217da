import Foundation

/// `key: value` scalars of a YAML file, first occurrence of each key (nesting ignored).
struct YAMLScalars {
    private var values: [String: String] = [:]
    init(_ text: String) {
        for line in text.split(separator: "\n") {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard !trimmed.hasPrefix("#"), !trimmed.hasPrefix("-"), let colon = trimmed.firstIndex(of: ":") else { continue }
            let key = String(trimmed[..<colon])
            let value = trimmed[trimmed.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            guard !value.isEmpty, values[key] == nil else { continue }
            values[key] = value.trimmingCharacters(in: CharacterSet(charactersIn: "'\""))
        }
    }
    subscript(key: String) -> String? { values[key] }
}
