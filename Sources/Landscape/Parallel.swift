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
    // Worker w takes items w, w + workers, …: a fixed share, so nothing but speed depends on timing.
    DispatchQueue.concurrentPerform(iterations: workers) { w in
        for i in stride(from: w, to: items.count, by: workers) { slots[i] = Result { try transform(items[i]) } }
    }
    return try results.map { try $0!.get() }
}
