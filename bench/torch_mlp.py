"""The work of `lab compare bench/mlp-workload.toml --opts gd,sam,gam --steps 1000` in PyTorch.

The 1-6-1 tanh network of the tests' PyTorch reference (its `Net`: the same loss and the same gd,
sam and gam directions, GAM by double backward) in float64 on bench/mlp-train.csv; 1000 steps
each at lr 0.05, rho 0.05, alpha 0.5; then at each end point the train and test loss and the
exact Hessian's λ_max and trace (what lab reports besides ZOF and FOF, which it also computes and
PyTorch has no counterpart for). The benchmark times the whole process.
"""
import os
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "Tests", "ExperimentsTests", "Reference"))
from make_torch_mlp_reference import LR, Net  # noqa: E402

STEPS = 1000


def read(name):
    rows = [line.split(",") for line in open(os.path.join(HERE, name)).read().split("\n")[1:] if line]
    return torch.tensor([[float(r[0])] for r in rows]), torch.tensor([[float(r[1])] for r in rows])


def main():
    train, test = read("mlp-train.csv"), read("mlp-test.csv")
    net = Net()
    for name in ("gd", "sam", "gam"):
        theta = net.start.clone()
        for _ in range(STEPS):
            theta = theta - LR * net.direction(name, theta, *train)
        print(name, net.judge(theta, train, test))


if __name__ == "__main__":
    main()
