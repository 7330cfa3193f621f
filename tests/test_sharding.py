"""A sweep sharded over 8 CPU devices gives exactly the unsharded values, in one process and
across two (`jax.distributed` on localhost, 4 devices each). Each run is a subprocess, since
the device count is fixed when JAX starts."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys

import numpy as np

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


# A grid of 64 configurations, its leading axis sharded over every device of every process;
# process 0 saves the gathered values.
DISTRIBUTED = """
import sys
import jax, jax.numpy as jnp, numpy as np
from jax.experimental import multihost_utils
from jax.sharding import Mesh, NamedSharding, PartitionSpec as P
import schedax as sx

out, processes = sys.argv[1], int(sys.argv[2])
if processes > 1:
    jax.config.update("jax_cpu_collectives_implementation", "gloo")
    jax.distributed.initialize(sys.argv[4], num_processes=processes, process_id=int(sys.argv[3]))
sweep = sx.grid(sx.warmup_cosine_decay, peak=np.linspace(1e-4, 1e-2, 8),
                warmup_steps=[0, 10, 99, 100, 401, 500, 999, 1999], total_steps=2000)
sharding = NamedSharding(Mesh(np.array(jax.devices()), ("sweep",)), P("sweep"))
placed = jax.tree.map(lambda leaf: jax.make_array_from_callback(
    leaf.shape, sharding, lambda index: np.asarray(leaf)[index]), sweep)
values = jax.jit(lambda s, t: jax.vmap(lambda one: one(t))(s))(placed, jnp.arange(2_100))
values = multihost_utils.process_allgather(values, tiled=True)
if jax.process_index() == 0:
    np.save(out, np.asarray(values))
print(jax.process_count(), jax.device_count(), len(jax.local_devices()))
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_sweep_across_two_processes_equals_one_process(tmp_path):
    def run(devices: int, *args: str) -> subprocess.Popen:
        env = {**os.environ, "XLA_FLAGS": f"--xla_force_host_platform_device_count={devices}",
               "JAX_PLATFORMS": "cpu"}  # fmt: skip
        return subprocess.Popen([sys.executable, "-c", DISTRIBUTED, *args], env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip

    address = f"127.0.0.1:{_free_port()}"
    runs = [run(8, str(tmp_path / "one.npy"), "1")]
    runs += [run(4, str(tmp_path / "two.npy"), "2", str(i), address) for i in range(2)]
    outputs = [r.communicate(timeout=300) for r in runs]
    for r, (_, err) in zip(runs, outputs, strict=True):
        assert r.returncode == 0, err
    assert [out.splitlines()[-1].split() for out, _ in outputs] == [
        ["1", "8", "8"],
        ["2", "8", "4"],
        ["2", "8", "4"],
    ]
    one, two = np.load(tmp_path / "one.npy"), np.load(tmp_path / "two.npy")
    assert one.shape == (64, 2_100) and np.array_equal(one.view(np.uint32), two.view(np.uint32))
