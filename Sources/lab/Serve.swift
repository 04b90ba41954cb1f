import ArgumentParser
import Experiments
import Figures
import FlyingFox
import FlyingSocks
import Foundation
import Landscape
import Optimizers
import Reports

struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve the lab's JSON API on this machine, for a web page or a script.",
        discussion: """
            The first line printed is the server's address; Ctrl-C stops it. The address opens \
            the live page: pick a problem (a model's on the plane its comparison figure uses), tick optimizers, set the learning rate, ρ, \
            α and steps, click the landscape to start them there, and play the runs step by step \
            with each run's ρ-ball and probe. The page asks the JSON API, whose every answer is \
            the document the command line prints with --format json, computed by the same code:

              GET /api/list
              GET /api/show?problem=NAME&latex=true                    (lab show)
              GET /api/run?problem=NAME&opt=NAME&SETTING=VALUE...      (lab run)
              GET /api/compare?problem=NAME&opts=gd,sam,gam&...        (lab compare)
              GET /api/step?problem=NAME&opt=NAME&at=V1,V2&run-to=K&... (lab step)
              GET /api/measure?problem=NAME&at=V1,V2&rho=R&sigma=S     (lab measure)
              GET /api/basins?problem=NAME&opts=...&grid=N&vary=...&... (lab basins)
              GET /api/landscape?problem=NAME&n=120   (the loss on an n × n grid, contours, critical points)
              GET /api/plane?problem=NAME&opts=...&... (beyond 2-D: lab compare's document and
                                                      the plane its figure draws, with the loss on it)
              GET /api/optimizers                     (names, summaries, colours)
              GET /lessons, /lessons/NAME             (the lessons as pages, commands linked to the page)
              GET /api/figure?problem=NAME&opts=...&figure-format=svg|pdf|png&size=...&basins-of=OPT&at-step=K
                                                      (lab compare's figure, one file)
              GET /api/progress?token=T               (how far /api/basins?...&progress=T has got)

            Settings are the flags' names without dashes (lr=0.1, start=-1,0.5, measures=true), \
            read and checked by the same settings table; a mistake is HTTP 400 with \
            {"error": "..."} in the command line's words, naming the parameter. Only the \
            catalog's problems are served, by name; anything else is 404. At most \
            \(API.heavyAtOnce) computations run at once, \(API.waitingAtMost) more wait, and \
            further ones get 503.

            Examples:
              lab serve
              lab serve --port 0
              curl 'http://127.0.0.1:8750/api/run?problem=two-valley&opt=gam&lr=0.1'

            \(exitStatusHelp)
            """
    )

    @Option(help: "Port to listen on; 0 takes any free one (the first line printed names it).")
    var port: Int = 8750

    @Option(help: "Address to listen on; 127.0.0.1 (the default) is this machine only.")
    var host: String = "127.0.0.1"

    @Flag(help: "Open the address in the default browser (xdg-open).")
    var open = false

    func run() throws {
        guard (0...65535).contains(port) else { throw UsageError("--port must be from 0 to 65535, got \(port)") }
        let address: sockaddr_in
        do { address = try .inet(ip4: host, port: UInt16(port)) } catch { throw UsageError("--host must be an IPv4 address such as 127.0.0.1, got '\(host)'") }
        let server = HTTPServer(address: address, pool: API.NoDelayPool(base: HTTPServer.defaultPool()), logger: .disabled)
        let started = Started("\(host):\(port)")
        Task {
            await API.install(on: server)
            Task {
                do { try await server.run() } catch { started.finish(error) }
            }
            do {
                try await server.waitUntilListening()
                if case .ip4(let ip, let port)? = await server.listeningAddress { started.finish("http://\(ip):\(port)/") }
            } catch {
                started.finish(error)
            }
        }
        let url = try started.wait()
        FileHandle.standardOutput.write(Data((url + "\n").utf8))
        if open { _ = try? Process.run(URL(fileURLWithPath: "/usr/bin/env"), arguments: ["xdg-open", url]) }
        // Serves until a signal: Lab.main's handler ends the process (Ctrl-C: status 130).
        dispatchMain()
    }

    /// The server's address once it listens, or why it could not.
    final class Started: @unchecked Sendable {
        private let done = DispatchSemaphore(value: 0)
        private var result: Result<String, Error>?
        private let lock = NSLock()

        func finish(_ url: String) { settle(.success(url)) }
        func finish(_ error: Error) { settle(.failure(error)) }
        private func settle(_ r: Result<String, Error>) {
            lock.lock()
            defer { lock.unlock() }
            guard result == nil else { return }
            result = r
            done.signal()
        }

        let address: String
        init(_ address: String) { self.address = address }

        func wait() throws -> String {
            done.wait()
            lock.lock()
            defer { lock.unlock() }
            switch result! {
            case .success(let url): return url
            case .failure(let error): throw UsageError("cannot listen on \(address): \(error)")
            }
        }
    }
}

