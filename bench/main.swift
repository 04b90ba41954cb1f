// flatlab benchmarks: compiled tapes against hand-written Swift, and the batch path against a
// loop of scalar evaluations. Every ratio is measured side by side in one process, with the
// contenders interleaved round by round and the median of the rounds reported, because this
// machine is shared and noisy. Run with `make bench` (a release build).
import Experiments
import Figures
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Landscape
import Optimizers
import Plot
import Symbolic

/// Seconds per call of `body`, as the median over `rounds` rounds of `calls` calls each.
func time(rounds: Int, calls: Int, _ bodies: [() -> Double]) -> [Double] {
    var samples = [[Double]](repeating: [], count: bodies.count)
    var sink = 0.0
    for _ in 0..<rounds {
        for (k, body) in bodies.enumerated() {
            let start = DispatchTime.now().uptimeNanoseconds
            for _ in 0..<calls { sink += body() }
            samples[k].append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 / Double(calls))
        }
    }
    if sink == 42.4242 { print("") }  // keeps the work from being optimised away
    return samples.map { $0.sorted()[$0.count / 2] }
}

func report(_ title: String, _ names: [String], _ seconds: [Double]) {
    print(title)
    for (name, s) in zip(names, seconds) {
        // Nanoseconds for evaluations, milliseconds for whole processes.
        let shown = s < 1e-3 ? String(format: "%9.1f ns", s * 1e9) : String(format: "%9.1f ms", s * 1e3)
        print("  " + name.padding(toLength: 38, withPad: " ", startingAt: 0) + shown + String(format: "   ×%.2f", s / seconds[0]))
    }
}

// The two-valley loss of the catalog and its derivative, by hand.
let graph = Graph()
let x = graph.variable("x")
let loss = try graph.parse("(1 - exp(-(x + 1)^2 / 0.01)) * (1 - exp(-(x - 0.5)^2 / 2))")
let gradient = graph.gradient(of: loss, wrt: [x])
let lossGradientTape = Tape(graph: graph, outputs: [loss] + gradient, inputs: [x])
print("two-valley loss + gradient tape: \(lossGradientTape.operationCount) operations")

@inline(never) func handWritten(_ x: Double) -> (Double, Double) {
    let a = exp(-(x + 1) * (x + 1) / 0.01), b = exp(-(x - 0.5) * (x - 0.5) / 2)
    let l = (1 - a) * (1 - b)
    let g = (2 * (x + 1) / 0.01) * a * (1 - b) + (1 - a) * (x - 0.5) * b
    return (l, g)
}

// Check first that both compute the same thing.
for p in stride(from: -2.0, through: 2.0, by: 0.37) {
    let t = lossGradientTape.evaluate([p]), h = handWritten(p)
    precondition(abs(t[0] - h.0) <= 1e-12 && abs(t[1] - h.1) <= 1e-9 * max(1, abs(h.1)), "tape and hand-written code disagree at \(p)")
}

var point = 0.0
var workspace = [Double](repeating: 0, count: lossGradientTape.registerCount)
var output = [Double](repeating: 0, count: 2)
let scalar = time(rounds: 15, calls: 200_000, [
    { point += 1e-7; let h = handWritten(point); return h.0 + h.1 },
    { point += 1e-7; lossGradientTape.evaluate([point], workspace: &workspace, into: &output); return output[0] + output[1] },
    { point += 1e-7; let v = lossGradientTape.evaluate([point]); return v[0] + v[1] },
])
report("one point, loss and gradient:", ["hand-written Swift", "tape, reused workspace", "tape, allocating"], scalar)

let n = 4096
let points = (0..<n).map { -3 + 6 * Double($0) / Double(n - 1) }
let batch = time(rounds: 15, calls: 20, [
    { var s = 0.0; for p in points { let h = handWritten(p); s += h.0 + h.1 }; return s },
    { let out = lossGradientTape.evaluate(batch: [points]); return out[0][7] + out[1][9] },
    { var s = 0.0; for p in points { lossGradientTape.evaluate([p], workspace: &workspace, into: &output); s += output[0] + output[1] }; return s },
])
report("\(n) points, loss and gradient (per point):", ["hand-written Swift loop", "tape, batch", "tape, scalar loop"], batch.map { $0 / Double(n) })

