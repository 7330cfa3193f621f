"""Schedules inside equinox and flax nnx models, out of the trained and weight-decayed
parameters, compiled once for all values; saved and restored with orbax, with and without a
target (docs/in-depth.md: "Schedules in models and checkpoints")."""

from __future__ import annotations

import chex
import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest

import schedax as sx

STEPS = 20


@pytest.fixture(autouse=True)
def _standard_promotion():
    with jax.numpy_dtype_promotion("standard"):  # optax's adam mixes its int32 count in
        yield


class VAEish(eqx.Module):
    """A model with a schedule among its fields: a loss weight annealed over training."""

    w: jax.Array
    kl_weight: sx.Schedule

    def loss(self, step):
        return jnp.sum((self.w - 1.0) ** 2) + self.kl_weight(step) * jnp.sum(self.w**2)


def test_equinox_model_keeps_its_schedule_out_of_adamw():
    model = VAEish(jnp.zeros(3), sx.linear_schedule(0.0, 0.5, STEPS))
    opt, traces = optax.adamw(0.05, weight_decay=0.1), []

    @eqx.filter_jit
    def train(model, spec):
        traces.append(1)
        params, rest = eqx.partition(model, spec)
        state = opt.init(params)

        def step(carry, k):  # k: an array step (a Python int would be static: a new trace)
            params, state = carry
            grads = jax.grad(lambda p: eqx.combine(p, rest).loss(k))(params)
            updates, state = opt.update(grads, state, params)
            return (eqx.apply_updates(params, updates), state), None

        (params, _), _ = jax.lax.scan(step, (params, state), jnp.arange(STEPS))
        return eqx.combine(params, rest)

    trained = train(model, sx.without_schedules(model))
    chex.assert_trees_all_equal(trained.kl_weight, model.kl_weight)  # bit for bit
    assert np.all(np.asarray(trained.w) > 0.5)
    # The usual filter takes the schedule's floats for parameters: weight decay moves them.
    drifted = train(model, eqx.is_inexact_array)
    with pytest.raises(AssertionError):
        chex.assert_trees_all_equal(drifted.kl_weight, model.kl_weight)
    # Other values of the schedule: the same program.
    train(eqx.tree_at(lambda m: m.kl_weight, model, sx.linear_schedule(0.0, 0.9, 40)),
          sx.without_schedules(model))  # fmt: skip
    assert len(traces) == 2  # one per filter spec


def test_without_schedules_filters_schedules_and_states_at_any_depth():
    plateau = sx.reduce_on_plateau(0.1)
    tree = {"a": [jnp.ones(2), jnp.arange(3)], "s": sx.cosine_decay(0.1, 10), "p": plateau,
            "state": plateau.init(), "x": 2.0, "bf16": jnp.ones(1, jnp.bfloat16)}  # fmt: skip
    expected = {"a": [True, False], "s": False, "p": False, "state": False, "x": False,
                "bf16": True}  # fmt: skip
    assert sx.without_schedules(tree) == expected
    assert sx.without_schedules(tree, True) == {**expected, "a": [True, True], "x": True}
    masked = optax.masked(optax.add_decayed_weights(1.0), sx.without_schedules(tree))
    updates, _ = masked.update(tree, masked.init(tree), tree)
    chex.assert_trees_all_equal((updates["s"], updates["state"]), (tree["s"], tree["state"]))
    with pytest.raises(TypeError, match=r"^without_schedules: filter_spec must be a bool or a "
                       r"function of a leaf, got str 'x'$"):  # fmt: skip
        sx.without_schedules(tree, "x")


def test_flax_nnx_model_holds_its_schedule_as_data_out_of_the_optimizer():
    from flax import nnx

    class Model(nnx.Module):
        def __init__(self, schedule: sx.Schedule):
            self.w = nnx.Param(jnp.zeros(3))
            self.kl_weight = nnx.data(schedule)  # data: traced, never an nnx.Param

        def loss(self, step):
            return jnp.sum((self.w - 1.0) ** 2) + self.kl_weight(step) * jnp.sum(self.w**2)

    schedule = sx.linear_schedule(0.0, 0.5, STEPS)
    model, traces = Model(schedule), []
    lr = sx.cosine_decay(0.05, STEPS)
    tx = optax.inject_hyperparams(optax.adamw)(learning_rate=lr, weight_decay=0.1)
    opt = nnx.Optimizer(model, tx, wrt=nnx.Param)

    @nnx.jit
    def step(model, opt, k):
        traces.append(1)
        opt.update(model, nnx.grad(lambda m: m.loss(k))(model))

    for k in range(STEPS):
        step(model, opt, jnp.asarray(k))
    chex.assert_trees_all_equal(model.kl_weight, schedule)
    assert np.all(np.asarray(model.w[...]) > 0.3)
    seen = sx.current_lr(opt.opt_state)  # the lr of the last update, as a jax array
    assert isinstance(seen, jax.Array) and seen == lr(STEPS - 1)
    model.kl_weight = sx.linear_schedule(0.0, 0.9, 40)  # other values: the same program
    step(model, opt, jnp.asarray(0))
    assert len(traces) == 1


def test_orbax_restores_schedules_and_states_with_and_without_a_target(tmp_path):
    import orbax.checkpoint as ocp

    schedule = sx.join_schedules(
        [sx.linear_schedule(0.0, 0.1, 10), sx.cosine_decay(0.1, 90, end=1e-3)], [10]
    )
    plateau = sx.reduce_on_plateau(0.1, patience=2)
    state = plateau.init()
    for k, loss in enumerate([1.0, 0.9, 0.95, 0.97, 0.99]):
        state = plateau.observe(state, loss)
        _, state = plateau(k, state)
    tree = {"schedule": schedule, "plateau": state}
    steps = jnp.arange(120)

    with ocp.Checkpointer(ocp.CompositeCheckpointHandler()) as checkpointer:
        checkpointer.save(tmp_path / "ckpt", ocp.args.Composite(
            tree=ocp.args.StandardSave(tree), config=ocp.args.JsonSave(sx.to_config(schedule))))  # fmt: skip
        # With a target (the schedule and the plateau's initial state): the same PyTrees.
        target = {"schedule": schedule, "plateau": plateau.init()}
        restored = checkpointer.restore(tmp_path / "ckpt", ocp.args.Composite(
            tree=ocp.args.StandardRestore(target), config=ocp.args.JsonRestore()))  # fmt: skip
        # Without one: nested dicts of arrays; the config rebuilds the schedule.
        bare = checkpointer.restore(tmp_path / "ckpt", ocp.args.Composite(
            tree=ocp.args.StandardRestore(), config=ocp.args.JsonRestore()))  # fmt: skip

    assert type(restored.tree["schedule"]) is type(schedule)
    chex.assert_trees_all_equal(restored.tree, tree)
    np.testing.assert_array_equal(restored.tree["schedule"](steps), schedule(steps))
    lr, _ = plateau(5, restored.tree["plateau"])  # the run goes on where it was
    assert lr == plateau(5, state)[0] == np.float32(0.1) * np.float32(0.1)  # reduced once
    assert isinstance(bare.tree["schedule"], dict)
    rebuilt = sx.from_config(bare.config)
    chex.assert_trees_all_equal(rebuilt, schedule)
    np.testing.assert_array_equal(rebuilt(steps), schedule(steps))
