"""Quickstart: warmup then cosine with optax, a jitted training loop, and a sweep in one compile.

python examples/quickstart.py
"""

import jax
import jax.numpy as jnp
import optax

import schedax as sx

TOTAL = 200


def warmup_cosine(peak, warmup):
    """Linear warmup from 0 to `peak` over `warmup` steps, then cosine decay to 0 at TOTAL."""
    warmup_phase = sx.linear_schedule(0.0, peak, warmup)
    decay_phase = sx.cosine_decay(peak, TOTAL - warmup)
    return sx.join_schedules([warmup_phase, decay_phase], [warmup])


# A small regression problem: recover w_true from noisy observations.
key_x, key_noise = jax.random.split(jax.random.key(0))
x = jax.random.normal(key_x, (256, 8))
w_true = jnp.arange(8.0) / 8
y = x @ w_true + 0.01 * jax.random.normal(key_noise, (256,))


def loss(w):
    return jnp.mean((x @ w - y) ** 2)


@jax.jit
def train(schedule):
    """TOTAL Adam steps in one lax.scan. The schedule is an argument: new values, no recompile."""
    opt = optax.adam(learning_rate=schedule)
    w = jnp.zeros(8)

    def step(carry, _):
        w, state = carry
        value, grads = jax.value_and_grad(loss)(w)
        updates, state = opt.update(grads, state, w)
        return (optax.apply_updates(w, updates), state), value

    (w, _), losses = jax.lax.scan(step, (w, opt.init(w)), length=TOTAL)
    return losses[-1]


schedule = warmup_cosine(0.05, 20)
print(schedule)
print("lr at steps 0, 10, 20, 110, 200:", schedule(jnp.array([0, 10, 20, 110, 200])))
print(f"final loss: {train(schedule):.2e}")

# A sweep over the peak value and the warmup length: one schedule per configuration, stacked,
# and the whole training loop mapped over them: one compilation for all of them.
peaks = [0.003, 0.03, 0.3]
warmups = [10, 50, 150]
configs = [(p, w) for p in peaks for w in warmups]
sweep = sx.stack([warmup_cosine(p, w) for p, w in configs])
final = jax.vmap(train)(sweep)
for (p, w), value in zip(configs, final, strict=True):
    print(f"peak {p:<5} warmup {w:<4} final loss {value:.2e}")
best = configs[int(jnp.argmin(final))]
print(f"best: peak {best[0]}, warmup {best[1]}")

# Where training code keeps its optimizer (flax's TrainState, nnx.Optimizer, an equinox module,
# or a jitted step taking it), inject the schedules into the optimizer state: transformations
# of one structure are equal, so the step compiles once for every configuration.
compilations = []


@jax.jit
def adam_steps(tx, w, state):
    compilations.append(1)  # runs only while tracing

    def step(carry, _):
        w, state = carry
        updates, state = tx.update(jax.grad(loss)(w), state, w)
        return (optax.apply_updates(w, updates), state), None

    return jax.lax.scan(step, (w, state), length=TOTAL)[0]


for p, w in configs[:3]:
    tx = sx.inject_hyperparams(optax.adam)(learning_rate=warmup_cosine(p, w))
    w_final, state = adam_steps(tx, jnp.zeros(8), tx.init(jnp.zeros(8)))
    print(f"injected peak {p:<5} warmup {w:<4} final loss {loss(w_final):.2e}")
print("compilations of the injected step:", len(compilations))
