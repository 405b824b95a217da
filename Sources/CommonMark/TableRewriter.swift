import Ccmark

/// Replaces paragraphs that contain pipe tables with rendered `<table>` HTML.
///
/// cmark (without the GFM extension) parses a pipe table as an ordinary paragraph, so
/// the tree tells exactly which lines may hold a table: fenced and indented code and
/// HTML blocks are never touched, and lists and block quotes keep their structure.
/// Paragraphs (and setext headings, whose text a table can swallow) are examined
/// wherever they are; the lines of a paragraph before the header row stay a paragraph.
///
/// Cells are rendered by a second cmark parse of an auxiliary document: each cell
/// becomes its own paragraph (prefixed with `&#8203;` so it can never start a block
/// construct), followed by the whole original source so that link reference
/// definitions resolve inside cells too.
enum TableRewriter {
    /// A paragraph or setext heading whose source contains a table.
    private struct Site {
        var node: OpaquePointer
        var isParagraph: Bool
        /// Paragraph lines that precede the header row.
        var leadingLines: [Substring]
        var table: PipeTable
        /// True if a setext `---` underline followed the table (GFM: a thematic break).
        var trailingRule: Bool
    }

    /// A piece of Markdown rendered through the auxiliary document.
    private struct Chunk {
        var markdown: String
        var firstLine = 0
        var lastLine = 0
        /// Top-level nodes of the auxiliary document that came from this chunk.
        var nodes: [OpaquePointer] = []

        init(markdown: String) {
            self.markdown = markdown
        }
    }

    private static let cellPrefix = "&#8203;"
    /// How a rendered cell starts: `&#8203;` decodes to U+200B ZERO WIDTH SPACE.
    private static let renderedCellPrefix = Array("<p>\u{200B}".utf8)
    private static let renderedCellSuffix = Array("</p>\n".utf8)

    /// Rewrites `document` in place; `lines` are the source lines of the Markdown.
    static func rewrite(_ document: CmarkDocument, lines: [Substring], options: RenderOptions) {
        let candidates = Cmark.nodes(under: document.root) {
            $0 == CMARK_NODE_PARAGRAPH || $0 == CMARK_NODE_HEADING
        }
        let sites = candidates.compactMap { site(for: $0, lines: lines) }
        guard !sites.isEmpty else { return }

        // One chunk per run of leading paragraph lines and per non-empty cell.
        var chunks: [Chunk] = []
        var leadingChunk: [Int?] = []
        var cellChunks: [[Int?]] = []
        for site in sites {
            if site.leadingLines.isEmpty {
                leadingChunk.append(nil)
            } else {
                leadingChunk.append(chunks.count)
                chunks.append(Chunk(markdown: site.leadingLines.joined(separator: "\n")))
            }
            cellChunks.append(site.table.allCells.map { cell in
                guard !cell.isEmpty else { return nil }
                chunks.append(Chunk(markdown: cellPrefix + cell))
                return chunks.count - 1
            })
        }

        let flags = options.cmarkFlags & ~CMARK_OPT_SOURCEPOS
        guard let auxiliary = parseAuxiliary(&chunks, original: lines, flags: flags) else { return }
        withExtendedLifetime(auxiliary) {
            for (siteIndex, site) in sites.enumerated() {
                let cells = cellChunks[siteIndex].map { index in
                    index.map { cellHTML(chunks[$0], flags: flags) } ?? ""
                }
                var html = site.table.html(cellHTML: cells)
                if site.trailingRule { html += "<hr />\n" }

                guard let leading = leadingChunk[siteIndex].map({ chunks[$0] }) else {
                    Cmark.replace(site.node, withHTML: html)
                    continue
                }
                if site.isParagraph, leading.nodes.count == 1,
                    cmark_node_get_type(leading.nodes[0]) == CMARK_NODE_PARAGRAPH,
                    let block = Cmark.customBlock(html: html)
                {
                    // Keep the original paragraph (its list tightness and source position)
                    // for the lines before the table, with inlines parsed from those lines only.
                    Cmark.removeChildren(of: site.node)
                    while let child = cmark_node_first_child(leading.nodes[0]) {
                        cmark_node_unlink(child)
                        cmark_node_append_child(site.node, child)
                    }
                    cmark_node_insert_after(site.node, block)
                } else {
                    let leadingHTML = leading.nodes.map { Cmark.renderHTML($0, flags: flags) }.joined()
                    Cmark.replace(site.node, withHTML: leadingHTML + html)
                }
            }
        }
    }

