"""The package's imports point one way: the import-linter contracts of pyproject.toml hold, and no cycle is hidden
behind a TYPE_CHECKING block or an import inside a function."""
from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PACKAGE = REPO / "pipeline"


def test_import_contracts_hold() -> None:
    """`lint-imports` keeps every contract (layers, independent stages, no cycles)."""
    linter = Path(sys.executable).with_name("lint-imports")
    command = [str(linter)] if linter.is_file() else [shutil.which("lint-imports") or "lint-imports"]
    result = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def _dodges(path: Path) -> list[str]:
    """`if TYPE_CHECKING:` blocks and imports of the package inside functions, as `file:line`."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            found.append(f"{path.relative_to(REPO)}:{node.lineno}: TYPE_CHECKING")
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for inner in ast.walk(node):
                if isinstance(inner, ast.ImportFrom) and (inner.level or (inner.module or "").startswith("pipeline")):
                    found.append(f"{path.relative_to(REPO)}:{inner.lineno}: import inside {node.name}")
    return found


@pytest.mark.parametrize("path", sorted(PACKAGE.rglob("*.py")), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_import_dodges_a_cycle(path: Path) -> None:
    """A module imports the package's modules at its top: a cycle cannot hide."""
    assert _dodges(path) == []
