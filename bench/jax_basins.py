"""The basin-map workload of `make bench` in JAX, for a side-by-side comparison with `lab basins`.

GAM (Algorithm 1 of Zhang et al. 2023, exact Hessian-vector products, base rule gd) from every
start of a 256 x 256 grid, 200 steps, lr 0.05, rho 0.2, alpha 0.5, float64, jit + vmap over
starts and lax.scan over steps. Prints one line: `compute SECONDS` (the jitted call after a
warm-up, median of 3) and the share of starts that end nearer each well, as a sanity check.
"""
import os
import sys
import time

os.environ.setdefault("JAX_PLATFORMS", "cpu")
import jax

jax.config.update("jax_enable_x64", True)
import jax.numpy as jnp

N, STEPS, LR, RHO, ALPHA, XI = 256, 200, 0.05, 0.2, 0.5, 1e-12


def loss(t):
    x, y = t[0], t[1]
    return 1 - jnp.exp(-((x + 1.5) ** 2 + 4 * y**2) / 0.3) - jnp.exp(-((x - 1.5) ** 2 + y**2) / 2)


grad = jax.grad(loss)


def hvp(t, v):
    return jax.jvp(grad, (t,), (v,))[1]


def gam_step(t, _):
    g = grad(t)
    f = hvp(t, g / (jnp.linalg.norm(g) + XI))
    adv = t + RHO * f / (jnp.linalg.norm(f) + XI)
    ga = grad(adv)
    h = RHO * hvp(adv, ga) / (jnp.linalg.norm(ga) + XI)
    return t - LR * (g + ALPHA * h), None


@jax.jit
def run(starts):
    return jax.vmap(lambda s: jax.lax.scan(gam_step, s, None, length=STEPS)[0])(starts)


xs, ys = jnp.linspace(-3, 3, N), jnp.linspace(-2, 2, N)
X, Y = jnp.meshgrid(xs, ys)
starts = jnp.stack([X.ravel(), Y.ravel()], axis=1)
if "--once" in sys.argv:  # the whole process as a user runs it: import, compile, one run
    run(starts).block_until_ready()
    sys.exit(0)
run(starts).block_until_ready()  # compile
times = []
for _ in range(3):
    t0 = time.perf_counter()
    end = run(starts).block_until_ready()
    times.append(time.perf_counter() - t0)
times.sort()
near_narrow = float(jnp.mean(jnp.linalg.norm(end - jnp.array([-1.5, 0.0]), axis=1) < jnp.linalg.norm(end - jnp.array([1.5, 0.0]), axis=1)))
print(f"compute {times[1]:.4f} nearer_narrow {near_narrow:.4f}")
sys.stdout.flush()
