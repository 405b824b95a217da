import Foundation

/// RFC 4180 CSV: quoted fields may hold commas, doubled quotes and line breaks.
public enum CSV {
    public static func rows(_ text: String, file: String) throws -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var field = ""
        var quoted = false
        var iterator = Array(text.unicodeScalars)[...]
        var afterQuote = false
        while let c = iterator.popFirst() {
            if quoted {
                if c == "\"" {
                    if iterator.first == "\"" { field.unicodeScalars.append("\""); iterator.removeFirst() } else { quoted = false; afterQuote = true }
                } else {
                    field.unicodeScalars.append(c)
                }
                continue
            }
            switch c {
            case "\"":
                guard field.isEmpty, !afterQuote else {
                    throw ModelMeterError.malformedValue(what: "CSV in \(file)", value: field, expected: "quotes only around a whole field")
                }
                quoted = true
            case ",":
                row.append(field); field = ""; afterQuote = false
            case "\n", "\r":
                if c == "\r", iterator.first == "\n" { iterator.removeFirst() }
                row.append(field); field = ""; afterQuote = false
                if row != [""] { rows.append(row) }
                row = []
            default:
                field.unicodeScalars.append(c)
            }
        }
        if quoted { throw ModelMeterError.malformedValue(what: "CSV in \(file)", value: "…", expected: "a closing quote") }
        row.append(field)
        if row != [""] { rows.append(row) }
        return rows
    }

    /// Rows as dictionaries keyed by the header row; every row must have the header's width.
    public static func records(_ text: String, file: String, required: [String]) throws -> [[String: String]] {
        let all = try rows(text, file: file)
        guard let header = all.first else {
            throw ModelMeterError.malformedValue(what: "CSV file", value: file, expected: "a header row")
        }
        for column in required where !header.contains(column) {
            throw ModelMeterError.malformedValue(what: "CSV file", value: file, expected: "a column named '\(column)'")
        }
        return try all.dropFirst().enumerated().map { index, row in
            guard row.count == header.count else {
                throw ModelMeterError.malformedValue(
                    what: "CSV row \(index + 2) of \(file)", value: "\(row.count) fields", expected: "\(header.count) fields")
            }
            return Dictionary(zip(header, row), uniquingKeysWith: { first, _ in first })
        }
    }

    static func int(_ text: String?, _ what: String, _ file: String) throws -> Int {
        guard let text, let value = Int(text.trimmingCharacters(in: .whitespaces)), value >= 0, value <= MeasuredProfile.maximumCount else {
            throw ModelMeterError.malformedValue(what: "\(what) in \(file)", value: text ?? "", expected: "a whole number from 0 to 2⁵³")
        }
        return value
    }

    static func double(_ text: String?, _ what: String, _ file: String) throws -> Double {
        guard let text, let value = Double(text.trimmingCharacters(in: .whitespaces)), value.isFinite, value >= 0 else {
            throw ModelMeterError.malformedValue(what: "\(what) in \(file)", value: text ?? "", expected: "a number ≥ 0")
        }
        return value
    }
}
