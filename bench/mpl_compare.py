"""The matplotlib side of flatlab's figure benchmark (make bench).

Reads the data lab draws in its compare figure of two-valley (the loss on a 120 x 120 grid, the
paths of gd, sam and gam, their losses against step) from the JSON file named on the command
line, and builds the comparable two-panel figure: a heat map with contours and the three paths
on the left, the losses on a log scale on the right, saved as PDF, as a paper author would with
matplotlib. Prints the median seconds of figure building plus savefig over the rounds (the
imports and the reading are not timed).
"""
import io
import json
import sys
import time

import matplotlib

matplotlib.use("pdf")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402


def draw(data):
    xs, ys = np.array(data["xs"]), np.array(data["ys"])
    values = np.array(data["values"])
    fig, (left, right) = plt.subplots(1, 2, figsize=(6.9, 2.6))
    # One embedded image, as lab draws a 120 x 120 heat map (pcolormesh would write 14400
    # vector quads and take about ten times longer).
    dx, dy = (xs[-1] - xs[0]) / (len(xs) - 1), (ys[-1] - ys[0]) / (len(ys) - 1)
    image = left.imshow(values, origin="lower", cmap="viridis", interpolation="nearest",
                        extent=(xs[0] - dx / 2, xs[-1] + dx / 2, ys[0] - dy / 2, ys[-1] + dy / 2))
    lines = left.contour(xs, ys, values, levels=10, colors="white", linewidths=0.6)
    left.clabel(lines, fontsize=7)
    fig.colorbar(image, ax=left, label="loss")
    for run in data["runs"]:
        left.plot(run["x"], run["y"], color=run["color"], lw=1.2, label=run["name"])
        right.semilogy(run["steps"], run["loss"], color=run["color"], lw=1.2, label=run["name"])
    left.set_aspect("equal")
    left.set_xlabel("x")
    left.set_ylabel("y")
    left.legend(fontsize=7)
    right.set_xlabel("step")
    right.set_ylabel("loss (log scale)")
    right.legend(fontsize=7)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="pdf")
    plt.close(fig)
    return len(buffer.getvalue())


def main():
    with open(sys.argv[1]) as f:
        data = json.load(f)
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    draw(data)  # the first figure loads fonts and caches
    seconds = []
    for _ in range(rounds):
        start = time.perf_counter()
        draw(data)
        seconds.append(time.perf_counter() - start)
    print(sorted(seconds)[len(seconds) // 2])


if __name__ == "__main__":
    main()
