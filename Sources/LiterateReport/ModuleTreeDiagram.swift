import Foundation
import ModelMeter

/// A layer's module tree drawn as SVG from the model's own tree: one row per child module (runs
/// of identical siblings as one row with their count), indented by depth, with its type and its
/// share of the layer's forward FLOPs and bytes. Rows never overlap: one text line each.
struct ModuleTreeDiagram {
    let title: String
    let root: EvaluatedLayer
    /// Levels below the root drawn.
    var depth = 3

    struct Row { let depth: Int; let text: String }

    /// The rows in tree order: `name · Type ×count: x % of FLOPs, y % of bytes`.
    func rows() -> [Row] {
        let total = root.metrics.forward
        var rows = [Row(depth: 0, text: "\(root.layer.typeName): \(SIUnits.flops(total.totalFLOPs)), \(SIUnits.bytes(total.ioBytes))")]
        func walk(_ node: EvaluatedLayer, level: Int, calls: Int) {
            guard level <= depth else { return }
            for (child, evaluated) in node.children {
                let count = calls * child.count
                let pass = evaluated.metrics.forward
                let name = child.isNamespace ? (child.name.isEmpty ? "(views)" : "\(child.name)/") : child.displayName
                let times = child.count > 1 ? " ×\(child.count)" : ""
                let flops = PageBreakdownView.share(Double(pass.totalFLOPs * count), of: Double(total.totalFLOPs))
                let bytes = PageBreakdownView.share(Double(pass.ioBytes * count), of: Double(total.ioBytes))
                rows.append(Row(depth: level, text: "\(name) · \(child.layer.typeName)\(times): \(flops) of FLOPs, \(bytes) of bytes"))
                walk(evaluated, level: level + 1, calls: count)
            }
        }
        walk(root, level: 1, calls: 1)
        return rows
    }

    func svg() -> String {
        let rows = rows()
        let (lineHeight, indent, margin, font) = (22.0, 20.0, 12.0, 12.0)
        let width = (rows.map { Double($0.depth) * indent + Double($0.text.count) * font * 0.58 }.max() ?? 0) + 2 * margin + 16
        let top = margin + 22
        let height = top + lineHeight * Double(rows.count) + margin
        var out = String(
            format: "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %.0f %.0f\" width=\"%.0f\" height=\"%.0f\" font-family=\"sans-serif\" font-size=\"%.0f\">\n",
            width, height, width, height, font)
        out += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
        out += String(format: "<text x=\"%.1f\" y=\"%.1f\" font-size=\"13\" font-weight=\"bold\">%@</text>\n", margin, margin + 10, Markup.escape(title))
        // A connector from each row to its parent row (the last row above it one level up).
        var lastAt: [Int: Double] = [:]
        for (index, row) in rows.enumerated() {
            let y = top + lineHeight * Double(index)
            let x = margin + Double(row.depth) * indent
            if row.depth > 0, let parentY = lastAt[row.depth - 1] {
                let stem = x - indent + 2
                out += String(
                    format: "<path d=\"M %.1f %.1f V %.1f H %.1f\" fill=\"none\" stroke=\"#9aa5b1\"/>\n", stem, parentY + 5, y + 6, x - 3)
            }
            lastAt[row.depth] = y + 6
            out += String(
                format: "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"#1f4e8c\"/><text x=\"%.1f\" y=\"%.1f\" fill=\"#1f2933\">%@</text>\n",
                x + 2, y + 6, x + 10, y + 10, Markup.escape(row.text))
        }
        return out + "</svg>\n"
    }
}
