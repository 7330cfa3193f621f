"""The `schedax` command: tables, plots and the list of schedules, from a config."""

from __future__ import annotations

import argparse
import inspect
import json
import pathlib
import sys
from typing import Any

USAGE = """examples:
  schedax table '{"name": "cosine_decay", "init": 0.1, "decay_steps": 1000}' --steps 9 --every 3
  schedax plot config.yaml --steps 10000 -o lr.png --log
  schedax list"""


class _Fail(Exception):
    """A problem to report in one line, with exit status 2."""


def _load(text: str) -> dict[str, Any]:
    """A config from inline JSON, or a JSON or YAML file."""
    path = pathlib.Path(text)
    if not text.lstrip().startswith("{"):
        if not path.is_file():
            raise _Fail(f"config {text!r} is neither a file nor inline JSON")
        text = path.read_text()
        if path.suffix in (".yaml", ".yml"):
            try:
                import yaml
            except ImportError as error:
                raise _Fail("YAML configs need PyYAML: pip install pyyaml") from error
            try:
                config = yaml.safe_load(text)
            except yaml.YAMLError as error:
                raise _Fail(f"cannot parse {path}: {str(error).splitlines()[0]}") from error
            return _check(config)
    try:
        return _check(json.loads(text))
    except json.JSONDecodeError as error:
        raise _Fail(f"cannot parse the config as JSON: {error}") from error


def _check(config: Any) -> dict[str, Any]:
    if not isinstance(config, dict):
        raise _Fail(f"a config is a mapping with a 'name', got {type(config).__name__}")
    return config


def _schedule(text: str) -> Any:
    from ._config import from_config

    try:
        return from_config(_load(text))
    except (ValueError, TypeError) as error:
        raise _Fail(str(error)) from error


def _table(args: argparse.Namespace) -> None:
    from ._plot import values

    lrs = values(_schedule(args.config), args.steps)
    print("step\tlr")
    for step in range(0, args.steps, args.every):
        print(f"{step}\t{lrs[step]:.9g}")


def _plot(args: argparse.Namespace) -> None:
    from ._plot import plot

    schedule = _schedule(args.config)
    try:
        ax = plot(schedule, args.steps, log=args.log)
    except ImportError as error:
        raise _Fail(str(error)) from error
    ax.figure.savefig(args.output, dpi=120)
    print(f"wrote {args.output}")


def _list(args: argparse.Namespace) -> None:
    from ._config import constructors

    for name, make in sorted(constructors().items()):
        parameters = []
        for p in inspect.signature(make).parameters.values():
            parameters.append(p.name if p.default is p.empty else f"{p.name}={p.default!r}")
        print(f"{name}({', '.join(parameters)})")


def _steps(text: str) -> int:
    value = int(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be > 0, got {value}")
    return value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="schedax",
        description="Learning-rate schedules from a config: a table, a plot, the list.",
        epilog=USAGE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True)
    table = commands.add_parser("table", help="print step and lr")
    table.add_argument("config", help="a JSON or YAML file, or inline JSON")
    table.add_argument("--steps", type=_steps, required=True)
    table.add_argument("--every", type=_steps, default=1)
    table.set_defaults(run=_table)
    plotting = commands.add_parser("plot", help="write a PNG of the schedule")
    plotting.add_argument("config", help="a JSON or YAML file, or inline JSON")
    plotting.add_argument("--steps", type=_steps, required=True)
    plotting.add_argument("-o", "--output", required=True)
    plotting.add_argument("--log", action="store_true", help="logarithmic lr axis")
    plotting.set_defaults(run=_plot)
    listing = commands.add_parser("list", help="every schedule with its arguments and defaults")
    listing.set_defaults(run=_list)
    args = parser.parse_args(argv)
    try:
        args.run(args)
    except _Fail as error:
        print(f"schedax: error: {error}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # the reader went away (| head): nothing more to say
        sys.stderr.close()
    return 0
