#!/usr/bin/env python3
"""Times DeepSeek-OCR's real modules, stage by stage, and writes the JSON `modelmeter compare` reads.

    python3 tools/measure/measure.py --vendor DIR --device cuda --plan gpu --out h200.json

For each run of the plan (vision, prefill or a decode step at one shape) it records
- `stageSeconds`: one forward of the stage, device timeline (CUDA events; the CPU clock on
  a CPU), warm, over `iterations` repeats;
- `kernels`, `kernelSeconds`, `kernelCount`: the GPU kernels of one forward, from the PyTorch
  profiler's Chrome trace (GPU only);
- `modules`: inclusive seconds per module, keyed as `modelmeter report --format json` keys its
  modules (`global/sam_model.blocks.2.attn`, `decode/model.layers.1.mlp.experts.5`, `lm_head`
  under its stage), from hooks in separate repeats (hooks cost host time, so the stage time is
  taken without them).
A `generate` run times the vendor's own forward and `generate` loop end to end (GPU only).

Schema `modelmeter.measure/1`; see README.md beside this file.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from timing import ModuleClock, StageClock, kernel_list, summary  # noqa: E402
from vendor import VendorError, build_model  # noqa: E402

# Views of each vision mode: (global side, crop side, crop mode), as the vendor's config.py lists them.
MODES = {
    "tiny": (512, 512, False),
    "small": (640, 640, False),
    "base": (1024, 1024, False),
    "large": (1280, 1280, False),
    "gundam": (1024, 640, True),
}

# Image positions the decoder sees for one page: g rows of g tokens, each row closed by a
# newline, one view separator; crops add (c·rows)·(c·cols + 1) (decoder reference facts).
def image_positions(mode: str, crops: tuple[int, int]) -> int:
    global_side, crop_side, crop_mode = MODES[mode]
    g = global_side // 64
    positions = g * (g + 1) + 1
    if crop_mode and crops != (1, 1):
        c = crop_side // 64
        columns, rows = crops
        positions += (c * rows) * (c * columns + 1)
    return positions


PLANS = {
    # The GPU plan: shapes a serving question asks about, a few minutes on one GPU.
    "gpu": [
        {"stage": "vision", "mode": "gundam", "crops": (2, 2), "batch": 1},
        {"stage": "vision", "mode": "base", "crops": (1, 1), "batch": 1},
        {"stage": "vision", "mode": "gundam", "crops": (2, 2), "batch": 4},
        {"stage": "prefill", "mode": "gundam", "crops": (2, 2), "batch": 1},
        {"stage": "prefill", "mode": "base", "crops": (1, 1), "batch": 1},
        {"stage": "prefill", "mode": "gundam", "crops": (2, 2), "batch": 4},
        {"stage": "decode", "context": 1024, "batch": 1},
        {"stage": "decode", "context": 703, "batch": 1},
        {"stage": "decode", "context": 1702, "batch": 1},
        {"stage": "decode", "context": 1024, "batch": 8},
        {"stage": "decode", "context": 1024, "batch": 32},
        {"stage": "decode", "context": 1024, "batch": 64},
        {"stage": "generate", "mode": "gundam", "crops": (2, 2), "batch": 1, "outputTokens": 64},
    ],
    # The CPU plan its tests use: a shortened decoder, small shapes, one repeat.
    "cpu-smoke": [
        {"stage": "vision", "mode": "tiny", "crops": (1, 1), "batch": 1},
        {"stage": "prefill", "tokens": 12, "batch": 2},
        {"stage": "decode", "context": 12, "batch": 2},
    ],
}

PROMPT_TOKENS = 10  # modelmeter's default --prompt-tokens


def run_name(spec: dict) -> str:
    parts = [spec["stage"]]
    if "mode" in spec:
        parts.append(spec["mode"])
        if spec["crops"] != (1, 1):
            parts.append("%dx%d" % spec["crops"])
    if "tokens" in spec:
        parts.append("s%d" % spec["tokens"])
    if "context" in spec:
        parts.append("L%d" % spec["context"])
    parts.append("b%d" % spec["batch"])
    if "outputTokens" in spec:
        parts.append("n%d" % spec["outputTokens"])
    return "-".join(parts)


class Harness:
    def __init__(self, model, device: str, dtype, iterations: int, module_iterations: int,
                 trace_dir: Path | None):
        import torch

        self.torch = torch
        self.model = model
        self.device = device
        self.dtype = dtype
        self.iterations = iterations
        self.module_iterations = module_iterations
        self.trace_dir = trace_dir
        self.clock = StageClock(device)
        self.hidden_size = model.config.hidden_size
        self.view = ["global"]

    # --- inputs -------------------------------------------------------------------------
    def page_images(self, mode: str, crops: tuple[int, int]):
        global_side, crop_side, crop_mode = MODES[mode]
        image = self.torch.randn(1, 3, global_side, global_side, device=self.device, dtype=self.dtype)
        patches = None
        if crop_mode and crops != (1, 1):
            patches = self.torch.randn(crops[0] * crops[1], 3, crop_side, crop_side,
                                       device=self.device, dtype=self.dtype)
        return image, patches

    def embeddings(self, batch: int, tokens: int):
        return self.torch.randn(batch, tokens, self.hidden_size, device=self.device, dtype=self.dtype) * 0.02

    # --- one forward of each stage (the vendor's calls, in the vendor's order) ------------
    def vision_forward(self, pages):
        """Per page, as `DeepseekOCRModel.forward` runs it: local crops through SAM, CLIP and
        the projector, then the global view, then newline and separator tokens."""
        inner = self.model.model
        features = []
        for image, patches in pages:
            parts = []
            for view, pixels in (("local", patches), ("global", image)):
                if pixels is None:
                    continue
                self.view[0] = view
                sam = inner.sam_model(pixels)
                clip = inner.vision_model(pixels, sam)
                joined = self.torch.cat((clip[:, 1:], sam.flatten(2).permute(0, 2, 1)), dim=-1)
                parts.append(inner.projector(joined).flatten(0, 1))
            parts.append(inner.view_seperator[None, :])
            features.append(self.torch.cat(parts, dim=0))
        return features

    def decoder_forward(self, embeddings, cache, attention_mask=None, position_ids=None):
        """The decoder stack on ready embeddings (what `DeepseekOCRModel.forward` hands to
        `DeepseekV2Model.forward`), then `lm_head` on every position, as the HF forward does."""
        decoder_class = type(self.model.model).__mro__[1]
        output = decoder_class.forward(
            self.model.model, input_ids=None, inputs_embeds=embeddings, past_key_values=cache,
            use_cache=True, attention_mask=attention_mask, position_ids=position_ids,
            return_dict=True)
        return self.model.lm_head(output.last_hidden_state)

    def new_cache(self):
        from transformers.cache_utils import DynamicCache

        return DynamicCache()

    # --- what each run times --------------------------------------------------------------
    def forward_for(self, spec: dict):
        """A zero-argument forward for the run and the workload it describes."""
        stage = spec["stage"]
        batch = spec["batch"]
        if stage == "vision":
            pages = [self.page_images(spec["mode"], spec["crops"]) for _ in range(batch)]
            return (lambda: self.vision_forward(pages)), {
                "mode": spec["mode"], "crops": "%dx%d" % spec["crops"], "batch": batch}
        if stage == "prefill":
            tokens = spec.get("tokens") or image_positions(spec["mode"], spec["crops"]) + PROMPT_TOKENS
            embeddings = self.embeddings(batch, tokens)

            def prefill():
                return self.decoder_forward(embeddings, self.new_cache())
            workload = {"tokens": tokens, "batch": batch}
            if "mode" in spec:
                workload.update(mode=spec["mode"], crops="%dx%d" % spec["crops"])
            return prefill, workload
        if stage == "decode":
            context = spec["context"]
            cache = self.new_cache()
            with self.torch.no_grad():
                self.decoder_forward(self.embeddings(batch, context), cache)
            step = self.embeddings(batch, 1)
            mask = self.torch.ones(batch, context + 1, device=self.device, dtype=self.torch.long)
            positions = self.torch.full((batch, 1), context, device=self.device, dtype=self.torch.long)

            def decode_step():
                logits = self.decoder_forward(step, cache, attention_mask=mask, position_ids=positions)
                cache.crop(context)  # back to L cached positions for the next repeat
                return logits
            return decode_step, {"context": context, "batch": batch}
        raise ValueError(f"unknown stage {stage}")

    def key_of_for(self, stage: str):
        if stage == "vision":
            def key_of(name: str):
                head = name.split(".", 1)[0]
                if head in ("sam_model", "vision_model", "projector"):
                    return f"{self.view[0]}/{name}"
                return None
            return key_of, self.model.model.named_modules()

        def key_of(name: str):
            if name == "" or name.split(".")[1:2] in (["sam_model"], ["vision_model"], ["projector"]):
                return None
            return f"{stage}/{name}"
        return key_of, self.model.named_modules()

    def measure(self, spec: dict) -> dict:
        torch = self.torch
        forward, workload = self.forward_for(spec)
        workload.update(precision=str(self.dtype).replace("torch.", ""),
                        attention={"vision": "sdpa", "prefill": "eager", "decode": "eager"}[spec["stage"]])
        result = {"name": run_name(spec), "stage": spec["stage"], "runtime": "hf-eager",
                  "workload": workload, "iterations": self.iterations}
        with torch.no_grad():
            for _ in range(2):  # warm-up: allocator, cuBLAS heuristics, lazy modules
                forward()
            self.clock.synchronize()
            samples = []
            for _ in range(self.iterations):
                start = self.clock.mark()
                forward()
                samples.append(self.clock.seconds_between(start, self.clock.mark()))
            result["stageSeconds"] = summary(samples)

            if self.clock.on_gpu:
                trace_path = Path(tempfile.mkdtemp()) / "trace.json"
                profiled = 3
                with torch.profiler.profile(activities=[torch.profiler.ProfilerActivity.CPU,
                                                        torch.profiler.ProfilerActivity.CUDA]) as profile:
                    for _ in range(profiled):
                        with torch.profiler.record_function(f"modelmeter/{result['name']}"):
                            forward()
                    self.clock.synchronize()
                profile.export_chrome_trace(str(trace_path))
                result.update(kernel_list(trace_path, profiled))
                result["kernelIterations"] = profiled
                if self.trace_dir is not None and spec.get("keepTrace"):
                    import gzip
                    import shutil
                    kept = self.trace_dir / f"trace-{result['name']}.json.gz"
                    with open(trace_path, "rb") as source, gzip.open(kept, "wb") as target:
                        shutil.copyfileobj(source, target)
                    result["trace"] = kept.name

            key_of, named_modules = self.key_of_for(spec["stage"])
            module_clock = ModuleClock(self.clock, named_modules, key_of)
            try:
                totals: dict[str, float] = {}
                for _ in range(self.module_iterations):
                    forward()
                    for key, seconds in module_clock.collect().items():
                        totals[key] = totals.get(key, 0.0) + seconds
            finally:
                module_clock.remove()
            result["modules"] = {
                key: {"type": module_clock.types[key], "seconds": seconds / self.module_iterations}
                for key, seconds in sorted(totals.items())
            }
            add_expert_lists(result["modules"])
            result["moduleIterations"] = self.module_iterations
        return result

    def measure_generate(self, spec: dict) -> dict:
        """The vendor's forward and `generate` loop: one page, `outputTokens` greedy tokens,
        end of sequence disabled so every run makes the same number of steps."""
        torch = self.torch
        image, patches = self.page_images(spec["mode"], spec["crops"])
        positions = image_positions(spec["mode"], spec["crops"])
        tokens = positions + PROMPT_TOKENS
        input_ids = torch.randint(2, 1000, (1, tokens), device=self.device)
        images_seq_mask = torch.zeros(1, tokens, dtype=torch.bool, device=self.device)
        images_seq_mask[0, 1:1 + positions] = True
        crop_images = patches if patches is not None else torch.zeros_like(image)
        images = [(crop_images, image)]
        spatial = torch.tensor([[spec["crops"][0], spec["crops"][1]]], device=self.device)
        output_tokens = spec["outputTokens"]

        def generate(new_tokens):
            return self.model.generate(
                input_ids=input_ids, images=images, images_seq_mask=images_seq_mask,
                images_spatial_crop=spatial, max_new_tokens=new_tokens, min_new_tokens=new_tokens,
                do_sample=False, use_cache=True, eos_token_id=None, pad_token_id=0)

        with torch.no_grad():
            generate(2)
            walls = {}
            for new_tokens in (1, output_tokens):
                samples = []
                for _ in range(3):
                    start = self.clock.mark()
                    generate(new_tokens)
                    samples.append(self.clock.seconds_between(start, self.clock.mark()))
                walls[new_tokens] = summary(samples)
        per_token = (walls[output_tokens]["median"] - walls[1]["median"]) / (output_tokens - 1)
        return {
            "name": run_name(spec), "stage": "generate", "runtime": "hf-eager",
            "workload": {"mode": spec["mode"], "crops": "%dx%d" % spec["crops"], "batch": 1,
                         "tokens": tokens, "outputTokens": output_tokens,
                         "precision": str(self.dtype).replace("torch.", "")},
            "iterations": 3,
            "firstTokenSeconds": walls[1],
            "pageSeconds": walls[output_tokens],
            "decodeSecondsPerToken": per_token,
            "note": "decodeSecondsPerToken = (median page time with N tokens − with 1) / (N − 1)",
        }


def add_expert_lists(modules: dict) -> None:
    """The routed experts as one `…mlp.experts` entry (a ModuleList runs no forward of its
    own, so no hook times it): the sum of its called children `…mlp.experts.<n>`, as
    modelmeter reports the 64 experts as one module."""
    lists: dict[str, float] = {}
    for key, entry in modules.items():
        head, _, tail = key.rpartition(".")
        if head.endswith(".mlp.experts") and tail.isdigit():
            lists[head] = lists.get(head, 0.0) + entry["seconds"]
    for key, seconds in lists.items():
        modules[key] = {"type": "ModuleList", "seconds": seconds}


def environment(device: str) -> dict:
    import torch

    info = {"python": platform.python_version(), "torch": torch.__version__,
            "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
            "host": platform.machine()}
    try:
        import transformers
        info["transformers"] = transformers.__version__
    except ImportError:
        pass
    if device.startswith("cuda"):
        properties = torch.cuda.get_device_properties(0)
        info.update(gpu=properties.name, multiprocessors=properties.multi_processor_count,
                    memoryBytes=properties.total_memory, cuda=torch.version.cuda,
                    cudnn=torch.backends.cudnn.version())
        try:
            query = subprocess.run(
                ["nvidia-smi", "--query-gpu=driver_version,clocks.sm,clocks.mem,clocks.max.sm,"
                 "clocks.max.mem,power.limit,pstate", "--format=csv,noheader"],
                capture_output=True, text=True, timeout=20)
            fields = [field.strip() for field in query.stdout.strip().split(",")]
            keys = ["driver", "smClock", "memoryClock", "maxSmClock", "maxMemoryClock", "powerLimit", "pstate"]
            info.update(dict(zip(keys, fields)))
        except (OSError, subprocess.SubprocessError):
            info["driver"] = "nvidia-smi unavailable"
    else:
        info["cpu"] = platform.processor() or platform.machine()
        info["threads"] = torch.get_num_threads()
    return info


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--vendor", required=True, type=Path,
                        help="folder with the vendor's Hugging Face model files (see README.md)")
    parser.add_argument("--device", default="cuda", help="cuda or cpu")
    parser.add_argument("--plan", default="gpu", choices=sorted(PLANS))
    parser.add_argument("--only", default="", help="comma-separated run names or stages to keep")
    parser.add_argument("--iterations", type=int, default=20)
    parser.add_argument("--module-iterations", type=int, default=3)
    parser.add_argument("--layers", type=int, default=None,
                        help="decoder layers to build (default: the config's 12)")
    parser.add_argument("--dtype", default=None, help="bfloat16 (GPU default) or float32 (CPU default)")
    parser.add_argument("--keep-traces", default="", help="comma-separated run names whose Chrome trace to keep")
    parser.add_argument("--out", required=True, type=Path)
    args = parser.parse_args(argv)

    import torch

    if args.iterations < 1 or args.module_iterations < 1:
        parser.error("--iterations and --module-iterations must be at least 1")
    if args.device.startswith("cuda") and not torch.cuda.is_available():
        print("Error: --device cuda but torch sees no GPU", file=sys.stderr)
        return 2
    dtype_name = args.dtype or ("bfloat16" if args.device.startswith("cuda") else "float32")
    dtype = getattr(torch, dtype_name)
    try:
        model, _, source = build_model(args.vendor, args.device, dtype, args.layers)
    except VendorError as error:
        print(f"Error: {error}", file=sys.stderr)
        return 2
    keep = {name for name in args.keep_traces.split(",") if name}
    only = {name for name in args.only.split(",") if name}
    out_dir = args.out.resolve().parent
    harness = Harness(model, args.device, dtype, args.iterations, args.module_iterations, out_dir)
    runs = []
    for spec in PLANS[args.plan]:
        name = run_name(spec)
        if only and name not in only and spec["stage"] not in only:
            continue
        if spec["stage"] == "generate" and not args.device.startswith("cuda"):
            continue  # the vendor forward moves tensors with .cuda()
        spec = dict(spec, keepTrace=name in keep)
        print(f"measuring {name}", file=sys.stderr, flush=True)
        try:
            result = harness.measure_generate(spec) if spec["stage"] == "generate" else harness.measure(spec)
        except Exception as error:  # record and go on: one failing shape must not lose the others
            result = {"name": name, "stage": spec["stage"], "error": f"{type(error).__name__}: {error}"}
        runs.append(result)
        if args.device.startswith("cuda"):
            torch.cuda.empty_cache()
    document = {
        "schema": "modelmeter.measure/1",
        "provenance": {
            "tool": "tools/measure/measure.py",
            "device": args.device,
            "decoderLayers": model.config.num_hidden_layers,
            "weights": "random (normal init); MoE routing therefore near-uniform",
            "vendorCode": {"repository": "deepseek-ai/DeepSeek-OCR model files (GitHub copy gustavoMarajo/ia_ds_ocr@ac73f848)",
                           **source},
            "environment": environment(args.device),
            "command": " ".join(sys.argv),
        },
        "runs": runs,
    }
    temporary = args.out.with_name(args.out.name + f".partial-{os.getpid()}")
    temporary.write_text(json.dumps(document, indent=1) + "\n")
    temporary.replace(args.out)
    failed = [run["name"] for run in runs if "error" in run]
    print(f"wrote {args.out}: {len(runs)} runs, {len(failed)} failed {failed}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
