import Dispatch
import Foundation

/// `items.map(transform)` with the calls spread over `threads` threads (all cores by default);
/// results keep their order and the first error (in item order) is rethrown. Each call writes
/// only its own slot, so the result never depends on the number of threads.
public func parallelMap<T: Sendable, R: Sendable>(_ items: [T], threads: Int = ProcessInfo.processInfo.activeProcessorCount,
                                                  _ transform: @Sendable (T) throws -> R) throws -> [R] {
    let results = UnsafeMutableBufferPointer<Result<R, Error>?>.allocate(capacity: items.count)
    results.initialize(repeating: nil)
    defer { results.deallocate() }
    // Each iteration writes only its own slot, so the buffer needs no lock.
    nonisolated(unsafe) let slots = results
    let workers = max(1, min(threads, items.count))
    // Each worker takes the next item not yet taken, so a slow core holds up no one; which worker
    // computes an item changes only the speed, since each item writes its own slot.
    let counter = SharedCounter()
    DispatchQueue.concurrentPerform(iterations: workers) { _ in
        while true {
            let i = counter.next()
            guard i < items.count else { break }
            slots[i] = Result { try transform(items[i]) }
        }
    }
    return try results.map { try $0!.get() }
}

/// A count shared between threads: 0, 1, 2, … to whichever thread asks next.
public final class SharedCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    public init() {}
    /// The next number; every call gets its own.
    public func next() -> Int {
        lock.withLock {
            value += 1
            return value - 1
        }
    }
}

/// `first()` and `second()` at the same time, on two threads (rendering a map's JSON beside its
/// CSV); each result as if computed alone. The two may only read what they share.
public func concurrently<A, B>(_ first: () throws -> A, _ second: () throws -> B) throws -> (A, B) {
    nonisolated(unsafe) var a: Result<A, Error>?, b: Result<B, Error>?
    // Each thread writes its own result; the caller promises the two only read what they share.
    try withoutActuallyEscaping(first) { first in
        try withoutActuallyEscaping(second) { second in
            nonisolated(unsafe) let (one, two) = (first, second)
            DispatchQueue.concurrentPerform(iterations: 2) { k in
                if k == 0 { a = Result { try one() } } else { b = Result { try two() } }
            }
        }
    }
    return (try a!.get(), try b!.get())
}