// Whole `lab` processes, as a user runs them: each run with its figure against the same run
// without it (and against `lab list`, the cost of starting the process at all), interleaved
// round by round. The lab binary is the one built beside this benchmark.
let lab = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("lab")
let out = FileManager.default.temporaryDirectory.appendingPathComponent("flatlab-bench-\(getpid())")
/// Runs lab with posix_spawn and waitpid (Foundation's Process polls for the exit in 50 ms
/// steps on Linux, which would swamp what is measured); output goes to /dev/null.
func runLab(_ arguments: [String]) -> Double {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
    let argv = ([lab.path] + arguments).map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) } }
    var pid: pid_t = 0
    precondition(posix_spawn(&pid, lab.path, &actions, nil, argv, environ) == 0, "cannot start \(lab.path)")
    posix_spawn_file_actions_destroy(&actions)
    var status: Int32 = 0
    waitpid(pid, &status, 0)
    precondition(status == 0, "lab \(arguments.joined(separator: " ")) failed")
    return 0
}
/// Runs a command with posix_spawn, stdout and stderr to /dev/null; its exit status.
func spawn(_ path: String, _ arguments: [String]) -> Int32 {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
    let argv = ([path] + arguments).map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) } }
    var pid: pid_t = 0
    guard posix_spawn(&pid, path, &actions, nil, argv, environ) == 0 else { return -1 }
    posix_spawn_file_actions_destroy(&actions)
    var status: Int32 = 0
    waitpid(pid, &status, 0)
    return status
}

// Basin maps: the workload of issue 11 (bench/basins-workload.toml: two Gaussian wells, gam with
// exact HVPs, lr 0.05, ρ 0.2, α 0.5, 200 steps). First one block of starts stepped as lanes
// against the same starts run one at a time, in ns per gam step per start; then whole processes:
// `lab basins` on a 256 × 256 grid beside the same work in JAX (jit + vmap + lax.scan, float64),
// when JAX can be installed into .build/bench-venv (`make bench` tries; without it that half is skipped).
let benchFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
nonisolated(unsafe) var labCompute = Double.nan
let workload = benchFolder.appendingPathComponent("basins-workload.toml").path
do {
    let problem = try Problem.load(file: workload)
    let gam = try Optimizer.lookup("gam")
    let hyper = try RunSettings.resolve(problem: problem, optimizer: gam, given: [:]).hyper
    let starts: [[Double]] = (0..<Lanes.width).map { k -> [Double] in
        let column = Double(k % 16) / 15, row = Double(k / 16) / 15
        return [-3 + 6 * column, -2 + 4 * row]
    }
    let runs = LaneRuns(problem: problem, optimizer: gam, hyper: hyper)
    let perStep = Double(hyper.steps * starts.count)
    func together() -> Double {
        let endings = try! runs.endings(starts)
        return endings.reduce(0.0) { $0 + $1.theta[0] }
    }
    func oneByOne() -> Double {
        var sum = 0.0
        for start in starts {
            let ending = try! RunConfiguration(problem: problem, optimizer: gam, hyper: hyper, start: start).ending()
            sum += ending.theta[0]
        }
        return sum
    }
    let lanes = time(rounds: 5, calls: 1, [together, oneByOne])
    print("tapes run with \(VectorMath.instructionSet) here")
    report("gam on the basin workload, one thread (per step per start):", ["\(starts.count) lanes together", "one start at a time"], lanes.map { $0 / perStep })
    print("  tapes per gam step: H∇L tape \(problem.oracle.hessianGradientTape!.operationCount) operations, twice")
    // lab's compute alone: the whole map (steps, basins, minima) in this process, every core.
    let map = time(rounds: 3, calls: 1, [{ Double((try! BasinMaps(problem: problem, optimizers: [gam], given: [:], grid: (256, 256))).maps[0].outcome[0].code) }])
    labCompute = map[0]
    print(String(format: "  the 256 × 256 map of gam computed in process (all cores): %.3f s", map[0]))
    // Every optimizer is one rule run over lanes: the optimizers that once had no lane form,
    // beside gam, on a 128 × 128 map of the same workload, interleaved in one run.
    let others = ["gam", "asam", "gam-fast", "nesterov", "adamw", "lookahead"]
    let perOptimizer = time(rounds: 3, calls: 1, others.map { name in
        { Double((try! BasinMaps(problem: problem, optimizers: [try! Optimizer.lookup(name)], given: [:], grid: (128, 128))).maps[0].outcome[0].code) }
    })
    report("128 × 128 maps on the basin workload, in process (all cores):", others, perOptimizer)
} catch {
    print("basin workload: \(error)")
}
let venvPython = benchFolder.deletingLastPathComponent().appendingPathComponent(".build/bench-venv/bin/python").path
if FileManager.default.isExecutableFile(atPath: lab.path) {
    let basinsOut = FileManager.default.temporaryDirectory.appendingPathComponent("flatlab-bench-basins-\(getpid())").path
    let labBasins: () -> Double = {
        let status = spawn(lab.path, ["basins", workload, "--opts", "gam", "--grid", "256", "--no-plot", "--out", basinsOut])
        precondition(status == 0, "lab basins failed")
        return 0
    }
    let script = benchFolder.appendingPathComponent("jax_basins.py").path
    let hasJAX = FileManager.default.isExecutableFile(atPath: venvPython) && spawn(venvPython, ["-c", "import jax"]) == 0
    if hasJAX {
        let seconds = time(rounds: 5, calls: 1, [labBasins, { _ = spawn(venvPython, [script, "--once"]); return 0 }])
        report("basin map, 256 × 256 starts of gam, whole process:", ["lab basins", "JAX (import, compile, run once)"], seconds)
        // JAX's compute alone: the script's own timing of the compiled call.
        let pipe = Pipe(), p = Process()
        p.executableURL = URL(fileURLWithPath: venvPython)
        p.arguments = [script]
        p.standardOutput = pipe
        try? p.run()
        p.waitUntilExit()
        let line = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        if let jaxCompute = line.split(separator: " ").dropFirst().first.flatMap({ Double($0) }) {
            print(String(format: "  compute: lab %.3f s, JAX %.3f s (compiled call, median of 3): lab ×%.2f of JAX's", labCompute, jaxCompute, labCompute / jaxCompute))
            print(String(format: "  whole process: lab %.3f s, JAX %.3f s: lab ×%.2f of JAX's (target: at most ×0.15)", seconds[0], seconds[1], seconds[0] / seconds[1]))
        }
    } else {
        let seconds = time(rounds: 5, calls: 1, [labBasins])
        report("basin map, 256 × 256 starts of gam, whole process:", ["lab basins"], seconds)
        print("  JAX is not installed in .build/bench-venv (make bench tries pip): the JAX half is skipped")
    }
    try? FileManager.default.removeItem(atPath: basinsOut)
}

