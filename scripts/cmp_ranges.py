#!/usr/bin/env python3
"""cmp_ranges.py - the uio/drm ratios of several `make bench-vm` runs side by side.

Usage: cmp_ranges.py RUN.jsonl...   (each the JSON lines of one run, e.g.
build/bench/cmp-DATE/bench.jsonl). Prints a Markdown table: per run the ratio
(uio / drm), and the range over the runs, for the headline names.
"""
import json
import sys

NAMES = [
    ("vm_cpu_per_frame_uio_vs_drm_1_windows", "compositor CPU per frame, 1 window"),
    ("vm_cpu_per_frame_uio_vs_drm_4_windows", "compositor CPU per frame, 4 windows"),
    ("vm_cpu_per_frame_uio_vs_drm_16_windows", "compositor CPU per frame, 16 windows"),
    ("vm_guest_cpu_per_frame_uio_vs_drm_1_windows", "whole-guest CPU per frame, 1 window"),
    ("vm_guest_cpu_per_frame_uio_vs_drm_4_windows", "whole-guest CPU per frame, 4 windows"),
    ("vm_guest_cpu_per_frame_uio_vs_drm_16_windows", "whole-guest CPU per frame, 16 windows"),
    ("vm_syscalls_per_frame_uio_1_windows", "compositor system calls per frame, 1 window"),
    ("vm_syscalls_per_frame_uio_4_windows", "compositor system calls per frame, 4 windows"),
    ("vm_syscalls_per_frame_uio", "compositor system calls per frame, 16 windows"),
    ("vm_count_irqs_gpu_per_frame_uio_vs_drm_1_windows", "GPU interrupts per frame, 1 window"),
    ("vm_count_irqs_gpu_per_frame_uio_vs_drm_16_windows", "GPU interrupts per frame, 16 windows"),
    ("vm_count_work_items_per_frame_uio_vs_drm_1_windows", "kworker runs per frame, 1 window"),
    ("vm_native_estimate_kernel_per_frame_uio_vs_drm_1_windows", "native estimate per frame, 1 window"),
    ("vm_native_estimate_kernel_per_frame_uio_vs_drm_4_windows", "native estimate per frame, 4 windows"),
    ("vm_native_estimate_kernel_per_frame_uio_vs_drm_16_windows", "native estimate per frame, 16 windows"),
    ("vm_frame_latency_p50_uio_vs_drm_1_windows", "frame latency p50, 1 window"),
    ("vm_frame_latency_p50_uio_vs_drm", "frame latency p50, 16 windows"),
    ("vm_frame_latency_p99_uio_vs_drm", "frame latency p99, 16 windows"),
    ("vm_irq_to_user_p50_uio_vs_drm", "interrupt to user space p50"),
    ("vm_irq_to_user_p99_uio_vs_drm", "interrupt to user space p99"),
    ("vm_submit_cpu_uio_vs_drm_1", "submission CPU per batch, N = 1"),
    ("vm_submit_cpu_uio_vs_drm_10", "submission CPU per batch, N = 10"),
    ("vm_submit_cpu_uio_vs_drm_100", "submission CPU per batch, N = 100"),
    ("vm_submit_cpu_uio_vs_drm_1000", "submission CPU per batch, N = 1000"),
    ("vm_submit_guest_cpu_uio_vs_drm_1", "submission guest CPU per batch, N = 1"),
    ("vm_submit_guest_cpu_uio_vs_drm_1000", "submission guest CPU per batch, N = 1000"),
    ("vm_submit_wall_uio_vs_drm_1", "wall time to the fence, N = 1"),
    ("vm_submit_cpu_block_wait_uio_vs_drm_1", "CPU per batch, N = 1, no spin on either"),
    ("vm_submit_cpu_block_wait_uio_vs_drm_100", "CPU per batch, N = 100, no spin on either"),
    ("vm_pipe_guest_cpu_per_fill_uio_vs_drm_100", "pipelined guest CPU per fill, N = 100"),
    ("vm_pipe_guest_cpu_per_fill_uio_vs_drm_1000", "pipelined guest CPU per fill, N = 1000"),
    ("vm_pipe_fills_per_s_uio_vs_drm_100", "pipelined fills/s, N = 100"),
    ("vm_engine_small_fills_uio_vs_drm", "gfx-bench small_fills (fills/s)"),
    ("vm_engine_fill_1080p_uio_vs_drm", "gfx-bench fill_1080p (ms)"),
    ("vm_engine_copy_1080p_uio_vs_drm", "gfx-bench copy_1080p (ms)"),
    ("vm_engine_blend_1080p_uio_vs_drm", "gfx-bench blend_1080p (ms)"),
    ("vm_engine_scale_1080p_uio_vs_drm", "gfx-bench scale_1080p (ms)"),
]


def main():
    runs = []
    for path in sys.argv[1:]:
        with open(path) as f:
            runs.append({r["name"]: r for r in (json.loads(line) for line in f if line.strip())})
    print("| uio / drm | " + " | ".join("run %d" % (i + 1) for i in range(len(runs))) + " | range |")
    print("| --- |" + " --- |" * (len(runs) + 1))
    for name, label in NAMES:
        vals = [r.get(name, {}).get("ratio") for r in runs]
        got = [v for v in vals if v is not None]
        if not got:
            continue
        cells = ["%.2f" % v if v is not None else "–" for v in vals]
        print("| %s | %s | %.2f–%.2f |" % (label, " | ".join(cells), min(got), max(got)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
