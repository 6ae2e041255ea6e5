"""The xlwings Lite bundle: a ``main.py`` that carries icp-sheets inside itself, and a ``requirements.txt``.

xlwings Lite installs ``requirements.txt`` with micropip, from PyPI and from
Pyodide's own repository; icp-sheets is on neither. So ``main.py`` holds the
pure-Python modules the Excel functions import, as a zip in base64, writes it
to Pyodide's temporary directory at start-up and puts it on ``sys.path``
(Python's zipimport reads it from there). ``requirements.txt`` then names only
packages Pyodide ships. Teams that host the wheel can use ``wheel_url``
instead: the requirements line is that URL and ``main.py`` a few imports.

Which modules go in is read from the code (module-level imports, followed from
the functions and the scripts), so the bundle follows the package as it changes.
"""

from __future__ import annotations

import ast
import base64
import io
import textwrap
import zipfile
from collections.abc import Iterable
from importlib import metadata
from pathlib import Path

PACKAGE = "icp_sheets"
_ROOT = Path(__file__).resolve().parents[1]  # the icp_sheets package folder
FUNCTIONS_MODULE = "icp_sheets.excel.functions"
SCRIPTS_MODULE = "icp_sheets.excel.lite_scripts"
PYODIDE_PACKAGES = ("numpy", "pandas", "pydantic")  # what the functions import that Pyodide itself ships
_LINE = 100  # base64 characters per line of main.py
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # fixed, so the same code always gives the same bundle
_PAYLOAD_START = "_BUNDLE = (\n"
_PAYLOAD_END = ")\n"


def module_file(name: str) -> Path:
    """The source file of an icp_sheets module or package."""
    path = _ROOT.parent.joinpath(*name.split("."))
    return path / "__init__.py" if path.is_dir() else path.with_suffix(".py")


def needed_modules(roots: Iterable[str] = (FUNCTIONS_MODULE, SCRIPTS_MODULE)) -> list[str]:
    """Every icp_sheets module the roots import at module level, with the packages holding them.

    Imports inside functions are left out: in this package they fetch what only
    the command line uses (openpyxl writers, the Google client).
    """
    found: set[str] = set()
    todo = list(roots)
    while todo:
        name = todo.pop()
        if name in found or not module_file(name).exists():
            continue
        found.add(name)
        parts = name.split(".")
        todo.extend(".".join(parts[:i]) for i in range(1, len(parts)))
        todo.extend(_imported(name))
    return sorted(found)


def _imported(name: str) -> list[str]:
    tree = ast.parse(module_file(name).read_text(encoding="utf-8"))
    names: list[str] = []
    for node in _module_level(tree.body):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
            names.extend(f"{node.module}.{alias.name}" for alias in node.names)  # `from pkg import module`
    return [n for n in names if n == PACKAGE or n.startswith(PACKAGE + ".")]


def _module_level(body: list[ast.stmt]) -> Iterable[ast.stmt]:
    """Statements that run on import: the body, and the branches of if/try blocks in it."""
    for node in body:
        yield node
        if isinstance(node, ast.If):
            yield from _module_level(node.body + node.orelse)
        elif isinstance(node, ast.Try):
            yield from _module_level(node.body + node.orelse + node.finalbody)
            for handler in node.handlers:
                yield from _module_level(handler.body)


def decorated(module: str, decorator: str) -> list[str]:
    """Names of the functions in ``module`` carrying ``@decorator`` (read from the source)."""
    tree = ast.parse(module_file(module).read_text(encoding="utf-8"))
    return [
        node.name
        for node in tree.body
        if isinstance(node, ast.FunctionDef)
        and any(isinstance(d, ast.Name) and d.id == decorator for d in node.decorator_list)
    ]