/// The routes of `lab serve`: each reads its query through the settings table and calls the
/// command's `Work` function, off the server's threads, a few at once.
enum API {
    /// Computations at once (this machine has two cores), and how many more may wait.
    static let heavyAtOnce = 2
    static let waitingAtMost = 62

    static func install(on server: HTTPServer) async {
        await server.appendRoute("GET /api/list") { _ in
            await answer { try Work.listJSON(Work.list().problems).rendered() }
        }
        await server.appendRoute("GET /api/show") { request in
            await answer(request, inputs: ["latex"]) { p, inputs, _ in
                Show.document(p, latex: try flag("latex", inputs)).rendered()
            }
        }
        await server.appendRoute("GET /api/run") { request in
            await answer(request, inputs: []) { p, _, given in runJSON(try Work.run(p, given: given, exactSteps: API.exactSteps)).rendered() }
        }
        await server.appendRoute("GET /api/compare") { request in
            await answer(request, inputs: ["opts"]) { p, inputs, given in
                comparisonJSON(try Work.compare(p, opts: try required("opts", inputs), given: given, exactSteps: API.exactSteps)).rendered()
            }
        }
        await server.appendRoute("GET /api/step") { request in
            await answer(request, inputs: ["at", "run-to"]) { p, inputs, given in
                guard case .word(let opt)? = given["opt"] else { throw SettingError("give the optimizer with \(setting: "opt"), as in \(setting: "opt") gam") }
                var given = given
                given["opt"] = nil
                // The updates before the one taken apart are run: bounded as a run's steps are.
                return stepJSON(try Work.step(p, opt: opt, at: inputs["at"], runTo: inputs["run-to"], given: given, exactSteps: API.exactSteps)).rendered()
            }
        }
        await server.appendRoute("GET /api/measure") { request in
            await answer(request, inputs: ["at"]) { p, inputs, given in measuresJSON(try Work.measure(p, at: inputs["at"], given: given)).rendered() }
        }
        await server.appendRoute("GET /api/basins") { request in
            let vary = request.query.filter { $0.name == "vary" }.map(\.value)
            return await answer(request, inputs: ["opts", "grid", "vary", "progress"]) { p, inputs, given in
                try basinsDocument(p, inputs: inputs, vary: vary, given: given)
            }
        }
        await server.appendRoute("GET /api/progress") { request in
            guard let token = request.query["token"] else { return failure(.badRequest, "give the token the basin map was asked with, as in token=map-1") }
            guard let p = progresses.get(token) else { return failure(.notFound, "no basin map with the token '\(token)'") }
            let document = JSON.object([("token", .string(token)), ("done", .number(Double(p.done))), ("total", .number(Double(p.total))),
                                        ("finished", .bool(p.finished)), ("failed", .bool(p.failed))])
            return json(.ok, document.rendered())
        }
        await server.appendRoute("GET /api/figure") { request in
            await file(request)
        }
        await server.appendRoute("GET /api/optimizers") { _ in
            await answer { Work.optimizersJSON().rendered() }
        }
        await server.appendRoute("GET /api/landscape") { request in
            await answer(request, inputs: ["n"]) { p, inputs, _ in
                try Work.landscape(p, samples: try Work.samples(inputs["n"], otherwise: 120)).rendered()
            }
        }
        await server.appendRoute("GET /api/plane") { request in
            await answer(request, inputs: ["opts", "n"]) { p, inputs, given in
                try Work.plane(p, opts: try required("opts", inputs), given: given, samples: try Work.samples(inputs["n"], otherwise: 81),
                               exactSteps: API.exactSteps).rendered()
            }
        }
        await server.appendRoute("GET /lessons") { _ in html(Lessons.index()) }
        await server.appendRoute("GET /lessons/assets/*") { request in
            guard let asset = Lessons.asset(String(request.path.dropFirst("/lessons/assets/".count))) else { return failure(.notFound, "not found") }
            return HTTPResponse(statusCode: .ok, headers: [.contentType: asset.type], body: asset.data)
        }
        await server.appendRoute("GET /lessons/*") { request in
            Lessons.html(String(request.path.dropFirst("/lessons/".count))).map(html) ?? failure(.notFound, "not found")
        }
        await server.appendRoute("GET /") { _ in
            HTTPResponse(statusCode: .ok, headers: [.contentType: "text/html; charset=utf-8"], body: Data(Page.html.utf8))
        }
        await server.appendRoute("*") { _ in failure(.notFound, "not found") }
    }

