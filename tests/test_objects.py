"""The object layer (issue 26): errors raised inside properties and user functions surface as
they are, joins decide from structure, a join's dtype does not depend on how its pieces group."""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np
import pytest

import schedax as sx
from schedax.compat import timm as TM


@pytest.mark.parametrize(
    "make",
    [
        lambda: sx.lambda_lr(lambda s: jnp.cosine(s)),
        lambda: sx.join_schedules(
            [sx.lambda_lr(lambda s: jnp.cosine(s)), sx.constant_lr(1.0)], [3]
        ),
        lambda: sx.join_schedules([lambda s: jnp.cosine(s), sx.constant_lr(1.0)], [3]),
    ],
)
def test_an_attribute_error_inside_a_user_function_is_the_users(make):
    # It said "'lambda_lr' object has no attribute 'dtype'" ("'_Join'" for a join).
    with pytest.raises(AttributeError, match=r"^module 'jax.numpy' has no attribute 'cosine'"):
        make()(3)


def test_missing_attributes_name_the_constructor():
    with pytest.raises(AttributeError, match=r"^'join_schedules' object has no attribute 'x'$"):
        getattr(sx.join_schedules([sx.constant_lr(1.0)], []), "x")  # noqa: B009
    with pytest.raises(AttributeError, match=r"^cosine_decay has no step: schedax schedules"):
        sx.cosine_decay(0.1, 10).step()


@pytest.mark.parametrize("boundary", [2.5, 3.5, 3.0, 2.0])
def test_user_functions_after_a_fractional_boundary_start_at_their_first_step(boundary):
    # A piece is active from the first integer step >= its boundary, and a user function sees
    # the steps since then: 0 at ceil(b) (it was step - round(b): 1 after 2.5, 0 after 3.5).
    steps = np.arange(8)
    first = np.ceil(boundary)
    expected = np.where(steps < boundary, 9.0, steps - first)
    for piece in (sx.lambda_lr(lambda t: t.astype(jnp.float32)), lambda t: t.astype(jnp.float32)):
        joined = sx.join_schedules([sx.constant_lr(9.0), piece], [boundary])
        np.testing.assert_array_equal(joined(jnp.asarray(steps)), expected)
        np.testing.assert_array_equal([float(joined(int(k))) for k in steps], expected)


def test_a_joins_dtype_does_not_depend_on_how_its_pieces_group():
    low = sx.cosine_decay(jnp.bfloat16(0.1234567), 10)
    same_kind = sx.join_schedules([low, sx.cosine_decay(0.1234567, 10)], [5])
    other_kinds = sx.join_schedules(
        [low, sx.cosine_decay(0.1234567, 10), sx.polynomial_decay(0.1234567, 0.0, 10)], [5, 7]
    )
    # The default float gives way to the explicit bfloat16 (as in a single schedule).
    assert same_kind.dtype == other_kinds.dtype == low.dtype == jnp.bfloat16
    assert same_kind(6) == other_kinds(6)
    np.testing.assert_allclose(float(same_kind(6)), 0.1234567 / 2 * (1 + np.cos(np.pi / 10)),
                               rtol=2**-8)  # fmt: skip


def test_a_config_round_trip_keeps_dtype_and_values():
    s = sx.cosine_decay(jnp.float32(0.1234567), 100, end=jnp.bfloat16(0))
    back = sx.from_config(sx.to_config(s))
    assert back.dtype == s.dtype
    np.testing.assert_array_equal(back(jnp.arange(0, 101, 10)), s(jnp.arange(0, 101, 10)))


def test_a_users_class_of_a_built_in_name_registers_under_its_qualified_name():
    from schedax._rules import param

    class cosine_decay(sx.Schedule):  # noqa: N801  (a notebook's own curve, the built-in's name)
        level: jnp.ndarray = param()

        def _value(self, t):
            return jnp.broadcast_to(self.level.astype(t.dtype), t.shape)

    # The built-in is still what configs name "cosine_decay" (the class replaced it before).
    built_in = sx.from_config({"name": "cosine_decay", "init": 0.1, "decay_steps": 10})
    assert type(built_in) is sx.cosine_decay
    mine = cosine_decay(0.5)
    config = sx.to_config(mine)
    assert config == {"name": f"{__name__}.{cosine_decay.__qualname__}", "level": 0.5}
    assert type(sx.from_config(config)) is cosine_decay


def test_a_config_name_is_registered_once():
    from schedax._registry import register

    with pytest.raises(ValueError, match=r"^register: 'cosine_decay' already names cosine_decay"):
        register("cosine_decay", lambda: None)


# ----------------------------------------------------------------------------- structure, not identity


def test_sequential_lr_restarts_by_structure_not_by_object():
    import jax

    from schedax.compat import torch as T

    c = T.ConstantLR(1.0, factor=0.5, total_iters=0)
    copy = jax.tree.map(lambda x: x, c)  # the same schedule, another object
    # torch 2.13: [1, .5, 1, 1] (the later ConstantLR restarts at lr); the copy gave .5s.
    for piece in (c, copy):
        lr = T.SequentialLR([T.ExponentialLR(1.0, 0.5), piece], [2])
        np.testing.assert_array_equal(lr(jnp.arange(4)), [1.0, 0.5, 1.0, 1.0])
    np.testing.assert_array_equal(c(jnp.arange(3)), [0.5, 0.5, 0.5])  # alone: never restored


@pytest.mark.parametrize(
    "make, match",
    [
        # Shared objects (None, 0) were attributed to the first argument holding them.
        (lambda: TM.CosineLRScheduler(0.1, 100, k_decay=None),
         r"^CosineLRScheduler: k_decay must be a real number, got NoneType None$"),
        (lambda: TM.CosineLRScheduler(0.1, 100, noise_pct=0, noise_range_t=(10, 50)),
         r"^CosineLRScheduler: noise_pct must be > 0, got 0.0$"),
        (lambda: TM.PolyLRScheduler(0.1, 100, cycle_mul=0.5),
         r"^PolyLRScheduler: cycle_mul must be >= 1, got 0.5$"),
        (lambda: sx.step_lr(0.1, 0), r"^step_lr: step_size must be > 0, got 0$"),
    ],
)  # fmt: skip
def test_compat_errors_name_arguments_by_a_declared_table(make, match):
    with pytest.raises((ValueError, TypeError), match=match):
        make()


def test_no_identity_tables_or_weak_references_remain():
    import pathlib

    source = "".join(p.read_text() for p in pathlib.Path(sx.__file__).parent.rglob("*.py"))
    for banned in ("weakref", "id(raw)", "WeakKeyDictionary"):
        assert banned not in source, banned
