"""Damaged result files are refused, never read in part. In every kind of file tiersim writes
(a single run, a finished sweep, a shard), each object in turn has its header damaged (its
first bytes overwritten), and a compressed variable has a chunk damaged; then `info`,
`digest`, `merge` and `sweep --resume` must exit 2 with one line naming the file and the
variable, leave the file as it was and create nothing."""
import h5py
import pytest

from conftest import snapshot

BASE = """\
model: bass
seed: 3
calendar: {start: 2025-01, months: 12}
params: {markets: 3, agents_per_market: 50}
record:
  - {variable: adopters}
  - {variable: adoption_share, level: world}
"""
SWEEP = """\
config: base.yaml
seed: 4
design: {kind: lhs, samples: 4}
parameters:
  params.q: {min: 0.1, max: 0.9}
"""
KINDS = ("run", "sweep", "shard")


def make_files(tiersim, d):
    (d / "base.yaml").write_text(BASE)
    (d / "sweep.yaml").write_text(SWEEP)
    tiersim("-q", "run", "base.yaml", "-o", "run.h5", check=0)
    tiersim("-q", "sweep", "sweep.yaml", "-o", "sweep.h5", check=0)
    tiersim("-q", "sweep", "sweep.yaml", "-o", "shard.h5", "--shard", "0/2", check=0)
    tiersim("-q", "sweep", "sweep.yaml", "-o", "other.h5", "--shard", "1/2", check=0)


def objects(path):
    """(name, header address) of every dataset in the root group."""
    with h5py.File(path, "r") as f:
        return [(name, h5py.h5o.get_info(f[name].id).addr) for name in sorted(f)]


def damage_header(path, address):
    data = bytearray(path.read_bytes())
    data[address:address + 8] = b"\xde\xad\xbe\xef" * 2
    path.write_bytes(bytes(data))


def commands(kind):
    """The commands that read `kind`.h5, with what they give it."""
    cmds = [["info", f"{kind}.h5"], ["digest", f"{kind}.h5"]]
    if kind == "shard":
        cmds.append(["merge", "m.h5", "shard.h5", "other.h5"])
        cmds.append(["sweep", "sweep.yaml", "-o", "shard.h5", "--shard", "0/2", "--resume"])
    if kind == "sweep":
        cmds.append(["sweep", "sweep.yaml", "-o", "sweep.h5", "--resume"])
    return cmds


def check_refused(tiersim, tmp_path, kind, variable):
    before = snapshot(tmp_path)
    for args in commands(kind):
        proc = tiersim(*args)
        why = (kind, variable, args, proc.stderr)
        assert proc.returncode == 2, why
        lines = proc.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("tiersim: error: "), why
        assert f"'{kind}.h5'" in lines[0] and f"'{variable}'" in lines[0] and "damaged" in lines[0], why
        assert snapshot(tmp_path) == before, why


@pytest.mark.parametrize("kind", KINDS)
def test_a_damaged_object_header_is_refused_by_every_reader(tiersim, tmp_path, kind):
    make_files(tiersim, tmp_path)
    path = tmp_path / f"{kind}.h5"
    good = path.read_bytes()
    listed = objects(path)
    assert len(listed) > 5
    for name, address in listed:
        path.write_bytes(good)
        damage_header(path, address)
        check_refused(tiersim, tmp_path, kind, name)


@pytest.mark.parametrize("kind", ["sweep", "shard"])
def test_a_damaged_chunk_is_refused_by_digest_and_merge(tiersim, tmp_path, kind):
    """A compressed chunk that no longer inflates. `info` reads no values, and --resume of a
    finished file re-reads none either; `digest` and `merge` read them all."""
    make_files(tiersim, tmp_path)
    path = tmp_path / f"{kind}.h5"
    with h5py.File(path, "r") as f:
        chunk = f["adopters"].id.get_chunk_info(0)
    data = bytearray(path.read_bytes())
    middle = chunk.byte_offset + chunk.size // 2
    data[middle:middle + 16] = b"\xff" * 16
    path.write_bytes(bytes(data))
    before = snapshot(tmp_path)
    cmds = [["digest", f"{kind}.h5"]] + ([["merge", "m.h5", "shard.h5", "other.h5"]] if kind == "shard" else [])
    for args in cmds:
        proc = tiersim(*args)
        assert proc.returncode == 2, (args, proc.stderr)
        lines = proc.stderr.strip().splitlines()
        assert len(lines) == 1 and "'adopters'" in lines[0] and "damaged" in lines[0], (args, proc.stderr)
        assert snapshot(tmp_path) == before, args
