"""Every import inside a function says why it is not at the top of its module.

Issue 15 asks for "no import inside a function without a one-line reason": after the room
split most of them hid cycles that no longer exist, and the ones that stay (a real cycle, a
heavy library imported where used per STYLE rule 9, the app registry not ready yet) must say
so, or the next reader hoists them and meets the cycle, or leaves a needless one in place.

The reason is a comment on the line directly above the import, or above the run of imports it
heads (consecutive import lines share one comment), or a trailing comment on the import itself.
The test reads source files only (``ast`` and ``tokenize``); it imports none of them.
"""

from __future__ import annotations

import ast
import io
import tokenize
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("cms", "conference", "registration")


def _production_modules() -> list[Path]:
    """Every ``.py`` file of our apps, without migrations (history, written by makemigrations)."""
    return sorted(
        path
        for package in PACKAGES
        for path in (ROOT / package).rglob("*.py")
        if "migrations" not in path.relative_to(ROOT).parts
    )


def _comment_lines(source: str) -> tuple[set[int], set[int]]:
    """Line numbers holding a comment, and those holding nothing but a comment."""
    any_comment: set[int] = set()
    comment_only: set[int] = set()
    lines = source.splitlines()
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.COMMENT:
            row = token.start[0]
            any_comment.add(row)
            if lines[row - 1].lstrip().startswith("#"):
                comment_only.add(row)
    return any_comment, comment_only


def _imports_in_functions(tree: ast.AST) -> list[ast.Import | ast.ImportFrom]:
    """Import statements anywhere inside a function or method body (nested blocks included)."""
    found: list[ast.Import | ast.ImportFrom] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            found.extend(
                inner for inner in ast.walk(node) if isinstance(inner, ast.Import | ast.ImportFrom)
            )
    # A nested function's imports are also inside its outer function: count each once.
    return sorted({id(node): node for node in found}.values(), key=lambda node: node.lineno)


def _unexplained_imports(path: Path, *, root: Path = ROOT) -> list[str]:
    """``path:line: import text`` for each import inside a function with no reason next to it."""
    source = path.read_text(encoding="utf-8")
    tree = ast.parse(source, filename=str(path))
    any_comment, comment_only = _comment_lines(source)
    imports = _imports_in_functions(tree)
    import_lines = {row for node in imports for row in range(node.lineno, node.end_lineno + 1)}
    missing = []
    for node in imports:
        rows = range(node.lineno, node.end_lineno + 1)
        if any(row in any_comment for row in rows):
            continue
        above = node.lineno - 1
        while above in import_lines:  # a run of imports shares the comment that heads it
            above -= 1
        if above in comment_only:
            continue
        text = ast.get_source_segment(source, node) or ""
        relative = path.relative_to(root)
        missing.append(f"{relative}:{node.lineno}: {' '.join(text.split())}")
    return missing


def test_every_import_inside_a_function_gives_its_reason():
    missing = [line for path in _production_modules() for line in _unexplained_imports(path)]
    assert not missing, (
        "Imports inside functions without a one-line reason (hoist them to the top of the "
        "module, or say on the line above why they stay):\n" + "\n".join(missing)
    )


def test_the_check_sees_a_missing_reason_and_accepts_a_given_one(tmp_path):
    """The walker itself: nested blocks, runs of imports, trailing comments, class bodies."""
    module = tmp_path / "sample.py"
    module.write_text(
        "import os\n"
        "\n"
        "\n"
        "class Thing:\n"
        "    import json\n"
        "\n"
        "    def method(self):\n"
        "        if self:\n"
        "            import csv\n"
        "        # Heavy library, only this method needs it.\n"
        "        import decimal\n"
        "        from fractions import (\n"
        "            Fraction,\n"
        "        )\n"
        "        import glob  # reason on the line itself\n"
        "\n"
        "        def inner():\n"
        "            import shutil\n"
        "\n"
        "        return inner\n",
        encoding="utf-8",
    )
    missing = _unexplained_imports(module, root=tmp_path)
    assert missing == ["sample.py:9: import csv", "sample.py:18: import shutil"]
