"""A sweep over peak value and warmup length: one stacked schedule, one vmap, one compilation.

python examples/sweep.py
"""

import jax
import jax.numpy as jnp

import schedax as sx

TOTAL = 10_000
peaks = jnp.array([1e-4, 3e-4, 1e-3, 3e-3])
warmups = jnp.array([0, 250, 1000])

# Traced hyperparameters go straight into the constructor: vmap over both grids at once.
grid_peak, grid_warmup = (x.ravel() for x in jnp.meshgrid(peaks, warmups, indexing="ij"))


@jax.jit
def curves(peak, warmup):
    return sx.warmup_cosine_decay(peak, warmup, TOTAL)(jnp.arange(TOTAL))


lrs = jax.vmap(curves)(grid_peak, grid_warmup)  # (12, TOTAL) in one compiled call
print("shape:", lrs.shape)
for p, w, row in zip(grid_peak.tolist(), grid_warmup.tolist(), lrs, strict=True):
    at_500, top = float(row[500]), float(row.max())
    print(f"peak {p:.0e} warmup {w:5d}: lr at step 500 = {at_500:.3e}, max = {top:.0e}")