    /// A request for a problem: `problem` must name one of the catalog's (404 otherwise); the
    /// query's `inputs` are handed over as text, every other parameter is a setting, read by the
    /// table; `work` runs off the server's threads once a slot is free.
    static func answer(_ request: HTTPRequest, inputs names: Set<String>,
                       _ work: @escaping @Sendable (Problem, [String: String], [String: SettingValue]) throws -> String) async -> HTTPResponse {
        guard let name = request.query["problem"] else { return failure(.badRequest, "give the problem, as in problem=two-valley") }
        let catalog = Catalog()
        guard catalog.names().contains(name) else { return failure(.notFound, "no problem named '\(name)' in the catalog") }
        var inputs: [String: String] = [:], texts: [String: String] = [:]
        for item in request.query where item.name != "problem" {
            if names.contains(item.name) { inputs[item.name] = item.value } else { texts[item.name] = item.value }
        }
        let (typed, settings) = (inputs, texts)
        return await answer {
            let p = try catalog.load(name).checked()
            return try work(p, typed, try RunSettings.read(settings))
        }
    }

    /// Runs `work` on a thread of its own once one of `heavyAtOnce` slots is free: its document
    /// as JSON (200), a mistake in the request (400) or a failure (500); 503 when too many wait.
    static func answer(_ work: @escaping @Sendable () throws -> String) async -> HTTPResponse {
        guard await gate.enter() else { return failure(.serviceUnavailable, "busy: \(heavyAtOnce + waitingAtMost) requests are being answered; try again") }
        let result: Result<String, Error> = await withCheckedContinuation { done in
            DispatchQueue.global().async { done.resume(returning: Result { try work() }) }
        }
        await gate.leave()
        switch result {
        case .success(let document): return json(.ok, document)
        case .failure(let e as SettingError): return failure(.badRequest, e.message(naming: { $0 }))
        case .failure(let e as UsageError): return failure(.badRequest, e.message)
        case .failure(let e): return failure(.internalServerError, "\(e)")
        }
    }

