"""schedax: learning-rate schedules as JAX PyTrees.

Schedules are immutable PyTrees whose hyperparameters are array leaves: pass them to
`jax.jit` without recompiling for new values, sweep them with `jax.vmap`, differentiate them
with `jax.grad`, and hand them to optax as `learning_rate=`.
"""

from ._base import Schedule as Schedule
from ._base import stack as stack
from ._constant import constant_lr as constant_lr
from ._constant import lambda_lr as lambda_lr
from ._cosine import cosine_decay as cosine_decay
from ._exponential import exponential_decay as exponential_decay
from ._exponential import step_decay as step_decay
from ._exponential import step_lr as step_lr
from ._join import join_schedules as join_schedules
from ._linear import linear_schedule as linear_schedule

__all__ = [
    "Schedule",
    "constant_lr",
    "cosine_decay",
    "exponential_decay",
    "join_schedules",
    "lambda_lr",
    "linear_schedule",
    "stack",
    "step_decay",
    "step_lr",
]
__version__ = "0.1.0"