// Models fitted to data (issue 13): `lab compare` of gd, sam and gam on a 1-6-1 network with 24
// rows, 1000 steps each, beside the same work in PyTorch (bench/torch_mlp.py: the steps, then the
// losses and the exact Hessian's eigenvalues at each end), whole processes interleaved; target:
// lab at most a tenth of PyTorch's time. And `lab measure` on a 105-parameter network (target: under 0.2 s).
if FileManager.default.isExecutableFile(atPath: lab.path) {
    let mlp = benchFolder.appendingPathComponent("mlp-workload.toml").path
    let mlp100 = benchFolder.appendingPathComponent("mlp100-workload.toml").path
    let labCompare: () -> Double = { runLab(["compare", mlp, "--opts", "gd,sam,gam", "--steps", "1000", "--out", out.path]) }
    let torchScript = benchFolder.appendingPathComponent("torch_mlp.py").path
    let hasTorch = FileManager.default.isExecutableFile(atPath: venvPython) && spawn(venvPython, ["-c", "import torch"]) == 0
    if hasTorch {
        let seconds = time(rounds: 3, calls: 1, [labCompare, { precondition(spawn(venvPython, [torchScript]) == 0, "torch_mlp.py failed"); return 0 }])
        report("1-6-1 network, gd, sam and gam 1000 steps each, whole process:", ["lab compare (with the figure)", "PyTorch (import, run, Hessians)"], seconds)
        print(String(format: "  lab ×%.3f of PyTorch's time (target: at most ×0.1)", seconds[0] / seconds[1]))
    } else {
        report("1-6-1 network, gd, sam and gam 1000 steps each, whole process:", ["lab compare (with the figure)"], time(rounds: 3, calls: 1, [labCompare]))
        print("  PyTorch is not installed in .build/bench-venv (make bench tries pip): the PyTorch half is skipped")
    }
    let measure = time(rounds: 9, calls: 1, [{ runLab(["measure", mlp100]) }, { runLab(["list"]) }])
    report("lab measure on a 105-parameter network, whole process:", ["lab measure (target: under 200 ms)", "lab list (process start)"], measure)
}

