import CTape

/// A straight-line register program computing a list of outputs from a list of inputs.
///
/// Compiled once from the nodes reachable from the outputs; outputs that share subexpressions
/// (a loss, its gradient and a Hessian-vector product) share their instructions, because the
/// graph already shares the nodes. Registers are reused once a value is dead, so a batch needs
/// `registerCount × blockSize` doubles however long the tape is. A tape is a value: it is
/// `Sendable` and can be evaluated from several threads at once.
public struct Tape: Sendable {
    /// The instructions of CTape; `ctape.h`'s constants are their codes. `addConstant`,
    /// `mulConstant`, `divideByConstant` and `constantDivide` take their constant from the
    /// instruction, not from a register: a batch then reads one array instead of two.
    enum Code: Sendable {
        case neg, add, mul, div, pow, square, function, addConstant, mulConstant, divideByConstant, constantDivide
        /// softplus(u) and sigmoid(u) both on a tape share exp(−|u|): `expNegAbs` computes it,
        /// `softplusWith` and `sigmoidWith` take u and it.
        case expNegAbs, softplusWith, sigmoidWith

        var ctapeCode: UInt8 {
            let code = switch self {
            case .neg: CTAPE_NEG
            case .add: CTAPE_ADD
            case .mul: CTAPE_MUL
            case .div: CTAPE_DIV
            case .pow: CTAPE_POW
            case .square: CTAPE_SQUARE
            case .function: CTAPE_FUNCTION
            case .addConstant: CTAPE_ADD_CONSTANT
            case .mulConstant: CTAPE_MUL_CONSTANT
            case .divideByConstant: CTAPE_DIVIDE_BY_CONSTANT
            case .constantDivide: CTAPE_CONSTANT_DIVIDE
            case .expNegAbs: CTAPE_EXP_NEG_ABS
            case .softplusWith: CTAPE_SOFTPLUS_WITH
            case .sigmoidWith: CTAPE_SIGMOID_WITH
            }
            return UInt8(code)
        }
    }

    /// The compiled program, as CTape runs it.
    private(set) var instructions: [ctape_instruction]
    private(set) var constantRegisters: [Int32]
    private(set) var constantValues: [Double]
    /// `inputRegisters[i]` is where input i goes, or −1 if no output depends on it.
    private(set) var inputRegisters: [Int32]
    private(set) var outputRegisters: [Int32]
    /// Doubles of scratch per point: the length of `makeWorkspace()`; a batch uses this many blocks
    /// of `blockSize`.
    public let registerCount: Int
    /// Data rows bound to some variables (`Rows`); nil for a plain tape.
    private(set) var rows: Rows?

    /// A data set bound to a tape: every output becomes its mean over the rows. `nodes[c]` is the
    /// variable that takes column c; `columns[c][r]` is its value in row r.
    public struct Rows: Sendable {
        public let nodes: [NodeID]
        public let columns: [[Double]]
        /// Where each column goes (filled in when the tape is compiled).
        var registers: [Int32] = []
        public var count: Int { columns.first?.count ?? 0 }

        public init(nodes: [NodeID], columns: [[Double]]) {
            precondition(nodes.count == columns.count && !columns.isEmpty && columns.allSatisfy { $0.count == columns[0].count && !$0.isEmpty },
                         "one non-empty column per data variable, all of one length")
            self.nodes = nodes
            self.columns = columns
        }
    }

    /// Rows in a scratch block: the rows of a data tape run through the interpreter this many at
    /// a time (all of them up to a block), each register's rows rounded up to whole 64-byte lines.
    var rowStride: Int { rows.map { Swift.min(($0.count + 7) / 8 * 8, Tape.blockSize) } ?? 1 }

    public var inputCount: Int { inputRegisters.count }
    public var outputCount: Int { outputRegisters.count }
    /// Arithmetic operations and function calls executed per point.
    public var operationCount: Int { instructions.count }

