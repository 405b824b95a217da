import Foundation
import Testing
import LiterateReport

/// "Every number stands beside the formula that produced it": every numeric cell of a generated
/// table on a layer page has, in its row, a formula and the formula with values.
@Suite("Formula coverage of layer pages")
struct FormulaCoverageTests {
    /// A cell of a generated table that holds a number.
    struct NumericCell: CustomStringConvertible {
        let page: String
        /// The `###` section the cell is in.
        var section = ""
        let row: String
        let column: String
        let text: String
        var description: String { "\(page): column '\(column)' = '\(text)' in \(row)" }
    }

    struct Coverage {
        var covered: [NumericCell] = []
        var bare: [NumericCell] = []
        /// Summary cells that repeat a covered result of the section they link to.
        var repeated: [NumericCell] = []
        /// Symbol values: the inputs the formulas are written in (defined, not computed).
        var definitions = 0
    }

    /// Table header lines of the layer template: the tables the generator writes (hint-doc
    /// tables are the author's and are checked by the prose-number check instead).
    static func generatedHeaders() throws -> Set<String> {
        let template = try String(
            contentsOf: TestProject.root.appendingPathComponent("templates/layer.md.mustache"), encoding: .utf8)
        var headers = Set<String>()
        let lines = template.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        for (index, line) in lines.enumerated() where index + 1 < lines.count
            && line.hasPrefix("|") && lines[index + 1].hasPrefix("|---") {
            headers.insert(line)
        }
        return headers
    }

    static func cells(_ line: String) -> [String] {
        var text = Substring(line.trimmingCharacters(in: .whitespaces))
        if text.hasPrefix("|") { text = text.dropFirst() }
        if text.hasSuffix("|") { text = text.dropLast() }
        return text.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
    }

    /// Checks every generated table of `page`.
    static func check(page: String, text: String, headers: Set<String>) -> Coverage {
        var coverage = Coverage()
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var index = 0
        var section = ""
        var summaries: [(row: [String], columns: [String])] = []
        while index < lines.count {
            let line = lines[index]
            if line.hasPrefix("### ") { section = String(line.dropFirst(4)) }
            if line.hasPrefix("## ") { section = "" }
            guard headers.contains(line), index + 1 < lines.count, lines[index + 1].hasPrefix("|---") else {
                index += 1
                continue
            }
            let columns = cells(line)
            index += 2
            while index < lines.count, lines[index].hasPrefix("|") {
                let row = cells(lines[index])
                defer { index += 1 }
                if columns.first == "configuration" {
                    summaries.append((row, columns))
                    continue
                }
                if columns.first == "symbol" {
                    coverage.definitions += row.count > 1 && row[1].contains(where: \.isNumber) ? 1 : 0
                    continue
                }
                let formula = columns.firstIndex(of: "formula").map { row[$0] } ?? ""
                let values = columns.firstIndex(of: "with values").map { row[$0] } ?? ""
                for (position, column) in columns.enumerated().dropFirst()
                    where !["formula", "with values", "unit"].contains(column) && position < row.count {
                    let cell = row[position]
                    guard cell.contains(where: \.isNumber) else { continue }
                    let entry = NumericCell(page: page, section: section, row: row[0], column: column, text: cell)
                    if !formula.isEmpty && values.contains(where: \.isNumber) {
                        coverage.covered.append(entry)
                    } else {
                        coverage.bare.append(entry)
                    }
                }
            }
        }
        // A summary row (one per configuration) repeats figures: each must be a result shown
        // with its formula in the section the row links to.
        for (row, columns) in summaries {
            guard let name = row.first?.dropFirst().split(separator: "]").first.map(String.init) else { continue }
            let results = Set(coverage.covered.filter { $0.section == name }.map { $0.text.replacingOccurrences(of: "**", with: "") })
            for (position, column) in columns.enumerated().dropFirst() where position < row.count {
                let cell = row[position]
                guard cell.contains(where: \.isNumber) else { continue }
                let entry = NumericCell(page: page, section: "", row: row[0], column: column, text: cell)
                if results.contains(cell) { coverage.repeated.append(entry) } else { coverage.bare.append(entry) }
            }
        }
        return coverage
    }

