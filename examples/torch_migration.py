"""A torch user's migration: SequentialLR(LinearLR -> CosineAnnealingLR) -> join_schedules.

    python examples/torch_migration.py

torch:
    opt = torch.optim.SGD(params, lr=0.1)
    warmup = LinearLR(opt, start_factor=0.01, total_iters=100)
    decay = CosineAnnealingLR(opt, T_max=900)
    scheduler = SequentialLR(opt, [warmup, decay], milestones=[100])
    for step in range(1000): ...; scheduler.step()
"""

import jax.numpy as jnp

import schedax as sx
from schedax.compat import torch as lr_scheduler

# Change the import, keep the numbers (the lr is the first argument, as the optimizer's).
same = lr_scheduler.SequentialLR(
    [
        lr_scheduler.LinearLR(0.1, start_factor=0.01, total_iters=100),
        lr_scheduler.CosineAnnealingLR(0.1, T_max=900),
    ],
    milestones=[100],
)
# Or the native spelling: a linear warmup, then a cosine decay that holds its end value.
native = sx.join_schedules([sx.linear_schedule(0.001, 0.1, 100), sx.cosine_decay(0.1, 900)], [100])

steps = jnp.arange(1000)
# The same numbers to float32 rounding (torch's cosine is periodic; it has not turned by 999).
gap = jnp.max(jnp.abs(same(steps) - native(steps)) / jnp.maximum(jnp.abs(native(steps)), 1e-12))
print(f"max relative |compat - native| over 1000 steps: {float(gap):.1e}")
for step in (0, 50, 100, 550, 999):
    print(f"step {step:4d}: lr {float(same(step)):.6f}")
