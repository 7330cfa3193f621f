"""Learn a schedule by gradient: the peak and the warmup length of a warmup-cosine schedule,
tuned on the validation loss of a whole (unrolled) training run.

    python examples/learn_schedule.py

A schedule's hyperparameters are array leaves with finite gradients, so `jax.grad` of the
validation loss after TRAIN_STEPS of minibatch SGD reaches them through the `lax.scan`. The
outer loop takes Adam steps on their logarithms (the lengths stay positive).
"""

import jax
import jax.numpy as jnp
import optax

import schedax as sx

TRAIN_STEPS, BATCH, DIM = 200, 8, 32


def data():
    """A noisy linear regression: a training and a validation set (float64 under x64)."""
    kx, kw, kn = jax.random.split(jax.random.key(0), 3)
    x = jax.random.normal(kx, (512, DIM))
    y = x @ jax.random.normal(kw, (DIM,)) + 0.5 * jax.random.normal(kn, (512,))
    return (x[:256], y[:256]), (x[256:], y[256:])


def mse(w, x, y):
    return 0.5 * jnp.mean((x @ w - y) ** 2)


def schedule(theta, train_steps=TRAIN_STEPS):
    """The schedule of `theta = log([peak, warmup_steps])`."""
    peak, warmup = jnp.exp(theta)
    return sx.warmup_cosine_decay(peak, warmup, train_steps)


def validation_loss(theta, train_steps=TRAIN_STEPS):
    """Train from zero with minibatch SGD on `schedule(theta)`; the loss on held-out data."""
    (x, y), validation = data()
    lr = schedule(theta, train_steps)

    def step(w, k):
        batch = (k * BATCH + jnp.arange(BATCH)) % 256  # minibatches in turn
        return w - lr(k) * jax.grad(mse)(w, x[batch], y[batch]), None

    w, _ = jax.lax.scan(step, jnp.zeros(DIM, x.dtype), jnp.arange(train_steps))
    return mse(w, *validation)


def learn(theta, outer_steps, train_steps=TRAIN_STEPS, rate=0.1):
    """`outer_steps` Adam steps on theta: theta and its validation loss before each, and after
    the last."""
    opt = optax.adam(rate)

    def outer(carry, _):
        theta, state = carry
        loss, grad = jax.value_and_grad(validation_loss)(theta, train_steps)
        updates, state = opt.update(grad, state)
        return (optax.apply_updates(theta, updates), state), (theta, loss)

    (theta, _), (thetas, losses) = jax.lax.scan(outer, (theta, opt.init(theta)), length=outer_steps)
    return jnp.vstack([thetas, theta]), jnp.append(losses, validation_loss(theta, train_steps))


if __name__ == "__main__":
    theta = jnp.log(jnp.array([0.005, 100.0]))  # a low peak and a long warmup
    thetas, losses = jax.device_get(jax.jit(learn, static_argnums=1)(theta, 30))
    for i in range(0, 31, 5):
        peak, warmup = jnp.exp(thetas[i])
        print(f"{'outer step ' + str(i) if i else 'before':>13}: peak {peak:.4f}  warmup "
              f"{warmup:5.1f}  validation loss {losses[i]:.4f}")  # fmt: skip
