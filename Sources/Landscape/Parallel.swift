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
    let next = NextIndex()
    DispatchQueue.concurrentPerform(iterations: workers) { _ in
        while let i = next.take(below: items.count) { slots[i] = Result { try transform(items[i]) } }
    }
    return try results.map { try $0!.get() }
}

/// Hands out 0, 1, 2, … to whichever thread asks next.
final class NextIndex: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func take(below count: Int) -> Int? {
        lock.withLock {
            guard value < count else { return nil }
            value += 1
            return value - 1
        }
    }
}
