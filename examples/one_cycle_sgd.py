"""SGD with torch's one-cycle learning rate *and momentum*, plus a scheduled weight decay, all
through optax.inject_hyperparams in a jitted lax.scan.

    python examples/one_cycle_sgd.py

torch's OneCycleLR also cycles the momentum (cycle_momentum=True): down from 0.95 to 0.85 while
the learning rate rises, back up while it falls. In schedax that curve is the schedule's
`.momentum`, a schedule like any other; the weight decay follows a cosine to zero. The train
function takes the schedules as arguments (new values do not recompile it), and reads back,
at every step, the hyperparameters the optimizer used (current_hyperparams).
"""

import jax
import jax.numpy as jnp
import optax

import schedax as sx

STEPS = 300

key_a, key_w = jax.random.split(jax.random.key(0))
a = 8.0 * jnp.linalg.qr(jax.random.normal(key_a, (64, 16)))[0]  # well conditioned: a.T a / 64 = I
b = a @ jax.random.normal(key_w, (16,))


def loss(w):
    return 0.5 * jnp.mean((a @ w - b) ** 2)


def sgdw(learning_rate, momentum, weight_decay):
    """SGD with momentum and decoupled weight decay, each hyperparameter injectable."""
    return optax.chain(optax.add_decayed_weights(weight_decay), optax.sgd(learning_rate, momentum))


@jax.jit
def train(lr: sx.one_cycle, weight_decay: sx.Schedule):
    """STEPS SGD steps; the loss and every hyperparameter the optimizer used, at every step."""
    opt = optax.inject_hyperparams(sgdw)(
        learning_rate=lr, momentum=lr.momentum, weight_decay=weight_decay
    )
    w = jnp.zeros(16)

    def step(carry, _):
        w, state = carry
        value, grads = jax.value_and_grad(loss)(w)
        updates, state = opt.update(grads, state, w)
        return (optax.apply_updates(w, updates), state), (value, sx.current_hyperparams(state))

    _, (losses, used) = jax.lax.scan(step, (w, opt.init(w)), length=STEPS)
    return losses, used


if __name__ == "__main__":
    lr = sx.one_cycle(0.05, STEPS)  # momentum: base_momentum=0.85, max_momentum=0.95 (torch's)
    losses, used = jax.device_get(train(lr, sx.cosine_decay(1e-3, STEPS)))
    for k in [*range(0, STEPS, 30), STEPS - 1]:
        print(f"step {k:3d}  lr {used['learning_rate'][k]:.6e}  momentum "
              f"{used['momentum'][k]:.6e}  weight_decay {used['weight_decay'][k]:.6e}  "
              f"loss {losses[k]:.3e}")  # fmt: skip
