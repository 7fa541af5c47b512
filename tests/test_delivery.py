"""What a deployment relies on: the Dockerfile lints clean, the README is a valid Space card, assets are complete."""
import re
import shutil
import subprocess
import sys
from pathlib import Path

import gradio
import pytest

import models
from models.registry import KINDS

ROOT = Path(__file__).resolve().parent.parent


def front_matter() -> dict:
    text = (ROOT / "README.md").read_text()
    match = re.match(r"---\n(.*?)\n---\n", text, re.S)
    assert match, "README.md must start with Space front matter"
    return dict(line.split(": ", 1) for line in match.group(1).splitlines() if ": " in line)


def test_readme_is_a_gradio_space_card_for_the_installed_gradio():
    meta = front_matter()
    assert meta["sdk"] == "gradio" and meta["app_file"] == "app.py"
    assert meta["sdk_version"] == gradio.__version__
    assert meta["python_version"].strip('"') == f"{sys.version_info.major}.{sys.version_info.minor}"


def test_readme_gives_the_two_setup_commands_and_a_screenshot():
    text = (ROOT / "README.md").read_text()
    assert "pip install -r requirements.txt && python app.py" in text
    assert "pip install -r requirements-dev.txt && python -m pytest" in text
    for image in re.findall(r"!\[[^\]]*\]\(([^)]+)\)", text):
        assert (ROOT / image).exists(), image


def test_dockerfile_lints_clean():
    hadolint = shutil.which("hadolint") or str(Path(sys.executable).parent / "hadolint")
    result = subprocess.run([hadolint, str(ROOT / "Dockerfile")], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_dockerfile_serves_on_7860_as_uid_1000_with_cpu_torch():
    text = (ROOT / "Dockerfile").read_text()
    assert "EXPOSE 7860" in text and "GRADIO_SERVER_NAME=0.0.0.0" in text
    assert "--uid 1000" in text and "USER 1000" in text
    assert "whl/cpu" in text and "COPY --chown=user:user assets/" in text


@pytest.mark.slow
def test_what_the_dockerfile_copies_is_enough_to_start_the_app(tmp_path):
    """The image holds only what the Dockerfile copies: those files alone build the app (a new package left out of
    the COPY lines fails here, not in a school's deployment)."""
    for source, target in re.findall(r"^COPY --chown=\S+ (\S+) (\S+)$", (ROOT / "Dockerfile").read_text(), re.M):
        if (ROOT / source).is_dir():
            shutil.copytree(ROOT / source, tmp_path / target, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(ROOT / source, tmp_path / target)
    started = subprocess.run([sys.executable, "-c", "import app; print(len(app.demo.fns) > 0)"], cwd=tmp_path,
                             capture_output=True, text=True, timeout=300,
                             env={"PATH": "/usr/bin:/bin", "PLAYGROUND_DATABASE": f"sqlite:///{tmp_path / 'b.db'}"})
    assert started.stdout.strip() == "True", started.stderr[-2000:]


@pytest.mark.parametrize("kind", KINDS)
def test_shipped_checkpoints_are_complete_small_and_scored(kind):
    folder = ROOT / "assets" / kind
    assert (folder / "model.safetensors").stat().st_size < 20 * 2**20
    assert models.load(folder).config.kind == kind
    assert (folder / "metrics.json").exists()


@pytest.mark.slow
def test_the_app_takes_its_address_and_data_folder_on_the_command_line():
    result = subprocess.run([sys.executable, "app.py", "--help"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    text = " ".join(result.stdout.split())
    assert result.returncode == 0
    assert "--host HOST" in text and "(default: 127.0.0.1)" in text and "--port PORT" in text
    assert "--data-dir DATA_DIR folder holding the data sets that retraining and the lessons read: MNIST/" in text


def test_readme_tells_cpu_only_users_how_to_get_the_small_torch():
    text = (ROOT / "README.md").read_text()
    assert "--index-url https://download.pytorch.org/whl/cpu" in text
