"""Reduce-on-plateau inside a jitted lax.scan training loop with optax.

    python examples/plateau.py

Noisy gradients make SGD stall at a loss set by the learning rate; reduce_on_plateau sees the
loss stop improving (it gets `value=loss` at every update) and lowers the learning rate, and
the loss goes down again.
"""

import jax
import jax.numpy as jnp
import optax

import schedax as sx

STEPS = 600

key_a, key_w = jax.random.split(jax.random.key(0))
a = 8.0 * jnp.linalg.qr(jax.random.normal(key_a, (64, 16)))[0]  # well conditioned: a.T a / 64 = I
w_true = jax.random.normal(key_w, (16,))
b = a @ w_true


def loss(w):
    return 0.5 * jnp.mean((a @ w - b) ** 2)


plateau = sx.reduce_on_plateau(0.2, factor=0.5, patience=30, threshold=0.01, min_lr=1e-3)
opt = optax.inject_hyperparams(optax.sgd)(learning_rate=sx.to_optax(plateau))


@jax.jit
def train():
    """STEPS noisy SGD steps; returns the loss and the learning rate at every step."""
    w = jnp.zeros(16)

    def step(carry, k):
        w, state = carry
        value, grads = jax.value_and_grad(loss)(w)
        noise = jax.random.normal(jax.random.fold_in(jax.random.key(1), k), grads.shape)
        updates, state = opt.update(grads + noise, state, w, value=value)
        return (optax.apply_updates(w, updates), state), (value, sx.current_lr(state))

    _, (losses, lrs) = jax.lax.scan(step, (w, opt.init(w)), jnp.arange(STEPS))
    return losses, lrs


if __name__ == "__main__":
    losses, lrs = jax.device_get(train())  # numpy on the host: reading them compiles nothing
    for k in range(0, STEPS, 50):
        print(f"step {k:4d}  loss {float(losses[k]):.5f}  lr {float(lrs[k]):.6f}")
    changes = jnp.flatnonzero(jnp.diff(lrs) < 0) + 1
    print("lr lowered at steps:", [int(k) for k in changes])