    /// Compiles `outputs`; `inputs` are the variable nodes in the order `evaluate` takes them.
    /// Every variable reachable from `outputs` must be among `inputs` or bound to a column of
    /// `rows`. With `rows`, each output is the mean over the rows of the expression: the per-row
    /// graph is compiled once and run over the rows in blocks, never unrolled into one graph of
    /// every row.
    public init(graph: Graph, outputs: [NodeID], inputs: [NodeID], rows: Rows? = nil) {
        let order = graph.reachable(from: outputs)
        var lastUse: [NodeID: Int] = [:]
        for (position, id) in order.enumerated() {
            for a in graph[id].args { lastUse[a] = position }
        }
        for o in outputs { lastUse[o] = Int.max }

        var register: [NodeID: Int32] = [:]
        var count: Int32 = 0
        var constantRegisters: [Int32] = [], constantValues: [Double] = []
        var inputRegisters = [Int32](repeating: -1, count: inputs.count)
        var dataRegisters = [Int32](repeating: -1, count: rows?.nodes.count ?? 0)
        // Leaves first: their registers are never reused.
        for id in order {
            switch graph[id].op {
            case .constant(let c):
                register[id] = count; constantRegisters.append(count); constantValues.append(c); count += 1
            case .variable:
                if let i = inputs.firstIndex(of: id) {
                    register[id] = count; inputRegisters[i] = count; count += 1
                } else if let c = rows?.nodes.firstIndex(of: id) {
                    register[id] = count; dataRegisters[c] = count; count += 1
                } else {
                    preconditionFailure("variable '\(graph.text(id))' is not an input of the tape")
                }
            default: break
            }
        }
        var free: [Int32] = []
        var instructions: [ctape_instruction] = []
        // Arguments of both a softplus and a sigmoid: their exp(−|u|) is computed once, into a
        // register that lives until both have read it.
        var pairs: [NodeID: (softplus: Bool, sigmoid: Bool)] = [:]
        for id in order {
            if case .function(let f) = graph[id].op, f == .softplus || f == .sigmoid {
                var seen = pairs[graph[id].args[0]] ?? (false, false)
                if f == .softplus { seen.softplus = true } else { seen.sigmoid = true }
                pairs[graph[id].args[0]] = seen
            }
        }
        var shared: [NodeID: (register: Int32, readers: Int)] = [:]
        for (position, id) in order.enumerated() {
            let node = graph[id]
            if node.args.isEmpty { continue }
            let a = register[node.args[0]]!
            var b = node.args.count > 1 ? register[node.args[1]]! : a
            // softplus(u) or sigmoid(u) where the tape has both: exp(−|u|) first, once.
            var fused: Code?
            if case .function(let f) = node.op, f == .softplus || f == .sigmoid, let both = pairs[node.args[0]], both.softplus && both.sigmoid {
                let u = node.args[0]
                // The graph makes one node per operation and argument, so u has one softplus and
                // one sigmoid: two readers.
                if shared[u] == nil {
                    let e: Int32
                    if let r = free.popLast() { e = r } else { e = count; count += 1 }
                    instructions.append(ctape_instruction(code: Code.expNegAbs.ctapeCode, function: 0, a: a, b: a, out: e, constant: 0))
                    shared[u] = (e, 2)
                }
                b = shared[u]!.register
                fused = f == .softplus ? .softplusWith : .sigmoidWith
            }
            // Allocate before releasing the arguments that die here, so out never aliases an
            // argument: the batch loops then pass the compiler's overlap checks and run vectorised.
            let out: Int32
            if let r = free.popLast() { out = r } else { out = count; count += 1 }
            if fused != nil, let s = shared[node.args[0]] {
                // The shared exponential is free once both have read it.
                precondition(s.readers > 0, "a shared exponential read more than twice")
                shared[node.args[0]] = (s.register, s.readers - 1)
                if s.readers == 1 { free.append(s.register) }
            }
            for arg in Set(node.args) where lastUse[arg] == position && !graph[arg].args.isEmpty {
                free.append(register[arg]!)
            }
            register[id] = out
            var code = Code.neg, function = Function.exp, (x, y, constant) = (a, b, 0.0)
            switch node.op {
            case .neg: code = .neg
            case .binary(let op) where op != .pow && (Tape.constant(graph, node.args[0]) != nil || Tape.constant(graph, node.args[1]) != nil):
                // One operand a constant (IEEE + and · are commutative, bit for bit).
                let c0 = Tape.constant(graph, node.args[0]), c1 = Tape.constant(graph, node.args[1])
                switch op {
                case .add: code = .addConstant
                case .mul: code = .mulConstant
                default: code = c1 != nil ? .divideByConstant : .constantDivide
                }
                (x, constant) = c1 != nil ? (a, c1!) : (b, c0!)
                y = x
            case .binary(.add): code = .add
            case .binary(.mul): code = .mul
            case .binary(.div): code = .div
            case .binary(.pow):
                // x^2, the commonest power, as one multiplication (the same bits as pow's x·x).
                if case .constant(2) = graph[node.args[1]].op { code = .square } else { code = .pow }
            case .function(let f): (code, function) = (fused ?? .function, f)
            case .constant, .variable: preconditionFailure("leaf with arguments")
            }
            let instruction = ctape_instruction(code: code.ctapeCode, function: function.ctapeCode, a: x, b: y, out: out, constant: constant)
            instructions.append(instruction)
        }
        self.instructions = instructions
        self.constantRegisters = constantRegisters
        self.constantValues = constantValues
        self.inputRegisters = inputRegisters
        self.outputRegisters = outputs.map { register[$0]! }
        self.registerCount = Int(count)
        var bound = rows
        bound?.registers = dataRegisters
        self.rows = bound
    }

