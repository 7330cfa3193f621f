"""The `schedax` command: tables, plots and the list of schedules, from a config."""

from __future__ import annotations

import argparse
import inspect
import pathlib
import sys
from typing import Any

USAGE = """examples:
  schedax table '{"name": "cosine_decay", "init": 0.1, "decay_steps": 1000}' --steps 9 --every 3
  schedax plot config.yaml --steps 10000 -o lr.png --log
  schedax list"""


class _Fail(Exception):
    """A problem to report in one line, with exit status 2."""


# The most steps a table or plot shows.
MAX_STEPS = 10**7


def _schedule(text: str) -> Any:
    from ._config import load_config

    try:
        return load_config(text)
    except (ValueError, TypeError) as error:
        raise _Fail(str(error).removeprefix("load_config: ")) from error


def _table(args: argparse.Namespace) -> None:
    from ._plot import values

    lrs = values(_schedule(args.config), args.steps)
    print("step\tlr")
    for step in range(0, args.steps, args.every):
        print(f"{step}\t{lrs[step]:.9g}")


def _plot(args: argparse.Namespace) -> None:
    from ._plot import plot

    output = pathlib.Path(args.output)
    try:
        from matplotlib.figure import Figure
    except ImportError as error:
        raise _Fail('plot needs matplotlib: pip install "schedax[plot]"') from error
    formats = sorted(Figure().canvas.get_supported_filetypes())
    if output.is_dir():
        raise _Fail(f"-o {args.output} is a directory; name the file, e.g. {output / 'lr.png'}")
    if output.suffix.lstrip(".").lower() not in formats:
        raise _Fail(f"-o {args.output}: name the image with one of the extensions "
                    f"{', '.join('.' + f for f in formats)}")  # fmt: skip
    if not output.parent.is_dir():
        raise _Fail(f"-o {args.output}: the folder {output.parent} does not exist")
    schedule = _schedule(args.config)
    ax = plot(schedule, args.steps, log=args.log)
    try:
        ax.figure.savefig(output, dpi=120)
    except OSError as error:
        raise _Fail(f"cannot write {args.output}: {error.strerror or error}") from error
    print(f"wrote {args.output}")


def _list(args: argparse.Namespace) -> None:
    from ._config import constructors

    for name, make in sorted(constructors().items()):
        parameters = []
        for p in inspect.signature(make).parameters.values():
            if p.kind == p.VAR_KEYWORD:
                parameters.append(f"**{p.name}")
            else:
                parameters.append(p.name if p.default is p.empty else f"{p.name}={p.default!r}")
        print(f"{name}({', '.join(parameters)})")


def _steps(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number > 0, got {text!r:.40}") from None
    if not 0 < value <= MAX_STEPS:
        raise argparse.ArgumentTypeError(f"must be in [1, {MAX_STEPS}], got {text:.40}")
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
