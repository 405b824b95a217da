"""CPU tests of the harness. The vendor-backed run needs MODELMETER_VENDOR_DIR (fetched files)."""

import gzip
import json
import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import measure  # noqa: E402
from timing import ModuleClock, StageClock, kernel_list  # noqa: E402


def test_image_positions_follow_the_vendor_layout():
    # g rows of g tokens plus a newline each, plus one separator: Base g = 16 → 16·17 + 1 = 273,
    # Tiny g = 8 → 8·9 + 1 = 73; Gundam 2×2 adds (10·2)·(10·2 + 1) = 420 → 693 (decoder facts).
    assert measure.image_positions("base", (1, 1)) == 273
    assert measure.image_positions("tiny", (1, 1)) == 73
    assert measure.image_positions("gundam", (2, 2)) == 693
    # 3 columns × 2 rows: (10·2)·(10·3 + 1) = 620 → 893.
    assert measure.image_positions("gundam", (3, 2)) == 893


def test_kernel_list_reads_kernels_per_iteration(tmp_path):
    trace = {"traceEvents": [
        {"ph": "X", "cat": "kernel", "name": "gemv", "dur": 4.0},
        {"ph": "X", "cat": "kernel", "name": "gemv", "dur": 6.0},
        {"ph": "X", "cat": "kernel", "name": "silu", "dur": 2.0},
        {"ph": "X", "cat": "cpu_op", "name": "aten::mm", "dur": 100.0},
        {"ph": "X", "cat": "cuda_runtime", "name": "cudaLaunchKernel", "dur": 50.0},
    ]}
    path = tmp_path / "trace.json.gz"
    with gzip.open(path, "wt") as handle:
        json.dump(trace, handle)
    listed = kernel_list(path, iterations=2)
    # two iterations: gemv 10 µs / 2 = 5 µs in 1 launch, silu 2 µs / 2 = 1 µs in 0.5 launches
    assert listed["kernels"][0] == {"name": "gemv", "count": 1.0, "seconds": pytest.approx(5e-6)}
    assert listed["kernelSeconds"] == pytest.approx(6e-6)
    assert listed["kernelCount"] == 1.5


def test_module_clock_times_nested_modules_inclusively():
    torch = pytest.importorskip("torch")
    import time

    class Sleep(torch.nn.Module):
        def __init__(self, seconds):
            super().__init__()
            self.seconds = seconds

        def forward(self, x):
            time.sleep(self.seconds)
            return x

    outer = torch.nn.Sequential(Sleep(0.02), Sleep(0.01))
    clock = ModuleClock(StageClock("cpu"), outer.named_modules(),
                        lambda name: f"stage/{name or 'root'}")
    outer(torch.zeros(1))
    outer(torch.zeros(1))
    totals = clock.collect()
    clock.remove()
    assert totals["stage/0"] >= 0.04 and totals["stage/1"] >= 0.02
    assert totals["stage/root"] >= totals["stage/0"] + totals["stage/1"]
    outer(torch.zeros(1))
    assert clock.collect() == {}  # hooks removed


def test_expert_list_is_the_sum_of_called_experts():
    modules = {"decode/model.layers.1.mlp.experts.3": {"type": "DeepseekV2MLP", "seconds": 2.0},
               "decode/model.layers.1.mlp.experts.7": {"type": "DeepseekV2MLP", "seconds": 3.0},
               "decode/model.layers.1.mlp.experts.7.up_proj": {"type": "Linear", "seconds": 1.0},
               "decode/model.layers.2.mlp.gate": {"type": "MoEGate", "seconds": 1.0}}
    measure.add_expert_lists(modules)
    assert modules["decode/model.layers.1.mlp.experts"]["seconds"] == 5.0
    assert "decode/model.layers.2.mlp.experts" not in modules


def test_missing_vendor_files_are_one_error_line(tmp_path, capsys):
    pytest.importorskip("torch")
    status = measure.main(["--vendor", str(tmp_path), "--device", "cpu", "--out", str(tmp_path / "x.json")])
    assert status == 2
    error = capsys.readouterr().err.strip().splitlines()
    assert len(error) == 1 and error[0].startswith("Error:") and "modeling_deepseekocr.py" in error[0]
    assert not (tmp_path / "x.json").exists()


@pytest.mark.skipif(not os.environ.get("MODELMETER_VENDOR_DIR"), reason="vendor files not fetched")
def test_cpu_smoke_run_keys_modules_as_modelmeter_does(tmp_path):
    out = tmp_path / "cpu.json"
    status = measure.main(["--vendor", os.environ["MODELMETER_VENDOR_DIR"], "--device", "cpu",
                           "--plan", "cpu-smoke", "--layers", "2", "--iterations", "1",
                           "--module-iterations", "1", "--out", str(out)])
    assert status == 0
    document = json.loads(out.read_text())
    assert document["schema"] == "modelmeter.measure/1"
    runs = {run["name"]: run for run in document["runs"]}
    assert set(runs) == {"vision-tiny-b1", "prefill-s12-b2", "decode-L12-b2"}
    vision = runs["vision-tiny-b1"]["modules"]
    assert "global/sam_model.blocks.3.attn" in vision and "global/projector.layers" in vision
    assert not any(key.startswith("local/") for key in vision)  # Tiny has no crops
    decode = runs["decode-L12-b2"]["modules"]
    # 2 sequences × top-6 = 12 routed slots touch at most 12 experts of layer 1.
    called = [k for k in decode if k.startswith("decode/model.layers.1.mlp.experts.") and k.count(".") == 5]
    assert 1 <= len(called) <= 12
    for key in ("decode/lm_head", "decode/model.layers.0.self_attn.q_proj", "decode/model.layers.1.mlp.gate"):
        assert decode[key]["seconds"] > 0
    # inclusive: a layer takes at least as long as its attention and MLP together
    layer = decode["decode/model.layers.1"]["seconds"]
    assert layer >= decode["decode/model.layers.1.self_attn"]["seconds"] + decode["decode/model.layers.1.mlp"]["seconds"]
