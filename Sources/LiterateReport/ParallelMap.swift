import Dispatch
import Foundation

/// Results written from several threads, each slot by exactly one of them.
private final class Slots<R>: @unchecked Sendable {
    var values: [Result<R, Error>?]
    init(_ count: Int) { values = Array(repeating: nil, count: count) }
}

/// `items.map(transform)` spread over the cores, in order; rethrows the first error by position.
/// The transforms must not share mutable state (page renderers only read the report).
func parallelMap<T: Sendable, R>(_ items: [T], _ transform: @Sendable (T) throws -> R) throws -> [R] {
    let slots = Slots<R>(items.count)
    DispatchQueue.concurrentPerform(iterations: items.count) { index in
        slots.values[index] = Result { try transform(items[index]) }
    }
    return try slots.values.map { try $0!.get() }
}
