"""Hostile input: every file in bad_input/ through `tiersim validate`, `run` and `sweep`.

Each case must end with exit code 2 and exactly one line on stderr that names the file, the
line and column (where the input has them) and the key, and must write nothing: no output
file, no `.partial`, `.incomplete` or lock file, and a pre-existing output (even with
--overwrite) keeps its bytes. The diffusion cases inherit from the repo's scenario
(`base: ../../../../configs/scenarios/diffusion_rule.yaml`, relative to the case file)."""
import os

import pytest

from conftest import BAD, snapshot

SMALL = ["--set", "params.scale.buyers_total=2000", "--set", "calendar.months=6"]
PRECIOUS = os.urandom(64) + b"\x89HDF\r\n\x1a\n not a result file"

# name -> (where the error is: "file:line:col" or "file" alone, key or None, part of the message).
# The key is None for YAML syntax errors and unreadable files, which have no key.
CONFIGS = {
    "unclosed_bracket": ("unclosed_bracket.yaml:3:1", None, "invalid YAML"),
    "bad_indentation": ("bad_indentation.yaml:4:3", None, "invalid YAML"),
    "tabs": ("tabs.yaml:3:9", None, "invalid YAML"),
    "unknown_key": ("unknown_key.yaml:4:5", "params.scale.buyers_totl", "did you mean 'params.scale.buyers_total'"),
    "wrong_type": ("wrong_type.yaml:3:11", "calendar.months", "expected an integer, got 'twelve'"),
    "wrong_type_section": ("wrong_type_section.yaml:3:11", "params.demand", "expected a mapping"),
    "quoted_number": ("quoted_number.yaml:3:12", "params.markets", "expected an integer, got the string"),
    "out_of_range": ("out_of_range.yaml:4:19", "params.demand.growth_first", "out of range; must be [0.5, 5.0]"),
    "nan": ("nan.yaml:3:24", "params.choice.beta_price", "finite"),
    "inf": ("inf.yaml:4:23", "params.initial.world_stock_2025", "finite"),
    "empty": ("empty.yaml", None, "file is empty"),
    "huge_float": ("huge_float.yaml:4:17", "params.demand.world_2025", "too large"),
    "huge_int": ("huge_int.yaml:2:7", "seed", "too large"),
    "huge_int_param": ("huge_int_param.yaml:3:35", "params.scale.buyers_min_per_country", "too large"),
    "cyclic_base_a": ("cyclic_base_b.yaml:2:7", "base", "cycle"),
    "missing_base": ("missing_base.yaml:1:7", "base", "file not found"),
    "base_is_directory": ("base_is_directory.yaml:1:7", "base", "is a directory"),
    "duplicate_key": ("duplicate_key.yaml:6:5", "usa_share", "appears twice"),
    "null_key": ("null_key.yaml:2:1", None, "keys must be plain names"),
    "alias": ("alias.yaml:2:44", None, "aliases"),
    "recursive_alias": ("recursive_alias.yaml:2:16", None, "aliases"),
    "two_documents": ("two_documents.yaml:2:1", None, "second YAML document"),
    # Country tables (model diffusion, via params.data.countries): the table's line and
    # column, and the config key that named the table.
    "table_missing_column": ("missing_column.csv:1", "params.data.countries", "missing column 'notable_ai_demand_h100e'"),
    "table_duplicate_iso3": ("duplicate_iso3.csv:15", "params.data.countries", "column 'iso3': duplicate"),
    "table_negative_demand": ("negative_demand.csv:14", "params.data.countries",
                              "column 'notable_ai_demand_h100e': demand cannot be negative"),
    "table_missing": ("no_such_table.csv", "params.data.countries", "not found"),
    "table_no_chn": ("no_chn.csv", "params.data.countries", "the country table has no row for CHN"),
    "table_no_usa": ("no_usa.csv", "params.data.countries", "the country table has no row for USA"),
    "table_utf16": ("utf16.csv:1", "params.data.countries", "is UTF-16 text; save it as UTF-8"),
    # Located where the user wrote it: a list item by its index, a key below a `base:`, and
    # a default (never written) in the config given to tiersim, not in its base.
    "unknown_iso3": ("unknown_iso3.yaml:4:30", "params.demand.ceiling_countries[1]", "'XYZ' is not a country"),
    "unknown_hq": ("unknown_hq.yaml:6:35", "params.gatekeepers.firms[1].hq", "'XYZ' (headquarters of Nowhere"),
    "unknown_hub": ("unknown_hub.yaml:4:17", "params.leakage.hubs[1]", "'XYZ' is not a country"),
    "default_below_base": ("default_below_base.yaml:5:3", "params.demand.chn_share", "exceed 1"),
    "null_value": ("null_value.yaml:4:5", "params.demand.usa_share",
                   "null is not a value; delete the key to use the default"),
    "share_above_one": ("share_above_one.yaml:4:16", "params.demand.usa_share", "must be [0.0, 1.0]"),
    "share_below_zero": ("share_below_zero.yaml:3:35", "params.initial.cn_stack_share_other", "must be [0.0, 1.0]"),
    "shares_sum_above_one": ("shares_sum_above_one.yaml:5:16", "params.demand.chn_share", "exceed 1"),
    # Text that is not UTF-8 (Latin-1, an overlong form, a sequence cut short by the end of
    # the file): refused at the byte, not stored where netCDF readers fail on it.
    "latin1_value": ("latin1_value.yaml:5:36", None, "not UTF-8 text (byte 0xe9)"),
    "overlong_utf8": ("overlong_utf8.yaml:3:25", None, "not UTF-8 text (byte 0xc0)"),
    "truncated_utf8": ("truncated_utf8.yaml:3:23", None, "not UTF-8 text (byte 0xe2)"),
}

