"""scripts/find-python picks the newest Python >= 3.12, as the README says."""

import stat
import subprocess
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "find-python"


def fake_python(path: Path, major: int, minor: int) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        "#!/bin/sh\n"
        f'exec python3 -c "import sys; sys.version_info = ({major}, {minor}, 0); '
        'exec(sys.argv[2])" -- "$2"\n'
    )
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def find_python(tmp_path: Path, **extra_env: str) -> subprocess.CompletedProcess:
    env = {"PATH": f"{tmp_path / 'bin'}:/usr/bin:/bin", "HOME": str(tmp_path), **extra_env}
    return subprocess.run(["sh", str(SCRIPT)], env=env, capture_output=True, text=True, check=False)


def test_the_newest_pyenv_version_wins_over_an_older_one_on_path(tmp_path):
    fake_python(tmp_path / "bin" / "python3.12", 3, 12)
    fake_python(tmp_path / ".pyenv/versions/3.12.1/bin/python3", 3, 12)
    newest = fake_python(tmp_path / ".pyenv/versions/3.13.0/bin/python3", 3, 13)

    result = find_python(tmp_path)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(newest)


def test_an_explicit_choice_is_kept(tmp_path):
    chosen = fake_python(tmp_path / "bin" / "python3.12", 3, 12)
    fake_python(tmp_path / ".pyenv/versions/3.13.0/bin/python3", 3, 13)

    result = find_python(tmp_path, KIOSQUE_PYTHON=str(chosen))

    assert result.stdout.strip() == str(chosen)


def test_only_older_pythons_fail_with_the_reason(tmp_path):
    fake_python(tmp_path / ".pyenv/versions/3.11.7/bin/python3", 3, 11)

    result = find_python(tmp_path)

    assert result.returncode == 1
    assert "3.12 or newer" in result.stderr


def test_an_explicit_python_older_than_3_12_is_refused(tmp_path):
    old = fake_python(tmp_path / "bin" / "python3.11", 3, 11)
    fake_python(tmp_path / ".pyenv/versions/3.13.0/bin/python3", 3, 13)

    result = find_python(tmp_path, KIOSQUE_PYTHON=str(old))

    assert result.returncode == 1
    assert "3.12 or newer" in result.stderr