def bundle_zip(modules: Iterable[str]) -> bytes:
    """The modules' sources as a zip with fixed dates and order."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name in sorted(modules):
            file = module_file(name)
            info = zipfile.ZipInfo(file.relative_to(_ROOT.parent).as_posix(), _ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, file.read_bytes())
    return buffer.getvalue()


def bundled_files(main_py: str) -> dict[str, bytes]:
    """The files a generated ``main.py`` carries, by path inside the zip (empty for the wheel form)."""
    if _PAYLOAD_START not in main_py:
        return {}
    block = main_py.split(_PAYLOAD_START, 1)[1].split(_PAYLOAD_END, 1)[0]
    payload = "".join(line.strip().strip('"') for line in block.splitlines())
    with zipfile.ZipFile(io.BytesIO(base64.b64decode(payload))) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def requirements_txt(wheel_url: str | None = None) -> str:
    """The requirements.txt tab: xlwings, the packages Pyodide ships, and the wheel when hosted."""
    lines = [
        "# xlwings Lite installs these when you save this tab; all of them come with Pyodide.",
        "# Keep the xlwings line xlwings Lite wrote for you (it may pin a version).",
        "xlwings",
        *PYODIDE_PACKAGES,
    ]
    if wheel_url:
        lines.append(wheel_url)
    return "\n".join(lines) + "\n"


def main_py(wheel_url: str | None = None) -> str:
    """The main.py tab: the bundle (unless the wheel is hosted), then the imports that register everything."""
    version = metadata.version("icp-sheets")
    functions = sorted(decorated(FUNCTIONS_MODULE, "func"))
    scripts = sorted(decorated(SCRIPTS_MODULE, "script"))
    noqa = "F401" if wheel_url else "F401, E402"  # the bundle's imports follow its start-up code
    imports = (
        f"from {FUNCTIONS_MODULE} import (  # noqa: {noqa}  (imported names are what Excel sees)\n"
        + "".join(f"    {name},\n" for name in functions)
        + ")\n"
        + f"from {SCRIPTS_MODULE} import {', '.join(scripts)}  # noqa: {noqa}\n"
    )
    if wheel_url:
        head = f'''\
            """icp-sheets {version} for xlwings Lite: paste this whole file into the xlwings Lite editor's main.py.

            Generated by `icp-sheets excel lite --wheel-url`: icp-sheets comes from the wheel
            requirements.txt names. Importing the functions and scripts here registers them.
            """

            '''
        return textwrap.dedent(head) + imports
    payload = base64.b64encode(bundle_zip(needed_modules())).decode("ascii")
    lines = "".join(f'    "{payload[i : i + _LINE]}"\n' for i in range(0, len(payload), _LINE))
    head = f'''\
        """icp-sheets {version} for xlwings Lite: paste this whole file into the xlwings Lite editor's main.py.

        Generated by `icp-sheets excel lite`; regenerate rather than edit. icp-sheets is not on PyPI,
        so this file carries the pure-Python modules the functions need, as a zip (base64, below)
        that start-up writes to a temporary file and puts on sys.path; requirements.txt then names
        only packages Pyodide ships. Importing the functions and scripts at the end registers them.
        """

        import base64
        import hashlib
        import sys
        import tempfile
        from pathlib import Path

        '''
    boot = '''\


        def _load_bundle() -> None:
            """Put the zip on sys.path, first, and forget icp_sheets modules loaded from elsewhere
            (an older paste of this file), so a new paste takes effect without a restart."""
            data = base64.b64decode(_BUNDLE)
            path = Path(tempfile.gettempdir()) / f"icp_sheets-{hashlib.sha256(data).hexdigest()[:16]}.zip"
            if not path.exists():
                path.write_bytes(data)
            for name in [n for n in sys.modules if n == "icp_sheets" or n.startswith("icp_sheets.")]:
                if not str(getattr(sys.modules[name], "__file__", "")).startswith(str(path)):
                    del sys.modules[name]
            if str(path) not in sys.path:
                sys.path.insert(0, str(path))


        _load_bundle()

        '''
    return textwrap.dedent(head) + _PAYLOAD_START + lines + _PAYLOAD_END + textwrap.dedent(boot) + imports


def write_lite(directory: Path, wheel_url: str | None = None) -> list[Path]:
    """Write main.py and requirements.txt into ``directory`` (made if missing); returns the files."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in (("main.py", main_py(wheel_url)), ("requirements.txt", requirements_txt(wheel_url))):
        path = directory / name
        path.write_text(text, encoding="utf-8", newline="\n")
        written.append(path)
    return written
