"""Settings: defaults → config file → KOOPGRAPH_* environment → given dict,
and every setting documented."""

import re
from pathlib import Path

import pytest

from koopgraph import config
from koopgraph.config import DEFAULTS, ConfigError, load

REPO = Path(__file__).resolve().parents[1]


def test_defaults_apply_without_file_or_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    settings = load(environ={})
    assert {k: settings[k] for k in DEFAULTS if k != "STORE"} == {k: v for k, v in DEFAULTS.items() if k != "STORE"}
    assert settings["MAX_BODY_BYTES"] == 10 * 1024 * 1024
    assert settings["CORS_ORIGINS"] == "*"
    assert settings["STRICT_DATASET"] is False
    assert settings["STORE"] == str(tmp_path / "xdg" / "koopgraph" / "store")


def test_each_layer_overrides_the_one_before(tmp_path: Path) -> None:
    path = tmp_path / "koopgraph.toml"
    path.write_text('port = 9000\nthreads = 2\nstore = "/from/file"\ncors_origins = "https://file.example"\n')
    environ = {"KOOPGRAPH_CONFIG": str(path), "KOOPGRAPH_THREADS": "3", "KOOPGRAPH_STORE": "/from/env"}
    settings = load({"STORE": "/from/dict"}, environ=environ)
    assert settings["PORT"] == 9000  # file
    assert settings["CORS_ORIGINS"] == "https://file.example"  # file
    assert settings["THREADS"] == 3  # environment beats file
    assert settings["STORE"] == "/from/dict"  # dict beats environment


def test_config_file_argument_wins_over_koopgraph_config_variable(tmp_path: Path) -> None:
    (tmp_path / "a.toml").write_text("port = 1111\n")
    (tmp_path / "b.toml").write_text("port = 2222\n")
    settings = load(config_file=tmp_path / "b.toml", environ={"KOOPGRAPH_CONFIG": str(tmp_path / "a.toml")})
    assert settings["PORT"] == 2222


@pytest.mark.parametrize(("text", "expected"), [("1", True), ("true", True), ("ON", True), ("0", False), ("no", False)])
def test_boolean_environment_values(text: str, expected: bool) -> None:
    assert load(environ={"KOOPGRAPH_STRICT_DATASET": text})["STRICT_DATASET"] is expected


def test_unknown_key_in_config_file_fails_loudly(tmp_path: Path) -> None:
    path = tmp_path / "k.toml"
    path.write_text("strict_datasets = true\n")
    with pytest.raises(ConfigError, match="Unknown setting 'strict_datasets'"):
        load(config_file=path, environ={})


def test_broken_toml_is_a_config_error(tmp_path: Path) -> None:
    path = tmp_path / "k.toml"
    path.write_text("port = \n")
    with pytest.raises(ConfigError, match="cannot be read"):
        load(config_file=path, environ={})


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"KOOPGRAPH_PORT": "eighty"}, "Invalid value for PORT"),
        ({"KOOPGRAPH_STRICT_DATASET": "maybe"}, "Invalid value for STRICT_DATASET"),
        ({"KOOPGRAPH_PORT": "70000"}, "PORT must be between 0 and 65535"),
        ({"KOOPGRAPH_THREADS": "0"}, "THREADS must be between 1"),
    ],
)
def test_wrong_values_are_config_errors(environ: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load(environ=environ)


def test_wrong_type_in_config_file_is_a_config_error(tmp_path: Path) -> None:
    path = tmp_path / "k.toml"
    path.write_text('max_body_bytes = "big"\n')
    with pytest.raises(ConfigError, match="MAX_BODY_BYTES"):
        load(config_file=path, environ={})


def test_non_settings_in_the_dict_pass_through_for_flask() -> None:
    assert load({"TESTING": True}, environ={})["TESTING"] is True


def _readme_settings_table() -> set[str]:
    text = (REPO / "docs" / "settings.md").read_text(encoding="utf-8")
    text = re.sub(r"^```.*?^```", "", text, flags=re.M | re.S)  # a "#" in code is no heading
    match = re.search(r"^#+ Einstellungen / Settings\n(.*?)(?=^#+ |\Z)", text, re.M | re.S)
    assert match, "docs/settings.md has no section 'Einstellungen / Settings'"
    return set(re.findall(r"^\|\s*`?([A-Z_]+)`?\s*\|", match.group(1), re.M))


def test_every_setting_is_documented_in_the_readme_table() -> None:
    assert _readme_settings_table() == set(DEFAULTS)


def test_every_setting_is_documented_in_the_config_docstring() -> None:
    documented = set(re.findall(r"^\|\s*([A-Z_]+)\s*\|", config.__doc__ or "", re.M))
    assert documented == set(DEFAULTS)