    /// This tape with arrays of its own. A copy of a tape shares its arrays' storage, whose
    /// reference count every evaluation touches: threads that each evaluate their own copy
    /// (the blocks of a basin map) would contend for that count's cache line.
    public func unshared() -> Tape {
        func own<T>(_ a: [T]) -> [T] { a.withUnsafeBufferPointer { Array($0) } }
        var copy = self
        copy.instructions = own(instructions)
        copy.constantRegisters = own(constantRegisters)
        copy.constantValues = own(constantValues)
        copy.inputRegisters = own(inputRegisters)
        copy.outputRegisters = own(outputRegisters)
        if let rows {
            var data = Rows(nodes: own(rows.nodes), columns: rows.columns.map(own))
            data.registers = own(rows.registers)
            copy.rows = data
        }
        return copy
    }

    /// The value of a constant node, or nil.
    static func constant(_ graph: Graph, _ id: NodeID) -> Double? {
        if case .constant(let c) = graph[id].op { return c }
        return nil
    }

    // MARK: one point

    /// Scratch space for `evaluate(_:workspace:into:)`; reuse it across calls to avoid allocation.
    /// A data tape needs a block of rows per register.
    public func makeWorkspace() -> [Double] {
        let stride = rowStride
        var w = [Double](repeating: 0, count: registerCount * stride)
        for (r, c) in zip(constantRegisters, constantValues) {
            for p in 0..<stride { w[Int(r) * stride + p] = c }
        }
        return w
    }

    /// Evaluates at one point with a fresh workspace (in a loop, prefer `evaluate(_:workspace:into:)`).
    /// Traps unless there is one value per input. IEEE arithmetic: NaN and ±∞ propagate.
    public func evaluate(_ inputs: [Double]) -> [Double] {
        var workspace = makeWorkspace()
        var out = [Double](repeating: 0, count: outputCount)
        evaluate(inputs, workspace: &workspace, into: &out)
        return out
    }

    /// Evaluates at one point. `workspace` must come from `makeWorkspace()` of this tape. The
    /// same interpreter as a batch, over one point: the same bits as that point in a batch.
    public func evaluate(_ inputs: [Double], workspace: inout [Double], into out: inout [Double]) {
        precondition(inputs.count == inputCount && workspace.count == registerCount * rowStride && out.count == outputCount)
        if let rows {
            workspace.withUnsafeMutableBufferPointer { r in
                out.withUnsafeMutableBufferPointer { o in
                    inputs.withUnsafeBufferPointer { meanOverRows(rows, inputs: $0.baseAddress!, registers: r.baseAddress!, into: o.baseAddress!) }
                }
            }
            return
        }
        workspace.withUnsafeMutableBufferPointer { r in
            for (i, reg) in inputRegisters.enumerated() where reg >= 0 { r[Int(reg)] = inputs[i] }
            instructions.withUnsafeBufferPointer { ctape_run($0.baseAddress, $0.count, r.baseAddress!, 1, 1) }
            for (k, reg) in outputRegisters.enumerated() { out[k] = r[Int(reg)] }
        }
    }

