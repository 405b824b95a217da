import Ccmark

/// A parsed cmark document tree, freed with `cmark_node_free` when released.
final class CmarkDocument {
    /// The `CMARK_NODE_DOCUMENT` root node.
    let root: OpaquePointer

    /// Parses UTF-8 Markdown; returns nil only if cmark returns NULL.
    init?(utf8 bytes: [UInt8], flags: Int32) {
        let parsed: OpaquePointer?
        if bytes.isEmpty {
            parsed = "".withCString { cmark_parse_document($0, 0, flags) }
        } else {
            parsed = bytes.withUnsafeBufferPointer { buffer in
                UnsafeRawPointer(buffer.baseAddress!).withMemoryRebound(
                    to: CChar.self, capacity: buffer.count
                ) { cmark_parse_document($0, buffer.count, flags) }
            }
        }
        guard let parsed else { return nil }
        root = parsed
    }

    deinit {
        cmark_node_free(root)
    }

    /// The root's direct children, in order.
    var topLevelNodes: [OpaquePointer] {
        var nodes: [OpaquePointer] = []
        var child = cmark_node_first_child(root)
        while let node = child {
            nodes.append(node)
            child = cmark_node_next(node)
        }
        return nodes
    }
}

/// Small helpers over cmark's node API.
enum Cmark {
    /// Renders `node` (and its descendants) to HTML, freeing cmark's buffer.
    static func renderHTML(_ node: OpaquePointer, flags: Int32) -> String {
        guard let cString = cmark_render_html(node, flags) else { return "" }
        defer { cmark_get_default_mem_allocator().pointee.free(cString) }
        return String(cString: cString)
    }

    /// All nodes of `type` below `root` (inclusive), in document order.
    static func nodes(of type: cmark_node_type, under root: OpaquePointer) -> [OpaquePointer] {
        nodes(under: root) { $0 == type }
    }

    /// All nodes below `root` (inclusive) whose type satisfies `isIncluded`, in document order.
    static func nodes(
        under root: OpaquePointer, where isIncluded: (cmark_node_type) -> Bool
    ) -> [OpaquePointer] {
        guard let iterator = cmark_iter_new(root) else { return [] }
        defer { cmark_iter_free(iterator) }
        var found: [OpaquePointer] = []
        while cmark_iter_next(iterator) != CMARK_EVENT_DONE {
            guard cmark_iter_get_event_type(iterator) == CMARK_EVENT_ENTER,
                let node = cmark_iter_get_node(iterator),
                isIncluded(cmark_node_get_type(node))
            else { continue }
            found.append(node)
        }
        return found
    }

    /// Concatenated text of the text/code descendants of `node` (breaks become spaces).
    static func plainText(of node: OpaquePointer) -> String {
        guard let iterator = cmark_iter_new(node) else { return "" }
        defer { cmark_iter_free(iterator) }
        var text = ""
        while cmark_iter_next(iterator) != CMARK_EVENT_DONE {
            guard cmark_iter_get_event_type(iterator) == CMARK_EVENT_ENTER,
                let current = cmark_iter_get_node(iterator)
            else { continue }
            switch cmark_node_get_type(current) {
            case CMARK_NODE_TEXT, CMARK_NODE_CODE:
                if let literal = cmark_node_get_literal(current) {
                    text += String(cString: literal)
                }
            case CMARK_NODE_SOFTBREAK, CMARK_NODE_LINEBREAK:
                text += " "
            default:
                break
            }
        }
        return text
    }

    /// A custom block node that renders exactly `html`.
    static func customBlock(html: String) -> OpaquePointer? {
        guard let block = cmark_node_new(CMARK_NODE_CUSTOM_BLOCK) else { return nil }
        cmark_node_set_on_enter(block, html)
        cmark_node_set_on_exit(block, "")
        return block
    }

    /// Replaces `node` with a custom block that renders exactly `html`, and frees `node`.
    static func replace(_ node: OpaquePointer, withHTML html: String) {
        guard let block = customBlock(html: html) else { return }
        if cmark_node_replace(node, block) == 1 {
            cmark_node_free(node)
        } else {
            cmark_node_free(block)
        }
    }

    /// Frees all children of `node`.
    static func removeChildren(of node: OpaquePointer) {
        while let child = cmark_node_first_child(node) {
            cmark_node_unlink(child)
            cmark_node_free(child)
        }
    }
}
