#!/usr/bin/env python3
"""disp_report.py - the report of scripts/bench-display.sh: compositors on
virtio-gpu (tests/vm/guest_display_bench.sh's raw JSON lines).

Per round and side, every figure is per frame the first client saw
presented. Across rounds: the median, and a 95 % interval for it by the
bootstrap (10,000 resamples of the rounds). A ratio A/B is taken round by
round (the sides of a round ran back to back, in an order rotated by the
round), then summarised the same way.

Usage: disp_report.py RAW.jsonl --jsonl OUT.jsonl --md OUT.md [--plots DIR]
"""
import argparse
import json
import os
import shutil
import subprocess
import sys

from stats import interval, median

SIDES = ["user", "user_damage", "kernel", "kernel_worker", "weston", "sway"]
PEERS = ["weston", "sway"]
LABEL = {"user": "user space (uio_vgpu, whole frames)", "user_damage": "user space (damage)",
         "kernel": "gfx-compositor on virtio_gpu (kms:)",
         "kernel_worker": "the same, the CPU engine on a thread (GFX_CPU_WORKER=1)",
         "weston": "Weston 10 on virtio_gpu",
         "sway": "sway 1.7 on virtio_gpu"}


def per_frame(r, key):
    if r.get(key) is None or not r["presented"]:
        return None
    return r[key] / r["presented"]


METRICS = {  # name: (function of a raw line, unit)
    "guest_cpu_ms": (lambda r: per_frame(r, "guest_ms"), "ms/frame"),
    "comp_cpu_ms": (lambda r: per_frame(r, "comp_ms"), "ms/frame"),
    "syscalls": (lambda r: per_frame(r, "syscalls"), "/frame"),
    "ctxsw": (lambda r: per_frame(r, "ctxsw"), "/frame"),
    "irqs": (lambda r: per_frame(r, "irqs"), "/frame"),
    "commands": (lambda r: (r["xfer"] + r["flush"] + r["scanout"]) / r["presented"], "/frame"),
    "qemu_cpu_ms": (lambda r: per_frame(r, "qemu_ms"), "ms/frame"),
    "fps": (lambda r: r["presented"] / r["secs"], "frames/s"),
    "p50_ms": (lambda r: r["p50_us"] / 1000, "ms"),
    "p99_ms": (lambda r: r["p99_us"] / 1000, "ms"),
}