SWEEPS = {
    "sobol_no_parameters": ("sobol_no_parameters.yaml:2:16", "parameters", "needs at least one parameter"),
    "sobol_empty_parameters": ("sobol_empty_parameters.yaml:3:13", "parameters", "needs at least one parameter"),
    "zip_unequal_lengths": ("zip_unequal_lengths.yaml:5:3", "parameters.params.p.values", "same length"),
    "lhs_with_values": ("lhs_with_values.yaml:4:14", "parameters.params.q.values", "give 'min' and 'max'"),
    "grid_with_range": ("grid_with_range.yaml:3:14", "parameters.params.q.min", "give 'values: [...]'"),
    "lhs_min_above_max": ("lhs_min_above_max.yaml:4:29", "parameters.params.q.max", "must be greater than min"),
    "morris_odd_levels": ("morris_odd_levels.yaml:2:44", "design.levels", "must be even"),
    "range_outside_bounds": ("range_outside_bounds.yaml:4:29", "parameters.params.q.max", "out of range"),
    "unknown_parameter": ("unknown_parameter.yaml:3:3", "parameters.params.qq", "did you mean 'params.q'"),
    "nan_bound": ("nan_bound.yaml:4:19", "parameters.params.q.min", "finite"),
    "missing_config": ("missing_config.yaml:1:9", "config", "file not found"),
    "duplicate_scenario": ("duplicate_scenario.yaml:4:12", "pair_with[1].name", "used twice"),
    "zero_replicates": ("zero_replicates.yaml:2:13", "replicates", "out of range"),
    "grid_too_large": ("grid_too_large.yaml:5:3", "parameters", "more than 2^31-1 runs"),
    "non_utf8": ("non_utf8.yaml:5:37", None, "not UTF-8 text (byte 0xed)"),
}


def check_one_line(proc, where, key, hint):
    assert proc.returncode == 2, (proc.returncode, proc.stderr)
    lines = proc.stderr.splitlines()
    assert len(lines) == 1, proc.stderr
    line = lines[0]
    assert line.startswith("tiersim: error: "), line
    # The location: "file:line:col: " (or "file:line: " for a table, "file: " without a line).
    assert f"{where}: " in line or f"{where} " in line or f"{where}:1:" in line, (where, line)
    if key is not None:
        assert f"'{key}'" in line, (key, line)
    assert hint in line, (hint, line)


@pytest.mark.parametrize("case", sorted(CONFIGS))
def test_bad_config_is_refused_and_writes_nothing(tiersim, tmp_path, case):
    where, key, hint = CONFIGS[case]
    cfg = BAD / "configs" / f"{case}.yaml"
    small = SMALL if b"diffusion_rule" in cfg.read_bytes() else []
    keep = tmp_path / "keep.h5"
    keep.write_bytes(PRECIOUS)
    before = snapshot(tmp_path)
    for args in (["validate", cfg, *small],
                 ["run", cfg, *small, "-o", "new.h5"],
                 ["run", cfg, *small, "-o", keep, "--overwrite"],
                 ["-q", "run", cfg, *small]):  # default output: results/<name>.h5
        check_one_line(tiersim(*args), where, key, hint)
    assert snapshot(tmp_path) == before  # no new.h5, no .partial, no results/, keep.h5 unchanged


