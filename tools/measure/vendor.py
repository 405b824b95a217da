"""Builds DeepSeek-OCR from the vendor's own Hugging Face model files, with random weights.

The vendor files (`modeling_deepseekocr.py`, `modeling_deepseekv2.py`, `deepencoder.py`,
`configuration_deepseek_v2.py`, `conversation.py`, `config.json`) are fetched, never committed:
they are the Hugging Face model repository's files, byte-identical in the public GitHub copy
`gustavoMarajo/ia_ds_ocr` (commit ac73f848; `modeling_deepseekv2.py` sha256 69184a04…095e3).
They import the module `.deepencoder` relatively, so they are loaded as a package copied
into a scratch folder. Weights are random: times do not depend on weight values, except the
MoE routing, which a random gate spreads near-uniformly over the experts.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import shutil
import sys
import tempfile
import types
from pathlib import Path

VENDOR_FILES = (
    "modeling_deepseekocr.py",
    "modeling_deepseekv2.py",
    "deepencoder.py",
    "configuration_deepseek_v2.py",
    "conversation.py",
    "config.json",
)

# sha256 of the file the decoder reference was measured on (shared reference, decoder facts).
MODELING_DEEPSEEKV2_SHA256 = "69184a0493d1fdac21c360f9f9eabc5b5af3188e0265df44cfaeafc44f9095e3"


class VendorError(Exception):
    """A vendor folder that cannot be used; the message names the file."""


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _install_small_shims() -> None:
    """`easydict` and `addict` are one-class attribute dictionaries; stand in for them only
    when the package is not installed (the vendor code uses nothing else of either)."""
    class AttributeDict(dict):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            for key, value in self.items():
                if isinstance(value, dict) and not isinstance(value, AttributeDict):
                    self[key] = AttributeDict(value)

        def __getattr__(self, name):
            try:
                return self[name]
            except KeyError as missing:
                raise AttributeError(name) from missing

        def __setattr__(self, name, value):
            self[name] = value

    for module_name, class_name in (("easydict", "EasyDict"), ("addict", "Dict")):
        try:
            importlib.import_module(module_name)
        except ImportError:
            shim = types.ModuleType(module_name)
            setattr(shim, class_name, AttributeDict)
            sys.modules[module_name] = shim


def load_vendor_package(vendor_dir: Path):
    """Copies the vendor files into a scratch package and imports `modeling_deepseekocr`."""
    vendor_dir = Path(vendor_dir)
    missing = [name for name in VENDOR_FILES if not (vendor_dir / name).is_file()]
    if missing:
        raise VendorError(f"{vendor_dir}: missing vendor file(s) {', '.join(missing)}")
    _install_small_shims()
    scratch = Path(tempfile.mkdtemp(prefix="modelmeter-vendor-"))
    package = scratch / "dsocr_vendor"
    package.mkdir()
    for name in VENDOR_FILES:
        shutil.copyfile(vendor_dir / name, package / name)
    (package / "__init__.py").write_text("")
    sys.path.insert(0, str(scratch))
    module = importlib.import_module("dsocr_vendor.modeling_deepseekocr")
    return module, json.loads((vendor_dir / "config.json").read_text())


def build_model(vendor_dir: Path, device: str, dtype, layer_count: int | None = None):
    """The vendor's `DeepseekOCRForCausalLM`, random weights, eager decoder attention (what
    the model loads without an `attn_implementation` argument), in eval mode on `device`.

    `layer_count` shortens the decoder for CPU tests; every decoder layer past the first
    MoE layer is a copy of it, so per-layer figures do not change.
    """
    import torch

    module, raw_config = load_vendor_package(vendor_dir)
    config = module.DeepseekOCRConfig(**{k: v for k, v in raw_config.items()
                                         if k not in ("language_config", "vision_config",
                                                      "projector_config")})
    if layer_count is not None:
        config.num_hidden_layers = layer_count
    config._attn_implementation = "eager"
    previous_dtype = torch.get_default_dtype()
    torch.set_default_dtype(dtype)
    try:
        with torch.device(device):
            model = module.DeepseekOCRForCausalLM(config)
    finally:
        torch.set_default_dtype(previous_dtype)
    model = model.to(device=device, dtype=dtype).eval()
    source = {
        "files": {name: sha256(Path(vendor_dir) / name) for name in VENDOR_FILES},
        "modelingDeepseekV2MatchesReference":
            sha256(Path(vendor_dir) / "modeling_deepseekv2.py") == MODELING_DEEPSEEKV2_SHA256,
    }
    return model, module, source
