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