    /// The mean over `rows` of every output at one point: the inputs are set in every row of the
    /// block, the data columns copied in a block of rows at a time, and each output summed over
    /// the rows in order, then divided by their number, into `out[k]`.
    func meanOverRows(_ rows: Rows, inputs: UnsafePointer<Double>, registers base: UnsafeMutablePointer<Double>,
                      into out: UnsafeMutablePointer<Double>) {
        let stride = rowStride, n = rows.count
        for (i, reg) in inputRegisters.enumerated() where reg >= 0 {
            (base + Int(reg) * stride).update(repeating: inputs[i], count: stride)
        }
        var sums = [Double](repeating: 0, count: outputCount)
        var start = 0
        while start < n {
            let m = min(stride, n - start)
            for (c, reg) in rows.registers.enumerated() where reg >= 0 {
                rows.columns[c].withUnsafeBufferPointer { (base + Int(reg) * stride).update(from: $0.baseAddress! + start, count: m) }
            }
            instructions.withUnsafeBufferPointer { ctape_run($0.baseAddress, $0.count, base, stride, m) }
            for (k, reg) in outputRegisters.enumerated() {
                let row = base + Int(reg) * stride
                var s = sums[k]
                for p in 0..<m { s += row[p] }
                sums[k] = s
            }
            start += m
        }
        for k in 0..<outputCount { out[k] = sums[k] / Double(n) }
    }

    // MARK: a batch of points

    /// Points per block: registers for one block stay in cache while each instruction runs over
    /// the block in an inner loop the compiler vectorises (CTape, for AVX2 where the processor has it).
    public static let blockSize = 256

    /// Evaluates at many points laid out as structure of arrays: `columns[i][p]` is input i at
    /// point p; the result's `[k][p]` is output k at point p.
    public func evaluate(batch columns: [[Double]]) -> [[Double]] {
        precondition(columns.count == inputCount, "one column per input")
        let n = columns.first?.count ?? 0
        precondition(columns.allSatisfy { $0.count == n }, "columns of equal length")
        if rows != nil {
            // A data tape's block holds rows, not points: one point at a time.
            var result = [[Double]](repeating: [Double](repeating: 0, count: n), count: outputCount)
            var workspace = makeWorkspace(), point = [Double](repeating: 0, count: inputCount), out = [Double](repeating: 0, count: outputCount)
            for p in 0..<n {
                for i in 0..<inputCount { point[i] = columns[i][p] }
                evaluate(point, workspace: &workspace, into: &out)
                for k in 0..<outputCount { result[k][p] = out[k] }
            }
            return result
        }
        // Blocks are copied through buffers this function owns, so no pointer outlives the
        // array access that made it.
        let bs = Tape.blockSize
        var result = [[Double]](repeating: [Double](repeating: 0, count: n), count: outputCount)
        let registers = makeBlockWorkspace()
        let input = UnsafeMutablePointer<Double>.allocate(capacity: max(1, inputCount * bs))
        let output = UnsafeMutablePointer<Double>.allocate(capacity: max(1, outputCount * bs))
        defer { input.deallocate(); output.deallocate() }
        let inputs = (0..<inputCount).map { UnsafePointer(input + $0 * bs) }
        let outputs = (0..<outputCount).map { Optional(output + $0 * bs) }
        var start = 0
        while start < n {
            let m = min(bs, n - start)
            for (i, column) in columns.enumerated() {
                for p in 0..<m { input[i * bs + p] = column[start + p] }
            }
            evaluate(block: inputs, count: m, registers: registers.pointer, into: outputs)
            for k in 0..<outputCount {
                for p in 0..<m { result[k][start + p] = output[k * bs + p] }
            }
            start += m
        }
        return result
    }

