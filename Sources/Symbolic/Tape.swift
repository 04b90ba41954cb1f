/// A straight-line register program computing a list of outputs from a list of inputs.
///
/// Compiled once from the nodes reachable from the outputs; outputs that share subexpressions
/// (a loss, its gradient and a Hessian-vector product) share their instructions, because the
/// graph already shares the nodes. Registers are reused once a value is dead, so a batch needs
/// `registerCount × blockSize` doubles however long the tape is. A tape is a value: it is
/// `Sendable` and can be evaluated from several threads at once.
public struct Tape: Sendable {
    /// `addConstant`, `mulConstant`, `divideByConstant` and `constantDivide` take their constant
    /// from the instruction, not from a register: a batch then reads one array instead of two.
    enum Code: UInt8, Sendable { case neg, add, mul, div, pow, square, function, addConstant, mulConstant, divideByConstant, constantDivide }

    struct Instruction: Sendable {
        var code: Code
        var function: Function
        var a: Int32, b: Int32, out: Int32
        var constant: Double = 0
    }

    let instructions: [Instruction]
    let constantRegisters: [Int32]
    let constantValues: [Double]
    /// `inputRegisters[i]` is where input i goes, or −1 if no output depends on it.
    let inputRegisters: [Int32]
    let outputRegisters: [Int32]
    /// Doubles of scratch per point: the length of `makeWorkspace()`; a batch uses this many blocks
    /// of `blockSize`.
    public let registerCount: Int

    public var inputCount: Int { inputRegisters.count }
    public var outputCount: Int { outputRegisters.count }
    /// Arithmetic operations and function calls executed per point.
    public var operationCount: Int { instructions.count }

    /// Compiles `outputs`; `inputs` are the variable nodes in the order `evaluate` takes them.
    /// Every variable reachable from `outputs` must be among `inputs`.
    public init(graph: Graph, outputs: [NodeID], inputs: [NodeID]) {
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
        // Leaves first: their registers are never reused.
        for id in order {
            switch graph[id].op {
            case .constant(let c):
                register[id] = count; constantRegisters.append(count); constantValues.append(c); count += 1
            case .variable:
                guard let i = inputs.firstIndex(of: id) else {
                    preconditionFailure("variable '\(graph.text(id))' is not an input of the tape")
                }
                register[id] = count; inputRegisters[i] = count; count += 1
            default: break
            }
        }
        var free: [Int32] = []
        var instructions: [Instruction] = []
        for (position, id) in order.enumerated() {
            let node = graph[id]
            if node.args.isEmpty { continue }
            let a = register[node.args[0]]!
            let b = node.args.count > 1 ? register[node.args[1]]! : a
            // Allocate before releasing the arguments that die here, so out never aliases an
            // argument: the batch loops then pass the compiler's overlap checks and run vectorised.
            let out: Int32
            if let r = free.popLast() { out = r } else { out = count; count += 1 }
            for arg in Set(node.args) where lastUse[arg] == position && !graph[arg].args.isEmpty {
                free.append(register[arg]!)
            }
            register[id] = out
            var instruction = Instruction(code: .neg, function: .exp, a: a, b: b, out: out)
            switch node.op {
            case .neg: instruction.code = .neg
            case .binary(let op) where op != .pow && (Tape.constant(graph, node.args[0]) != nil || Tape.constant(graph, node.args[1]) != nil):
                // One operand a constant (IEEE + and · are commutative, bit for bit).
                let c0 = Tape.constant(graph, node.args[0]), c1 = Tape.constant(graph, node.args[1])
                switch op {
                case .add: instruction.code = .addConstant
                case .mul: instruction.code = .mulConstant
                default: instruction.code = c1 != nil ? .divideByConstant : .constantDivide
                }
                if let c1 {
                    (instruction.a, instruction.constant) = (a, c1)
                } else {
                    (instruction.a, instruction.constant) = (b, c0!)
                }
                instruction.b = instruction.a
            case .binary(.add): instruction.code = .add
            case .binary(.mul): instruction.code = .mul
            case .binary(.div): instruction.code = .div
            case .binary(.pow):
                // x^2, the commonest power, as one multiplication (the same bits as pow's x·x).
                if case .constant(2) = graph[node.args[1]].op { instruction.code = .square } else { instruction.code = .pow }
            case .function(let f): instruction.code = .function; instruction.function = f
            case .constant, .variable: preconditionFailure("leaf with arguments")
            }
            instructions.append(instruction)
        }
        self.instructions = instructions
        self.constantRegisters = constantRegisters
        self.constantValues = constantValues
        self.inputRegisters = inputRegisters
        self.outputRegisters = outputs.map { register[$0]! }
        self.registerCount = Int(count)
    }