// Figures (issue 19): the compare figure of two-valley (gd, sam, gam) written as a column-wide
// PDF in process (sampling the landscape, building the figure, librsvg and Cairo), beside
// matplotlib building the comparable two-panel figure (heat map, contours, paths; losses on a
// log scale) and saving it as PDF (bench/mpl_compare.py, in the bench venv; skipped without
// matplotlib). Target: lab at most a tenth of matplotlib's time.
do {
    let catalog = benchFolder.deletingLastPathComponent().appendingPathComponent("problems/two-valley.toml").path
    let problem = try Problem.load(file: catalog)
    let comparison = try Comparison(problem: problem, optimizers: try ["gd", "sam", "gam"].map(Optimizer.lookup), given: [:])
    var settings = FigureSettings()
    settings.size = .page
    settings.formats = ["pdf"]
    let labPDF: () -> Double = {
        let files = try! LabFigures.files(try! LabFigures.compare(comparison.records, problem: problem), base: "compare", settings: settings)
        return Double(files[0].contents.count)
    }
    let hasMatplotlib = FileManager.default.isExecutableFile(atPath: venvPython) && spawn(venvPython, ["-c", "import matplotlib"]) == 0
    if hasMatplotlib {
        // The same data for matplotlib: the landscape on lab's 120 × 120 grid, the paths and losses.
        let n = 120, d = problem.domain
        let xs = (0..<n).map { d[0].lowerBound + (d[0].upperBound - d[0].lowerBound) * Double($0) / Double(n - 1) }
        let ys = (0..<n).map { d[1].lowerBound + (d[1].upperBound - d[1].lowerBound) * Double($0) / Double(n - 1) }
        let values = ys.map { y in problem.oracle.lossTape.evaluate(batch: [xs, xs.map { _ in y }])[0] }
        let runs: [[String: Any]] = comparison.records.map { r in
            ["name": r.optimizer.name, "color": LabFigures.color(r.optimizer).svg, "x": r.trajectory.map { $0.theta[0] }, "y": r.trajectory.map { $0.theta[1] },
             "steps": r.trajectory.map(\.step), "loss": r.trajectory.map(\.loss)]
        }
        let data = try JSONSerialization.data(withJSONObject: ["xs": xs, "ys": ys, "values": values, "runs": runs] as [String: Any])
        let dataFile = FileManager.default.temporaryDirectory.appendingPathComponent("flatlab-mpl-\(getpid()).json")
        try data.write(to: dataFile)
        defer { try? FileManager.default.removeItem(at: dataFile) }
        // matplotlib reports its own in-process median; read it from its output.
        let process = Process()
        process.executableURL = URL(fileURLWithPath: venvPython)
        process.arguments = [benchFolder.appendingPathComponent("mpl_compare.py").path, dataFile.path, "7"]
        let pipe = Pipe()
        process.standardOutput = pipe
        let labSeconds = time(rounds: 7, calls: 1, [labPDF])[0]
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let labAfter = time(rounds: 7, calls: 1, [labPDF])[0]
        if let mpl = Double(output.trimmingCharacters(in: .whitespacesAndNewlines)) {
            let lab = min(labSeconds, labAfter)
            report("the compare figure of two-valley as a page-wide PDF, in process:", ["lab (sample, draw, librsvg + Cairo)", "matplotlib (draw, savefig)"], [lab, mpl])
            print(String(format: "  lab ×%.3f of matplotlib's time (target: at most ×0.1)", lab / mpl))
            let parts = time(rounds: 7, calls: 1, [
                { Double(try! LabFigures.compare(comparison.records, problem: problem).panels.count) },
                { Double(try! LabFigures.compare(comparison.records, problem: problem).svg(LabFigures.style(settings)).utf8.count) },
            ])
            print(String(format: "  of lab's: building the figure %.1f ms, with its SVG %.1f ms, librsvg and Cairo the rest", parts[0] * 1e3, parts[1] * 1e3))
        } else {
            print("  mpl_compare.py failed: \(output)")
        }
    } else {
        report("the compare figure of two-valley as a page-wide PDF, in process:", ["lab (sample, draw, librsvg + Cairo)"], time(rounds: 7, calls: 1, [labPDF]))
        print("  matplotlib is not installed in .build/bench-venv (make bench tries pip): the matplotlib half is skipped")
    }
} catch {
    print("figure benchmark: \(error)")
}