    /// `/api/figure`: the comparison's figure (`lab compare`'s, by the same figure code) as one
    /// file: `figure-format` svg, pdf or png, at `size`, `font-size`, `dpi` as on the command
    /// line, with `basins-of` and `basins-grid` as `lab compare --basins-of`; the same settings
    /// and mistakes as `/api/compare`.
    static func file(_ request: HTTPRequest) async -> HTTPResponse {
        guard let name = request.query["problem"], Catalog().names().contains(name) else {
            return failure(request.query["problem"] == nil ? .badRequest : .notFound,
                           request.query["problem"].map { "no problem named '\($0)' in the catalog" } ?? "give the problem, as in problem=two-valley")
        }
        var texts: [String: String] = [:]
        let inputs: Set<String> = ["problem", "opts", "basins-of", "basins-grid", "at-step"]
        for item in request.query where !inputs.contains(item.name) { texts[item.name] = item.value }
        let opts = request.query["opts"], settings = texts
        let basinsOf = request.query["basins-of"], basinsGrid = request.query["basins-grid"] ?? "101", atStep = request.query["at-step"]
        guard await gate.enter() else { return failure(.serviceUnavailable, "busy; try again") }
        let result: Result<(Data, String), Error> = await withCheckedContinuation { done in
            DispatchQueue.global().async {
                done.resume(returning: Result {
                    let p = try Catalog().load(name).checked()
                    let given = try RunSettings.read(settings)
                    var figure = try FigureSettings.resolve(problem: p, given: given)
                    guard figure.formats.count == 1 else { throw SettingError("\(setting: "figure-format"): give one of svg, pdf, png") }
                    figure.animate = false
                    let chosen = try required("opts", opts.map { ["opts": $0] } ?? [:])
                    let asked = try Work.atStep(atStep, p, opts: chosen, given: given, figure: figure)
                    let underlay = try basinsOf.map {
                        try Work.underlay(p, of: $0, grid: basinsGrid, given: given, threads: ProcessInfo.processInfo.activeProcessorCount,
                                          exactStarts: API.exactStarts)
                    }
                    let comparison = try Work.compare(p, opts: chosen, given: given, exactSteps: API.exactSteps)
                    let marked = try Work.kept(asked, comparison.records)
                    let files = try LabFigures.files(try LabFigures.compare(comparison.records, problem: p, basins: underlay, atStep: marked), base: p.name + "-compare",
                                                     settings: figure)
                    let type = ["svg": "image/svg+xml", "pdf": "application/pdf", "png": "image/png"][figure.formats[0]]!
                    return (files[0].contents, type)
                })
            }
        }
        await gate.leave()
        switch result {
        case .success(let (data, type)): return HTTPResponse(statusCode: .ok, headers: [.contentType: type], body: data)
        case .failure(let e as SettingError): return failure(.badRequest, e.message(naming: { $0 }))
        case .failure(let e): return failure(.internalServerError, "\(e)")
        }
    }

    static func html(_ text: String) -> HTTPResponse {
        HTTPResponse(statusCode: .ok, headers: [.contentType: "text/html; charset=utf-8"], body: Data(text.utf8))
    }

    /// An on/off input: absent or `false` is off, `true` on.
    static func flag(_ name: String, _ inputs: [String: String]) throws -> Bool {
        switch inputs[name] {
        case nil, "false": return false
        case "true": return true
        case let other?: throw SettingError("\(setting: name) must be true or false, not '\(other)'")
        }
    }

    /// An input the request must give.
    static func required(_ name: String, _ inputs: [String: String]) throws -> String {
        guard let value = inputs[name] else { throw SettingError("give \(setting: name)") }
        return value
    }

    static func failure(_ status: HTTPStatusCode, _ message: String) -> HTTPResponse {
        json(status, JSON.object([("error", .string(message))]).rendered())
    }

    /// A JSON document as an answer, ending in a newline as the command line prints it.
    static func json(_ status: HTTPStatusCode, _ document: String) -> HTTPResponse {
        HTTPResponse(statusCode: status, headers: [.contentType: "application/json"], body: Data((document + "\n").utf8))
    }

