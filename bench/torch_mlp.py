"""The work of `lab compare bench/mlp-workload.toml --opts gd,sam,gam --steps 1000` in PyTorch.

A 1-6-1 tanh network in float64 on bench/mlp-train.csv; 1000 steps each of gd, sam (davda54/sam's
rule: the gradient at theta + rho g / (|g| + 1e-12)) and gam (Algorithm 1 of Zhang et al., Hessian-
vector products by double backward), lr 0.05, rho 0.05, alpha 0.5; then at each end point the
train and test loss and the exact Hessian's eigenvalues (what lab reports besides ZOF and FOF,
which it also computes and PyTorch has no counterpart for). The benchmark times the whole process.
"""
import os

import torch

torch.set_default_dtype(torch.float64)
HERE = os.path.dirname(os.path.abspath(__file__))
XI, LR, RHO, ALPHA, STEPS = 1e-12, 0.05, 0.05, 0.5, 1000


def read(name):
    rows = [line.split(",") for line in open(os.path.join(HERE, name)).read().split("\n")[1:] if line]
    return torch.tensor([[float(r[0])] for r in rows]), torch.tensor([[float(r[1])] for r in rows])


def main():
    (xtr, ytr), (xte, yte) = read("mlp-train.csv"), read("mlp-test.csv")
    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Linear(1, 6), torch.nn.Tanh(), torch.nn.Linear(6, 1))
    shapes = [p.shape for p in net.parameters()]
    start = torch.cat([p.detach().reshape(-1) for p in net.parameters()])

    def loss(theta, x=xtr, y=ytr):
        w1, b1, w2, b2 = torch.split(theta, [s.numel() for s in shapes])
        h = torch.tanh(x @ w1.reshape(shapes[0]).T + b1)
        return torch.nn.functional.mse_loss(h @ w2.reshape(shapes[2]).T + b2, y)

    def grad(theta):
        t = theta.detach().requires_grad_(True)
        return torch.autograd.grad(loss(t), t)[0]

    def hessian_grad(theta):
        t = theta.detach().requires_grad_(True)
        (g,) = torch.autograd.grad(loss(t), t, create_graph=True)
        (hg,) = torch.autograd.grad(g, t, grad_outputs=g.detach())
        return g.detach(), hg

    def direction(name, theta):
        if name == "gd":
            return grad(theta)
        if name == "sam":
            g = grad(theta)
            return grad(theta + RHO * g / (g.norm() + XI))
        g, hg = hessian_grad(theta)
        f = hg / (g.norm() + XI)
        ga, hga = hessian_grad(theta + RHO * f / (f.norm() + XI))
        return g + ALPHA * RHO * hga / (ga.norm() + XI)

    for name in ("gd", "sam", "gam"):
        theta = start.clone()
        for _ in range(STEPS):
            theta = theta - LR * direction(name, theta)
        h = torch.autograd.functional.hessian(lambda t: loss(t), theta)
        eigenvalues = torch.linalg.eigvalsh(0.5 * (h + h.T))
        print(name, loss(theta).item(), loss(theta, xte, yte).item(), eigenvalues[-1].item(), eigenvalues.sum().item())


if __name__ == "__main__":
    main()
