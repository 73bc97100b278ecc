import json
import shutil

import pytest

from desktop import paths
from desktop.domain.template import TemplateError, TemplateRegistry, registry


def test_both_frameworks_are_bundled():
    reg = registry()
    sample = reg.get("shenshan-2024")
    central = reg.get("caiyu-2021-101")
    assert ("产出指标", "成本指标") in sample.core_categories
    assert "成本指标" in central.level1_names
    assert central.level2_names("成本指标") == ("经济成本指标", "社会成本指标", "生态环境成本指标")
    assert central.level2_names("产出指标") == ("数量指标", "质量指标", "时效指标")


def test_unknown_template_id_falls_back_to_the_default():
    assert registry().get("no-such-template").id == "shenshan-2024"


def _copy_forms(tmp_path):
    folder = tmp_path / "forms"
    shutil.copytree(paths.forms_dir(), folder)
    return folder


def test_a_broken_json_file_is_named_with_its_line(tmp_path):
    folder = _copy_forms(tmp_path)
    (folder / "caiyu-2021-101.json").write_text('{"format": 1,,}', encoding="utf-8")
    with pytest.raises(TemplateError, match=r"caiyu-2021-101\.json.*第 1 行"):
        TemplateRegistry.load(folder)


def test_a_template_missing_a_key_names_file_and_key(tmp_path):
    folder = _copy_forms(tmp_path)
    data = json.loads((folder / "shenshan-2024.json").read_text(encoding="utf-8"))
    del data["categories"]
    (folder / "shenshan-2024.json").write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(TemplateError, match=r"shenshan-2024\.json.*categories"):
        TemplateRegistry.load(folder)


def test_a_new_framework_is_just_a_new_file(tmp_path):
    folder = _copy_forms(tmp_path)
    data = json.loads((folder / "shenshan-2024.json").read_text(encoding="utf-8"))
    data["id"] = "test-2030"
    data["categories"][0]["level2"].append({"name": "新增指标", "core": True})
    (folder / "test-2030.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    reg = TemplateRegistry.load(folder)
    assert reg.get("test-2030").is_core("产出指标", "新增指标")
