"""The README's links and the repository paths it names exist (issue 21.9): markdown
links and images `[text](path)`, and code spans that name a file or folder of the
repository (`engine/ops.py`, `examples/programs/`). Paths outside the repository are
written as such (`../shared/...`) and are not checked; URLs are not fetched."""

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
TRACKED = set(subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True,
                             check=True).stdout.split())
FOLDERS = {str(Path(f).parent) for f in TRACKED} | {
    str(p) for f in TRACKED for p in Path(f).parents}


def _exists(path: str) -> bool:
    path = path.split("#")[0].rstrip("/")
    return path in TRACKED or path in FOLDERS


def _links():
    for m in re.finditer(r"!?\[[^\]]*\]\(([^)\s]+)\)", README):
        yield m.group(1)


def _named_paths():
    top = {p.split("/")[0] for p in TRACKED}
    for m in re.finditer(r"`([^`\s]+)`", README):
        text = m.group(1)
        # a relative path: a/b.ext or a/b/ (not ../outside, not a URL, not d(y)/d(x))
        if "/" not in text:
            continue
        if re.fullmatch(r"\.?[\w-]+(/[\w.-]+)*(\.[A-Za-z]+|/)", text) or (
                text.split("/")[0] in top and re.fullmatch(r"[\w./-]+", text)):
            yield text
    for m in re.finditer(r"^([\w.-]+/[\w./-]*)\s", README, flags=re.M):  # the layout block
        if m.group(1).split("/")[0] in top:
            yield m.group(1)


def test_readme_links_exist():
    links = [u for u in _links() if not re.match(r"[a-z]+://|mailto:|#", u)]
    assert links, "the README has no relative link to check"
    missing = [u for u in links if not _exists(u)]
    assert not missing, f"README links to files not in the repository: {missing}"


def test_readme_named_paths_exist():
    named = list(_named_paths())
    assert len(named) >= 5
    missing = sorted({p for p in named if not _exists(p)})
    assert not missing, f"README names paths not in the repository: {missing}"