    /// The value of a constant node, or nil.
    static func constant(_ graph: Graph, _ id: NodeID) -> Double? {
        if case .constant(let c) = graph[id].op { return c }
        return nil
    }

    // MARK: one point

    /// Scratch space for `evaluate(_:workspace:into:)`; reuse it across calls to avoid allocation.
    public func makeWorkspace() -> [Double] {
        var w = [Double](repeating: 0, count: registerCount)
        for (r, c) in zip(constantRegisters, constantValues) { w[Int(r)] = c }
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

    /// Evaluates at one point. `workspace` must come from `makeWorkspace()` of this tape.
    public func evaluate(_ inputs: [Double], workspace: inout [Double], into out: inout [Double]) {
        precondition(inputs.count == inputCount && workspace.count == registerCount && out.count == outputCount)
        workspace.withUnsafeMutableBufferPointer { r in
            for (i, reg) in inputRegisters.enumerated() where reg >= 0 { r[Int(reg)] = inputs[i] }
            for ins in instructions {
                let x = r[Int(ins.a)], y = r[Int(ins.b)]
                let v: Double
                switch ins.code {
                case .neg: v = -x
                case .add: v = x + y
                case .mul: v = x * y
                case .div: v = x / y
                case .pow: v = BinaryOperator.pow.evaluate(x, y)
                case .square: v = x * x
                case .function: v = ins.function.evaluate(x)
                case .addConstant: v = x + ins.constant
                case .mulConstant: v = x * ins.constant
                case .divideByConstant: v = x / ins.constant
                case .constantDivide: v = ins.constant / x
                }
                r[Int(ins.out)] = v
            }
            for (k, reg) in outputRegisters.enumerated() { out[k] = r[Int(reg)] }
        }
    }

    // MARK: a batch of points

    /// o[p] = f(x[p]) for p < m, one loop per function so the compiler vectorises the kernels of
    /// `VectorMath` (the same bits as `Function.evaluate`). `o` may be `x`.
    @inline(__always)
    static func apply(_ f: Function, _ x: UnsafeMutablePointer<Double>, _ o: UnsafeMutablePointer<Double>, _ m: Int) {
        switch f {
        case .exp: for p in 0..<m { o[p] = VectorMath.exp(x[p]) }
        case .log: for p in 0..<m { o[p] = VectorMath.log(x[p]) }
        case .tanh: for p in 0..<m { o[p] = VectorMath.tanh(x[p]) }
        case .sigmoid: for p in 0..<m { o[p] = VectorMath.sigmoid(x[p]) }
        case .softplus: for p in 0..<m { o[p] = VectorMath.softplus(x[p]) }
        case .sqrt: for p in 0..<m { o[p] = x[p].squareRoot() }
        case .sin, .cos:
            // The kernels alone when every point is in their range, else point by point.
            var inRange = true
            for p in 0..<m { inRange = inRange && VectorMath.trigonometricInRange(x[p]) }
            if !inRange {
                for p in 0..<m { o[p] = f.evaluate(x[p]) }
            } else if f == .sin {
                for p in 0..<m { o[p] = VectorMath.sinKernel(x[p]) }
            } else {
                for p in 0..<m { o[p] = VectorMath.cosKernel(x[p]) }
            }
        default: for p in 0..<m { o[p] = f.evaluate(x[p]) }
        }
    }

    /// Points per block: registers for one block stay in cache while each instruction runs over
    /// the block in an inner loop the compiler can vectorise.
    public static let blockSize = 256

    /// Evaluates at many points laid out as structure of arrays: `columns[i][p]` is input i at
    /// point p; the result's `[k][p]` is output k at point p.
    public func evaluate(batch columns: [[Double]]) -> [[Double]] {
        precondition(columns.count == inputCount, "one column per input")
        let n = columns.first?.count ?? 0
        precondition(columns.allSatisfy { $0.count == n }, "columns of equal length")
        var result = [[Double]](repeating: [Double](repeating: 0, count: n), count: outputCount)
        var workspace = makeBlockWorkspace()
        workspace.withUnsafeMutableBufferPointer { registers in
            var start = 0
            while start < n {
                let m = min(Tape.blockSize, n - start)
                let inputs = columns.map { column in column.withUnsafeBufferPointer { $0.baseAddress! + start } }
                let outputs = (0..<outputCount).map { k in
                    result[k].withUnsafeMutableBufferPointer { Optional($0.baseAddress! + start) }
                }
                evaluate(block: inputs, count: m, registers: registers.baseAddress!, into: outputs)
                start += m
            }
        }
        return result
    }

    /// Registers for `evaluate(block:count:registers:into:)`: `registerCount × blockSize` doubles
    /// with the constants in place. One per thread; reuse it across calls.
    public func makeBlockWorkspace() -> [Double] {
        var registers = [Double](repeating: 0, count: registerCount * Tape.blockSize)
        for (r, c) in zip(constantRegisters, constantValues) {
            for p in 0..<Tape.blockSize { registers[Int(r) * Tape.blockSize + p] = c }
        }
        return registers
    }

    /// Evaluates at `m ≤ blockSize` points: `inputs[i][p]` is input i at point p; output k goes to
    /// `outputs[k][p]` (a nil output is skipped). `registers` comes from `makeBlockWorkspace()`.
    /// The pointers must stay valid for the call (the caller's arrays outlive it).
    public func evaluate(block inputs: [UnsafePointer<Double>], count m: Int, registers base: UnsafeMutablePointer<Double>,
                         into outputs: [UnsafeMutablePointer<Double>?]) {
        precondition(inputs.count == inputCount && outputs.count == outputCount && m <= Tape.blockSize)
        let bs = Tape.blockSize
        for (i, reg) in inputRegisters.enumerated() where reg >= 0 {
            (base + Int(reg) * bs).update(from: inputs[i], count: m)
        }
        for ins in instructions {
            let x = base + Int(ins.a) * bs, y = base + Int(ins.b) * bs, o = base + Int(ins.out) * bs
            switch ins.code {
            case .neg: for p in 0..<m { o[p] = -x[p] }
            case .add: for p in 0..<m { o[p] = x[p] + y[p] }
            case .mul: for p in 0..<m { o[p] = x[p] * y[p] }
            case .div: for p in 0..<m { o[p] = x[p] / y[p] }
            case .pow: for p in 0..<m { o[p] = BinaryOperator.pow.evaluate(x[p], y[p]) }
            case .square: for p in 0..<m { o[p] = x[p] * x[p] }
            case .function: Tape.apply(ins.function, x, o, m)
            case .addConstant:
                let c = ins.constant
                for p in 0..<m { o[p] = x[p] + c }
            case .mulConstant:
                let c = ins.constant
                for p in 0..<m { o[p] = x[p] * c }
            case .divideByConstant:
                let c = ins.constant
                for p in 0..<m { o[p] = x[p] / c }
            case .constantDivide:
                let c = ins.constant
                for p in 0..<m { o[p] = c / x[p] }
            }
        }
        for (k, reg) in outputRegisters.enumerated() {
            outputs[k]?.update(from: base + Int(reg) * bs, count: m)
        }
    }
}
