"""utils/config.py: the quick/full switch and the cache switches, read from an environment passed in."""

import pytest

from utils import config


def test_mode_switch():
    assert config.get_mode({}).name == "full"
    quick = config.get_mode({"AE_MODE": "Quick "})
    assert quick.quick and quick.pick(full=30, quick=3) == 3
    assert config.Mode("full").pick(full=30, quick=3) == 30
    assert str(quick) == "quick"
    with pytest.raises(ValueError, match="AE_MODE='fast'"):
        config.get_mode({"AE_MODE": "fast"})
    with pytest.raises(ValueError, match="mode must be one of"):
        config.Mode("slow")


def test_cache_dir_switch(tmp_path):
    assert config.cache_dir({"AE_CACHE": "off"}) is None
    assert config.cache_dir({"AE_CACHE": "OFF", "AE_CACHE_DIR": str(tmp_path)}) is None
    assert config.cache_dir({"AE_CACHE_DIR": str(tmp_path)}) == tmp_path
    assert config.cache_dir({}) == config.PROJECT_ROOT / ".model_cache"
    assert config.cache_dir({"AE_CACHE_DIR": "~/c"}).is_absolute()
    with pytest.raises(ValueError, match="AE_CACHE"):
        config.cache_dir({"AE_CACHE": "maybe"})


def test_environment_is_read_when_no_mapping_is_passed(monkeypatch, tmp_path):
    monkeypatch.setenv("AE_MODE", "quick")
    monkeypatch.setenv("AE_CACHE", "on")
    monkeypatch.setenv("AE_CACHE_DIR", str(tmp_path))
    assert config.get_mode().quick and config.cache_dir() == tmp_path
