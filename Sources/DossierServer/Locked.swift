import Foundation

/// A value behind a lock. `Synchronization.Mutex` would do, but it needs macOS 15 and the
/// package still builds for macOS 13.
final class Locked<Value>: @unchecked Sendable {
    private var value: Value
    private let lock = NSLock()

    init(_ value: Value) { self.value = value }

    func withLock<T>(_ body: (inout Value) throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }

    var current: Value { withLock { $0 } }
}

/// Collapses a burst of change signals into one action: the action runs once no signal has
/// arrived for `delay`, or at the latest `maxDelay` after the first one, so a tool that writes
/// continuously still gets a preview. Everything runs on `queue`; when `queue` is serial and the
/// action runs there too, signals arriving during an action schedule exactly one more.
final class Debouncer: @unchecked Sendable {
    private let delay: TimeInterval
    private let maxDelay: TimeInterval
    private let queue: DispatchQueue
    private let action: @Sendable () -> Void
    // Only touched on `queue`.
    private var firstSignal: DispatchTime?
    private var lastSignal = DispatchTime.now()
    private var scheduled = false
    private var cancelled = false

    init(delay: TimeInterval, maxDelay: TimeInterval = 1, queue: DispatchQueue, action: @escaping @Sendable () -> Void) {
        self.delay = max(delay, 0)
        self.maxDelay = max(maxDelay, delay)
        self.queue = queue
        self.action = action
    }

    func signal() {
        queue.async {
            guard !self.cancelled else { return }
            let now = DispatchTime.now()
            self.lastSignal = now
            if self.firstSignal == nil { self.firstSignal = now }
            if !self.scheduled {
                self.scheduled = true
                self.queue.asyncAfter(deadline: now + self.delay) { self.fire() }
            }
        }
    }

    func cancel() {
        queue.async { self.cancelled = true }
    }

    private func fire() {
        guard !cancelled, let first = firstSignal else {
            scheduled = false
            return
        }
        let now = DispatchTime.now()
        let quietUntil = lastSignal + delay
        let latest = first + maxDelay
        if now < quietUntil && now < latest {
            queue.asyncAfter(deadline: min(quietUntil, latest)) { self.fire() }
            return
        }
        scheduled = false
        firstSignal = nil
        action()
    }
}
