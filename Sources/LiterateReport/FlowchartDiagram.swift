import Foundation
import ModelMeter

/// A hint doc's Mermaid flowchart drawn as SVG, so HTML pages show a diagram instead of its
/// source (the Markdown keeps the source, which code-hosting sites render).
///
/// Understood: `flowchart`/`graph` headers, nodes `id`, `id["label"]`, `id(("label"))`,
/// `id{"label"}`, `id("label")`, arrows `-->`, `<-->`, `-.->`, `==>`, `---`, labelled
/// `-->|text|`, `-- text -->`, `-. text .->`, and chains `a --> b --> c`. Anything else: nil,
/// and the page keeps the source. Layout: top to bottom, each node on the row after its
/// furthest predecessor, edge labels on their edge where they cover nothing.
struct FlowchartDiagram {
    struct Edge { let from: String; let to: String; let label: String; let dashed: Bool }
    private(set) var order: [String] = []
    private(set) var labels: [String: String] = [:]
    private(set) var edges: [Edge] = []

    init?(source: String) {
        var sawHeader = false
        for raw in source.split(separator: "\n", omittingEmptySubsequences: true) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("%%") { continue }
            if line.hasPrefix("flowchart") || line.hasPrefix("graph") { sawHeader = true; continue }
            guard sawHeader, parse(Substring(line)) else { return nil }
        }
        guard sawHeader, !order.isEmpty else { return nil }
    }

    private mutating func node(_ text: inout Substring) -> String? {
        text = text.drop { $0 == " " }
        let id = String(text.prefix { $0.isLetter || $0.isNumber || $0 == "_" })
        guard !id.isEmpty else { return nil }
        text = text.dropFirst(id.count)
        let shapes: [(open: String, close: String)] = [("((", "))"), ("[[", "]]"), ("[(", ")]"), ("[", "]"), ("(", ")"), ("{", "}")]
        if let shape = shapes.first(where: { text.hasPrefix($0.open) }) {
            text = text.dropFirst(shape.open.count)
            var label: String
            if text.hasPrefix("\"") {
                // A quoted label may hold the closing bracket: `["x [B,C]"]`.
                let inner = text.dropFirst()
                guard let quote = inner.firstIndex(of: "\"") else { return nil }
                label = String(inner[..<quote])
                text = inner[inner.index(after: quote)...]
                guard text.hasPrefix(shape.close) else { return nil }
                text = text.dropFirst(shape.close.count)
            } else {
                guard let end = text.range(of: shape.close) else { return nil }
                label = String(text[..<end.lowerBound]).trimmingCharacters(in: .whitespaces)
                text = text[end.upperBound...]
            }
            labels[id] = label
        }
        if !order.contains(id) { order.append(id) }
        return id
    }

    /// An arrow and its label, or nil when `text` does not start with one.
    private func arrow(_ text: inout Substring) -> (label: String, dashed: Bool)? {
        text = text.drop { $0 == " " }
        var label = ""
        var dashed = false
        if text.hasPrefix("-- ") || text.hasPrefix("-. ") {
            dashed = text.hasPrefix("-.")
            let close = dashed ? ".->" : "-->"
            guard let end = text.range(of: close) else { return nil }
            label = String(text[text.index(text.startIndex, offsetBy: 3)..<end.lowerBound]).trimmingCharacters(in: .whitespaces)
            text = text[end.upperBound...]
        } else if let plain = ["<-->", "-.->", "-->", "==>", "---"].first(where: { text.hasPrefix($0) }) {
            dashed = plain == "-.->"
            text = text.dropFirst(plain.count)
        } else {
            return nil
        }
        if text.hasPrefix("|") {
            let rest = text.dropFirst()
            guard let end = rest.firstIndex(of: "|") else { return nil }
            label = String(rest[..<end])
            text = rest[rest.index(after: end)...]
        }
        return (label, dashed)
    }

    private mutating func parse(_ line: Substring) -> Bool {
        var text = line
        guard var from = node(&text) else { return false }
        while true {
            text = text.drop { $0 == " " }
            if text.isEmpty { return true }
            guard let link = arrow(&text), let to = node(&text) else { return false }
            edges.append(Edge(from: from, to: to, label: link.label, dashed: link.dashed))
            from = to
        }
    }

    private static func width(_ text: String, size: Double) -> Double { Double(text.count) * size * 0.58 }

    private struct Box {
        let x0, y0, x1, y1: Double
        func overlaps(_ o: Box) -> Bool { x0 < o.x1 && o.x0 < x1 && y0 < o.y1 && o.y0 < y1 }
    }

    func svg() -> String {
        // Rows: longest path from a source, edges that close a cycle ignored (at most n passes).
        var row: [String: Int] = Dictionary(uniqueKeysWithValues: order.map { ($0, 0) })
        for _ in 0..<order.count {
            var changed = false
            for edge in edges where edge.from != edge.to {
                let candidate = row[edge.from]! + 1
                if candidate > row[edge.to]!, candidate < order.count { row[edge.to] = candidate; changed = true }
            }
            if !changed { break }
        }
        let rows = (row.values.max() ?? 0) + 1
        var members: [[String]] = Array(repeating: [], count: rows)
        for id in order { members[row[id]!].append(id) }
        let (nodeHeight, gap, rowGap, margin, font) = (30.0, 22.0, 52.0, 12.0, 12.0)
        func label(_ id: String) -> String { labels[id] ?? id }
        func nodeWidth(_ id: String) -> Double { max(44, Self.width(label(id), size: font) + 20) }
        // One pass of the barycentre rule: a node sits below the mean position of its predecessors.
        var position: [String: Double] = [:]
        for r in 0..<rows {
            if r > 0 {
                members[r].sort { a, b in
                    func centre(_ id: String) -> Double {
                        let parents = edges.filter { $0.to == id && row[$0.from]! < r }.compactMap { position[$0.from] }
                        return parents.isEmpty ? Double(order.firstIndex(of: id)!) : parents.reduce(0, +) / Double(parents.count)
                    }
                    return centre(a) < centre(b)
                }
            }
            for (index, id) in members[r].enumerated() { position[id] = Double(index) }
        }
        let rowWidths = members.map { ids in ids.reduce(0) { $0 + nodeWidth($1) } + gap * Double(max(ids.count - 1, 0)) }
        let width = (rowWidths.max() ?? 0) + 2 * margin
        var boxes: [String: Box] = [:]
        for (r, ids) in members.enumerated() {
            var x = margin + ((rowWidths.max() ?? 0) - rowWidths[r]) / 2
            let y = margin + Double(r) * (nodeHeight + rowGap)
            for id in ids {
                boxes[id] = Box(x0: x, y0: y, x1: x + nodeWidth(id), y1: y + nodeHeight)
                x += nodeWidth(id) + gap
            }
        }
        let height = margin * 2 + Double(rows) * nodeHeight + Double(rows - 1) * rowGap
        var out = String(
            format: "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %.0f %.0f\" width=\"%.0f\" height=\"%.0f\" font-family=\"sans-serif\" font-size=\"%.0f\">\n",
            width, height, width, height, font)
        out += "<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M 0 0 L 10 5 L 0 10 z\" fill=\"#52606d\"/></marker></defs>\n"
        out += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
        var taken = Array(boxes.values)
        var edgeLabels = ""
        for edge in edges {
            guard let a = boxes[edge.from], let b = boxes[edge.to] else { continue }
            let down = b.y0 > a.y0
            let (x1, y1) = ((a.x0 + a.x1) / 2, down ? a.y1 : a.y0)
            let (x2, y2) = ((b.x0 + b.x1) / 2, down ? b.y0 : b.y1)
            out += String(
                format: "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#52606d\"%@ marker-end=\"url(#arrow)\"/>\n",
                x1, y1, x2, y2, edge.dashed ? " stroke-dasharray=\"4 3\"" : "")
            guard !edge.label.isEmpty else { continue }
            let w = Self.width(edge.label, size: 11) + 6
            for t in [0.5, 0.35, 0.65, 0.2, 0.8] {
                let (cx, cy) = (x1 + (x2 - x1) * t, y1 + (y2 - y1) * t)
                let box = Box(x0: cx - w / 2, y0: cy - 8, x1: cx + w / 2, y1: cy + 6)
                if t != 0.8 && taken.contains(where: { $0.overlaps(box) }) { continue }
                taken.append(box)
                edgeLabels += String(
                    format: "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"14\" fill=\"white\"/><text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"11\" fill=\"#52606d\">%@</text>\n",
                    box.x0, box.y0, w, cx, cy + 4, Markup.escape(edge.label))
                break
            }
        }
        for id in order {
            let box = boxes[id]!
            out += String(
                format: "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" rx=\"5\" fill=\"#f5f7fa\" stroke=\"#1f4e8c\"/><text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" fill=\"#1f2933\">%@</text>\n",
                box.x0, box.y0, box.x1 - box.x0, nodeHeight, (box.x0 + box.x1) / 2, box.y0 + nodeHeight / 2 + 4, Markup.escape(label(id)))
        }
        return out + edgeLabels + "</svg>\n"
    }

    /// Replaces every `<pre><code class="language-mermaid">…</code></pre>` whose flowchart parses
    /// with its drawing.
    static func inline(_ html: String) -> String {
        // Byte search: Foundation's string search is slow on Linux and this runs on every page.
        let bytes = Array(html.utf8)
        let open = Array("<pre><code class=\"language-mermaid\">".utf8), close = Array("</code></pre>".utf8)
        func find(_ pattern: [UInt8], from start: Int) -> Int? {
            var index = start
            while index + pattern.count <= bytes.count {
                if bytes[index] == pattern[0] && bytes[index..<(index + pattern.count)].elementsEqual(pattern) { return index }
                index += 1
            }
            return nil
        }
        guard var start = find(open, from: 0) else { return html }
        var out: [UInt8] = []
        var copied = 0
        while let end = find(close, from: start + open.count) {
            let source = String(decoding: bytes[(start + open.count)..<end], as: UTF8.self)
                .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&gt;", with: ">")
                .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&#39;", with: "'")
                .replacingOccurrences(of: "&amp;", with: "&")
            if let diagram = FlowchartDiagram(source: source) {
                out += bytes[copied..<start]
                out += Array("<figure class=\"chart diagram\">\(diagram.svg())</figure>".utf8)
                copied = end + close.count
            }
            guard let next = find(open, from: end + close.count) else { break }
            start = next
        }
        out += bytes[copied...]
        return String(decoding: out, as: UTF8.self)
    }
}
