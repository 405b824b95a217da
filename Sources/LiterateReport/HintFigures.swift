/// Finds computed figures typed by hand into hint-doc prose: an intensity, a time, a
/// throughput or a FLOP count written as a literal (`around 1 FLOP/byte`, `~117 FLOP/byte`,
/// `509 µs`) instead of a `[[placeholder]]`. Such a number drifts from the model the moment a
/// shape, a workload or the GPU changes, so the build rejects it.
///
/// Allowed: placeholders, text in code spans and fenced blocks, and an inline derivation whose
/// result follows `=` (`C/2 = 384 FLOP/byte`): the reader sees where it comes from.
public enum HintFigures {
    /// One hand-typed figure.
    public struct Figure: Sendable, Equatable, CustomStringConvertible {
        public let line: Int
        public let text: String
        public let problem: String
        public var description: String { "line \(line): '\(text)' \(problem)" }
    }

    /// Units of computed quantities, longest first so `FLOP/byte` wins over `FLOP`.
    static let units = [
        "FLOP/byte", "FLOP/B", "FLOP/s", "PFLOPS", "TFLOPS", "GFLOPS", "PFLOP", "TFLOP", "GFLOP", "MFLOP", "kFLOP",
        "µs", "ms", "ns",
    ]

    /// Every literal figure in `text` (a hint doc), with its line number.
    public static func find(in text: String) -> [Figure] {
        var figures: [Figure] = []
        var inFence = false
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.drop(while: { $0 == " " })
            if trimmed.hasPrefix("```") || trimmed.hasPrefix("~~~") {
                inFence.toggle()
                continue
            }
            if inFence { continue }
            figures += scan(String(line), line: index + 1)
        }
        return figures
    }

    /// Throws for the first literal figure, naming the file and line.
    public static func check(_ text: String, file: String) throws {
        if let figure = find(in: text).first {
            throw SiteError(
                file: file, line: figure.line,
                "'\(figure.text)' \(figure.problem); write a [[placeholder]] (e.g. [[roofline.intensity]], [[gpu.ridge]]) or show its derivation ('… = value')")
        }
    }

    /// Checks the hint doc at `root/path`.
    public static func check(root: URL, path: String) throws {
        guard let data = FileManager.default.contents(atPath: root.appendingPathComponent(path).path) else {
            throw SiteError(file: path, "hint doc is missing or unreadable")
        }
        try check(String(decoding: data, as: UTF8.self), file: path)
    }

    private static let unitScalars = units.map { Array($0.unicodeScalars) }

    /// Whether `scalars` continues at `index` with `unit`.
    private static func matches(_ scalars: [Unicode.Scalar], at index: Int, _ unit: [Unicode.Scalar]) -> Bool {
        guard index + unit.count <= scalars.count else { return false }
        for offset in 0..<unit.count where scalars[index + offset] != unit[offset] { return false }
        return true
    }

    /// The unit starting at `index` (followed by no letter), if any.
    private static func unit(in scalars: [Unicode.Scalar], at index: Int) -> String? {
        for (position, unit) in unitScalars.enumerated() where matches(scalars, at: index, unit) {
            let after = index + unit.count
            if after < scalars.count, scalars[after].properties.isAlphabetic { continue }
            return units[position]
        }
        return nil
    }

    private static func isDigit(_ scalar: Unicode.Scalar) -> Bool { scalar.value >= 48 && scalar.value <= 57 }

    private static func scan(_ line: String, line number: Int) -> [Figure] {
        // Most lines name no unit at all: skip them without building anything.
        let bytes = line.utf8
        guard bytes.contains(where: { $0 == UInt8(ascii: "F") || $0 == UInt8(ascii: "s") }) else { return [] }
        var figures: [Figure] = []
        let scalars = Array(line.unicodeScalars)
        var inCode = false
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            if scalar == "`" {
                inCode.toggle()
                index += 1
                continue
            }
            if !inCode, scalar == "]", index + 1 < scalars.count, scalars[index + 1] == "]" {
                // A placeholder already carries its unit: `[[roofline.intensity]] FLOP/byte` says it twice.
                var after = index + 2
                while after < scalars.count, scalars[after] == " " { after += 1 }
                if let unit = unit(in: scalars, at: after) {
                    figures.append(Figure(line: number, text: "]] \(unit)", problem: "repeats the unit its placeholder already prints"))
                }
                index += 2
                continue
            }
            let previous: Unicode.Scalar? = index > 0 ? scalars[index - 1] : nil
            guard !inCode, isDigit(scalar),
                  !(previous.map { $0.properties.isAlphabetic || isDigit($0) || $0 == "." } ?? false) else {
                index += 1
                continue
            }
            var end = index
            while end < scalars.count, isDigit(scalars[end]) || scalars[end] == "," || scalars[end] == "." { end += 1 }
            var digitsEnd = end
            while digitsEnd > index, scalars[digitsEnd - 1] == "," || scalars[digitsEnd - 1] == "." { digitsEnd -= 1 }
            let unitStart = end < scalars.count && scalars[end] == " " ? end + 1 : end
            if let unit = unit(in: scalars, at: unitStart) {
                var before = index - 1
                while before >= 0, scalars[before] == " " || scalars[before] == "~" || scalars[before] == "≈" { before -= 1 }
                let derived = before >= 0 && scalars[before] == "=" && !(scalars[index - 1] == "~" || scalars[index - 1] == "≈")
                if !derived {
                    var digits = ""
                    digits.unicodeScalars.append(contentsOf: scalars[index..<digitsEnd])
                    figures.append(Figure(line: number, text: "\(digits) \(unit)", problem: "is a computed figure typed by hand"))
                }
            }
            index = end
        }
        return figures
    }
}

import Foundation