class Report:
    def __init__(self, raw):
        self.raw = raw
        self.lines = []
        self.windows = sorted({r["windows"] for r in raw})
        self.sides = [s for s in SIDES if any(r["side"] == s for r in raw)]

    def rounds(self, side, n):
        return {r["round"]: r for r in self.raw if r["side"] == side and r["windows"] == n}

    def values(self, side, n, metric):
        f = METRICS[metric][0]
        return [v for v in (f(r) for r in self.rounds(side, n).values()) if v is not None]

    def ratios(self, a, b, n, metric):
        f = METRICS[metric][0]
        ra, rb = self.rounds(a, n), self.rounds(b, n)
        out = []
        for k in ra.keys() & rb.keys():
            x, y = f(ra[k]), f(rb[k])
            if x is not None and y:
                out.append(x / y)
        return out

    def emit(self, name, vals, unit, what):
        if not vals:
            return None
        m, ci = median(vals), interval(vals)
        line = {"name": name, "value": round(m, 4), "unit": unit, "rounds": len(vals), "what": what}
        if ci:
            line["ci95"] = [round(ci[0], 4), round(ci[1], 4)]
        self.lines.append(line)
        return line

    def virtio(self):
        """Issue 17: the user-space path against the upstream driver, the same device work."""
        for n in self.windows:
            for metric, tag in (("guest_cpu_ms", "cpu"), ("comp_cpu_ms", "compositor_cpu")):
                self.emit("vm_virtio_%s_per_frame_user_vs_kernel_%d_windows" % (tag, n),
                          self.ratios("user", "kernel", n, metric), "ratio",
                          "%s per frame, user space / upstream driver" % metric)
            for side in ("user", "kernel"):
                name = "vm_virtio_syscalls_per_frame_%s" % side
                self.emit(name + ("" if n == 1 else "_%d_windows" % n), self.values(side, n, "syscalls"),
                          "/frame", "the compositor's system calls per frame")
            self.emit("vm_virtio_device_commands_user_vs_kernel" + ("" if n == 1 else "_%d_windows" % n),
                      self.ratios("user", "kernel", n, "commands"), "ratio",
                      "commands QEMU traced per frame (transfers, flushes, scanouts), user / kernel")

    def race(self):
        """Issue 16: gfx-compositor on kms: against the peers on the same KMS device."""
        for n in self.windows:
            best, best_m = None, None
            for p in PEERS:
                line = self.emit("vm_kms_compositor_cpu_per_frame_vs_%s_%d_windows" % (p, n),
                                 self.ratios("kernel", p, n, "comp_cpu_ms"), "ratio",
                                 "the compositor process's CPU per frame, gfx-compositor / %s" % p)
                m = median(self.values(p, n, "comp_cpu_ms"))
                if line and m is not None and (best_m is None or m < best_m):
                    best, best_m = p, m
            if best:
                line = self.emit("vm_kms_compositor_cpu_per_frame_vs_best_peer_%d_windows" % n,
                                 self.ratios("kernel", best, n, "comp_cpu_ms"), "ratio",
                                 "gfx-compositor / the peer with less CPU per frame (%s)" % best)
                if line:
                    line["best_peer"] = best

    def worker(self):
        """Issue 16: the CPU engine on a thread of libgfx's against running batches at gfx_submit()."""
        for n in self.windows:
            for metric, tag in (("comp_cpu_ms", "compositor_cpu"), ("guest_cpu_ms", "cpu"),
                                ("syscalls", "syscalls"), ("p50_ms", "latency_p50"), ("p99_ms", "latency_p99")):
                self.emit("vm_kms_%s_per_frame_worker_vs_submit_%d_windows" % (tag, n),
                          self.ratios("kernel_worker", "kernel", n, metric), "ratio",
                          "%s, engine on a thread / engine in gfx_submit()" % metric)

    def table(self):
        md = ["| side | windows | rounds | fps | guest CPU ms/frame | compositor ms/frame | syscalls/frame "
              "| ctx switches/frame | irqs/frame | device commands/frame | QEMU ms/frame | p50 ms | p99 ms |",
              "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
        for n in self.windows:
            for s in self.sides:
                cells = []
                for metric in ("fps", "guest_cpu_ms", "comp_cpu_ms", "syscalls", "ctxsw", "irqs",
                               "commands", "qemu_cpu_ms", "p50_ms", "p99_ms"):
                    v = self.values(s, n, metric)
                    m, ci = median(v), interval(v)
                    cells.append("-" if m is None else "%.3g" % m if not ci else
                                 "%.3g [%.3g, %.3g]" % (m, ci[0], ci[1]))
                md.append("| %s | %d | %d | %s |" % (LABEL[s], n, len(self.rounds(s, n)), " | ".join(cells)))
        md += ["", "| ratio | median | 95 % interval | rounds |", "| --- | ---: | --- | ---: |"]
        for line in self.lines:
            if line["unit"] == "ratio":
                ci = line.get("ci95")
                md.append("| `%s` | %.3f | %s | %d |" % (line["name"], line["value"],
                                                         "[%.3f, %.3f]" % tuple(ci) if ci else "-",
                                                         line["rounds"]))
        return "\n".join(md) + "\n"

    def plots(self, pdir):
        if not shutil.which("gnuplot"):
            print("disp_report: no gnuplot: no plots", file=sys.stderr)
            return
        os.makedirs(pdir, exist_ok=True)
        dat = os.path.join(pdir, "virtio_cpu_per_frame.dat")
        with open(dat, "w") as f:
            f.write("windows " + " ".join(self.sides) + "\n")
            for n in self.windows:
                f.write("%d %s\n" % (n, " ".join("%g" % (median(self.values(s, n, "guest_cpu_ms")) or 0)
                                                  for s in self.sides)))
        script = ('set terminal pngcairo size 900,560 font "sans,11" noenhanced\nset grid ytics\n'
                  'set title "Guest CPU per frame on virtio-gpu (median of the rounds)"\n'
                  'set ylabel "ms per frame"\nset yrange [0:*]\nset xlabel "windows"\nset style data histograms\n'
                  'set style histogram clustered gap 1\nset style fill solid 0.8 border -1\n'
                  'set key top left\nset output "%s"\n' % os.path.join(pdir, "virtio_cpu_per_frame.png") +
                  "plot " + ", ".join('"%s" using %d:xtic(1) title "%s"' % (dat, i + 2, LABEL[s])
                                      for i, s in enumerate(self.sides)) + "\n")
        subprocess.run(["gnuplot"], input=script.encode(), check=False)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("raw")
    ap.add_argument("--jsonl", required=True)
    ap.add_argument("--md", required=True)
    ap.add_argument("--plots")
    a = ap.parse_args()
    raw = [json.loads(l) for l in open(a.raw) if l.strip()]
    if not raw:
        print("disp_report: no results in %s" % a.raw, file=sys.stderr)
        return 1
    rep = Report(raw)
    rep.virtio()
    rep.race()
    rep.worker()
    with open(a.jsonl, "w") as f:
        for line in rep.lines:
            f.write(json.dumps(line) + "\n")
    md = rep.table()
    with open(a.md, "w") as f:
        f.write(md)
    print(md)
    if a.plots:
        rep.plots(a.plots)
    return 0


if __name__ == "__main__":
    sys.exit(main())
