"""A sweep sharded over 8 CPU devices gives exactly the unsharded values. It runs in a
subprocess, since the device count is fixed when JAX starts."""

from __future__ import annotations

import json
import os
import subprocess
import sys

SCRIPT = """
import json
import jax, jax.numpy as jnp, numpy as np
from jax.sharding import Mesh, NamedSharding, PartitionSpec as P
import schedax as sx

rng = np.random.default_rng(0)
stacked = sx.stack([sx.warmup_cosine_decay(float(p), int(w), 2_000)
                    for p, w in zip(rng.uniform(1e-4, 1e-2, 64), rng.integers(0, 500, 64))])
steps = jnp.arange(500, dtype=jnp.int32)
evaluate = jax.jit(lambda s, t: jax.vmap(lambda one: one(t))(s))
unsharded = evaluate(jax.device_put(stacked, jax.devices()[0]), steps)
mesh = Mesh(np.array(jax.devices()), ("sweep",))
sharded = evaluate(jax.device_put(stacked, NamedSharding(mesh, P("sweep"))), steps)
print(json.dumps({"devices": len(jax.devices()), "shards": len(sharded.sharding.device_set),
                  "equal": bool(np.array_equal(unsharded, sharded))}))
"""


def test_sharded_sweep_equals_unsharded():
    env = {**os.environ, "XLA_FLAGS": "--xla_force_host_platform_device_count=8",
           "JAX_PLATFORMS": "cpu"}  # fmt: skip
    done = subprocess.run([sys.executable, "-c", SCRIPT], env=env, capture_output=True,
                          text=True, timeout=300)  # fmt: skip
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result == {"devices": 8, "shards": 8, "equal": True}
