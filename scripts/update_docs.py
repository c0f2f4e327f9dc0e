"""Regenerate the parameter table in docs/ODD.md from the code.

    update_docs.py TIERSIM_BINARY [--check]

With --check, exit 1 if the table in the docs differs from the code's (used by the tests).
"""
import re
import subprocess
import sys
from pathlib import Path

ODD = Path(__file__).resolve().parents[1] / "docs" / "ODD.md"
BLOCK = re.compile(r"(<!-- params:begin[^\n]*-->\n)(.*?)(<!-- params:end -->)", re.S)


def table(binary):
    out = subprocess.run([binary, "params", "diffusion"], capture_output=True, text=True, check=True).stdout
    return "".join(line + "\n" for line in out.splitlines() if line.startswith("|"))


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    text = ODD.read_text()
    m = BLOCK.search(text)
    if not m:
        sys.exit(f"{ODD}: no params:begin/params:end block")
    fresh = table(sys.argv[1])
    if "--check" in sys.argv:
        if m.group(2) != fresh:
            sys.exit(f"{ODD}: parameter table is out of date; run scripts/update_docs.py {sys.argv[1]}")
        return
    ODD.write_text(text[: m.start(2)] + fresh + text[m.end(2):])


if __name__ == "__main__":
    main()
