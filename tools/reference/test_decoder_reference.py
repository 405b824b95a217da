import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import decoder_reference as ref  # noqa: E402

CONFIGS = Path(__file__).resolve().parent / "configs"


def test_layers_to_build_keeps_every_distinct_layer():
    assert ref.layers_to_build({"model_type": "llama"}) == 1
    # DeepSeek-V3: layers 0–2 dense, 3 the first MoE layer → 4 built
    assert ref.layers_to_build(json.loads((CONFIGS / "deepseek-v3.json").read_text())) == 4
    assert ref.layers_to_build(json.loads((CONFIGS / "deepseek-v2-lite.json").read_text())) == 2


def test_shapes_parse():
    assert ref.parse_shapes("17x2,64") == [(17, 2), (64, 1)]


def test_tiny_mla_decode_recomputes_kv_b_proj_over_the_cache(tmp_path):
    transformers = pytest.importorskip("transformers")
    if int(transformers.__version__.split(".")[0]) < 5:
        pytest.skip("needs transformers 5")
    out = tmp_path / "tiny.json"
    assert ref.main([str(CONFIGS / "tiny-deepseek-v2-mla.json"), "--prefill", "17x2", "--decode", "40x3",
                     "--out", str(out)]) == 0
    document = json.loads(out.read_text())
    decode = document["runs"]["decode_kv40_b3"]
    # kv_b_proj on all 41 positions of 3 sequences: 2·3·41·32·(4·(16+16)) = 1,007,616
    assert decode["flopsByModule"]["model.layers.1.self_attn.kv_b_proj"]["total"] == 1_007_616
    # latent cache: 2 layers · 3 · 41 positions · (32 + 8) · 4 bytes = 39,360
    assert decode["cacheBytesAfter"] == 39_360
    # routed experts: 3 tokens · 3 experts · 3 projections · 2·64·32 = 110,592
    assert decode["flopsByModule"]["model.layers.1.mlp.experts"]["total"] == 110_592
