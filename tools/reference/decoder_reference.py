#!/usr/bin/env python3
"""Per-module reference counts of a Hugging Face decoder built from its `config.json`.

    python3 tools/reference/decoder_reference.py CONFIG.json --prefill 17x2,64x1 --decode 40x3 --out ref.json

Builds the `transformers` `…ForCausalLM` the config names (random weights, float32,
`attn_implementation="eager"`, `experts_implementation="eager"`: the default grouped-matmul
expert path is invisible to `FlopCounterMode`) and measures, under
`torch.utils.flop_counter.FlopCounterMode`:
- `prefill SxB`: B sequences of S positions against an empty cache;
- `decode LxB`: one new position per sequence against L cached positions (the cache filled by
  an uncounted prefill), positions and mask as generation builds them.
Per `named_modules()` path: parameters, forward FLOPs (inclusive: a module holds its
children's) split by aten op, and, per run, the cache's bytes after it. Nothing comes from a
formula.

The decoder is shortened to the layers whose counts differ (the first dense layers up to
`first_k_dense_replace`, then one MoE layer, or one layer of a dense model); every later
layer repeats the last one built. `layersBuilt` says how many.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
from pathlib import Path

SUPPORTED_MODEL_TYPES = ("llama", "mistral", "qwen2", "deepseek_v2", "deepseek_v3")


def layers_to_build(config: dict) -> int:
    """Dense layers below `first_k_dense_replace` differ from the MoE layers after them."""
    if config.get("model_type") in ("deepseek_v2", "deepseek_v3") and config.get("n_routed_experts"):
        return int(config.get("first_k_dense_replace", 0)) + 1
    return 1


def parse_shapes(text: str) -> list[tuple[int, int]]:
    shapes = []
    for item in filter(None, text.split(",")):
        first, _, batch = item.partition("x")
        shapes.append((int(first), int(batch or 1)))
    return shapes


def build(config_path: Path, dtype_name: str, device: str):
    import torch
    from transformers import AutoConfig, AutoModelForCausalLM

    raw = json.loads(Path(config_path).read_text())
    model_type = raw.get("model_type")
    if model_type not in SUPPORTED_MODEL_TYPES:
        raise SystemExit(f"Error: {config_path}: model_type {model_type!r} is not one of {', '.join(SUPPORTED_MODEL_TYPES)}")
    built_layers = layers_to_build(raw)
    config = AutoConfig.for_model(**{**raw, "num_hidden_layers": built_layers})
    dtype = getattr(torch, dtype_name)
    torch.manual_seed(0)
    with torch.device(device):
        model = AutoModelForCausalLM.from_config(
            config, attn_implementation="eager", experts_implementation="eager", dtype=dtype)
    return model.eval(), raw, built_layers


def strip_root(name: str) -> str:
    """FlopCounterMode names modules `<RootClass>.<path>`; the root itself is `<RootClass>`."""
    return name.split(".", 1)[1] if "." in name else ""


def count(model, forward) -> dict[str, dict]:
    from torch.utils.flop_counter import FlopCounterMode

    counter = FlopCounterMode(display=False)
    with counter:
        forward()
    flops: dict[str, dict] = {}
    for name, by_op in counter.get_flop_counts().items():
        if name == "Global":
            continue
        flops[strip_root(name)] = {str(op).replace("aten.", "").split(".")[0]: int(n) for op, n in by_op.items()}
    return flops


def cache_bytes(cache) -> int:
    total = 0
    for layer in getattr(cache, "layers", []):
        for tensor in (getattr(layer, "keys", None), getattr(layer, "values", None)):
            if tensor is not None and hasattr(tensor, "numel"):
                total += tensor.numel() * tensor.element_size()
    return total


def measure(model, runs: list[tuple[str, int, int]], vocab: int, device: str) -> dict:
    import torch
    from transformers import DynamicCache

    results = {}
    for kind, first, batch in runs:
        torch.manual_seed(1)
        with torch.no_grad():
            if kind == "prefill":
                ids = torch.randint(0, vocab, (batch, first), device=device)
                cache = DynamicCache(config=model.config)
                flops = count(model, lambda: model(input_ids=ids, past_key_values=cache, use_cache=True))
                key = f"prefill_s{first}_b{batch}"
            else:
                cache = DynamicCache(config=model.config)
                prompt = torch.randint(0, vocab, (batch, first), device=device)
                model(input_ids=prompt, past_key_values=cache, use_cache=True)
                step = torch.randint(0, vocab, (batch, 1), device=device)
                mask = torch.ones(batch, first + 1, dtype=torch.long, device=device)
                position = torch.full((batch, 1), first, dtype=torch.long, device=device)
                flops = count(model, lambda: model(input_ids=step, attention_mask=mask, position_ids=position,
                                                   past_key_values=cache, use_cache=True))
                key = f"decode_kv{first}_b{batch}"
        results[key] = {
            "kind": kind, "batch": batch,
            ("tokens" if kind == "prefill" else "cachedTokens"): first,
            "flopsTotal": sum(sum(ops.values()) for name, ops in flops.items() if name == ""),
            "flopsByModule": {name: {"total": sum(ops.values()), "byOp": ops}
                              for name, ops in sorted(flops.items())},
            "cacheBytesAfter": cache_bytes(cache),
        }
    return results


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("config", type=Path)
    parser.add_argument("--prefill", default="17x2", help="S x B pairs, comma-separated")
    parser.add_argument("--decode", default="40x3", help="L x B pairs, comma-separated")
    parser.add_argument("--dtype", default="float32")
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--name", default=None, help="public model the config belongs to")
    parser.add_argument("--out", required=True, type=Path)
    args = parser.parse_args(argv)

    import torch
    import transformers

    model, raw, built_layers = build(args.config, args.dtype, args.device)
    runs = [("prefill", s, b) for s, b in parse_shapes(args.prefill)] + \
           [("decode", l, b) for l, b in parse_shapes(args.decode)]
    document = {
        "schema": "modelmeter.decoder-reference/1",
        "model": args.name or raw.get("_name_or_path") or args.config.stem,
        "config": raw,
        "layersBuilt": built_layers,
        "source": {"transformers": transformers.__version__, "torch": torch.__version__,
                   "python": platform.python_version(), "device": args.device, "dtype": args.dtype,
                   "class": type(model).__name__, "attn_implementation": "eager",
                   "experts_implementation": "eager", "weights": "random (seed 0)"},
        "parameters": {name: sum(p.numel() for p in module.parameters())
                       for name, module in model.named_modules()},
        "moduleTypes": {name: type(module).__name__ for name, module in model.named_modules()},
        "runs": measure(model, runs, raw["vocab_size"], args.device),
    }
    args.out.write_text(json.dumps(document, indent=1, sort_keys=False) + "\n")
    print(f"wrote {args.out}: {len(document['runs'])} runs, {built_layers} layers built", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