    /// `/api/basins`: `lab basins --format json`'s document; with `progress=TOKEN`, how far it
    /// has got is kept for `/api/progress`.
    static func basinsDocument(_ p: Problem, inputs: [String: String], vary: [String], given: [String: SettingValue]) throws -> String {
        let token = try inputs["progress"].map(Progresses.checked)
        // Known (nothing done yet) from the start, while the map waits or finds critical points.
        if let token { progresses.start(token) }
        var finished = false
        defer { if let token { progresses.finish(token, failed: !finished) } }
        var progress: (@Sendable (Int, Int) -> Void)?
        if let token {
            let registry = progresses
            progress = { done, total in registry.set(token, done: done, total: total) }
        }
        let maps = try Work.basins(p, opts: try required("opts", inputs), grid: inputs["grid"] ?? "101", vary: vary, given: given,
                                   threads: ProcessInfo.processInfo.activeProcessorCount, exactStarts: API.exactStarts, progress: progress)
        finished = true
        return basinsJSON(maps).rendered()
    }

    static let gate = Gate()
    /// A map's starts at most for sam-exact and gam-exact (about a second each): no request
    /// holds one of the two slots for long.
    static let exactStarts = 64
    /// Steps at most of sam-exact and gam-exact runs in one request (about 25 s of work).
    static let exactSteps = 20_000

    /// FlyingFox's socket pool with TCP_NODELAY set on each socket it waits on: the listening
    /// socket (whose connections inherit it on Linux) and every connection. Without it the last
    /// piece of an answer waited for the browser's delayed acknowledgement, 40 ms on each request
    /// of a kept-alive connection (measured: a click's answer took 80 ms where its work took 36).
    struct NoDelayPool: AsyncSocketPool {
        let base: any AsyncSocketPool
        func prepare() async throws { try await base.prepare() }
        func run() async throws { try await base.run() }
        func suspendSocket(_ socket: Socket, untilReadyFor events: Socket.Events) async throws {
            try? socket.setValue(true, for: BoolSocketOption(level: Int32(IPPROTO_TCP), name: Int32(TCP_NODELAY)))
            try await base.suspendSocket(socket, untilReadyFor: events)
        }
    }
    static let progresses = Progresses()

    /// How far each basin map asked with `progress=TOKEN` has got, in blocks of starts done of
    /// all (`/api/progress?token=TOKEN`), kept for the last `kept` tokens.
    final class Progresses: @unchecked Sendable {
        static let kept = 64
        private let lock = NSLock()
        private var entries: [String: (done: Int, total: Int, finished: Bool, failed: Bool)] = [:]
        private var order: [String] = []

        /// A token is 1 to 64 letters, digits, '-' or '_', chosen by the page.
        static func checked(_ token: String) throws -> String {
            guard (1...64).contains(token.count), token.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else {
                throw SettingError("\(setting: "progress") must be 1 to 64 letters, digits, '-' or '_', not '\(token)'")
            }
            return token
        }
        /// A map asked with `token` begins: nothing done (a token used again starts over).
        func start(_ token: String) {
            lock.withLock {
                if entries[token] == nil {
                    order.append(token)
                    if order.count > Progresses.kept { entries[order.removeFirst()] = nil }
                }
                entries[token] = (0, 0, false, false)
            }
        }
        /// Blocks done of all (threads report out of order: the count only grows).
        func set(_ token: String, done: Int, total: Int) {
            lock.withLock { if let e = entries[token] { entries[token] = (max(done, e.done), total, false, false) } }
        }
        /// The map ended: every block done, or it failed (its count stays where it stopped).
        func finish(_ token: String, failed: Bool) {
            lock.withLock { if let e = entries[token] { entries[token] = (failed ? e.done : e.total, e.total, true, failed) } }
        }
        func get(_ token: String) -> (done: Int, total: Int, finished: Bool, failed: Bool)? { lock.withLock { entries[token] } }
    }

    /// At most `heavyAtOnce` computations at once; up to `waitingAtMost` more wait their turn.
    actor Gate {
        private var running = 0
        private var waiting: [CheckedContinuation<Void, Never>] = []

        func enter() async -> Bool {
            if running < API.heavyAtOnce {
                running += 1
                return true
            }
            guard waiting.count < API.waitingAtMost else { return false }
            await withCheckedContinuation { waiting.append($0) }
            return true
        }

        func leave() {
            if waiting.isEmpty { running -= 1 } else { waiting.removeFirst().resume() }
        }
    }
}
