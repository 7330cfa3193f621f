"""Other libraries' argument orders and keywords on schedax's own names are never silent."""

from __future__ import annotations

import warnings

import pytest

import schedax as sx
from schedax.compat import optax as O
from schedax.compat import torch as T

ORDER = r"; the signature is {}\(.*\); for (optax|torch)'s order use schedax\.compat\."


@pytest.mark.parametrize(
    "make, name, arg",
    [
        # optax's (init, peak, warmup, decay_steps) read as (peak, warmup_steps, total, init)
        (lambda: sx.warmup_cosine_decay(0.0, 3e-4, 1000, 100000), "warmup_cosine_decay",
         "warmup_steps"),
        # optax's (init, transition_steps, rate) read as (init, rate, decay_steps)
        (lambda: sx.exponential_decay(0.1, 1000, 0.5), "exponential_decay", "decay_steps"),
        (lambda: sx.cosine_decay(1000, 3e-4), "cosine_decay", "decay_steps"),
        (lambda: sx.cosine_restarts(0.1, 0.5), "cosine_restarts", "period"),
        (lambda: sx.step_lr(0.1, 0.5), "step_lr", "step_size"),
    ],
)  # fmt: skip
def test_a_length_under_one_step_names_the_argument_and_the_signature(make, name, arg):
    with pytest.raises(ValueError, match=rf"^{name}: {arg} must be at least 1 step .*"
                       + ORDER.format(name)):  # fmt: skip
        make()


@pytest.mark.parametrize(
    "make, match",
    [
        (lambda: sx.cosine_decay(0.1, 1000, 0.1), "end equals init"),  # optax's alpha
        (lambda: sx.exponential_decay(0.1, 1000, 5), "decay_rate is 1000"),
        (lambda: sx.polynomial_decay(0.1, 0.0, 2, 1000), "power is 1000"),
    ],
)
def test_numbers_in_another_librarys_order_warn_with_the_signature(make, match):
    with pytest.warns(UserWarning, match=match + ".*the signature is") as record:
        make()
    assert record[0].filename == __file__  # at the user's line


@pytest.mark.parametrize(
    "make, match",
    [
        (lambda: sx.cosine_decay(init_value=0.1, decay_steps=100),
         r"^cosine_decay: init_value is another library's name; schedax's is init: "
         r"cosine_decay\(init, decay_steps, end=0\.0, "),
        (lambda: sx.cosine_decay(0.1, 100, alpha=0.1),
         r"^cosine_decay: alpha is another library.s fraction .* \(end = init \* alpha\)"),
        (lambda: sx.warmup_cosine_decay(peak_value=1.0, warmup_steps=1, total_steps=9),
         r"^warmup_cosine_decay: peak_value .* schedax's is peak"),
        (lambda: sx.exponential_decay(0.1, 0.5, transition_steps=10),
         r"^exponential_decay: transition_steps .* schedax's is decay_steps"),
        (lambda: sx.step_lr(0.1, 10, decay_rate=0.5),
         r"^step_lr: decay_rate .* schedax's is gamma: .* schedax\.compat\.torch\.StepLR$"),
        (lambda: sx.cosine_decay(0.1, 100, typo=1),
         r"^cosine_decay: got an unexpected keyword argument 'typo'; the signature is "),
        (lambda: sx.linear_schedule(0.1, 0.0, 10, 1),
         r"^linear_schedule: too many positional arguments; the signature is "
         r"linear_schedule\(init, end, steps\); for optax's order"),
        (lambda: sx.cosine_decay(), r"^cosine_decay: missing a required argument: 'init'; "),
    ],
)  # fmt: skip
def test_foreign_keywords_and_bad_calls_show_schedaxs_signature(make, match):
    with pytest.raises(TypeError, match=match):
        make()


def test_compat_names_keep_their_librarys_meaning_without_a_word():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        O.cosine_decay_schedule(0.1, 0.5)  # optax accepts a fractional length
        O.exponential_decay(0.1, 1000, 5.0)
        T.StepLR(0.1, 2)
        sx.cosine_decay(0.1, 1000, 0.0)  # schedax's own order: nothing to say
        sx.warmup_cosine_decay(1.0, 0, 100)
    with pytest.raises(TypeError, match=r"^StepLR: got an unexpected keyword argument 'x'; "
                       r"the signature is StepLR\(lr, step_size, gamma=0\.1\)$"):  # fmt: skip
        T.StepLR(0.1, 2, x=1)
