"""A plain `pip install .` must ship the RDF content: the editable install
used by the other tests would hide a wheel that forgot it."""

import os
import subprocess
import sys
import sysconfig
import tarfile
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
FOLDERS = ("ontology", "data", "shapes", "queries")

pytestmark = pytest.mark.packaging


@pytest.fixture(scope="module")
def dists(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """sdist first, then the wheel built from that sdist, so the wheel also
    proves the sdist carries everything the build needs."""
    out = tmp_path_factory.mktemp("dist")
    built = subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(REPO)],
        capture_output=True,
        text=True,
    )
    assert built.returncode == 0, built.stdout[-2000:] + built.stderr[-3000:]
    (wheel,) = out.glob("koopgraph-0.1.0-*.whl")
    (sdist,) = out.glob("koopgraph-0.1.0.tar.gz")
    return {"wheel": wheel, "sdist": sdist}


def test_wheel_ships_all_four_content_folders_under_koopgraph_resources(dists: dict[str, Path]) -> None:
    names = zipfile.ZipFile(dists["wheel"]).namelist()
    for folder in FOLDERS:
        assert any(n.startswith(f"koopgraph/resources/{folder}/") for n in names), folder
    assert "koopgraph/content.py" in names
    assert "koopgraph/cli/__init__.py" in names
    assert "koopgraph/web/templates/base.html" in names and "koopgraph/web/static/koopgraph.css" in names
    assert "koopgraph/cli/record_templates/kooperation.ttl" in names


def test_wheel_has_no_top_level_server_package(dists: dict[str, Path]) -> None:
    tops = {n.split("/")[0] for n in zipfile.ZipFile(dists["wheel"]).namelist()}
    assert tops == {"koopgraph", "koopgraph-0.1.0.dist-info"}


def test_sdist_ships_content_folders_and_no_virtualenv(dists: dict[str, Path]) -> None:
    with tarfile.open(dists["sdist"]) as sdist:
        names = sdist.getnames()
    for folder in FOLDERS:
        assert any(n.startswith(f"koopgraph-0.1.0/{folder}/") for n in names), folder
    assert not any("/.venv/" in n or "/.git/" in n for n in names)


def test_installed_wheel_finds_its_resources_inside_site_packages(
    dists: dict[str, Path], tmp_path: Path
) -> None:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(dists["wheel"])],
        check=True,
    )
    site = Path(
        subprocess.run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    )
    # Runtime dependencies come from the test environment, appended after
    # the new venv's own site-packages so its koopgraph wins.
    (site / "_test_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")

    outside = tmp_path / "elsewhere"
    outside.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KOOPGRAPH_", "PYTHON"))}
    probe = subprocess.run(
        [
            str(python),
            "-c",
            "import koopgraph, koopgraph.content as r; print(koopgraph.__file__); print(r.root())",
        ],
        cwd=outside,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    package_file, root = (Path(line) for line in probe.stdout.splitlines())
    assert package_file == site / "koopgraph" / "__init__.py"
    assert root == site / "koopgraph" / "resources"
    assert (root / "ontology").is_dir()

    version = subprocess.run(
        [str(venv / "bin" / "koopgraph"), "--version"], cwd=outside, env=env, capture_output=True, text=True
    )
    assert version.stdout == "koopgraph, version 0.1.0\n", version.stderr
