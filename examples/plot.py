"""Plot a few schedules to a PNG (needs the plot extra: pip install "schedax[plot]").

python examples/plot.py [out.png]
"""

import sys

import matplotlib

matplotlib.use("Agg")

import schedax as sx  # noqa: E402

out = sys.argv[1] if len(sys.argv) > 1 else "schedules.png"
schedules = {
    "warmup_cosine_decay": sx.warmup_cosine_decay(1e-3, 200, 2000),
    "warmup_stable_decay (1-sqrt)": sx.warmup_stable_decay(
        1e-3, 200, 1200, 600, decay_shape="1-sqrt"
    ),
    "one_cycle": sx.one_cycle(1e-3, 2000),
    "cosine_restarts": sx.cosine_restarts(1e-3, 250, period_mult=2.0, peak_mult=0.8),
}
ax = sx.plot(list(schedules.values()), 2000, labels=list(schedules))
ax.figure.savefig(out, dpi=120)
print(f"wrote {out}")
