"""An independent count of where SAM's runs on two-valley end, for flatlab's basin-map tests.

The loss is written from problems/two-valley.toml with sympy and differentiated by sympy; SAM
steps the way davda54/sam defines it (ascend by e = rho * g / (||g|| + 1e-12), take the gradient
there, step plain gradient descent from the original point), in numpy float64, from every start
of `lab basins two-valley`'s default grid (101 x 101 over [-2, 2] x [-0.6, 0.6]) with the
problem's defaults (lr 0.4, rho 0.5, 500 steps). Writes sam_saddle_reference.json next to this
file: the share of runs that end within 0.05 of the saddle at (0, 0) and were within 0.05 of it
at step 450 as well, and the shares ending within 0.1 of each minimum. Regenerate with

    python3 make_sam_saddle_reference.py

(needs numpy and sympy; the committed JSON is what the tests read).
"""
import json
import os

import numpy as np
import sympy as sp

x, y = sp.symbols("x y")


def softplus(z):
    return sp.log(1 + sp.exp(z))


valley = 0.0144 * (1 - sp.exp(-(x - 1) ** 2 / 0.36)) * (1 - sp.exp(-(x + 1) ** 2 / 0.36))
w = sp.exp(-sp.exp(-2 * (x - 0.5)))
sharp = 0.05 * y**2 + 0.005 * (softplus((y - 0.45) / 0.02) + softplus((-y - 0.45) / 0.02) - 2 * softplus(-22.5))
flat = 0.0062 * (sp.sqrt(1 + 100 * y**2) - 1)
loss = valley + w * sharp + (1 - w) * flat
gx = sp.lambdify((x, y), sp.diff(loss, x), "numpy")
gy = sp.lambdify((x, y), sp.diff(loss, y), "numpy")

X, Y = np.meshgrid(np.linspace(-2, 2, 101), np.linspace(-0.6, 0.6, 101))
px, py = X.ravel().copy(), Y.ravel().copy()
lr, rho, steps = 0.4, 0.5, 500
with np.errstate(over="ignore"):
    for k in range(steps):
        a, b = gx(px, py), gy(px, py)
        n = np.sqrt(a * a + b * b) + 1e-12
        qx, qy = px + rho * a / n, py + rho * b / n
        px, py = px - lr * gx(qx, qy), py - lr * gy(qx, qy)
        if k == 449:
            before = np.hypot(px, py)
at_saddle = (np.hypot(px, py) < 0.05) & (before < 0.05)
out = {
    "starts": int(px.size),
    "share_at_saddle": float(np.mean(at_saddle)),
    "share_near_b": float(np.mean(np.hypot(px + 1, py) < 0.1)),
    "share_near_a": float(np.mean(np.hypot(px - 1, py) < 0.1)),
}
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "sam_saddle_reference.json"), "w") as f:
    json.dump(out, f, indent=1)
    f.write("\n")
print(out)
