"""Every shell and Python block of README.md, docs/tutorial.md and analysis/README.md runs
as a user would run it (doc blocks as tests), so that the examples cannot rot.

Each document's blocks run in order in one temporary directory laid out like the
repository (configs/ and examples/ linked, analysis/ copied, build/release/tiersim the
built executable), shell blocks with `bash -e -o pipefail`, Python blocks with Debian's
interpreter; a non-zero exit fails the test. Blocks that cannot run here are in STAND_INS,
with the reason and a small command that checks the same thing, where there is one."""
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DOCUMENTS = ["README.md", "docs/tutorial.md", "analysis/README.md"]
FENCE = re.compile(r"^```(sh|bash|python)\n(.*?)^```$", re.S | re.M)

# What ./run.sh does (the response surface and the knock-outs, then tiersim.surface) on
# sweeps small enough for a test: a 2 x 2 surface and the 6 knock-outs, 2 replicates each,
# 1000 buyers.
SMALL_HEADLINE = """\
mkdir -p results
sed -e 's/values: \\[1, 3, 10\\]/values: [1, 10]/' -e 's/values: \\[0.0, 0.5, 0.9, 0.99\\]/values: [0.0, 0.99]/' \\
    -e 's/replicates: 5/replicates: 2/' -e 's/buyers_total: 10000/buyers_total: 1000/' \\
    -e 's|\\.\\./scenarios/|../configs/scenarios/|' configs/sweeps/response_surface_reduced.yaml > results/surface.yaml
sed -e 's/replicates: 5/replicates: 2/' -e 's/buyers_total: 10000/buyers_total: 1000/' \\
    -e 's|\\.\\./scenarios/|../configs/scenarios/|' configs/sweeps/knockouts_reduced.yaml > results/knockouts.yaml
build/release/tiersim sweep -q results/surface.yaml -o results/response_surface_reduced.h5
build/release/tiersim sweep -q results/knockouts.yaml -o results/knockouts_reduced.h5
PYTHONPATH=analysis /usr/bin/python3 -m tiersim.surface results/response_surface_reduced.h5 \\
    --knockouts results/knockouts_reduced.h5 --out results/response_surface_reduced | grep "lower bound above 1 pp"
"""

#: (document, first line of a block) -> (why it does not run as written, stand-in or None).
STAND_INS = {
    ("README.md", "./run.sh     # set up (Debian 12), build Release, run the default experiment"):
        ("./test.sh runs this test itself, and ./run.sh builds and runs for minutes: the same steps on "
         "a small sweep", SMALL_HEADLINE),
    ("docs/tutorial.md", "./run.sh"): ("builds and runs for minutes: the same steps on a small sweep", SMALL_HEADLINE),
}
#: Lines of a block that run differently here, with the reason: (document, line) -> (why, line).
LINE_STAND_INS = {
    ("README.md", "build/release/tiersim sweep configs/sweeps/headline.yaml -o results/headline.h5   "
                  "# --resume, --shard i/N, mpirun"):
        ("the full headline sweep takes hours: check that it resolves, every run",
         "build/release/tiersim sweep configs/sweeps/headline.yaml -o results/headline.h5 --dry-run"),
}


def blocks(document):
    """(language, text) of every shell and Python block, in order."""
    return [(m.group(1), m.group(2)) for m in FENCE.finditer((REPO / document).read_text())]


def prepared(document, text):
    """The block as this test runs it (stand-ins applied), or None to leave it out."""
    first = text.splitlines()[0] if text.strip() else ""
    if (document, first) in STAND_INS:
        return STAND_INS[(document, first)][1]
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if (document, line) in LINE_STAND_INS:
            lines[i] = LINE_STAND_INS[(document, line)][1]
    return "\n".join(lines) + "\n"


def test_every_stand_in_matches_a_block():
    """A stand-in whose block was edited away would silently stop applying."""
    firsts = {(d, t.splitlines()[0]) for d in DOCUMENTS for _, t in blocks(d)}
    lines = {(d, line) for d in DOCUMENTS for _, t in blocks(d) for line in t.splitlines()}
    assert set(STAND_INS) <= firsts
    assert set(LINE_STAND_INS) <= lines
    assert all(len(blocks(d)) >= 2 for d in DOCUMENTS)


@pytest.fixture
def workdir(tmp_path):
    binary = os.environ.get("TIERSIM_BIN")
    if not binary:
        pytest.skip("TIERSIM_BIN is not set; run through ctest")
    work = tmp_path / "tiersim"
    work.mkdir()
    for name in ("configs", "examples", "docs"):
        (work / name).symlink_to(REPO / name)
    shutil.copytree(REPO / "analysis", work / "analysis", ignore=shutil.ignore_patterns("tests", "__pycache__"))
    (work / "build" / "release").mkdir(parents=True)
    (work / "build" / "release" / "tiersim").symlink_to(binary)
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(tmp_path / "home"), "LANG": "C.UTF-8",
           "MPLBACKEND": "Agg", "PIP_NO_INDEX": "1", "PIP_DISABLE_PIP_VERSION_CHECK": "1",
           "JUPYTER_DATA_DIR": str(tmp_path / "jupyter"), "PYTHONDONTWRITEBYTECODE": "1",
           "PYDEVD_DISABLE_FILE_VALIDATION": "1"}
    (tmp_path / "home").mkdir()
    return work, env


@pytest.mark.parametrize("document", DOCUMENTS)
def test_document_blocks_run(document, workdir):
    work, env = workdir
    ran = 0
    for language, text in blocks(document):
        code = prepared(document, text)
        cmd = ["bash", "-e", "-o", "pipefail", "-c", code] if language in ("sh", "bash") else \
            ["/usr/bin/python3", "-c", code]
        block_env = dict(env, PYTHONPATH=str(work / "analysis")) if language == "python" else env
        proc = subprocess.run(cmd, cwd=work, env=block_env, capture_output=True, text=True, timeout=600)
        assert proc.returncode == 0, f"{document}: block failed ({proc.returncode}):\n{code}\n--- stderr:\n{proc.stderr[-3000:]}"
        ran += 1
    assert ran == len(blocks(document))
