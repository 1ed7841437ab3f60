"""No file of the repository cites a document the repository does not have."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CITED = re.compile(r"(?<![\w/.-])((?:[\w.-]+/)*[\w.-]+\.md)\b")
WRITTEN = {"report.md", "DIR/report.md"}  # files passlm writes (passlm eval --report), not documents


def tracked_text_files():
    names = subprocess.run(["git", "ls-files"], cwd=REPO, capture_output=True, text=True, check=True).stdout.split()
    for name in names:
        path = REPO / name
        if path.suffix in (".py", ".md", ".json", ".txt", ".sh", ".cpp", ".h", ".toml", ".in", "") and path.is_file():
            try:
                yield path, path.read_text()
            except UnicodeDecodeError:
                continue


def test_every_cited_markdown_file_exists():
    missing = []
    for path, text in tracked_text_files():
        for n, line in enumerate(text.splitlines(), 1):
            for cited in set(CITED.findall(line)) - WRITTEN:
                here = [path.parent / cited, REPO / cited]
                if not any(p.exists() for p in here) and not list(REPO.glob(f"**/{cited}")):
                    missing.append(f"{path.relative_to(REPO)}:{n}: {cited}")
    assert not missing, "\n".join(missing)


def test_the_check_sees_a_missing_document():
    missing = "../elsewhere/NOTES." + "md"  # spelled in two parts, or this file would cite it
    assert CITED.findall(f"see {missing} and docs/conventions.md.") == [missing, "docs/conventions.md"]
