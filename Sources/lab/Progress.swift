import Foundation
import Reports

/// How long work is going: on a terminal, a progress bar on stderr for work that takes more than
/// a second (erased when done); elsewhere (a log, a pipe, CI), one line on stderr once the work
/// is seen to need more than ten seconds in all, with its projected length, so long work never
/// runs without a word. Notebook cells (`LAB_NO_PROGRESS`) get neither: their output is compared.
final class ProgressBar: @unchecked Sendable {
    private let label: String
    /// Work projected to take longer than this is stopped, with `limitHint` (nil: no limit).
    private let limit: Double?, limitHint: String
    private let threads: Int
    private let start = Date()
    private let lock = NSLock()
    private var drawn = false
    private var shown = -1
    private var announced = false
    private let terminal = isatty(STDERR_FILENO) != 0
    private let quiet = ProcessInfo.processInfo.environment["LAB_NO_PROGRESS"] != nil

    init(_ label: String, threads: Int = 1, limit: Double? = nil, limitHint: String = "") {
        (self.label, self.threads, self.limit, self.limitHint) = (label, max(threads, 1), limit, limitHint)
    }

    func update(_ done: Int, _ total: Int) {
        let elapsed = Date().timeIntervalSince(start)
        guard !quiet, total > 0, done > 0, elapsed > 1 else { return }
        // The first blocks finish together, one a thread.
        let projected = elapsed * Double(total) / Double(max(done, min(threads, total)))
        lock.withLock {
            if let limit, projected > limit, elapsed > 2 {
                // Nothing is written before the work ends, so stopping here leaves nothing behind;
                // under the lock, so one thread says it once.
                if drawn { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
                printError("error: this \(label) would take about \(ProgressBar.duration(projected)) (projected from its first \(100 * done / total)%), more than --max-minutes \(String(format: "%g", limit / 60)); \(limitHint)")
                removePartialFiles()
                exit(64)
            }
            if terminal {
                // Redrawn only when the percentage changes.
                guard 100 * done / total != shown else { return }
                shown = 100 * done / total
                let width = 30, filled = width * done / total
                let bar = String(repeating: "#", count: filled) + String(repeating: " ", count: width - filled)
                let left = max(0, projected - elapsed)
                FileHandle.standardError.write(Data("\r\(label) [\(bar)] \(100 * done / total)%, about \(ProgressBar.duration(left)) left\u{1B}[K".utf8))
                drawn = true
            } else if !announced, elapsed > 2 {
                guard projected > 10 else { return }
                announced = true
                FileHandle.standardError.write(Data("\(label): about \(ProgressBar.duration(projected)) of work in all (\(100 * done / total)% done after \(ProgressBar.duration(elapsed))); Ctrl-C stops it and writes nothing\n".utf8))
            }
        }
    }

    /// Erases the bar, if it was drawn.
    func finish() {
        lock.withLock {
            if drawn { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
            drawn = false
        }
    }

    /// "40 s", "3 min", "2.5 h".
    static func duration(_ seconds: Double) -> String {
        if seconds < 90 { return "\(Int(seconds.rounded())) s" }
        if seconds < 5400 { return "\(Int((seconds / 60).rounded())) min" }
        return String(format: "%.1f h", seconds / 3600)
    }
}
