import Dispatch

/// `items.map(transform)` with the calls spread over all cores; results keep their order and the
/// first error (in item order) is rethrown.
public func parallelMap<T: Sendable, R: Sendable>(_ items: [T], _ transform: @Sendable (T) throws -> R) throws -> [R] {
    let results = UnsafeMutableBufferPointer<Result<R, Error>?>.allocate(capacity: items.count)
    results.initialize(repeating: nil)
    defer { results.deallocate() }
    // Each iteration writes only its own slot, so the buffer needs no lock.
    nonisolated(unsafe) let slots = results
    DispatchQueue.concurrentPerform(iterations: items.count) { i in
        slots[i] = Result { try transform(items[i]) }
    }
    return try results.map { try $0!.get() }
}
