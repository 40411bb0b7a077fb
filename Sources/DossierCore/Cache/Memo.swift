import Foundation

/// A process-wide cache for a pure function of a string, shared by all threads.
///
/// Slugs and entity lookup keys go through ICU transforms and Foundation string searches that
/// cost microseconds each; the same few thousand tag names and entity references recur on
/// every build and on every rebuild of `serve`. Bounded: past `limit` entries it starts over.
final class Memo<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [String: Value] = [:]
    private let limit: Int
    private let compute: @Sendable (String) -> Value

    init(limit: Int = 100_000, _ compute: @escaping @Sendable (String) -> Value) {
        self.limit = limit
        self.compute = compute
    }

    func callAsFunction(_ text: String) -> Value {
        lock.lock()
        if let value = values[text] {
            lock.unlock()
            return value
        }
        lock.unlock()
        let value = compute(text)
        lock.lock()
        if values.count >= limit { values.removeAll(keepingCapacity: true) }
        values[text] = value
        lock.unlock()
        return value
    }
}