    /// Registers for `evaluate(block:count:registers:into:)`: `registerCount × blockSize` doubles
    /// (a data tape's, `registerCount × rowStride`), aligned as `LaneBuffer`s are, with the
    /// constants in place. One per thread; reuse it across calls.
    public func makeBlockWorkspace() -> LaneBuffer {
        let stride = rows == nil ? Tape.blockSize : rowStride
        let registers = LaneBuffer(count: registerCount * stride)
        for (r, c) in zip(constantRegisters, constantValues) { (registers.pointer + Int(r) * stride).update(repeating: c, count: stride) }
        return registers
    }

    /// Evaluates at `m ≤ blockSize` points: `inputs[i][p]` is input i at point p; output k goes to
    /// `outputs[k][p]` (a nil output is skipped). `registers` comes from `makeBlockWorkspace()`.
    /// The pointers must stay valid for the call (the caller's arrays outlive it).
    public func evaluate(block inputs: [UnsafePointer<Double>], count m: Int, registers base: UnsafeMutablePointer<Double>,
                         into outputs: [UnsafeMutablePointer<Double>?]) {
        inputs.withUnsafeBufferPointer { i in
            outputs.withUnsafeBufferPointer { o in evaluate(block: i, count: m, registers: base, into: o) }
        }
    }

    /// `evaluate(block:count:registers:into:)` with the pointers in buffers the caller keeps, so a
    /// caller that evaluates every step (an optimizer's lanes) allocates nothing per call.
    public func evaluate(block inputs: UnsafeBufferPointer<UnsafePointer<Double>>, count m: Int, registers base: UnsafeMutablePointer<Double>,
                         into outputs: UnsafeBufferPointer<UnsafeMutablePointer<Double>?>) {
        precondition(inputs.count == inputCount && outputs.count == outputCount && m <= Tape.blockSize)
        if let rows {
            // Point by point, each a mean over the rows (the block workspace is a row block).
            var point = [Double](repeating: 0, count: inputCount), out = [Double](repeating: 0, count: outputCount)
            for p in 0..<m {
                for i in 0..<inputCount { point[i] = inputs[i][p] }
                out.withUnsafeMutableBufferPointer { o in
                    point.withUnsafeBufferPointer { meanOverRows(rows, inputs: $0.baseAddress!, registers: base, into: o.baseAddress!) }
                }
                for k in 0..<outputCount { outputs[k]?[p] = out[k] }
            }
            return
        }
        let bs = Tape.blockSize
        for (i, reg) in inputRegisters.enumerated() where reg >= 0 {
            (base + Int(reg) * bs).update(from: inputs[i], count: m)
        }
        instructions.withUnsafeBufferPointer { ctape_run($0.baseAddress, $0.count, base, bs, m) }
        for (k, reg) in outputRegisters.enumerated() {
            outputs[k]?.update(from: base + Int(reg) * bs, count: m)
        }
    }
}

/// A buffer of `count` doubles that frees itself: a block of lanes for the batch tape (lane k of
/// component i at `i * Tape.blockSize + k`), or a block's registers.
///
/// Aligned to 64 bytes, so with a block of 256 doubles every row starts a cache line: CTape's
/// AVX-512 loops then never load or store across two lines (at malloc's 16-byte alignment they
/// did, and a tape ran up to 1.4 times slower).
public final class LaneBuffer: @unchecked Sendable {
    public let pointer: UnsafeMutablePointer<Double>
    public let count: Int
    public init(count: Int, value: Double = 0) {
        self.count = count
        pointer = UnsafeMutableRawPointer.allocate(byteCount: Swift.max(count, 1) * MemoryLayout<Double>.stride, alignment: 64)
            .bindMemory(to: Double.self, capacity: Swift.max(count, 1))
        pointer.initialize(repeating: value, count: count)
    }
    deinit { UnsafeMutableRawPointer(pointer).deallocate() }
    public subscript(i: Int) -> Double {
        get { pointer[i] }
        set { pointer[i] = newValue }
    }
}
