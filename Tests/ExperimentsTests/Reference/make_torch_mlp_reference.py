"""Reference numbers from PyTorch for flatlab's data-driven models ([model] and [data]).

A 1-6-1 tanh network, nn.Sequential(nn.Linear(1, 6), nn.Tanh(), nn.Linear(6, 1)), in float64
with torch's own seeded initialisation, fitted by mean squared error to 24 noisy rows of
y = sin(1.7 x) + 0.3 x, with 40 held-out rows. It writes, next to this file:

  mlp-train.csv, mlp-test.csv   the data (drawn here with Python's seeded random)
  torch_mlp_reference.json      the start (torch's init, in parameters() order), 30-step
                                trajectories of gd, sam and gam, and at the start and the end of
                                each: train and test loss, and the exact Hessian's largest
                                eigenvalue and trace (torch.autograd.functional.hessian)

GAM is Algorithm 1 of Zhang et al. (CVPR 2023) with exact Hessian-vector products by double
backward:  f = H g / (|g| + xi),  adv = theta + rho f / (|f| + xi),
h = rho H(adv) grad(adv) / (|grad(adv)| + xi),  step along g + alpha h.  SAM is davda54/sam's
rule: the gradient at theta + rho g / (|g| + 1e-12). Regenerate with

    python3 make_torch_mlp_reference.py

(needs torch; the committed files are what the tests read).
"""
import json
import math
import os
import random

import torch

torch.set_default_dtype(torch.float64)
HERE = os.path.dirname(os.path.abspath(__file__))
XI = 1e-12
STEPS = 30
LR, RHO, ALPHA = 0.05, 0.05, 0.5


def write_data():
    rng = random.Random(7)

    def rows(n):
        out = []
        for _ in range(n):
            x = rng.uniform(-3, 3)
            out.append((x, math.sin(1.7 * x) + 0.3 * x + rng.gauss(0, 0.1)))
        return out

    train, test = rows(24), rows(40)
    for name, data in (("mlp-train.csv", train), ("mlp-test.csv", test)):
        with open(os.path.join(HERE, name), "w") as f:
            f.write("x,y\n")
            for x, y in data:
                f.write(f"{x!r},{y!r}\n")
    as_tensors = lambda d: (torch.tensor([[x] for x, _ in d]), torch.tensor([[y] for _, y in d]))
    return as_tensors(train), as_tensors(test)


class Net:
    """A 1-6-1 tanh network as a function of its flat parameter vector (torch's parameters()
    order), its mse loss on rows (x, y), and the gd, sam and gam directions. The benchmark
    (bench/torch_mlp.py) imports it, so both run the same arithmetic."""

    def __init__(self, seed=0):
        torch.manual_seed(seed)
        net = torch.nn.Sequential(torch.nn.Linear(1, 6), torch.nn.Tanh(), torch.nn.Linear(6, 1))
        self.named = [[n, list(p.shape)] for n, p in net.named_parameters()]
        self.shapes = [p.shape for p in net.parameters()]
        self.start = torch.cat([p.detach().reshape(-1) for p in net.parameters()])

    def loss(self, theta, x, y):
        w1, b1, w2, b2 = torch.split(theta, [math.prod(s) for s in self.shapes])
        h = torch.tanh(x @ w1.reshape(self.shapes[0]).T + b1)
        return torch.nn.functional.mse_loss(h @ w2.reshape(self.shapes[2]).T + b2, y)

    def grad(self, theta, x, y):
        t = theta.detach().requires_grad_(True)
        return torch.autograd.grad(self.loss(t, x, y), t)[0]

    def hessian_grad(self, theta, x, y):
        """grad L and H grad L by double backward."""
        t = theta.detach().requires_grad_(True)
        (g,) = torch.autograd.grad(self.loss(t, x, y), t, create_graph=True)
        (hg,) = torch.autograd.grad(g, t, grad_outputs=g.detach())
        return g.detach(), hg

    def direction(self, name, theta, x, y, rho=RHO, alpha=ALPHA):
        if name == "gd":
            return self.grad(theta, x, y)
        if name == "sam":
            g = self.grad(theta, x, y)
            return self.grad(theta + rho * g / (g.norm() + XI), x, y)
        g, hg = self.hessian_grad(theta, x, y)
        f = hg / (g.norm() + XI)
        ga, hga = self.hessian_grad(theta + rho * f / (f.norm() + XI), x, y)
        return g + alpha * (rho * hga / (ga.norm() + XI))

    def judge(self, theta, train, test):
        """Train and test loss, and λ_max and trace of the exact Hessian."""
        h = torch.autograd.functional.hessian(lambda t: self.loss(t, *train), theta.detach())
        h = 0.5 * (h + h.T)
        return {"train_loss": self.loss(theta, *train).item(), "test_loss": self.loss(theta, *test).item(),
                "lambda_max": torch.linalg.eigvalsh(h)[-1].item(), "trace": torch.trace(h).item()}


def main():
    train, test = write_data()
    net = Net()
    start = net.start
    direction = lambda name, theta: net.direction(name, theta, *train)
    judge = lambda theta: net.judge(theta, train, test)

    runs = []
    for name in ("gd", "sam", "gam"):
        theta = start.clone()
        trajectory = [theta.tolist()]
        for _ in range(STEPS):
            theta = theta - LR * direction(name, theta)
            trajectory.append(theta.tolist())
        runs.append({"optimizer": name, "trajectory": trajectory, "start": judge(start), "end": judge(theta)})

    reference = {"torch_version": torch.__version__, "layers": [1, 6, 1], "activation": "tanh", "loss": "mse",
                 "lr": LR, "rho": RHO, "alpha": ALPHA, "start": start.tolist(),
                 "parameters": net.named, "runs": runs}
    with open(os.path.join(HERE, "torch_mlp_reference.json"), "w") as f:
        json.dump(reference, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
