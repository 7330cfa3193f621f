"""mkdocs hooks (`hooks:` in mkdocs.yml), run at every build:

- `<!-- reference: MODULE -->` becomes the API reference of every name in `MODULE.__all__`
  (schedax's own grouped by the private module that defines them), so a new public name is in
  the reference without editing a page;
- on a page with a `<!-- plot STEPS [log] [twin] -->` marker, every ```` ```python ```` block
  runs, in order, in one namespace that starts with `import schedax as sx`, `jax`, `jnp` and
  `from schedax.compat import torch, keras, optax, transformers, timm`; a block followed by a
  marker is followed by a figure of what it left in `lr`: a schedule (stateful ones run with
  no observations), or a dict of labels to schedules or arrays of values (`twin`: the second
  on an axis of its own).
"""

from __future__ import annotations

import base64
import importlib
import inspect
import io
import re
import warnings

import matplotlib

matplotlib.use("Agg")

REFERENCE = re.compile(r"^<!-- reference: (?P<module>[\w.]+) -->$", re.M)
BLOCK = re.compile(r"(?P<block>```python\n(?P<code>.*?)```)(\n<!-- plot (?P<args>[^>]*)-->)?", re.S)


def on_page_markdown(markdown, page, config, files):
    markdown = REFERENCE.sub(lambda m: reference(m["module"]), markdown)
    if "<!-- plot " not in markdown:
        return markdown
    namespace = prelude()  # one per page: a block may use what an earlier one defined
    blocks = list(BLOCK.finditer(markdown))
    drawn = [run(m, namespace) for m in blocks]  # the `lr` each block left, or None
    curves = evaluate([(curve, int(m["args"].split()[0]))
                       for m, lr in zip(blocks, drawn, strict=True) if m["args"] is not None
                       for curve in (lr.values() if isinstance(lr, dict) else [lr])])  # fmt: skip
    figures = iter(drawn)
    return BLOCK.sub(lambda m: draw(m, next(figures), curves), markdown)


# ----------------------------------------------------------------------------- reference

# A private module's path in rendered HTML (a base class, a link's title).
PRIVATE = re.compile(r"schedax\.(?:compat\.)?_\w+\.(\w+)")
BASES = re.compile(r'<p class="doc doc-class-bases">\s*Bases: (?P<bases>.*?)</p>', re.S)


def on_page_content(html, page, config, files):
    """The reference shows public paths only: `schedax._base.Schedule` is `schedax.Schedule`,
    and a private base class (the base of every schedule, a family's shared base) is not
    listed."""
    if not page.file.src_uri.startswith("reference/"):
        return html
    import schedax

    def public(text: str) -> bool:
        return all(m[1] in schedax.__all__ for m in PRIVATE.finditer(text))

    def bases(match: re.Match) -> str:
        kept = [b for b in re.split(r",\s*", match["bases"]) if public(b)]
        return f'<p class="doc doc-class-bases">Bases: {", ".join(kept)}</p>' if kept else ""

    html = BASES.sub(bases, html)
    return PRIVATE.sub(lambda m: f"schedax.{m[1]}" if m[1] in schedax.__all__ else m[0], html)


def reference(name: str) -> str:
    module = importlib.import_module(name)
    if name != "schedax":
        return "\n\n".join(f"::: {name}.{m}\n{options(module, m, 3)}" for m in module.__all__)
    groups: dict[str, list[str]] = {}
    for member in module.__all__:
        groups.setdefault(defined_in(module, member), []).append(member)
    parts = []
    for family, members in sorted(groups.items()):
        intro = inspect.getdoc(importlib.import_module(family)).split("\n\n")[0]
        title = family.rpartition("._")[2].replace("_", " ").capitalize()
        parts.append(f"## {title}\n\n{intro}\n\n"
                     + "\n\n".join(f"::: schedax.{m}\n{options(module, m, 3)}"
                                     if documented(module, m) else alias(family, m)
                                     for m in members))  # fmt: skip
    return "\n\n".join(parts)


def options(module, name: str, level: int = 2) -> str:
    """mkdocstrings options: a class shows its properties and methods, not its fields (the
    constructor's arguments, already in its signature and docstring)."""
    obj = getattr(module, name)
    lines = ["    options:", f"      heading_level: {level}"]
    if inspect.isclass(obj):
        fields = {f.name for f in getattr(obj, "__dataclass_fields__", {}).values()}
        members = {n for cls in obj.__mro__ if cls.__module__.startswith("schedax")
                   for n, v in vars(cls).items() if not n.startswith("_") and n not in fields
                   and (isinstance(v, property) or callable(v))}  # fmt: skip
        lines.append(f"      members: {sorted(members)}")
    return "\n".join(lines)


def documented(module, name: str) -> bool:
    """Whether mkdocstrings renders `name` (type aliases it resolves to typing's objects)."""
    obj = getattr(module, name)
    return inspect.isclass(obj) and obj.__module__.startswith("schedax") or inspect.isfunction(obj)


