import Foundation

/// A process-wide cache for a pure function of a string, shared by all threads.
///
/// Slugs and entity lookup keys go through ICU transforms and Foundation string searches that
/// cost microseconds each; the same few thousand tag names and entity references recur on
/// every build and on every rebuild of `serve`. Bounded: past `limit` entries it starts over.
final class Memo<Value: Sendable>: @unchecked Sendable {
    private let cache: LockedCache<String, Value>
    private let compute: @Sendable (String) -> Value

    init(limit: Int = 100_000, _ compute: @escaping @Sendable (String) -> Value) {
        cache = LockedCache(limit: limit)
        self.compute = compute
    }

    func callAsFunction(_ text: String) -> Value {
        cache.value(text) { compute(text) }
    }
}

/// Values made once per key and shared by every thread. A missing value is made outside the
/// lock, so two threads may both make it, with the same result (what is cached here is a pure
/// function of its key). Past `limit` entries it starts over.
final class LockedCache<Key: Hashable, Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [Key: Value] = [:]
    private let limit: Int

    init(limit: Int = .max) {
        self.limit = limit
    }

    func value(_ key: Key, make: () -> Value) -> Value {
        lock.lock()
        if let value = values[key] {
            lock.unlock()
            return value
        }
        lock.unlock()
        let value = make()
        lock.lock()
        if values.count >= limit { values.removeAll(keepingCapacity: true) }
        values[key] = value
        lock.unlock()
        return value
    }
}
