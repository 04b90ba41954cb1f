"""Reference trajectories from PyTorch for flatlab's optimizer tests.

Runs torch.optim.SGD / Adam / AdamW, and SAM / ASAM written the way davda54/sam defines them
(ascend by e = rho * g / (||g|| + 1e-12), or rho * p^2 * g / (|| |p| g || + 1e-12) when adaptive;
take the gradient there; step the base optimizer from the original point), in float64 on small
analytic losses. Writes torch_reference.json next to this file. Regenerate with

    python3 make_torch_reference.py

(needs torch; the committed JSON is what the tests read).
"""
import json
import os

import torch

torch.set_default_dtype(torch.float64)

LOSSES = {
    "quartic": ("x^4 + y^4 / 4 + x * y", lambda t: t[0] ** 4 + t[1] ** 4 / 4 + t[0] * t[1]),
    "coupled": ("(x - 1)^2 + 5 * (y + 0.5 * x)^2 + 0.1 * x^4",
                lambda t: (t[0] - 1) ** 2 + 5 * (t[1] + 0.5 * t[0]) ** 2 + 0.1 * t[0] ** 4),
}

CONFIGS = [
    # name, loss, flatlab optimizer, base, torch optimizer factory, flatlab hyperparameters
    ("gd", "quartic", "gd", None, lambda p: torch.optim.SGD(p, lr=0.01), {"lr": 0.01}),
    ("gd-wd", "coupled", "gd", None, lambda p: torch.optim.SGD(p, lr=0.02, weight_decay=0.1),
     {"lr": 0.02, "weight_decay": 0.1}),
    ("momentum", "quartic", "momentum", None, lambda p: torch.optim.SGD(p, lr=0.01, momentum=0.9),
     {"lr": 0.01, "momentum": 0.9}),
    ("nesterov-wd", "coupled", "nesterov", None,
     lambda p: torch.optim.SGD(p, lr=0.01, momentum=0.8, nesterov=True, weight_decay=0.05),
     {"lr": 0.01, "momentum": 0.8, "weight_decay": 0.05}),
    ("adam", "quartic", "adam", None, lambda p: torch.optim.Adam(p, lr=0.05), {"lr": 0.05}),
    ("adam-wd", "coupled", "adam", None, lambda p: torch.optim.Adam(p, lr=0.05, weight_decay=0.1),
     {"lr": 0.05, "weight_decay": 0.1}),
    ("adamw", "coupled", "adamw", None, lambda p: torch.optim.AdamW(p, lr=0.05, weight_decay=0.1),
     {"lr": 0.05, "weight_decay": 0.1}),
    ("sam-gd", "quartic", "sam", "gd", lambda p: torch.optim.SGD(p, lr=0.01), {"lr": 0.01, "rho": 0.05}),
    ("sam-momentum", "coupled", "sam", "momentum", lambda p: torch.optim.SGD(p, lr=0.01, momentum=0.9),
     {"lr": 0.01, "rho": 0.1, "momentum": 0.9}),
    ("sam-adam", "quartic", "sam", "adam", lambda p: torch.optim.Adam(p, lr=0.02), {"lr": 0.02, "rho": 0.05}),
    ("asam-gd", "coupled", "asam", "gd", lambda p: torch.optim.SGD(p, lr=0.01), {"lr": 0.01, "rho": 0.5, "eta": 0.0}),
]

STEPS = 25
START = [0.8, -1.2]


def ascent(theta, rho, adaptive):
    """davda54/sam's first_step on a single parameter tensor."""
    g = theta.grad
    weight = theta.abs() if adaptive else torch.ones_like(theta)
    scale = rho / ((weight * g).norm(p=2) + 1e-12)
    return (theta.detach() ** 2 if adaptive else 1.0) * g * scale


def run(config):
    name, loss_name, opt, base, factory, hyper = config
    f = LOSSES[loss_name][1]
    theta = torch.tensor(START, requires_grad=True)
    optimizer = factory([theta])
    trajectory = [theta.detach().tolist()]
    for _ in range(STEPS):
        optimizer.zero_grad()
        f(theta).backward()
        if opt in ("sam", "asam"):
            with torch.no_grad():
                e = ascent(theta, hyper["rho"], adaptive=(opt == "asam"))
                theta.add_(e)
            optimizer.zero_grad()
            f(theta).backward()
            with torch.no_grad():
                theta.sub_(e)
        optimizer.step()
        trajectory.append(theta.detach().tolist())
    return {"name": name, "loss": LOSSES[loss_name][0], "optimizer": opt, "base": base or opt,
            "hyperparameters": hyper, "start": START, "trajectory": trajectory}


if __name__ == "__main__":
    out = {"torch_version": torch.__version__, "runs": [run(c) for c in CONFIGS]}
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "torch_reference.json")
    with open(path, "w") as fh:
        json.dump(out, fh, indent=1)
        fh.write("\n")
    print("wrote", path)
