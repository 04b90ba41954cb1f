/// Symbolic reverse mode: derivatives are new nodes in the same graph, sharing the primal's.
extension Graph {
    /// ∂f/∂wrt[i] for each i.
    ///
    /// One sweep from `f` down to the leaves in decreasing id order (reverse topological order)
    /// accumulates each node's adjoint as a node: adj(arg) += adj(node) · ∂node/∂arg. Only nodes
    /// that depend on some `wrt` variable receive adjoints, so constant subtrees cost nothing.
    /// Because the result is itself an expression, derivatives of any order are gradients of
    /// gradients.
    public func gradient(of f: NodeID, wrt: [NodeID]) -> [NodeID] {
        let top = Int(f.index)
        // depends[i]: node i's value changes with some wrt variable.
        var depends = [Bool](repeating: false, count: top + 1)
        for v in wrt where Int(v.index) <= top { depends[Int(v.index)] = true }
        for i in 0...top where !depends[i] {
            depends[i] = nodes[i].args.contains { depends[Int($0.index)] }
        }
        var adjoint = [NodeID?](repeating: nil, count: top + 1)
        if depends[top] { adjoint[top] = constant(1) }

        func accumulate(_ arg: NodeID, _ contribution: NodeID) {
            let i = Int(arg.index)
            adjoint[i] = adjoint[i].map { add($0, contribution) } ?? contribution
        }

        for i in stride(from: top, through: 0, by: -1) {
            guard let adj = adjoint[i] else { continue }
            let node = nodes[i], y = NodeID(i)
            switch node.op {
            case .constant, .variable:
                break
            case .neg:
                accumulate(node.args[0], neg(adj))
            case .function(let fn):
                let u = node.args[0]
                accumulate(u, mul(adj, fn.derivative(self, u, y)))
            case .binary(let op):
                let (a, b) = (node.args[0], node.args[1])
                let need = (a: depends[Int(a.index)], b: depends[Int(b.index)])
                let (da, db) = op.partials(self, a, b, y, need: need)
                if need.a, let da { accumulate(a, mul(adj, da)) }
                if need.b, let db { accumulate(b, mul(adj, db)) }
            }
        }
        return wrt.map { v in Int(v.index) <= top ? adjoint[Int(v.index)] ?? constant(0) : constant(0) }
    }

    /// The Hessian ∂²f/∂wrt[i]∂wrt[j], row by row, as derivatives of the gradient.
    public func hessian(of f: NodeID, wrt: [NodeID]) -> [[NodeID]] {
        gradient(of: f, wrt: wrt).map { gradient(of: $0, wrt: wrt) }
    }

    /// H(f)·v without forming H: the gradient of ∇f·v, with `direction` any nodes (usually extra
    /// variables, so one compiled tape serves every direction).
    public func hessianVectorProduct(of f: NodeID, wrt: [NodeID], direction: [NodeID]) -> [NodeID] {
        precondition(direction.count == wrt.count, "direction must have one entry per variable")
        let g = gradient(of: f, wrt: wrt)
        let gv = sum(zip(g, direction).map { mul($0, $1) })
        return gradient(of: gv, wrt: wrt)
    }
}
