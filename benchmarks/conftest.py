"""Settings of the benchmark suite (not part of the default test run: `pytest` collects tests/
and src/ only). Run it as README.md and RESULTS.md say: `python benchmarks/report.py --run`."""

from __future__ import annotations

import os
import platform

import jax
import optax
import pytest
import workloads

import schedax as sx


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--quick", action="store_true", help="smoke sizes: everything runs once")


@pytest.fixture(scope="session")
def sizes(request: pytest.FixtureRequest) -> workloads.Sizes:
    return workloads.QUICK if request.config.getoption("--quick") else workloads.FULL


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    # The joins' numbers of pieces and the single schedules depend on --quick.
    quick = metafunc.config.getoption("--quick")
    if "n" in metafunc.fixturenames:
        metafunc.parametrize("n", (workloads.QUICK if quick else workloads.FULL).pieces)
    if "case" in metafunc.fixturenames and metafunc.function.__name__ == "test_throughput":
        metafunc.parametrize("case", workloads.THROUGHPUT[:1] if quick else workloads.THROUGHPUT)


def pytest_benchmark_update_machine_info(config: pytest.Config, machine_info: dict) -> None:
    machine_info.update(
        cores=os.cpu_count(), python=platform.python_version(), jax=jax.__version__,
        optax=optax.__version__, schedax=sx.__version__, backend=jax.default_backend(),
        quick=bool(config.getoption("--quick")),
    )  # fmt: skip
