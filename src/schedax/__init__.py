"""schedax: learning-rate schedules as JAX PyTrees.

Schedules are immutable PyTrees whose hyperparameters are array leaves: pass them to
`jax.jit` without recompiling for new values, sweep them with `jax.vmap`, differentiate them
with `jax.grad`, and hand them to optax as `learning_rate=`.
"""

from ._base import Schedule as Schedule
from ._base import stack as stack
from ._compose import clip as clip
from ._compose import cooldown as cooldown
from ._compose import maximum as maximum
from ._compose import minimum as minimum
from ._compose import repeat as repeat
from ._config import from_config as from_config
from ._config import load_config as load_config
from ._config import to_config as to_config
from ._constant import constant_lr as constant_lr
from ._constant import lambda_lr as lambda_lr
from ._cosine import cosine_decay as cosine_decay
from ._cyclic import cosine_restarts as cosine_restarts
from ._cyclic import cyclic as cyclic
from ._cyclic import one_cycle as one_cycle
from ._cyclic import one_cycle_momentum as one_cycle_momentum
from ._cyclic import restarts as restarts
from ._epochs import EpochState as EpochState
from ._epochs import learning_rate_scheduler as learning_rate_scheduler
from ._exponential import exponential_decay as exponential_decay
from ._exponential import step_decay as step_decay
from ._exponential import step_lr as step_lr
from ._inject import inject_hyperparams as inject_hyperparams
from ._inject import replace_schedules as replace_schedules
from ._join import chain_schedules as chain_schedules
from ._join import join_schedules as join_schedules
from ._linear import linear_schedule as linear_schedule
from ._models import without_schedules as without_schedules
from ._noise import noisy as noisy
from ._optax import ScaleByScheduleState as ScaleByScheduleState
from ._optax import current_hyperparams as current_hyperparams
from ._optax import current_lr as current_lr
from ._optax import scale_by_schedule as scale_by_schedule
from ._optax import to_optax as to_optax
from ._piecewise import piecewise_constant as piecewise_constant
from ._piecewise import piecewise_interpolate as piecewise_interpolate
from ._plateau import GreedyState as GreedyState
from ._plateau import PlateauState as PlateauState
from ._plateau import greedy_lr as greedy_lr
from ._plateau import reduce_on_plateau as reduce_on_plateau
from ._plot import plot as plot
from ._polynomial import inverse_sqrt as inverse_sqrt
from ._polynomial import inverse_time_decay as inverse_time_decay
from ._polynomial import polynomial_decay as polynomial_decay
from ._stateful import LearningRate as LearningRate
from ._stateful import ScheduleFn as ScheduleFn
from ._stateful import ScheduleState as ScheduleState
from ._stateful import StatefulSchedule as StatefulSchedule
from ._stateful import as_schedule as as_schedule
from ._sweep import grid as grid
from ._tanh import tanh_decay as tanh_decay
from ._warmup import warmup_cosine_decay as warmup_cosine_decay
from ._warmup import warmup_stable_decay as warmup_stable_decay

# The public surface, written out: a test checks it against what the modules above export.
__all__ = [
    "EpochState",
    "GreedyState",
    "LearningRate",
    "PlateauState",
    "ScaleByScheduleState",
    "Schedule",
    "ScheduleFn",
    "ScheduleState",
    "StatefulSchedule",
    "as_schedule",
    "chain_schedules",
    "clip",
    "constant_lr",
    "cooldown",
    "cosine_decay",
    "cosine_restarts",
    "current_hyperparams",
    "current_lr",
    "cyclic",
    "exponential_decay",
    "from_config",
    "greedy_lr",
    "grid",
    "inject_hyperparams",
    "inverse_sqrt",
    "inverse_time_decay",
    "join_schedules",
    "lambda_lr",
    "learning_rate_scheduler",
    "linear_schedule",
    "load_config",
    "maximum",
    "minimum",
    "noisy",
    "one_cycle",
    "one_cycle_momentum",
    "piecewise_constant",
    "piecewise_interpolate",
    "plot",
    "polynomial_decay",
    "reduce_on_plateau",
    "repeat",
    "replace_schedules",
    "restarts",
    "scale_by_schedule",
    "stack",
    "step_decay",
    "step_lr",
    "tanh_decay",
    "to_config",
    "to_optax",
    "warmup_cosine_decay",
    "warmup_stable_decay",
    "without_schedules",
]
__version__ = "0.1.0"
