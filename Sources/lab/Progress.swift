import Foundation

/// A progress bar on stderr for work that takes more than a second, drawn only when stderr is a
/// terminal (so logs and pipes stay clean) and erased when the work is done.
final class ProgressBar: @unchecked Sendable {
    private let label: String
    private let start = Date()
    private let lock = NSLock()
    private var drawn = false
    private var shown = -1
    private let enabled = isatty(STDERR_FILENO) != 0

    init(_ label: String) { self.label = label }

    func update(_ done: Int, _ total: Int) {
        guard enabled, total > 0, Date().timeIntervalSince(start) > 1 else { return }
        lock.withLock {
            // Redrawn only when the percentage changes.
            guard 100 * done / total != shown else { return }
            shown = 100 * done / total
            let width = 30, filled = width * done / total
            let bar = String(repeating: "#", count: filled) + String(repeating: " ", count: width - filled)
            FileHandle.standardError.write(Data("\r\(label) [\(bar)] \(100 * done / total)%".utf8))
            drawn = true
        }
    }

    /// Erases the bar, if it was drawn.
    func finish() {
        lock.withLock {
            if drawn { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
            drawn = false
        }
    }
}