@pytest.mark.parametrize("case", sorted(SWEEPS))
def test_bad_sweep_is_refused_and_writes_nothing(tiersim, tmp_path, case):
    where, key, hint = SWEEPS[case]
    sweep = BAD / "sweeps" / f"{case}.yaml"
    keep = tmp_path / "keep.h5"
    keep.write_bytes(PRECIOUS)
    before = snapshot(tmp_path)
    for args in (["sweep", sweep, "--dry-run"],
                 ["sweep", sweep, "-o", "new.h5"],
                 ["sweep", sweep, "-o", keep, "--overwrite"],
                 ["sweep", sweep, "-o", keep, "--resume"]):
        check_one_line(tiersim(*args), where, key, hint)
    assert snapshot(tmp_path) == before  # no .incomplete, .incomplete.new, .lock; keep.h5 unchanged


@pytest.mark.parametrize("command", ["validate", "run", "sweep"])
def test_missing_path_and_directory_are_refused(tiersim, tmp_path, command):
    keep = tmp_path / "keep.h5"
    keep.write_bytes(PRECIOUS)
    before = snapshot(tmp_path)
    extra = [] if command == "validate" else ["-o", keep, "--overwrite"]
    proc = tiersim(command, tmp_path / "no_such_config.yaml", *extra)
    check_one_line(proc, "no_such_config.yaml", None, "not found")
    proc = tiersim(command, BAD / "configs", *extra)
    check_one_line(proc, "bad_input/configs", None, "is a directory")
    # A symlink loop, as the config and as its `base:` (exit 2, not a filesystem exception).
    loops = tmp_path / "loops"
    loops.mkdir()
    (loops / "a.yaml").symlink_to("b.yaml")
    (loops / "b.yaml").symlink_to("a.yaml")
    (loops / "child.yaml").write_text("base: a.yaml\nmodel: bass\n")
    check_one_line(tiersim(command, loops / "a.yaml", *extra), "a.yaml", None, "symbolic links")
    if command != "sweep":  # (a sweep file has no `base:`)
        check_one_line(tiersim(command, loops / "child.yaml", *extra), "child.yaml:1:7", "base", "symbolic links")
    (loops / "a.yaml").unlink()
    (loops / "b.yaml").unlink()
    (loops / "child.yaml").unlink()
    loops.rmdir()
    assert snapshot(tmp_path) == before


BAD_OVERRIDES = {
    "alias in a value": ("params.q=[&a 0.3, *a]", "aliases"),
    "unclosed list": ("params.q=[0.3,", "invalid YAML"),
    "no value": ("params.q", "expected KEY=VALUE"),
    "empty key part": ("params..q=1", "empty component"),
    "descends into a value": ("calendar.months.x=1", "cannot set"),
    "map for a number": ("params.q.x=1", "expected a number"),
    "NaN": ("params.q=nan", "finite"),
    "huge": ("params.markets=99999999999999999999", "too large"),
}


@pytest.mark.parametrize("case", sorted(BAD_OVERRIDES))
def test_bad_override_is_refused_and_writes_nothing(tiersim, tmp_path, case):
    assignment, hint = BAD_OVERRIDES[case]
    cfg = BAD / "sweeps" / "base.yaml"  # a valid bass config
    before = snapshot(tmp_path)
    for args in (["validate", cfg, "--set", assignment], ["run", cfg, "--set", assignment, "-o", "new.h5"]):
        # The command line has no line numbers (a YAML error in the value gets the value's own
        # line:column); the message quotes the whole --set.
        check_one_line(tiersim(*args), f"<command line> --set {assignment}", None, hint)
    assert snapshot(tmp_path) == before


def test_the_valid_inputs_next_to_the_bad_ones_are_valid(tiersim, tmp_path):
    """The bad cases fail for their one defect: the same files without it pass."""
    tiersim("validate", BAD / "sweeps" / "base.yaml", check=0)
    small_table = tmp_path / "small.csv"
    lines = (BAD / "tables" / "duplicate_iso3.csv").read_text().splitlines()
    small_table.write_text("\n".join(lines[:-1]) + "\n")  # without the repeated row
    cfg = tmp_path / "ok.yaml"
    cfg.write_text((BAD / "configs" / "table_duplicate_iso3.yaml").read_text()
                   .replace("../../../../configs", str(BAD.parents[2] / "configs"))
                   .replace("../tables/duplicate_iso3.csv", str(small_table)))
    tiersim("-q", "run", cfg, *SMALL, "-o", "ok.h5", check=0)
    assert (tmp_path / "ok.h5").exists()
    # The same table saved with a UTF-8 byte-order mark (as spreadsheet programs do) is
    # read as the same table: the same results.
    small_table.write_bytes(b"\xef\xbb\xbf" + small_table.read_bytes())
    tiersim("-q", "run", cfg, *SMALL, "-o", "bom.h5", check=0)
    digests = {tiersim("digest", name, check=0).stdout.split()[0] for name in ("ok.h5", "bom.h5")}
    assert len(digests) == 1
