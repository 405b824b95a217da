import Foundation

/// The limits a Markdown text meets before cmark sees it: tables (``TableCheck``) and image
/// openers (``ImageLinkCheck``). Every line counts, fenced or not, in any container: what cmark
/// makes a table or a paragraph of can differ from what a line scan thinks, never the other
/// way round. Hint docs are checked as they load, whole pages (templates and data included)
/// before they are rendered.
struct MarkdownLimits {
    private var table: TableCheck
    private var images: ImageLinkCheck

    init(path: String) {
        table = TableCheck(path: path)
        images = ImageLinkCheck(path: path)
    }

    mutating func visit(_ line: Substring, number: Int) throws {
        try table.visit(TableCheck.content(of: line), number: number)
        try images.visit(line, number: number)
    }

    /// Checks a whole text; errors name `file` and the line.
    static func check(_ text: String, file: String) throws {
        var limits = MarkdownLimits(path: file)
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            try limits.visit(line, number: index + 1)
        }
    }
}
