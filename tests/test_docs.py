"""The documentation site (docs/, mkdocs.yml): it builds strictly, its API reference has every
public name, its gallery draws every schedule, and every guide's code runs.

Code blocks titled with another library's name (```` ```python title="torch" ````) show that
library's code and are not run; every other python block of a guide (untitled, or titled
"schedax" beside another library's) runs, the blocks of a page in order in one namespace
(mktestdocs), and so do the bash blocks of the configs guide.
"""

from __future__ import annotations

import importlib
import inspect
import os
import pathlib
import re
import subprocess
import sys

import jax
import pytest
from mktestdocs import check_md_file

import schedax  # (importing it fills the registry of config names)
from schedax._registry import REGISTRY

ROOT = pathlib.Path(__file__).parents[1]
DOCS = ROOT / "docs"
MODULES = ["schedax"] + [
    f"schedax.compat.{m}" for m in ("torch", "keras", "optax", "transformers", "timm")
]
GUIDES = sorted(DOCS.glob("guides/*.md")) + sorted(DOCS.glob("migration/*.md"))


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> pathlib.Path:
    out = tmp_path_factory.mktemp("site")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(out)],
                          cwd=ROOT, capture_output=True, text=True, timeout=600, env=env)  # fmt: skip
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-5000:]
    # Nothing of schedax's warns or fails while building (a gallery block's FutureWarning used
    # to print with a partial traceback); mkdocs-material's own notice is not ours.
    printed = done.stdout + done.stderr
    assert not [line for line in printed.splitlines() if line.startswith("WARNING")]
    assert "Traceback" not in printed and "Warning:" not in printed, printed[-3000:]
    return out


def _the_reference_has_every_public_name(site):
    pages = {"schedax": (site / "reference/schedax/index.html").read_text(),
             "compat": (site / "reference/compat/index.html").read_text()}  # fmt: skip
    missing = [f"{name}.{member}" for name in MODULES
               for member in importlib.import_module(name).__all__
               if f'id="{name}.{member}"' not in pages["schedax" if name == "schedax" else "compat"]]  # fmt: skip
    assert not missing


def _the_gallery_draws_each_block_it_marks(site):
    source = (DOCS / "gallery.md").read_text()
    html = (site / "gallery/index.html").read_text()
    markers = source.count("<!-- plot ")
    assert markers > 40 and html.count('<img class="gallery"') == markers


def test_the_site_builds_strictly_with_every_name_and_figure(site):
    # One test reads the site: one xdist worker builds it (20 s), not one per worker.
    for check in (
        _the_reference_has_every_public_name,
        _the_gallery_draws_each_block_it_marks,
    ):
        check(site)


def test_the_gallery_calls_every_schedule():
    code = "\n".join(re.findall(r"```python\n(.*?)```", (DOCS / "gallery.md").read_text(), re.S))
    # schedax's own config names (other tests register classes of their own, as users do)
    names = {name for name, make in REGISTRY.items() if make.__module__.startswith("schedax")}
    for module in MODULES[1:]:  # compat names that are not config names
        names |= {
            f"{module.rpartition('.')[2]}.{m}" for m in importlib.import_module(module).__all__
        }
    missing = []
    for name in sorted(names):
        library, _, member = name.rpartition(".")
        module = importlib.import_module(f"schedax.compat.{library}") if library else None
        if module is not None and member not in module.__all__:  # a get_scheduler name
            found = f'"{member}"' in code
        elif not library and member not in schedax.__all__:  # an operator (`+` builds add)
            symbol = re.escape(REGISTRY[member]._symbol)
            unary = rf"[\s(,:]{symbol}[A-Za-z_]"  # -cosine
            found = re.search(unary if member == "negative" else rf"\w {symbol} \w", code)
        else:
            found = f"{library or 'sx'}.{member}(" in code  # as the gallery imports them
        if not found:
            missing.append(name)
    assert not missing, missing


@pytest.mark.parametrize("page", GUIDES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_guide_code_runs(page, tmp_path):
    runnable = tmp_path / page.name  # the blocks titled "schedax" run with the untitled ones
    runnable.write_text(page.read_text().replace('```python title="schedax"', "```python"))
    with jax.numpy_dtype_promotion("standard"):  # users' code, under JAX's default promotion
        check_md_file(runnable, memory=True)


def test_configs_guide_commands_run(tmp_path):
    check_md_file(DOCS / "guides/configs.md", lang="bash")


def test_only_other_libraries_code_is_left_unrun():
    # A block titled with another library's name is not run.
    libraries = {"schedax", "torch", "Keras", "optax", "transformers", "timm", "MLX"}
    for page in GUIDES:
        titles = re.findall(r'```python title="([^"]*)"', page.read_text())
        assert set(titles) <= libraries, page.name


def _public(module_name):
    """(name, object) of the public classes and functions (not the type aliases)."""
    module = importlib.import_module(module_name)
    objects = [(f"{module_name}.{n}", getattr(module, n)) for n in module.__all__]
    return [(name, obj) for name, obj in objects
            if (inspect.isclass(obj) or inspect.isfunction(obj))
            and obj.__module__.startswith("schedax")]  # fmt: skip


@pytest.mark.parametrize("module", MODULES)
def test_every_public_name_has_an_example_that_runs_as_a_doctest(module):
    missing = [name for name, obj in _public(module)
               if "Examples:" not in (obj.__doc__ or "") or ">>>" not in obj.__doc__]  # fmt: skip
    assert not missing


@pytest.mark.parametrize("module", MODULES)
def test_every_schedule_constructor_states_its_formula(module):
    builders = {name for name in REGISTRY if "." not in name} if module == "schedax" else None
    missing = [name for name, obj in _public(module)
               if (builders is None or name.rpartition(".")[2] in builders)
               and "Formula:" not in (obj.__doc__ or "")]  # fmt: skip
    assert not missing


def test_a_schedule_class_init_has_the_constructor_signature():
    # help(), IDEs and mkdocstrings read __init__; it is the class's own signature.
    signature = inspect.signature(schedax.cosine_decay.__init__)
    assert list(signature.parameters)[:3] == ["self", "init", "decay_steps"]
    assert signature.parameters["end"].default == 0.0
