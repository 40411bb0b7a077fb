import Foundation

/// Receives "n of total pages rendered" from the render stage, from any thread.
public final class ProgressReporter: @unchecked Sendable {
    private let lock = NSLock()
    private var done = 0
    private var total = 0
    private let step: Int
    private let report: @Sendable (_ done: Int, _ total: Int) -> Void

    /// `report` is called at most every `step` items and once at the end.
    public init(step: Int = 250, report: @escaping @Sendable (_ done: Int, _ total: Int) -> Void) {
        self.step = max(1, step)
        self.report = report
    }

    func start(total: Int) {
        lock.lock()
        self.total = total
        done = 0
        lock.unlock()
    }

    func advance() {
        lock.lock()
        done += 1
        let (current, all) = (done, total)
        lock.unlock()
        if current % step == 0 || current == all { report(current, all) }
    }
}
