"""The lists of actions in the browser tests' docstrings name tests that exist, and the
README names every file of actions: a missing or renamed test shows."""

import ast
import re
from pathlib import Path

import pytest

HERE = Path(__file__).parent
ACTION_FILES = sorted(HERE.glob("test_actions_*.py"))


def named_tests(docstring: str) -> set[tuple[str, str]]:
    """(file, test) for each `-> test_name` or `-> other_file.py test_name` in a list."""
    found = set()
    for match in re.finditer(r"->\s*(?:(test_\w+\.py)\s+)?(test_\w+)", docstring):
        found.add((match.group(1) or "", match.group(2)))
    return found


def functions_of(path: Path) -> set[str]:
    return {node.name for node in ast.walk(ast.parse(path.read_text())) if isinstance(node, ast.FunctionDef)}


def test_there_are_action_files():
    assert len(ACTION_FILES) >= 5


@pytest.mark.parametrize("path", ACTION_FILES, ids=lambda p: p.name)
def test_every_test_an_action_list_names_exists(path):
    docstring = ast.get_docstring(ast.parse(path.read_text())) or ""
    named = named_tests(docstring)
    assert len(named) >= 5, f"{path.name} lists no actions"
    missing = [f"{file or path.name}::{test}" for file, test in named
               if test not in functions_of(HERE / file if file else path)]
    assert not missing, f"listed but not found: {missing}"


def test_the_readme_names_every_file_of_actions():
    readme = (HERE / "README.md").read_text()
    assert all(path.name in readme for path in ACTION_FILES)