// lab serve (the live-page issue): a click's worth of work, gd, sam and gam 500 steps from one
// start, asked of the running server beside the same `lab compare` as a process (target: the
// server at most 100 ms, and faster than the process); and a 128 × 128 basin map of two-valley
// for three optimizers through the server (target: at most 1 s).
if FileManager.default.isExecutableFile(atPath: lab.path) {
    let server = Process()
    server.executableURL = lab
    server.arguments = ["serve", "--port", "0"]
    server.currentDirectoryURL = benchFolder.deletingLastPathComponent()
    let pipe = Pipe()
    server.standardOutput = pipe
    server.standardError = FileHandle.nullDevice
    try server.run()
    var line = Data()
    while true {
        let byte = pipe.fileHandleForReading.readData(ofLength: 1)
        guard !byte.isEmpty, byte != Data("\n".utf8) else { break }
        line += byte
    }
    let base = String(decoding: line, as: UTF8.self)
    /// GET from the server; the body's length (a request that fails stops the benchmark).
    func get(_ path: String) -> Double {
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var status = -1, length = 0
        URLSession.shared.dataTask(with: URL(string: base + path)!) { data, response, _ in
            (status, length) = ((response as? HTTPURLResponse)?.statusCode ?? -1, data?.count ?? 0)
            done.signal()
        }.resume()
        done.wait()
        precondition(status == 200, "GET \(path): \(status)")
        return Double(length)
    }
    let click = "problem=two-valley&opts=gd,sam,gam&steps=500&start=0.6,0.3"
    let seconds = time(rounds: 9, calls: 1, [{ get("api/compare?" + click) },
                                            { runLab(["compare", "two-valley", "--opts", "gd,sam,gam", "--steps", "500", "--start", "0.6,0.3", "--no-plot", "--format", "json", "--out", out.path]) }])
    report("gd, sam and gam 500 steps on two-valley (a click on the page):", ["GET /api/compare (server running)", "lab compare --no-plot, whole process"], seconds)
    print(String(format: "  server %.1f ms (target: at most 100 ms), ×%.2f of the process's time", seconds[0] * 1e3, seconds[0] / seconds[1]))
    // The same click in a real browser, end to end: the page's own clicks (#clicktimes), timed
    // from the click to the drawn paths, in headless Chromium driven over the DevTools pipe. The
    // clicks are half a second apart, as a student's are: back to back, Chromium would still be
    // painting the last paths on one of the two cores while the server computes on both.
    let driver = Process(), driven = Pipe()
    driver.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    driver.arguments = ["python3", benchFolder.appendingPathComponent("browser_clicks.py").path, base]
    driver.standardOutput = driven
    if (try? driver.run()) != nil {
        let lines = String(decoding: driven.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).split(separator: "\n").map(String.init)
        driver.waitUntilExit()
        func numbers(_ prefix: String) -> [Double] {
            lines.first { $0.hasPrefix(prefix + " ") }.map { $0.split(separator: " ").dropFirst().compactMap { Double($0) }.sorted() } ?? []
        }
        let ms = numbers("clicks"), answered = numbers("answered")
        if ms.isEmpty {
            print("  in the browser: \(lines.first ?? "skipped: the driver printed nothing")")
        } else {
            print(String(format: "  in the browser, click to drawn paths (%d clicks, half a second apart): median %.0f ms, slowest %.0f ms (target: at most 100 ms)",
                         ms.count, ms[ms.count / 2], ms.last!))
            if !answered.isEmpty {
                print(String(format: "  of which click to the answer's last byte: median %.0f ms, slowest %.0f ms", answered[answered.count / 2], answered.last!))
            }
        }
    }
    let map = time(rounds: 3, calls: 1, [{ get("api/basins?problem=two-valley&opts=gd,sam,gam&grid=128") }])
    report("128 × 128 basin map of two-valley, gd, sam and gam:", ["GET /api/basins (target: at most 1 s)"], map)
    server.interrupt()
    server.waitUntilExit()
}

if FileManager.default.isExecutableFile(atPath: lab.path) {
    for problem in ["two-valley", "himmelblau"] {
        let base = ["run", problem, "--opt", "gam", "--out", out.path]
        let seconds = time(rounds: 15, calls: 1, [{ runLab(base + ["--no-plot"]) }, { runLab(base) }, { runLab(["list"]) }])
        report("lab run \(problem) --opt gam, whole process:", ["without the figure", "with the figure", "lab list (process start)"], seconds)
        let svg = (try? FileManager.default.attributesOfItem(atPath: out.appendingPathComponent("\(problem)-gam.svg").path)[.size] as? Int) ?? 0
        print(String(format: "  %.1f ms with the figure, %.1f ms without; the SVG is %d KB", seconds[1] * 1e3, seconds[0] * 1e3, svg / 1024))
        print(String(format: "  the figure's share of the process: %.0f%% (target: below 50%%)", 100 * (seconds[1] - seconds[0]) / seconds[1]))
    }
    try? FileManager.default.removeItem(at: out)
} else {
    print("lab is not built beside the benchmark (\(lab.path)): whole-process timings skipped")
}
