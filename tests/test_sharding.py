"""A sweep sharded over 8 CPU devices gives exactly the unsharded values (in a subprocess,
since the device count is fixed when JAX starts)."""

from __future__ import annotations

import importlib.util
import pathlib
import sys


def _benchmarks():
    path = pathlib.Path(__file__).parent.parent / "benchmarks" / "run.py"
    spec = importlib.util.spec_from_file_location("schedax_benchmarks", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_sharded_sweep_equals_unsharded():
    result = _benchmarks().run_sharded(configs=256, steps=500, devices=8)
    assert result["devices"] == 8 and result["shards"] == 8
    assert result["equal"]