def alias(family: str, name: str) -> str:
    """A type alias as its source writes it: the definition and the docstring below it."""
    source = inspect.getsource(importlib.import_module(family))
    found = re.search(
        rf'^{name}: TypeAlias = (?P<value>[^\n]*)\n"""(?P<doc>.*?)"""', source, re.M | re.S
    )
    value = found["value"]
    if len(name) + len(value) > 80:  # one type per line, as the column fits them
        value = value.replace(" | ", "\n    | ")
    return (f"### {name} {{ #schedax.{name} }}\n\n```python\n{name} = {value}\n```\n\n"
            f"{found['doc']}")  # fmt: skip


def defined_in(module, name: str) -> str:
    """The private schedax module that defines `name`: its own `__module__`, or for a type
    alias (typing's object, or a string) the module whose source assigns it."""
    if documented(module, name):
        return getattr(module, name).__module__
    import pathlib

    for path in sorted(pathlib.Path(module.__file__).parent.glob("_*.py")):
        if re.search(rf"^{name}: TypeAlias = ", path.read_text(), re.M):
            return f"schedax.{path.stem}"
    raise LookupError(f"no schedax module defines {name}")


# ----------------------------------------------------------------------------- gallery


def prelude() -> dict:
    import jax
    import jax.numpy as jnp

    import schedax as sx
    from schedax.compat import keras, optax, timm, torch, transformers

    return dict(jax=jax, jnp=jnp, sx=sx, torch=torch, keras=keras, optax=optax,
                transformers=transformers, timm=timm)  # fmt: skip


def run(match: re.Match, namespace: dict) -> object:
    """Runs a page's python block; returns the `lr` it left if a plot marker follows."""
    namespace.pop("lr", None)
    with warnings.catch_warnings():  # a deprecated name the gallery draws (timm's plateau) warns
        warnings.simplefilter("ignore", FutureWarning)  # readers, not the build log
        exec(compile(match["code"], "<docs>", "exec"), namespace)
    return None if match["args"] is None else namespace["lr"]


def evaluate(curves: list) -> dict:
    """The values of a page's schedules, by id: the stateless ones in one compiled program
    (a program each made the gallery page take 21 s, most of it compiling; one for all, 12 s),
    the stateful ones driven one by one."""
    import jax
    import jax.numpy as jnp

    import schedax as sx
    from schedax._plot import values

    schedules = [c for c, _ in curves if isinstance(c, sx.Schedule)]
    lengths = [n for c, n in curves if isinstance(c, sx.Schedule)]

    def run_all(schedules: list) -> list:
        return [s(jnp.arange(n, dtype=jnp.int32)) for s, n in zip(schedules, lengths, strict=True)]

    # Values to draw, computed once: XLA's cheapest optimization compiles the gallery's
    # program in 3.1 s instead of 5.6.
    cheap = {"xla_backend_optimization_level": 0, "xla_llvm_disable_expensive_passes": True}
    compiled = jax.jit(run_all).lower(schedules).compile(cheap)
    out = dict(zip(map(id, schedules), compiled(schedules), strict=True))
    return out | {id(c): values(c, n) for c, n in curves if isinstance(c, sx.StatefulSchedule)}


def draw(match: re.Match, lr: object, curves: dict) -> str:
    """A block, and after it the figure of the `lr` it left if a plot marker follows."""
    if match["args"] is None:
        return match["block"]
    return match["block"] + "\n\n" + figure(lr, match["code"], match["args"].split(), curves)


def figure(lr, code: str, args: list[str], evaluated: dict) -> str:
    import matplotlib.pyplot as plt
    import numpy as np

    import schedax as sx

    curves = lr if isinstance(lr, dict) else {"": lr}
    # Fixed margins: the constrained layout solver took 40% of each figure's time.
    fig, ax = plt.subplots(figsize=(6.4, 2.4))
    fig.subplots_adjust(left=0.1, right=0.9 if "twin" in args else 0.98, bottom=0.19, top=0.97)
    axes = [ax, ax.twinx()] if "twin" in args else [ax] * len(curves)
    for i, (label, curve) in enumerate(curves.items()):
        y = evaluated[id(curve)] if isinstance(curve, sx.Schedule | sx.StatefulSchedule) else curve
        axes[i].plot(np.arange(len(y)), np.asarray(y), label=label or None, color=f"C{i}")
        if "twin" in args:
            axes[i].set_ylabel(label, color=f"C{i}")
    if "log" in args:
        ax.set_yscale("log")
    ax.set_xlabel("step")
    ax.grid(alpha=0.3)
    if len(curves) > 1 and "twin" not in args:
        ax.legend(fontsize="small")
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100)
    plt.close(fig)
    data = base64.b64encode(buffer.getvalue()).decode()
    alt = code.strip().splitlines()[-1].replace('"', "")
    return f'<img class="gallery" alt="{alt}" src="data:image/png;base64,{data}">'
