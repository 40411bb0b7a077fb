import Foundation

/// Runs two independent pieces of work at once, `first` on the calling thread and `second` on a
/// thread of its own, and returns when both are done. For the serial stretches of a build that
/// do not depend on each other, such as writing the caches and reading the output folder's
/// tree: on a machine with two cores the second one is otherwise idle then.
///
/// A thread rather than Dispatch's pool: callers may themselves run on a pool thread, or nest
/// (the session file is decoded in two halves while the content folder is listed), and a pool
/// with every thread waiting would not start `second` until one is free.
func sideBySide<A, B>(_ first: () -> A, _ second: () -> B) -> (A, B) {
    var secondResult: B?
    let firstResult = withUnsafeMutablePointer(to: &secondResult) { slot in
        withoutActuallyEscaping(second) { second in
            // The thread may outlive this call by a moment (it is released after it signals), so
            // it holds `second` only through the handoff, which lets go of it before signalling.
            let handoff = Handoff()
            let target = UncheckedBox(slot)
            handoff.work = { target.value.pointee = second() }
            let done = DispatchSemaphore(value: 0)
            let thread = Thread {
                handoff.work?()
                handoff.work = nil
                done.signal()
            }
            thread.stackSize = 8 << 20  // as the main thread's
            thread.start()
            let result = first()
            done.wait()
            return result
        }
    }
    return (firstResult, secondResult!)
}

private final class Handoff: @unchecked Sendable {
    var work: (() -> Void)?
}
