import Foundation

/// Runs two independent pieces of work at once (one of them on the calling thread) and returns
/// when both are done. For the serial stretches of a rebuild that do not depend on each other,
/// such as writing the caches and reading the output folder's tree: on a machine with two cores
/// the second one is otherwise idle then.
func sideBySide<A, B>(_ first: () -> A, _ second: () -> B) -> (A, B) {
    var a: A?
    var b: B?
    withUnsafeMutablePointer(to: &a) { resultA in
        withUnsafeMutablePointer(to: &b) { resultB in
            let results = UncheckedBox((resultA, resultB))
            withoutActuallyEscaping(first) { first in
                withoutActuallyEscaping(second) { second in
                    let work = UncheckedBox((first, second))
                    // Each task writes its own result; concurrentPerform returns after both.
                    DispatchQueue.concurrentPerform(iterations: 2) { index in
                        if index == 0 {
                            results.value.0.pointee = work.value.0()
                        } else {
                            results.value.1.pointee = work.value.1()
                        }
                    }
                }
            }
        }
    }
    return (a!, b!)
}
