"""The documentation site (docs/, mkdocs.yml): it builds strictly, its API reference has every
public name, its gallery draws every schedule, and every guide's code runs.

Code blocks titled with another library's name (```` ```python title="torch" ````) show that
library's code and are not run; every other python block of a guide (untitled, or titled
"schedax" beside another library's) runs, the blocks of a page in order in one namespace
(mktestdocs), and so do the bash blocks of the configs guide.
"""

from __future__ import annotations

import functools
import html
import http.server
import importlib
import inspect
import json
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile
import threading

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
    env["NO_MKDOCS_2_WARNING"] = "1"  # mkdocs-material's notice of its own end of life
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(out)],
                          cwd=ROOT, capture_output=True, text=True, timeout=600, env=env)  # fmt: skip
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-5000:]
    # Nothing warns while building (a gallery block's FutureWarning used to print with a
    # partial traceback).
    printed = done.stdout + done.stderr
    assert "warning" not in printed.lower() and "Traceback" not in printed, printed[-3000:]
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


def _the_reference_shows_public_paths_and_one_entry_per_name(site):
    for page in ("reference/schedax/index.html", "reference/compat/index.html"):
        html = (site / page).read_text()
        assert "schedax._" not in html, page  # schedax.Schedule, never schedax._base.Schedule
        toc = re.findall(r'<a href="#([^"]+)" class="md-nav__link">', html)
        assert len(toc) == 2 * len(set(toc)), page  # each entry twice: the page and its sidebar


def test_the_site_builds_strictly_with_every_name_and_figure(site):
    # One test reads the site: one xdist worker builds it (20 s), not one per worker.
    for check in (
        _the_reference_has_every_public_name,
        _the_reference_shows_public_paths_and_one_entry_per_name,
        _the_gallery_draws_each_block_it_marks,
    ):
        check(site)
    if BROWSER is None:
        pytest.skip("no headless Chromium (apt-get install chromium): the pages were not "
                    "looked at in a browser at 1280 px; the build and its pages were checked")  # fmt: skip
    problems = _looked_at_1280_px_wide(site, AT_1280, also=["gallery/index.html"])
    assert not any(problems.values()), problems


# ----------------------------------------------------------------------------- in a browser

BROWSER = next(filter(None, map(shutil.which, ("chromium", "chromium-browser", "google-chrome"))),
               None)  # fmt: skip
AT_1280 = ["index.html", "guides/composing/index.html", "guides/recipes/index.html",
           "reference/schedax/index.html", "reference/compat/index.html",
           *(f"migration/{p.stem}/index.html" if p.stem != "index" else "migration/index.html"
             for p in sorted(DOCS.glob("migration/*.md")))]  # fmt: skip
# Loads each page in a 1280 px frame of one page (one browser start) and lists what is wrong:
# a code block wider than its column (it scrolls sideways; the gallery's may, beside their
# figures), an image that did not load, a name in a table broken across lines.
CHECKER = """<!doctype html><html><body><script>
const fitting = FITTING, pages = [...fitting, ...ALSO], results = {};
let left = pages.length;
for (const page of pages) {
  const frame = document.createElement("iframe");
  frame.style.width = "1280px"; frame.style.height = "900px";
  frame.onload = () => {
    const doc = frame.contentDocument, bad = [];
    doc.querySelectorAll("pre > code").forEach(c => {
      if (fitting.includes(page) && c.scrollWidth > c.clientWidth + 1) {
        const line = c.textContent.split("\\n").reduce((a, b) => b.length > a.length ? b : a, "");
        bad.push("code cut off: " + line.trim().slice(0, 80));
      }
    });
    doc.querySelectorAll("img").forEach(img => {
      if (!img.complete || img.naturalWidth === 0) bad.push("broken image: " + img.alt.slice(0, 80));
    });
    doc.querySelectorAll("td code, th code").forEach(c => {
      if (!/\\s/.test(c.textContent) && c.getClientRects().length > 1)
        bad.push("name broken across lines: " + c.textContent.slice(0, 80));
    });
    results[page] = bad;
    if (--left === 0) {
      const out = document.createElement("pre");
      out.id = "results"; out.textContent = JSON.stringify(results); document.body.appendChild(out);
    }
  };
  frame.src = page; document.body.appendChild(frame);
}
</script></body></html>"""


def _looked_at_1280_px_wide(
    site: pathlib.Path, fitting: list[str], also: list[str]
) -> dict[str, list[str]]:
    """What headless Chromium finds wrong with each page 1280 px wide, served on localhost:
    the `fitting` pages' code blocks must fit their column, the `also` pages' need not."""
    checker = CHECKER.replace("FITTING", json.dumps(fitting)).replace("ALSO", json.dumps(also))
    (site / "__checker.html").write_text(checker)

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Quiet, directory=str(site))
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/__checker.html"
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",  # no web fonts: offline
             "--window-size=1400,1000", "--virtual-time-budget=5000", "--dump-dom"]  # fmt: skip
    try:
        with tempfile.TemporaryDirectory() as profile:
            done = subprocess.run([BROWSER, *flags, f"--user-data-dir={profile}", url],
                                  capture_output=True, text=True, timeout=120)  # fmt: skip
    finally:
        server.shutdown()
        server.server_close()
    found = re.search(r'<pre id="results">(.*?)</pre>', done.stdout, re.S)
    assert found, done.stdout[-2000:] + done.stderr[-2000:]
    return json.loads(html.unescape(found[1]))


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
