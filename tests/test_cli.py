"""The command line as a user drives it: help, status, errors that name what is wrong."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from typer.testing import CliRunner

import hmc
from hmc.cli import app
from hmc.evidence.models import ImportBatch, Observation
from hmc.framework.service import shipped_commissions
from hmc.storage import session_scope

runner = CliRunner()
COMMANDS = ["init", "import", "imports", "formats", "indicators", "status", "demo", "serve"]


def test_help_lists_every_command() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for command in COMMANDS:
        assert re.search(rf"│ {command}\s", result.output), command


@pytest.mark.parametrize("command", COMMANDS)
def test_each_command_has_help(command: str) -> None:
    result = runner.invoke(app, [command, "--help"])
    assert result.exit_code == 0 and "Usage:" in result.output


def _row(output: str, name: str) -> str:
    """The first line naming ``name`` in the tables below the status' heading (after the
    glance that ``hmc status`` prints first)."""
    below = output[max(output.find("), as of "), 0) :]
    return next(line for line in below.splitlines() if f" {name} " in line)


def test_pic_status_on_2007_06_30(demo_engine: Engine) -> None:
    result = runner.invoke(
        app, ["status", "--commission", "pic-iraq-2006", "--as-of", "2007-06-30"]
    )
    assert result.exit_code == 0, result.output
    assert "as of 2007-06-30" in result.output
    # Muthanna passed to Iraqi control in July 2006: quiet for months by mid-2007
    muthanna = _row(result.output, "Muthanna")
    assert "yes" in muthanna and "conditions held" in muthanna
    baghdad = _row(result.output, "Baghdad")
    assert " no " in baghdad and "conditions not met" in baghdad
    # the values of the week of 18 June 2007, as in ESOC's file (SIGACT 781, IED attacks 206)
    assert "ied_attacks 206" in baghdad
    lines = result.output.splitlines()
    assert "sigacts 781" in lines[lines.index(baghdad) + 1]


def test_iraq_status_shows_dates_and_no_data(demo_engine: Engine) -> None:
    result = runner.invoke(app, ["status", "--as-of", "2025-10-01"])
    assert result.exit_code == 0, result.output
    federal = _row(result.output, "Federal Iraq")
    assert "yes" in federal and "no later than 2025-09-30" in federal
    assert "no data" in result.output  # rated enablers before any rating: never zero


def test_imports_lists_the_bundled_files(demo_engine: Engine) -> None:
    result = runner.invoke(app, ["imports"])
    assert result.exit_code == 0, result.output
    sigacts = _row(result.output, "sigacts_iraq_2004_2007_bauer.csv.gz")
    assert "158,026" in sigacts and "2004-01-01 to 2007-07-16" in sigacts


def test_bad_date_is_a_red_error(demo_engine: Engine) -> None:
    result = runner.invoke(app, ["status", "--as-of", "30/06/2007"])
    assert result.exit_code == 1
    assert 'Error: --as-of: "30/06/2007" is not a date' in result.stderr


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["events", "--from", "yesterday"], '--from: "yesterday" is not a date'),
        (["events", "--to", "2024-02-30"], '--to: "2024-02-30" is not a valid date'),
        (
            ["meeting", "schedule", "T", "--day", "2024-13-01", "--at", "10:00", "--place", "HQ",
             "--user", "us-co-chair"],
            '--day: "2024-13-01" is not a valid date (there is no month 13)',
        ),
        (
            ["round", "open", "R", "--as-of", "2200-01-01", "--user", "us-co-chair"],
            "--as-of: 2200-01-01 is outside the dates hmc works with",
        ),
    ],
)  # fmt: skip
def test_every_date_option_names_itself_before_asking_anything(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], said: str
) -> None:
    """A bad date is refused as the options are read: no database, no password asked."""
    monkeypatch.setenv("HMC_DATABASE_URL", f"sqlite:///{tmp_path / 'none.db'}")
    result = runner.invoke(app, args, input="")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {said}")
    assert result.stderr.count("\n") == 1 and not (tmp_path / "none.db").exists()


def test_unknown_commission(demo_engine: Engine) -> None:
    result = runner.invoke(app, ["status", "--commission", "nato-2099"])
    assert result.exit_code == 1
    assert 'no commission "nato-2099"' in result.stderr and "pic-iraq-2006" in result.stderr


def test_bad_config_names_file_line_key(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text('[commission]\nid = "x"\nname = "X"\ncountry = "iraq"\nparties = 3\n')
    result = runner.invoke(app, ["init", str(path)])
    assert result.exit_code == 1
    assert str(path) in result.stderr and "line 5" in result.stderr
    assert "commission: parties: expected a list" in result.stderr


def test_bad_csv_row_names_file_row_field_and_writes_nothing(
    engine: Engine, tmp_path: Path
) -> None:
    path = tmp_path / "weekly.csv"
    path.write_text(
        "governorate,stata_week,week_start,SIGACT,SIG_1,df,idf,suicide,ied_attack,ied_clear,ied_total\n"
        "Anbar,2292,2004-01-29,3,3,1,0,0,2,0,2\n"
        "Anbar,2293,2004-02-05,x,4,1,0,0,2,0,2\n"
    )
    result = runner.invoke(app, ["import", str(path), "--format", "esoc-weekly"])
    assert result.exit_code == 1
    assert "weekly.csv" in result.stderr and "row 3" in result.stderr
    assert '"SIGACT"' in result.stderr
    with session_scope(engine) as session:
        assert session.scalar(select(func.count()).select_from(ImportBatch)) == 0
        assert session.scalar(select(func.count()).select_from(Observation)) == 0


def test_script_honours_database_url_from_any_directory(tmp_path: Path) -> None:
    """The installed script, run elsewhere, writes where HMC_DATABASE_URL says."""
    script = Path(sys.executable).with_name("hmc")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    target = tmp_path / "named.db"
    env = {**os.environ, "HMC_DATABASE_URL": f"sqlite:///{target}"}
    result = subprocess.run(
        [str(script), "init"], cwd=elsewhere, env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert "loaded hmc-iraq-2024" in result.stdout and target.exists()
    assert not list(elsewhere.iterdir())


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.output.strip() == f"hmc {hmc.__version__}"


def test_data_is_printed_as_written_never_read_as_markup(engine: Engine, tmp_path: Path) -> None:
    pic = next(p for p in shipped_commissions() if p.stem == "pic-iraq-2006")
    path = tmp_path / "pic.toml"
    text = pic.read_text(encoding="utf-8").replace(
        'name = "Provincial Iraqi Control, 2006–2008"', 'name = "PIC [/] 2006 [bold]x"'
    )
    path.write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["init", str(path)])
    assert result.exit_code == 0, result.output
    assert "PIC [/] 2006 [bold]x" in result.output
    status = runner.invoke(app, ["status", "-c", "pic-iraq-2006"])
    assert "PIC [/] 2006 [bold]x" in status.output
    odd = tmp_path / "x[@a(].csv"
    odd.write_text(
        "governorate,stata_week,week_start,SIGACT,SIG_1,df,idf,suicide,ied_attack,ied_clear,"
        "ied_total\nAnbar,2292,2004-01-29,3,3,1,0,0,2,0,2\n"
    )
    imported = runner.invoke(app, ["import", str(odd), "--format", "esoc-weekly"])
    assert imported.exit_code == 0, imported.output
    assert "x[@a(].csv" in imported.output
    assert "x[@a(].csv" in runner.invoke(app, ["imports"]).output


def test_tables_fit_80_columns_and_keep_ids_whole(demo_engine: Engine) -> None:
    env = {**os.environ, "COLUMNS": "80"}
    for args in (["status"], ["status", "-c", "pic-iraq-2006"], ["imports"]):
        result = subprocess.run(
            [str(Path(sys.executable).with_name("hmc")), *args],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        assert max(len(line) for line in result.stdout.splitlines()) <= 80, args
        if args[0] == "status":
            keys = ["sigacts", "ied_attacks"] if len(args) > 1 else ["isf_counter_terrorism"]
            for key in keys:
                assert f" {key} " in result.stdout, key


def test_a_reader_that_stops_early_ends_the_command_quietly(demo_engine: Engine) -> None:
    """``hmc events --export csv | head -1``: the command stops as a shell tool does, no error."""
    command = [sys.executable, "-c", "from hmc.cli import main; main()"]
    with subprocess.Popen(
        [*command, "events", "--export", "csv"], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    ) as running:
        assert running.stdout is not None and running.stderr is not None
        header = running.stdout.readline()
        running.stdout.close()  # as head does after its line
        said = running.stderr.read().decode()
        code = running.wait(timeout=120)
    assert header.startswith(b"id,source,")
    assert code == 141, said  # 128 + SIGPIPE, as a shell reports a tool stopped by its reader
    assert "bug" not in said and "Error" not in said