    @Test("every numeric cell of every layer page has its formula and values beside it")
    func everyNumberHasItsFormula() throws {
        let headers = try Self.generatedHeaders()
        #expect(headers.count >= 5)
        let files = try SiteGenerator(root: TestProject.root).render(report: try TestProject.standardReport())
        var total = Coverage()
        for doc in SiteGenerator.layerDocs {
            let path = "kb/op-\(doc.vendorClass).md"
            let text = try #require(files.first { $0.path == path }.map { TestProject.text($0.data) })
            let coverage = Self.check(page: path, text: text, headers: headers)
            #expect(coverage.bare.isEmpty, "\(coverage.bare.count) bare numbers, e.g. \(coverage.bare.prefix(3))")
            #expect(!coverage.covered.isEmpty, "\(path) has no generated numbers")
            total.covered += coverage.covered
            total.bare += coverage.bare
            total.repeated += coverage.repeated
            total.definitions += coverage.definitions
        }
        print("formula coverage: \(total.covered.count) numbers with formula and values, \(total.repeated.count) summary cells repeating them, \(total.bare.count) bare, \(total.definitions) symbol values")
        #expect(total.repeated.count >= 4 * SiteGenerator.layerDocs.count)
        #expect(total.covered.count > 1000)
    }

    /// Symbol names in a formula code span: tokens with a letter (`3C`, `n_win`, `G₂`).
    static func symbolNames(in formula: String) -> [String] {
        let separators = Set("`·+−-()/⌈⌉ ×,²³⁴⁰¹⁵⁶⁷⁸⁹")
        return formula.split(whereSeparator: { separators.contains($0) }).map(String.init)
            .filter { $0.contains(where: \.isLetter) }
    }

    @Test("every symbol in a formula on a layer page is defined in its configuration's symbol table")
    func symbolsDefined() throws {
        let files = try SiteGenerator(root: TestProject.root).render(report: try TestProject.standardReport())
        var checked = 0
        for doc in SiteGenerator.layerDocs {
            let path = "kb/op-\(doc.vendorClass).md"
            let text = try #require(files.first { $0.path == path }.map { TestProject.text($0.data) })
            var defined = Set<String>()
            var columns: [String] = []
            var section = ""
            for line in text.split(separator: "\n").map(String.init) {
                if line.hasPrefix("#") { section = line; defined = []; columns = []; continue }
                guard line.hasPrefix("|"), !line.hasPrefix("|---") else { columns = line.hasPrefix("|---") ? columns : []; continue }
                let row = Self.cells(line)
                if columns.isEmpty { columns = row; continue }
                if columns.first == "symbol" {
                    defined.insert(row[0].trimmingCharacters(in: CharacterSet(charactersIn: "`")))
                    continue
                }
                guard let formulaColumn = columns.firstIndex(of: "formula"), columns.first == "term",
                      !row[0].contains("]("), row[formulaColumn].hasPrefix("`") else { continue }
                for name in Self.symbolNames(in: row[formulaColumn]) {
                    #expect(defined.contains(name), "\(path) \(section): '\(name)' in \(row[formulaColumn]) is not in the symbol table")
                    checked += 1
                }
            }
        }
        #expect(checked > 1000)
    }

    @Test("the check finds a bare number")
    func findsBareNumber() {
        let headers: Set<String> = ["| quantity | formula | with values | value |"]
        let page = """
        | quantity | formula | with values | value |
        |---|---|---|--:|
        | memory time | bytes / bandwidth | 911.74 MB / 1,792 GB/s | 509 µs |
        | compute time | | | 356 µs |
        """
        let coverage = Self.check(page: "x", text: page, headers: headers)
        #expect(coverage.covered.count == 1)
        #expect(coverage.bare.map(\.text) == ["356 µs"])
    }

    @Test("a summary row must repeat a result of the section it links to")
    func summaryRowsRepeatResults() {
        let headers: Set<String> = ["| configuration | time |", "| quantity | formula | with values | value |"]
        let page = """
        | configuration | time |
        |---|--:|
        | [a](#a) | 509 µs |
        | [b](#b) | 1.00 ms |

        ### a

        | quantity | formula | with values | value |
        |---|---|---|--:|
        | memory time | bytes / bandwidth | 911.74 MB / 1,792 GB/s | **509 µs** |

        ### b

        | quantity | formula | with values | value |
        |---|---|---|--:|
        | memory time | bytes / bandwidth | 1.79 GB / 1,792 GB/s | 999 µs |
        """
        let coverage = Self.check(page: "x", text: page, headers: headers)
        #expect(coverage.repeated.map(\.text) == ["509 µs"])
        #expect(coverage.bare.map(\.text) == ["1.00 ms"])
    }
}
