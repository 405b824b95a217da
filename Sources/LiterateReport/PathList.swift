import Foundation

/// Compresses module paths that differ in one index: `a.0.x`, `a.1.x`, `a.3.x` → `a.{0,1,3}.x`.
enum PathList {
    static func compress(_ paths: [String]) -> [String] {
        var order: [String] = []
        var groups: [String: [(index: Int, path: String)]] = [:]
        for path in paths {
            let parts = path.split(separator: ".", omittingEmptySubsequences: false)
            guard let position = parts.lastIndex(where: { Int($0) != nil }), let number = Int(parts[position]) else {
                order.append(path)
                groups[path] = [(0, path)]
                continue
            }
            var pattern = parts.map(String.init)
            pattern[position] = "#"
            let key = pattern.joined(separator: ".")
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append((number, path))
        }
        return order.map { key in
            guard let members = groups[key], members.count > 1 else { return groups[key]?.first?.path ?? key }
            return key.replacingOccurrences(of: "#", with: "{" + ranges(members.map(\.index)) + "}")
        }
    }

    /// `[0,1,2,4]` → `0…2,4`.
    static func ranges(_ numbers: [Int]) -> String {
        var parts: [String] = []
        var start = numbers[0], previous = numbers[0]
        for number in numbers.dropFirst() + [Int.min] {
            if number == previous + 1 { previous = number; continue }
            parts.append(start == previous ? "\(start)" : previous == start + 1 ? "\(start),\(previous)" : "\(start)…\(previous)")
            start = number
            previous = number
        }
        return parts.joined(separator: ",")
    }
}
