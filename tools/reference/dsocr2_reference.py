"""Measure DeepSeek-OCR 2's vision stack under FlopCounterMode, per named_modules() path.

Builds the vendor vLLM vision modules of `DeepseekOCR2ForCausalLM` (`sam_model`,
`qwen2_model`, `projector`, `view_seperator`) from the fetched vendor folder, with random
weights, and runs each view the way `_pixel_values_to_embedding` does: SAM, then the Qwen2
encoder on the SAM features, then the projector. Only module construction and the forward
calls come from the vendor code; nothing here is a formula.

    python dsocr2_reference.py --vendor DeepSeek-OCR2-master/DeepSeek-OCR2-vllm \
        --views global:1,local:6 --out dsocr2-reference.json

Each view `global:B` (B images at 1024) or `local:N` (N crops at 768) becomes one entry of
`views`, keyed `global_b<B>` / `local_b<N>`, with every module's parameters (its own and its
children's, as `sum(p.numel() for p in m.parameters())`) and its forward FLOPs as
`torch.utils.flop_counter.FlopCounterMode` counts them (tensor-core work: mm, addmm, bmm,
convolution, SDPA). CPU float32 under `no_grad`; the vendor casts SAM to bf16 on GPU, which
changes no count.
"""
import argparse
import json
import subprocess
import sys
import types

import torch
import torch.nn as nn
from torch.nn.attention import SDPBackend, sdpa_kernel
from torch.utils.flop_counter import FlopCounterMode


def import_vendor(vendor):
    """Imports the three vision builders; `flash_attn` is imported by the SAM file but never called."""
    import transformers.models.qwen2.modeling_qwen2  # noqa: F401  (before the stub: it probes flash_attn)
    stub = types.ModuleType("flash_attn")
    stub.flash_attn_qkvpacked_func = None
    sys.modules.setdefault("flash_attn", stub)
    sys.path.insert(0, vendor)
    from deepencoderv2.sam_vary_sdpa import build_sam_vit_b
    from deepencoderv2.qwen2_d2e import build_qwen2_decoder_as_encoder
    from deepencoderv2.build_linear import MlpProjector
    return build_sam_vit_b, build_qwen2_decoder_as_encoder, MlpProjector


class AttrDict(dict):
    """The `addict.Dict` the vendor passes to `MlpProjector` (attribute access and `.get`)."""
    __getattr__ = dict.get


class DeepseekOCR2Vision(nn.Module):
    """The vision attributes of the vendor's `DeepseekOCR2ForCausalLM`, under the same names."""

    def __init__(self, vendor):
        super().__init__()
        build_sam, build_qwen2, projector = import_vendor(vendor)
        self.sam_model = build_sam()
        self.qwen2_model = build_qwen2()
        self.projector = projector(AttrDict(projector_type="linear", input_dim=896, n_embed=1280))
        self.view_seperator = nn.Parameter(torch.zeros(1280))

    def forward(self, images):
        return self.projector(self.qwen2_model(self.sam_model(images)))


def measure_view(model, side, batch):
    """FLOPs per module path for one view of `batch` images of `side` pixels."""
    images = torch.randn(batch, 3, side, side)
    counter = FlopCounterMode(display=False)
    # CPU SDPA would take `_scaled_dot_product_flash_attention_for_cpu`, which this torch's
    # FlopCounterMode does not register (it would count 0); the math path runs the same
    # attention as two bmm, 4·B·h·S·Sk·d, what the GPU's efficient-attention kernel is counted at.
    with torch.no_grad(), sdpa_kernel(SDPBackend.MATH), counter:
        out = model(images)
    root = type(model).__name__
    flops = {}
    for name, ops in counter.get_flop_counts().items():
        if name == "Global":
            continue
        path = name[len(root) + 1:] if name.startswith(root + ".") else name
        flops[path] = int(sum(ops.values()))
    modules = {}
    for path, module in model.named_modules():
        if not path:
            continue
        modules[path] = {
            "class": type(module).__name__,
            "parameters": int(sum(p.numel() for p in module.parameters())),
            "forwardFLOPs": flops.get(path, 0),
        }
    return {"side": side, "batch": batch, "outputShape": list(out.shape), "modules": modules}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vendor", required=True, help="the DeepSeek-OCR2-vllm folder of deepseek-ai/DeepSeek-OCR-2")
    parser.add_argument("--views", required=True, help="comma-separated global:B and local:N")
    parser.add_argument("--commit", default="", help="vendor commit, recorded in meta")
    parser.add_argument("--out", required=True)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    torch.manual_seed(0)
    torch.set_num_threads(args.threads)
    model = DeepseekOCR2Vision(args.vendor).eval()
    sides = {"global": 1024, "local": 768}
    views = {}
    for item in args.views.split(","):
        kind, count = item.split(":")
        views[f"{kind}_b{count}"] = measure_view(model, sides[kind], int(count))
        print(f"measured {kind} x{count}", file=sys.stderr, flush=True)
    import transformers
    meta = {
        "source": "deepseek-ai/DeepSeek-OCR-2, DeepSeek-OCR2-master/DeepSeek-OCR2-vllm/deepencoderv2/ " + args.commit,
        "root": "DeepseekOCR2ForCausalLM vision attributes: sam_model, qwen2_model, projector, view_seperator",
        "counter": "torch.utils.flop_counter.FlopCounterMode, forward under no_grad, CPU float32, random weights, "
        "SDPA on its math backend (two bmm; this torch does not count the CPU flash kernel)",
        "containers": "ModuleList entries are never called: FlopCounterMode books 0 FLOPs to them",
        "torch": torch.__version__,
        "transformers": transformers.__version__,
        "parameters": "each module with its children (sum of p.numel() over module.parameters())",
        "forwardFLOPs": "each module with its children, one call per view",
    }
    with open(args.out, "w") as f:
        json.dump({"meta": meta, "views": views}, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
