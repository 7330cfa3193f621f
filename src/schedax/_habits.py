"""Other libraries' habits on schedax's own names: their keywords, their argument orders.

schedax's top-level names share words with optax, torch, Keras and transformers, not their
signatures. A keyword of theirs gets a `TypeError` naming schedax's argument; numbers that
read as their order (a length under one step, an `end` equal to `init`) are refused or warned
about, with the signature and the compat function that takes their order.
"""

from __future__ import annotations

import inspect
from typing import Any

from ._util import warn

# Another library's keyword -> the schedax arguments it may mean, first found in a signature.
KEYWORDS: dict[str, tuple[str, ...]] = {
    "init_value": ("init", "peak"),
    "initial_learning_rate": ("init", "peak"),
    "learning_rate": ("init", "peak"),
    "lr": ("init", "peak", "base_lr", "base"),
    "base_lr": ("init", "base"),
    "peak_value": ("peak", "init"),
    "max_lr": ("peak",),
    "end_value": ("end",),
    "eta_min": ("end",),
    "min_lr": ("end",),
    "lr_end": ("end",),
    "alpha": ("end",),
    "transition_steps": ("decay_steps", "steps", "period"),
    "T_max": ("decay_steps",),
    "total_iters": ("decay_steps", "steps"),
    "step_size": ("decay_steps",),
    "warmup_t": ("warmup_steps",),
    "num_warmup_steps": ("warmup_steps",),
    "num_training_steps": ("total_steps",),
    "gamma": ("decay_rate",),
    "decay_rate": ("gamma",),
    "transition_begin": (),
}
_FRACTION = {"alpha"}  # a fraction of the initial value, where schedax takes the value

# schedax's name -> the compat function with another library's order for the same curve.
COMPAT = {
    "cosine_decay": "schedax.compat.optax.cosine_decay_schedule",
    "warmup_cosine_decay": "schedax.compat.optax.warmup_cosine_decay_schedule",
    "exponential_decay": "schedax.compat.optax.exponential_decay",
    "linear_schedule": "schedax.compat.optax.linear_schedule",
    "polynomial_decay": "schedax.compat.optax.polynomial_schedule",
    "piecewise_constant": "schedax.compat.optax.piecewise_constant_schedule",
    "join_schedules": "schedax.compat.optax.join_schedules",
    "constant_lr": "schedax.compat.optax.constant_schedule",
    "step_lr": "schedax.compat.torch.StepLR",
    "one_cycle": "schedax.compat.torch.OneCycleLR",
    "cosine_restarts": "schedax.compat.torch.CosineAnnealingWarmRestarts",
}


def usage(name: str, signature: inspect.Signature, compat: bool = False) -> str:
    """`name(args)`, and (not for a compat function) the compat function for another
    library's order if there is one."""
    shown = [p.replace(annotation=p.empty) for p in signature.parameters.values()]
    text = f"{name}{signature.replace(parameters=shown, return_annotation=signature.empty)}"
    other = None if compat else COMPAT.get(name)
    return f"{text}; for {other.split('.')[2]}'s order use {other}" if other else text


def foreign_keyword(name: str, signature: inspect.Signature, keyword: str) -> str | None:
    """What to say of an unknown `keyword`, if it is another library's name for an argument."""
    if keyword not in KEYWORDS:
        return None
    ours = next((a for a in KEYWORDS[keyword] if a in signature.parameters), None)
    if ours is None:
        return f"{keyword} is not an argument here: {usage(name, signature)}"
    if keyword in _FRACTION:
        return (f"{keyword} is another library's fraction of the initial value; schedax's "
                f"{ours} is the value itself ({ours} = init * {keyword}): "
                f"{usage(name, signature)}")  # fmt: skip
    return f"{keyword} is another library's name; schedax's is {ours}: {usage(name, signature)}"


def warn_order(name: str, signature: inspect.Signature, text: str) -> None:
    """A warning that the numbers read as another library's order."""
    warn(f"{name}: {text}; the signature is {usage(name, signature)}")


def check_order(schedule: Any) -> None:
    """Warns where a top-level call's numbers look like another library's argument order."""
    name, raw = schedule._name, schedule._raw
    if not type(schedule).__module__.startswith("schedax."):
        return  # a user's class, whatever its name
    if (
        name == "cosine_decay"
        and _number(raw["end"], raw["init"])
        and raw["end"] == raw["init"] != 0
    ):
        warn_order(name, schedule.__signature__, f"end equals init ({raw['init']}): a constant "
                   "(optax's third argument is alpha, a fraction of init)")  # fmt: skip
    if name == "exponential_decay" and _number(r := raw["decay_rate"]) and r >= 2 and r == int(r):
        warn_order(name, schedule.__signature__, f"decay_rate is {r}, a whole number of steps? "
                   f"The value grows {r}x per decay_steps")  # fmt: skip
    if name == "polynomial_decay" and _number(p := raw["power"]) and p > 100:
        warn_order(name, schedule.__signature__, f"power is {p}, a number of steps? (optax "
                   "takes power before transition_steps)")  # fmt: skip


def _number(*xs: Any) -> bool:
    return all(isinstance(x, int | float) and not isinstance(x, bool) for x in xs)
