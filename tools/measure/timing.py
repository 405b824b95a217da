"""Timers for one stage forward: CUDA events on a GPU, the CPU clock on a CPU.

`StageClock` times a whole forward; `ModuleClock` times every module of interest through
forward pre/post hooks (inclusive: a module's time holds its children's); `kernel_list`
reads the GPU kernels of a PyTorch-profiler Chrome trace.
"""

from __future__ import annotations

import gzip
import json
import statistics
import time
from collections import defaultdict
from pathlib import Path


class StageClock:
    """Start/stop marks on the device's own timeline (CUDA events) or the CPU clock."""

    def __init__(self, device: str):
        import torch

        self.torch = torch
        self.on_gpu = device.startswith("cuda")

    def mark(self):
        if self.on_gpu:
            event = self.torch.cuda.Event(enable_timing=True)
            event.record()
            return event
        return time.perf_counter()

    def seconds_between(self, start, end) -> float:
        """Seconds from `start` to `end`; on a GPU after the stream has reached `end`."""
        if self.on_gpu:
            end.synchronize()
            return start.elapsed_time(end) / 1000.0
        return end - start

    def synchronize(self):
        if self.on_gpu:
            self.torch.cuda.synchronize()


def summary(samples_seconds: list[float]) -> dict:
    return {
        "mean": statistics.fmean(samples_seconds),
        "median": statistics.median(samples_seconds),
        "min": min(samples_seconds),
        "samples": len(samples_seconds),
    }


class ModuleClock:
    """Inclusive time of each named module per forward, keyed by `key_of(name)`.

    A module called several times in one forward (the SAM blocks once per view, say) adds
    its calls up when `key_of` gives them one key; `key_of` returning None skips a module.
    """

    def __init__(self, clock: StageClock, named_modules, key_of):
        self.clock = clock
        self.handles = []
        self.open_marks: dict[int, list] = defaultdict(list)
        self.closed: list[tuple[str, object, object]] = []
        self.types: dict[str, str] = {}
        for name, module in named_modules:
            self.handles.append(module.register_forward_pre_hook(self._pre(name, key_of)))
            self.handles.append(module.register_forward_hook(self._post(name, key_of)))

    def _pre(self, name, key_of):
        def hook(module, args):
            key = key_of(name)
            if key is not None:
                self.open_marks[id(module)].append((key, self.clock.mark()))
                self.types[key] = type(module).__name__
        return hook

    def _post(self, name, key_of):
        def hook(module, args, output):
            marks = self.open_marks.get(id(module))
            if marks:
                key, start = marks.pop()
                self.closed.append((key, start, self.clock.mark()))
        return hook

    def collect(self) -> dict[str, float]:
        """Seconds per key for the forwards since the last collect."""
        totals: dict[str, float] = defaultdict(float)
        for key, start, end in self.closed:
            totals[key] += self.clock.seconds_between(start, end)
        self.closed.clear()
        return dict(totals)

    def remove(self):
        for handle in self.handles:
            handle.remove()


def kernel_list(trace_path: Path, iterations: int) -> dict:
    """GPU kernels of a Chrome trace, per iteration: count and seconds per kernel name,
    their total and the number of launches (trace `dur` is in microseconds)."""
    opener = gzip.open if str(trace_path).endswith(".gz") else open
    with opener(trace_path, "rt") as handle:
        trace = json.load(handle)
    events = trace["traceEvents"] if isinstance(trace, dict) else trace
    by_name: dict[str, list[float]] = defaultdict(list)
    for event in events:
        if event.get("ph") == "X" and event.get("cat") == "kernel":
            by_name[event["name"]].append(float(event["dur"]) * 1e-6)
    kernels = [
        {"name": name, "count": len(durations) / iterations,
         "seconds": sum(durations) / iterations}
        for name, durations in by_name.items()
    ]
    kernels.sort(key=lambda kernel: -kernel["seconds"])
    return {
        "kernelSeconds": sum(kernel["seconds"] for kernel in kernels),
        "kernelCount": sum(kernel["count"] for kernel in kernels),
        "kernels": kernels,
    }
