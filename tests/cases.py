"""The stateless schedules under test, each with an independent numpy closed form (float64)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import jax
import numpy as np
from conftest import np_cosine

import schedax as sx


@dataclasses.dataclass(frozen=True)
class Case:
    """A schedule constructor, its arguments, and its formula in numpy."""

    id: str
    make: Callable[..., sx.Schedule]
    kwargs: dict[str, Any]
    reference: Callable[..., np.ndarray]  # reference(t, **kwargs), t float64 >= 0
    floats: tuple[str, ...]  # hyperparameters the value is smooth in (grad vs finite differences)
    horizon: float  # steps past which the value is constant (or inf if it never is)

    rtol: float = 1e-6  # float32 against the float64 formula
    edge: bool = False  # values that take another branch of the formula (a zero warmup...)
    static: dict[str, Any] = dataclasses.field(default_factory=dict)  # options, not swept
    # Valid alternative values per hyperparameter, where the generic ones (x2, x3 + 1) are not.
    sweeps: dict[str, tuple] = dataclasses.field(default_factory=dict)

    def build(self, **overrides) -> sx.Schedule:
        return self.make(**{**self.kwargs, **overrides}, **self.static)

    def expected(self, steps, dtype=np.float32, /, **overrides) -> np.ndarray:
        """The formula in float64 at the hyperparameters as stored (rounded to `dtype`)."""
        t = np.maximum(np.asarray(steps, np.float64), 0.0)
        kwargs = {k: float(dtype(v)) for k, v in {**self.kwargs, **overrides}.items()}
        with np.errstate(over="ignore", divide="ignore", invalid="ignore"):  # huge steps
            return self.reference(t, **kwargs, **self.static)

    def sweep(self, name: str) -> list:
        """Three valid values of hyperparameter `name`, the first its own."""
        if name in self.sweeps:
            return [self.kwargs[name], *self.sweeps[name]]
        base = self.kwargs[name]
        if name in ("decay_rate", "gamma", "period_mult", "peak_mult"):
            return [base, base**2, base**0.5]
        return [base, base * 2, base * 3 + 1]

    def variants(self) -> list[dict[str, Any]]:
        """Three valid argument sets with every hyperparameter changed."""
        return [{k: self.sweep(k)[i] for k in self.numeric_args()} for i in range(3)]

    def numeric_args(self) -> list[str]:
        return [k for k, v in self.kwargs.items() if isinstance(v, int | float)]


def _linear(t, init, end, steps):
    return init + (end - init) * np.minimum(t, steps) / steps


def _exponential(t, init, decay_rate):
    return init * decay_rate**t


def _step_decay(t, init, decay_rate, step_size):
    return init * decay_rate ** np.floor(t / step_size)


def _step_lr(t, base_lr, step_size, gamma=0.1):
    return base_lr * gamma ** np.floor(t / step_size)


def _constant(t, lr):
    return np.full_like(t, lr)


def _tanh(t, init, decay_steps, end=0.0, lower=-7.0, upper=3.0):
    x = t / decay_steps  # timm's TanhLRScheduler._get_lr, held at end after the cycle
    tanh = end + 0.5 * (init - end) * (1 - np.tanh(lower * (1 - x) + upper * x))
    return np.where(t < decay_steps, tanh, end)


def _polynomial(t, init, end, decay_steps, power=1.0, transition_begin=0):
    t = np.maximum(t - transition_begin, 0)
    return (init - end) * (1 - np.minimum(t, decay_steps) / decay_steps) ** power + end


def _cosine_exponent(t, init, decay_steps, end=0.0, exponent=1.0, offset=0):
    x = np.minimum(t + offset, decay_steps) / decay_steps
    return end + (init - end) * (0.5 * (1 + np.cos(np.pi * x))) ** exponent


def _inverse_time(t, init, decay_rate, decay_steps, staircase=False):
    periods = np.floor(t / decay_steps) if staircase else t / decay_steps
    return init / (1 + decay_rate * periods)


def _inverse_sqrt(t, peak, warmup_steps, init=0.0, timescale=None):
    ramp = init + (peak - init) * t / max(warmup_steps, 1e-300)
    scale = warmup_steps if timescale is None else timescale
    decay = peak * np.sqrt(scale / (np.maximum(t - warmup_steps, 0) + scale))
    return np.where(t < warmup_steps, ramp, decay)


def _warmup_cosine(t, peak, warmup_steps, total_steps, init=0.0, end=0.0, exponent=1.0):
    ramp = init + (peak - init) * t / max(warmup_steps, 1e-300)
    decay_steps = total_steps - warmup_steps
    x = np.clip((t - warmup_steps) / decay_steps, 0, 1)
    cosine = (0.5 * (1 + np.cos(np.pi * x))) ** exponent
    return np.where(t < warmup_steps, ramp, end + (peak - end) * cosine)


WSD_SHAPES = {
    "linear": lambda p: 1 - p,
    "cosine": lambda p: 0.5 * (1 + np.cos(np.pi * p)),
    "1-sqrt": lambda p: 1 - np.sqrt(p),
}


WARMUP_SHAPES = {
    "linear": lambda x: x,
    "cosine": lambda x: 0.5 * (1 - np.cos(np.pi * x)),
    "1-sqrt": lambda x: 1 - np.sqrt(1 - x),
}


def _wsd(t, peak, warmup_steps, stable_steps, decay_steps, init=0.0, end=0.0, decay_shape="linear",
         warmup_shape="linear", decay_cycles=None, decay_power=0.5, decay_ratio=0.1,
         stable_timescale=None, stable_power=0.5):  # fmt: skip
    start = warmup_steps + stable_steps
    p = np.clip((t - start) / decay_steps, 0, 1)
    if decay_cycles is not None:
        weight = np.where(p < 1, 0.5 * (1 + np.cos(2 * np.pi * decay_cycles * p)), 0)
    elif decay_shape == "power":
        weight = 1 - p**decay_power
    elif decay_shape == "exp":
        weight = (decay_ratio**p - decay_ratio) / (1 - decay_ratio)
    else:
        weight = WSD_SHAPES[decay_shape](p)
    top = peak
    if stable_timescale is not None:  # (1 + s / timescale)**-power past the warmup, >= end
        top = np.maximum(peak * (1 + np.maximum(t - warmup_steps, 0) / stable_timescale)
                         ** -stable_power, end)  # fmt: skip
    decay = end + (top - end) * weight
    x = np.clip(t / max(warmup_steps, 1e-300), 0, 1)
    ramp = init + (peak - init) * WARMUP_SHAPES[warmup_shape](x)
    return np.where(t < warmup_steps, ramp, np.where(t < start, top, decay))


def _restarts(t, init, period, shape="cosine", period_mult=1.0, peak_mult=1.0, end=0.0,
              limit=None, warp=1.0, power=1.0, lower=-7.0, upper=3.0, offset=0):  # fmt: skip
    t = t + offset
    if period_mult == 1.0:
        i = np.floor(t / period)
        start, length = i * period, np.full_like(t, period)
    else:  # the cycles of _cosine_restarts
        m = period_mult
        i = np.floor(np.log1p(t * (m - 1) / period) / np.log(m))
        i = np.where(period * (m**i - 1) / (m - 1) > t, i - 1, i)
        i = np.where(period * (m ** (i + 1) - 1) / (m - 1) <= t, i + 1, i)
        start, length = period * (m**i - 1) / (m - 1), period * m**i
    x = ((t - start) / length) ** warp
    weight = {"cosine": 0.5 * (1 + np.cos(np.pi * x)),
              "tanh": 0.5 * (1 - np.tanh(lower * (1 - x) + upper * x)),
              "polynomial": (1 - x) ** power}[shape]  # fmt: skip
    value = end + (init * peak_mult**i - end) * weight
    return value if limit is None else np.where(i < limit, value, end)


def _cosine_restarts(t, init, period, period_mult=1.0, peak_mult=1.0, end=0.0):
    if period_mult == 1.0:
        i = np.floor(t / period)
        start, length = i * period, np.full_like(t, period)
    else:  # cycle i starts at period * (m**i - 1) / (m - 1): invert, then fix rounding
        m = period_mult
        i = np.floor(np.log1p(t * (m - 1) / period) / np.log(m))
        i = np.where(period * (m**i - 1) / (m - 1) > t, i - 1, i)
        i = np.where(period * (m ** (i + 1) - 1) / (m - 1) <= t, i + 1, i)
        start, length = period * (m**i - 1) / (m - 1), period * m**i
    peak = init * peak_mult**i
    return end + (peak - end) * 0.5 * (1 + np.cos(np.pi * (t - start) / length))


def _cyclic(t, base, peak, step_size_up, step_size_down=None, mode="triangular", gamma=1.0,
            base_momentum=0.8, max_momentum=0.9):  # fmt: skip
    # torch.optim.lr_scheduler.CyclicLR.get_lr, in numpy (the momentum: tests/test_momentum.py)
    down = step_size_up if step_size_down is None else step_size_down
    total = step_size_up + down
    ratio = step_size_up / total
    cycle = np.floor(1 + t / total)
    x = 1.0 + t / total - cycle
    scale = np.where(x <= ratio, x / ratio, (x - 1) / (ratio - 1))
    factor = {"triangular": 1.0, "triangular2": 1 / 2.0 ** (cycle - 1), "exp_range": gamma**t}[mode]
    return base + (peak - base) * scale * factor


def _one_cycle(
    t,
    peak,
    total_steps,
    pct_start=0.3,
    div_factor=25.0,
    final_div_factor=1e4,
    anneal="cos",
    three_phase=False,
    base_momentum=0.85,
    max_momentum=0.95,
):
    # torch.optim.lr_scheduler.OneCycleLR.get_lr, in numpy, held after the last step
    initial = peak / div_factor
    low = initial / final_div_factor
    values = [initial, peak, initial, low] if three_phase else [initial, peak, low]
    return _one_cycle_phases(t, total_steps, pct_start, anneal, three_phase, values)


def _one_cycle_momentum(
    t, total_steps, base_momentum=0.85, max_momentum=0.95, pct_start=0.3, anneal="cos",
    three_phase=False,
):  # fmt: skip
    # OneCycleLR's momentum with cycle_momentum=True, in numpy
    high, low = max_momentum, base_momentum
    values = [high, low, high, high] if three_phase else [high, low, high]
    return _one_cycle_phases(t, total_steps, pct_start, anneal, three_phase, values)


def _one_cycle_phases(t, total_steps, pct_start, anneal, three_phase, values):
    # OneCycleLR's phases: phase i ends on its step and anneals values[i] -> values[i + 1]
    if three_phase:
        ends = [pct_start * total_steps - 1, 2 * pct_start * total_steps - 2, total_steps - 1]
    else:
        ends = [pct_start * total_steps - 1, total_steps - 1]
    phases = [(end, values[i], values[i + 1]) for i, end in enumerate(ends)]
    shape, t = np.shape(t), np.atleast_1d(t)
    out = np.empty_like(t)
    for j, step in enumerate(np.minimum(t, total_steps - 1)):
        start = 0.0
        for i, (end_step, a, b) in enumerate(phases):
            if step <= end_step or i == len(phases) - 1:
                pct = (step - start) / (end_step - start)
                if anneal == "cos":
                    out[j] = b + (a - b) / 2 * (np.cos(np.pi * pct) + 1)
                else:
                    out[j] = (b - a) * pct + a
                break
            start = end_step
    return out.reshape(shape)


# Compositions (schedules built from schedules and numbers), written out in numpy.


def _cosine_unit(t, decay_steps):
    return 0.5 * (1 + np.cos(np.pi * np.minimum(t, decay_steps) / decay_steps))


def _warmup_cosine_floor(t, peak, warmup_steps, decay_steps, floor):
    # max(warmup * cosine, floor): a warmup from 0 to peak times a unit cosine, floored
    return np.maximum(peak * np.minimum(t / warmup_steps, 1) * _cosine_unit(t, decay_steps), floor)


def _cosine_minus_exponential(t, init, decay_steps, decay_rate, shift):
    return init * _cosine_unit(t, decay_steps) - init * decay_rate**t + shift


def _negative_plus(t, init, decay_steps, top):
    return -init * _cosine_unit(t, decay_steps) + top


def _quotient(t, scale, end, steps):
    return scale / (1.0 + end * np.minimum(t, steps) / steps)


def _clipped_cosine(t, init, decay_steps, lo, hi):
    return np.clip(init * _cosine_unit(t, decay_steps), lo, hi)


def _repeated_linear(t, init, end, steps, period, decay):
    k = np.floor(t / period)
    s = t - k * period
    return decay**k * (init + (end - init) * np.minimum(s, steps) / steps)


COOLDOWN_SHAPES = {
    "linear": lambda p: 1 - p,
    "cosine": lambda p: (1 + np.cos(np.pi * p)) / 2,
    "1-sqrt": lambda p: 1 - np.sqrt(p),
}


def _cooldown_exponential(t, init, decay_rate, start, length, end, shape):
    before = init * decay_rate**t
    top = init * decay_rate**start
    p = np.clip((t - start) / length, 0, 1)
    return np.where(t < start, before, end + (top - end) * COOLDOWN_SHAPES[shape](p))


COMPOSED = [
    Case(
        "warmup_times_cosine_floor",
        lambda peak, warmup_steps, decay_steps, floor: sx.maximum(
            sx.linear_schedule(0.0, peak, warmup_steps) * sx.cosine_decay(1.0, decay_steps), floor
        ),
        dict(peak=0.1, warmup_steps=20, decay_steps=200, floor=0.004),
        _warmup_cosine_floor,
        ("peak", "floor"),
        200,
    ),
    Case(
        "cosine_minus_exponential",
        lambda init, decay_steps, decay_rate, shift: (
            sx.cosine_decay(init, decay_steps) - sx.exponential_decay(init, decay_rate) + shift
        ),
        dict(init=0.1, decay_steps=150, decay_rate=0.97, shift=0.1),  # away from 0
        _cosine_minus_exponential,
        ("init", "decay_rate", "shift"),
        np.inf,
    ),
    Case(
        "negative_plus",
        lambda init, decay_steps, top: -sx.cosine_decay(init, decay_steps) + top,
        dict(init=0.05, decay_steps=120, top=0.06),
        _negative_plus,
        ("init", "top"),
        120,
        sweeps=dict(init=(0.02, 0.03), top=(0.1, 0.2)),  # a difference away from 0
    ),
    Case(
        "quotient",
        lambda scale, end, steps: scale / (1.0 + sx.linear_schedule(0.0, end, steps)),
        dict(scale=0.1, end=3.0, steps=90),
        _quotient,
        ("scale", "end"),
        90,
    ),
    Case(
        "clip",
        lambda init, decay_steps, lo, hi: sx.clip(sx.cosine_decay(init, decay_steps), lo, hi),
        dict(init=0.1, decay_steps=100, lo=0.02, hi=0.08),
        _clipped_cosine,
        ("init",),
        100,
        sweeps=dict(lo=(0.0, 0.05), hi=(0.1, 0.06)),
    ),
    Case(
        "repeat",
        lambda init, end, steps, period, decay: sx.repeat(
            sx.linear_schedule(init, end, steps), period, decay
        ),
        dict(init=0.1, end=0.01, steps=20, period=30, decay=0.8),
        _repeated_linear,
        ("init", "end", "decay"),
        np.inf,
        sweeps=dict(steps=(10, 47), period=(47, 13)),
    ),
    *[
        Case(
            f"cooldown_{shape}",
            lambda init, decay_rate, start, length, end, shape: sx.cooldown(
                sx.exponential_decay(init, decay_rate), start, length, end, shape
            ),
            dict(init=0.1, decay_rate=0.99, start=60, length=40, end=0.001),
            _cooldown_exponential,
            ("init", "decay_rate", "end"),
            100,
            static=dict(shape=shape),
            sweeps=dict(start=(0, 147), length=(1, 13)),
        )
        for shape in COOLDOWN_SHAPES
    ],
]


CASES = [
    Case("constant_lr", sx.constant_lr, dict(lr=0.03), _constant, ("lr",), 0),
    Case(
        "linear_up", sx.linear_schedule, dict(init=0.0, end=0.1, steps=100), _linear, ("end",), 100
    ),
    Case(
        "linear_down",
        sx.linear_schedule,
        dict(init=1.0, end=0.25, steps=37),
        _linear,
        ("init", "end"),
        37,
    ),
    Case("cosine", sx.cosine_decay, dict(init=0.1, decay_steps=200), np_cosine, ("init",), 200),
    Case(
        "cosine_end",
        sx.cosine_decay,
        dict(init=3e-3, decay_steps=77, end=1e-4),
        np_cosine,
        ("init", "end"),
        77,
    ),
    Case(
        "exponential",
        sx.exponential_decay,
        dict(init=0.1, decay_rate=0.99),
        _exponential,
        ("init", "decay_rate"),
        np.inf,
        rtol=5e-6,
    ),  # float32 exp(t log rate) loses |t log rate| * 2**-23 at large t
    Case(
        "step_decay",
        sx.step_decay,
        dict(init=0.1, decay_rate=0.5, step_size=30),
        _step_decay,
        ("init", "decay_rate"),
        np.inf,
    ),
    Case(
        "step_lr",
        sx.step_lr,
        dict(base_lr=0.2, step_size=25, gamma=0.3),
        _step_lr,
        ("base_lr", "gamma"),
        np.inf,
    ),
    Case(
        "tanh_decay",
        sx.tanh_decay,
        dict(init=0.1, decay_steps=150, end=0.001, lower=-6.0, upper=4.0),
        _tanh,
        ("init", "end", "lower", "upper"),
        150,
        rtol=2e-6,  # float32 tanh near its tails
        sweeps=dict(lower=(-3.0, -9.0), upper=(2.0, 5.0)),
    ),
    Case(
        "polynomial",
        sx.polynomial_decay,
        dict(init=0.1, end=0.001, decay_steps=150, power=2.0),
        _polynomial,
        ("init", "end", "power"),
        150,
    ),
    Case(
        "polynomial_sqrt",
        sx.polynomial_decay,
        dict(init=1.0, end=0.0, decay_steps=99, power=0.5),
        _polynomial,
        ("init", "power"),
        99,
    ),
    Case(
        "polynomial_begin",  # optax's transition_begin
        sx.polynomial_decay,
        dict(init=0.1, end=0.01, decay_steps=50, power=1.5, transition_begin=20),
        _polynomial,
        ("init", "end", "power", "transition_begin"),
        70,
        sweeps=dict(decay_steps=(20, 101)),
    ),
    Case(
        "polynomial_power_0",  # 0**0 == 1: init throughout, as optax, torch and Keras
        sx.polynomial_decay,
        dict(init=0.1, end=0.01, decay_steps=50, power=0.0),
        _polynomial,
        ("init",),
        0,
        sweeps=dict(power=(0.0, 0.0)),
        edge=True,
    ),
    Case(
        "cosine_exponent",  # optax's exponent
        sx.cosine_decay,
        dict(init=0.1, decay_steps=60, end=0.01, exponent=2.5),
        _cosine_exponent,
        ("init", "end", "exponent"),
        60,
    ),
    Case(
        "cosine_offset",  # transformers' lr-rate cosine, a step ahead
        sx.cosine_decay,
        dict(init=0.1, decay_steps=60, end=0.01, exponent=1.0, offset=7),
        _cosine_exponent,
        ("init", "end"),
        53,
    ),
    Case(
        "cosine_exponent_0",
        sx.cosine_decay,
        dict(init=0.1, decay_steps=60, end=0.01, exponent=0.0),
        _cosine_exponent,
        ("init",),
        0,
        sweeps=dict(exponent=(0.0, 0.0)),
        edge=True,
    ),
    Case(
        "inverse_time",
        sx.inverse_time_decay,
        dict(init=0.1, decay_rate=0.5, decay_steps=20),
        _inverse_time,
        ("init", "decay_rate", "decay_steps"),
        np.inf,
    ),
    Case(
        "inverse_time_staircase",
        sx.inverse_time_decay,
        dict(init=0.1, decay_rate=2.0, decay_steps=30),
        _inverse_time,
        ("init", "decay_rate"),
        np.inf,
        static=dict(staircase=True),
    ),
    Case(
        "inverse_sqrt",
        sx.inverse_sqrt,
        dict(peak=0.01, warmup_steps=40, init=0.001),
        _inverse_sqrt,
        ("peak", "init", "warmup_steps"),
        40,
    ),
    Case(
        "inverse_sqrt_timescale",  # transformers' timescale
        sx.inverse_sqrt,
        dict(peak=0.01, warmup_steps=25, init=0.0, timescale=300),
        _inverse_sqrt,
        ("peak", "timescale"),
        25,
        sweeps=dict(warmup_steps=(0, 60)),
    ),
    Case(
        "warmup_cosine",
        sx.warmup_cosine_decay,
        dict(peak=0.1, warmup_steps=30, total_steps=230, init=0.01, end=0.001),
        _warmup_cosine,
        ("peak", "init", "end"),
        230,
        sweeps=dict(warmup_steps=(0, 100), total_steps=(200, 231)),
    ),
    Case(
        "warmup_cosine_exponent",
        sx.warmup_cosine_decay,
        dict(peak=0.1, warmup_steps=30, total_steps=130, init=0.01, end=0.001, exponent=1.5),
        _warmup_cosine,
        ("peak", "init", "end", "exponent"),
        130,
        sweeps=dict(warmup_steps=(0, 100), total_steps=(100, 131)),
    ),
    Case(
        "warmup_cosine_no_warmup",
        sx.warmup_cosine_decay,
        dict(peak=0.1, warmup_steps=0, total_steps=180),
        _warmup_cosine,
        ("peak",),
        180,
        sweeps=dict(warmup_steps=(10, 179)),
        edge=True,
    ),
    *[
        Case(
            f"wsd_{shape}",
            sx.warmup_stable_decay,
            dict(peak=0.02, warmup_steps=20, stable_steps=100, decay_steps=80, init=0.0, end=0.002),
            _wsd,
            ("peak", "end"),
            200,
            static=dict(decay_shape=shape),
            sweeps=dict(warmup_steps=(0, 50), stable_steps=(0, 7)),
        )
        for shape in ("linear", "cosine", "1-sqrt")
    ],
    *[
        Case(
            f"wsd_{shape}_stable_timescale",  # timm's power and exp decays, rsqrt-like stable
            sx.warmup_stable_decay,
            dict(
                peak=0.02,
                warmup_steps=10,
                stable_steps=30,
                decay_steps=40,
                end=0.001,
                decay_power=1.7,
                decay_ratio=0.05,
                stable_timescale=8.0,
                stable_power=0.6,
            ),
            _wsd,
            ("peak", "end", "decay_power", "decay_ratio", "stable_power"),
            80,
            static=dict(decay_shape=shape),
            sweeps=dict(decay_ratio=(0.5, 0.9), stable_timescale=(1.0, 100.0)),
        )
        for shape in ("exp",)  # "power": timm's recorded values (tests/test_parity.py)
    ],
    *[
        Case(
            f"wsd_warmup_{shape}_cycles",  # transformers' warmup_type and num_cycles
            sx.warmup_stable_decay,
            dict(
                peak=0.02,
                warmup_steps=30,
                stable_steps=50,
                decay_steps=90,
                init=0.002,
                end=0.002,
                decay_cycles=1.3,
            ),  # fmt: skip
            _wsd,
            ("peak", "end", "decay_cycles"),
            170,
            static=dict(decay_shape="cosine", warmup_shape=shape),
            sweeps=dict(warmup_steps=(0, 50), stable_steps=(0, 7)),
            rtol=5e-6,  # float32 cos of 2 pi c p, its argument rounded, near the trough
        )
        for shape in ("cosine", "1-sqrt")
    ],
    Case(
        "cosine_restarts",
        sx.cosine_restarts,
        dict(init=0.1, period=30, end=0.001),
        _cosine_restarts,
        ("init", "end"),
        np.inf,
    ),
    Case(
        "cosine_restarts_mult",
        sx.cosine_restarts,
        dict(init=0.1, period=10, period_mult=2.0, peak_mult=0.5, end=0.0),
        _cosine_restarts,
        ("init",),
        np.inf,
        sweeps=dict(period_mult=(1.0, 3.0), peak_mult=(1.0, 0.9)),
        edge=True,
    ),
    Case(
        "restarts_polynomial",
        sx.restarts,
        dict(
            init=0.1,
            period=12,
            period_mult=1.5,
            peak_mult=0.7,
            end=1e-3,
            limit=4,
            warp=1.5,
            power=2.0,
            offset=3,
        ),
        _restarts,
        ("init", "end", "power"),
        np.inf,
        static=dict(shape="polynomial"),
        sweeps=dict(period_mult=(1.0, 2.0), limit=(1, 100), offset=(0, 20), warp=(1.0, 0.5)),
        edge=True,
        rtol=2e-6,  # cycles of 12 * 1.5**i steps start between whole steps
    ),
    Case(
        "cyclic",
        sx.cyclic,
        dict(base=0.001, peak=0.01, step_size_up=20),
        _cyclic,
        ("base", "peak"),
        np.inf,
    ),
    Case(
        "cyclic_triangular2",
        sx.cyclic,
        dict(base=0.001, peak=0.01, step_size_up=15, step_size_down=25),
        _cyclic,
        ("base", "peak"),
        np.inf,
        static=dict(mode="triangular2"),
    ),
    Case(
        "cyclic_exp_range",
        sx.cyclic,
        dict(base=0.001, peak=0.01, step_size_up=10, gamma=0.99),
        _cyclic,
        ("base", "peak", "gamma"),
        np.inf,
        static=dict(mode="exp_range"),
    ),
    Case(
        "one_cycle",
        sx.one_cycle,
        dict(peak=0.1, total_steps=200),
        _one_cycle,
        ("peak",),
        199,
        sweeps=dict(total_steps=(100, 250)),
    ),
    Case(
        "one_cycle_linear_three_phase",
        sx.one_cycle,
        dict(peak=0.05, total_steps=240, pct_start=0.25, div_factor=10.0, final_div_factor=100.0),
        _one_cycle,
        ("peak", "div_factor", "final_div_factor"),
        239,
        static=dict(anneal="linear", three_phase=True),
        sweeps=dict(total_steps=(120, 300), pct_start=(0.2, 0.4)),
    ),
    Case(
        "one_cycle_momentum",
        sx.one_cycle_momentum,
        dict(total_steps=200, base_momentum=0.8, max_momentum=0.95),
        _one_cycle_momentum,
        ("base_momentum", "max_momentum"),
        199,
        sweeps=dict(total_steps=(100, 250)),
    ),
    *COMPOSED,
]


def _one_per_structure(cases: list[Case]) -> list[Case]:
    """The first case of each PyTree structure, and every case whose values take another
    branch (`edge`): the transformations (jit, vmap, grad, stack) act on the structure, so
    cases that differ only in ordinary values share these tests."""
    seen: dict = {}
    for case in cases:
        seen.setdefault(case.id if case.edge else jax.tree.structure(case.build()), case)
    return list(seen.values())


STRUCTURES = _one_per_structure(CASES)
