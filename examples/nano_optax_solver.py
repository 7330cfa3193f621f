"""A nano-optax-style solver: it takes lr= and schedule_state=, normalized once by as_schedule.

python examples/nano_optax_solver.py
"""

import jax
import jax.numpy as jnp

import schedax as sx


def gradient_descent(loss, params, lr, schedule_state=None, num_steps=200):
    """Gradient descent in one jitted lax.scan, with any learning rate as_schedule accepts."""
    schedule, state = sx.as_schedule(lr, schedule_state)

    @jax.jit
    def run(params, state):
        def step(carry, k):
            params, state = carry
            eta, state = schedule(k, state)
            params = jax.tree.map(lambda p, g: p - eta * g, params, jax.grad(loss)(params))
            return (params, state), (loss(params), eta)

        return jax.lax.scan(step, (params, state), jnp.arange(num_steps, dtype=jnp.int32))

    return run(params, state)


def loss(w):
    return jnp.sum((w - jnp.arange(4.0)) ** 2)


w0 = jnp.zeros(4)
for name, lr, state in [
    ("a constant", 0.1, None),
    ("a schedule", sx.warmup_cosine_decay(0.2, 20, 200), None),
    (
        "a Keras-style schedule(epoch, lr)",
        sx.learning_rate_scheduler(lambda e, lr: lr * 0.9, 0.3, 20),
        None,
    ),
    ("a stateful function", lambda k, s: (0.3 / (1.0 + s), s + 0.05), jnp.float32(0.0)),
]:
    (w, final_state), (losses, etas) = gradient_descent(loss, w0, lr, state)
    first, last = float(etas[0]), float(etas[-1])
    print(f"{name:36s} final loss {float(losses[-1]):.2e}, lr {first:.3f} -> {last:.3f}")