    /// Finds a table in a paragraph or setext heading.
    private static func site(for node: OpaquePointer, lines: [Substring]) -> Site? {
        let isParagraph = cmark_node_get_type(node) == CMARK_NODE_PARAGRAPH
        let first = Int(cmark_node_get_start_line(node)) - 1
        let last = Int(cmark_node_get_end_line(node)) - 1
        guard first >= 0, last < lines.count, first < last else { return nil }

        // The first line starts at the node's column (after any container markers);
        // continuation lines can't start with `>`, so drop leading indentation and `>`s.
        var content = Array(lines[first...last])
        let column = max(Int(cmark_node_get_start_column(node)) - 1, 0)
        let utf8 = content[0].utf8
        let start = utf8.index(utf8.startIndex, offsetBy: column, limitedBy: utf8.endIndex) ?? utf8.endIndex
        content[0] = content[0][start...]
        for index in 1..<content.count {
            content[index] = content[index].drop { $0 == " " || $0 == "\t" || $0 == ">" }
        }

        var underline: Substring?
        if !isParagraph {
            // ATX headings are one line (and start with `#`); setext ones end in an underline.
            guard content[0].first != "#" else { return nil }
            underline = content.removeLast()
        }
        guard let found = PipeTable.find(in: content) else { return nil }
        var table = found.table

        var trailingRule = false
        if let underline {
            let marker = underline.filter { $0 != " " && $0 != "\t" }
            if marker.first == "-", marker.count >= 3 {
                trailingRule = true  // `---` is a thematic break once a table is open
            } else {
                var row = PipeTable.splitRow(underline).cells
                row = Array(row.prefix(table.alignments.count))
                while row.count < table.alignments.count { row.append("") }
                table.rows.append(row)
            }
        }
        return Site(
            node: node, isParagraph: isParagraph,
            leadingLines: Array(content[..<found.headerIndex]),
            table: table, trailingRule: trailingRule)
    }

    /// Parses all chunks followed by the original source; records each chunk's nodes.
    private static func parseAuxiliary(
        _ chunks: inout [Chunk], original lines: [Substring], flags: Int32
    ) -> CmarkDocument? {
        var source = ""
        var line = 1
        for index in chunks.indices {
            let lineCount = chunks[index].markdown.utf8.reduce(1) {
                $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0)
            }
            chunks[index].firstLine = line
            chunks[index].lastLine = line + lineCount - 1
            source += chunks[index].markdown + "\n\n"
            line += lineCount + 1
        }
        // The original text follows so reference definitions resolve in cells.
        source += "\n"
        for sourceLine in lines {
            source += sourceLine
            source += "\n"
        }

        guard let auxiliary = CmarkDocument(utf8: Array(source.utf8), flags: flags) else {
            return nil
        }
        var chunkIndex = 0
        for node in auxiliary.topLevelNodes {
            let start = Int(cmark_node_get_start_line(node))
            while chunkIndex < chunks.count, chunks[chunkIndex].lastLine < start { chunkIndex += 1 }
            guard chunkIndex < chunks.count else { break }
            if start >= chunks[chunkIndex].firstLine { chunks[chunkIndex].nodes.append(node) }
        }
        return auxiliary
    }

    /// Renders a cell chunk and strips the `<p>&#8203;` … `</p>\n` wrapper.
    private static func cellHTML(_ chunk: Chunk, flags: Int32) -> String {
        if chunk.nodes.count == 1 {
            let bytes = Array(Cmark.renderHTML(chunk.nodes[0], flags: flags).utf8)
            let prefix = renderedCellPrefix
            let suffix = renderedCellSuffix
            if bytes.count >= prefix.count + suffix.count, bytes.starts(with: prefix),
                bytes.suffix(suffix.count).elementsEqual(suffix)
            {
                return String(decoding: bytes[prefix.count..<(bytes.count - suffix.count)], as: UTF8.self)
            }
        }
        // Not expected to happen; fall back to the escaped source text.
        return escapeHTML(String(chunk.markdown.dropFirst(cellPrefix.count)))
    }

    private static func escapeHTML(_ text: String) -> String {
        var escaped = ""
        for character in text {
            switch character {
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "&": escaped += "&amp;"
            case "\"": escaped += "&quot;"
            default: escaped.append(character)
            }
        }
        return escaped
    }
}
