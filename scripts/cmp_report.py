#!/usr/bin/env python3
"""cmp_report.py - the uio-against-drm results of one `make bench-vm` run.

Usage: cmp_report.py OUT_DIR [--jsonl FILE] [--plots DIR]

Reads OUT_DIR/raw.jsonl (tests/vm/guest_cmp.sh, in the guest), the perf
files it names, OUT_DIR/native.jsonl (gfx-native-costs, on the host) and
OUT_DIR/host.json. Writes JSON lines in the bench schema
{"name", "value", "unit", "reference", "ratio"} with value = uio,
reference = drm and ratio = uio / drm (lines named after one path carry that
path's value and, for the uio one, drm's as reference); extra keys "range"
(min and max of the ratio over the rounds) and "rounds" where there are
several rounds, and from 3 rounds "ci_low", "ci_high" (a 95 % bootstrap
interval of the median per-round ratio, stats.py) and "tie" (it holds 1.0). Prints the tables, writes OUT_DIR/report.md with them, and
the plots (gnuplot, PNG) into --plots DIR.
"""
import collections
import json
import os
import shutil
import statistics
import subprocess
import sys

from ktrace import kernel_time
from stats import interval, median

PATHS = ("uio", "drm")
# The uio/drm ratios of a workload's rounds: their min and max, and from 3 rounds the
# median with its 95 % bootstrap interval (stats.py; None with fewer).
RoundRatios = collections.namedtuple("RoundRatios", "lo hi ci_low ci_high median")
REFRESH_HZ = 60.0   # the VM's gfx-device mode when host.json names none (VM_MODE 1920x1080@60)


def med(v):
    v = [x for x in v if x is not None]
    return statistics.median(v) if v else None


def load(out):
    raw = []
    with open(os.path.join(out, "raw.jsonl")) as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            try:
                raw.append(json.loads(line))
            except json.JSONDecodeError:
                print("cmp_report: skipped a bad line: %.80s" % line, file=sys.stderr)
    native = {}
    try:
        with open(os.path.join(out, "native.jsonl")) as f:
            for line in f:
                r = json.loads(line)
                native[r["name"]] = r["value"]
    except OSError:
        pass
    host = {}
    for name in ("host.json", "host-after.json"):
        try:
            with open(os.path.join(out, name)) as f:
                host.update(json.load(f))
        except (OSError, json.JSONDecodeError):
            pass
    return raw, native, host


# perf stat -x, output, in the order guest_cmp.sh's perf_start asks for the events.
PERF_KEYS = ["syscalls", "syscalls_comp", "cs", "migrations", "cs_comp", "wakeups",
             "wakeups_comp", "irqs", "irqs_gpu", "softirqs", "timer_irqs", "ipi_resched",
             "ipi_call_single", "ipi_call", "work_items", "cfu_calls", "cfu_calls_comp",
             "clock_gettime", "clock_gettime_comp", "ioctl_comp", "epoll_wait_comp",
             "read_comp", "write_comp", "recvmsg_comp", "sendmsg_comp", "ppoll_comp",
             "sched_yield_comp"]


def read_perf(out, rel):
    vals = []
    try:
        with open(os.path.join(out, rel)) as f:
            for line in f:
                if not line.strip() or line.startswith("#"):
                    continue
                c = line.split(",")[0]
                try:
                    vals.append(float(c))
                except ValueError:
                    vals.append(None)
    except OSError:
        return None
    if len(vals) != len(PERF_KEYS):
        print("cmp_report: %s has %d counts, want %d" % (rel, len(vals), len(PERF_KEYS)),
              file=sys.stderr)
        return None
    return dict(zip(PERF_KEYS, vals))


def kv(s):
    return dict(x.split("=") for x in s.split()) if s else {}


def busy(s):
    return int(s.split()[0]), int(s.split()[1])


class Report:
    def __init__(self, out, raw, native, host):
        self.out, self.raw, self.native, self.host = out, raw, native, host
        mode = (host or {}).get("mode", "")	# bench-cmp.sh's CMP_MODE, e.g. 1920x1080@30
        self.refresh_hz = float(mode.split("@")[1]) if "@" in mode else REFRESH_HZ
        self.lines = []
        self.md = []

    def emit(self, name, value, unit, ref=None, rng=None, rounds=None):
        if value is None:
            return
        r = {"name": name, "value": round(value, 4), "unit": unit,
             "reference": None if ref is None else round(ref, 4),
             "ratio": round(value / ref, 4) if ref not in (None, 0) else None}
        if rng:
            r["range"] = [round(rng.lo, 4), round(rng.hi, 4)]
        if rng and rng.ci_low is not None:
            r["ratio_of_rounds"] = round(rng.median, 4)
            r["ci_low"], r["ci_high"] = round(rng.ci_low, 4), round(rng.ci_high, 4)
            r["tie"] = rng.ci_low <= 1.0 <= rng.ci_high
        if rounds:
            r["rounds"] = rounds
        self.lines.append(r)

    def paired(self, sel, key, a, b):
        """Rows of paths a and b -> (median a, median b, RoundRatios of a/b by round, rounds)."""
        by = {}
        for r in sel:
            if r["path"] in (a, b):
                by.setdefault(r["round"], [None, None])[(a, b).index(r["path"])] = r[key]
        return (med([r[key] for r in sel if r["path"] == a]), med([r[key] for r in sel if r["path"] == b]),
                self.ratio_range({k: tuple(v) for k, v in by.items()}), len(by))

    def ratio_range(self, per_round):
        """per_round: {round: (uio, drm)} -> RoundRatios of uio/drm, or None (one round)."""
        rs = [u / d for u, d in per_round.values() if u is not None and d]
        if len(rs) < 2:
            return None
        ci = interval(rs) or (None, None)
        return RoundRatios(min(rs), max(rs), ci[0], ci[1], median(rs))

    # ---- workloads ----

    def irq(self):
        rows = [r for r in self.raw if r.get("w") == "irq"]
        self.irq_rows = rows
        if not rows:
            return
        for q in ("p50", "p99"):
            by = {}
            for r in rows:
                by.setdefault(r["round"], [None, None])[PATHS.index(r["path"])] = r[q + "_us"]
            u = med([r[q + "_us"] for r in rows if r["path"] == "uio"])
            d = med([r[q + "_us"] for r in rows if r["path"] == "drm"])
            self.emit("vm_irq_to_user_%s_uio_vs_drm" % q, u, "us", d,
                      self.ratio_range({k: tuple(v) for k, v in by.items()}), len(by))
            t = med([r["timer_%s_us" % q] for r in rows])
            self.emit("vm_irq_timer_floor_%s" % q, t, "us")
            for p in PATHS:
                v = med([r[q + "_us"] for r in rows if r["path"] == p])
                self.emit("vm_irq_to_user_%s_%s_vs_timer" % (q, p), v, "us", t)
            # uio only: from its interrupt handler (the irq page), not from the device's vblank
            h = med([r.get("handler_%s_us" % q) for r in rows if r["path"] == "uio"])
            self.emit("vm_irq_handler_to_user_%s_uio" % q, h, "us")
        # How far uio's vblank times moved to gfx_drm's estimate (gfx-vm-cmp irq_to_user).
        self.emit("vm_irq_clock_shift_uio", med([r.get("clock_shift_us") for r in rows
                                                  if r["path"] == "uio"]), "us")
        self.md.append("\n### Interrupt to user space (µs; vblank interrupt → the poller runs)\n")
        self.md.append("| round | path | p50 | p99 | timer floor p50 | timer floor p99 |")
        self.md.append("| --- | --- | --- | --- | --- | --- |")
        for r in sorted(rows, key=lambda r: (r["round"], r["path"] != "uio")):
            self.md.append("| %d | %s | %.0f | %.0f | %.0f | %.0f |" % (
                r["round"], r["path"], r["p50_us"], r["p99_us"], r["timer_p50_us"],
                r["timer_p99_us"]))

    def submit(self):
        rows = [r for r in self.raw if r.get("w") == "submit"]
        sc = [r for r in self.raw if r.get("w") == "submit_syscalls"]
        self.submit_rows = rows
        if not rows:
            return
        ns = sorted({r["n"] for r in rows})
        table, self.userq_table = {}, {}
        has_userq = any(r["path"] == "userq" for r in rows)
        for n in ns:
            for wait in ("libgfx", "block", "spin"):
                sel = [r for r in rows if r["n"] == n and r["wait"] == wait]
                if not sel:
                    continue
                w = "" if wait == "libgfx" else wait + "_wait_"
                for key, label in (("cpu_us", "cpu"), ("guest_cpu_us", "guest_cpu"),
                                   ("wall_us", "wall")):
                    table[(n, wait, label)] = self.paired(sel, key, "uio", "drm")
                    u, d, rng, k = table[(n, wait, label)]
                    self.emit("vm_submit_%s_%suio_vs_drm_%d" % (label, w, n), u, "us/batch", d, rng, k)
                    if not has_userq:
                        continue
                    # The third column: gfx_drm's user-mode queue, against each of the others.
                    u, q, rng, k = self.paired(sel, key, "uio", "userq")
                    self.emit("vm_submit_%s_%suio_vs_drm_userq_%d" % (label, w, n), u, "us/batch", q, rng, k)
                    q, d, rng2, k = self.paired(sel, key, "userq", "drm")
                    self.emit("vm_submit_%s_%sdrm_userq_vs_drm_%d" % (label, w, n), q, "us/batch", d, rng2, k)
                    self.userq_table[(n, wait, label)] = (q, rng, rng2)
        sys_ = {}
        for r in sc:
            sys_.setdefault((r["path"], r["n"]), []).append(r["syscalls"])
        self.submit_sys = {k: med(v) for k, v in sys_.items()}
        self.submit_sys_by = {(r["path"], r["n"]): r.get("by_nr", {}) for r in sc}
        # System calls per batch: counted by perf in the kernel when there is a counted run (every
        # call of the spin, whatever its speed; the whole guest, which is otherwise idle: a
        # few tenths of a call of background), else by ptrace (exact for the process, but
        # the tracer's stops slow libgfx's 50 µs spin on uio, so it yields fewer times).
        self.submit_sys_perf = {}
        for r in self.raw:
            if r.get("w") == "submit_count":
                p = read_perf(self.out, r["perf"])
                if p and p.get("syscalls") is not None:
                    self.submit_sys_perf[(r["path"], r["n"])] = p["syscalls"] / r["batches"]
        for n in ns:
            src = self.submit_sys_perf if ("uio", n) in self.submit_sys_perf else self.submit_sys
            u, d = src.get(("uio", n)), src.get(("drm", n))
            self.emit("vm_submit_syscalls_uio_%d" % n, u, "syscalls/batch", d)
            self.emit("vm_submit_syscalls_drm_%d" % n, d, "syscalls/batch")
            self.emit("vm_submit_syscalls_ptrace_uio_%d" % n, self.submit_sys.get(("uio", n)),
                      "syscalls/batch", self.submit_sys.get(("drm", n)))
            self.emit("vm_submit_syscalls_ptrace_drm_userq_%d" % n, self.submit_sys.get(("userq", n)),
                      "syscalls/batch", self.submit_sys.get(("drm", n)))
        self.submit_table = table
        self.md.append("\n### Submission: N 64×64 fills, a fence, wait (per batch; medians of rounds)\n")
        uq = self.userq_table
        self.md.append("| N | wait | CPU uio µs | CPU drm µs | uio/drm | guest CPU uio µs | guest CPU drm µs | "
                       "uio/drm | wall uio µs | wall drm µs | syscalls uio (ptrace) | syscalls drm (ptrace) |"
                       + (" CPU userq µs | uio/userq | userq/drm | syscalls userq (ptrace) |" if uq else ""))
        self.md.append("| --- " * (12 + (4 if uq else 0)) + "|")
        for n in ns:
            for wait in ("libgfx", "block", "spin"):
                if (n, wait, "cpu") not in table:
                    continue
                c, g, w = table[(n, wait, "cpu")], table[(n, wait, "guest_cpu")], table[(n, wait, "wall")]
                sp = self.submit_sys_perf
                s = ["%s (%s)" % (fmt(sp.get((p, n))), fmt(self.submit_sys.get((p, n))))
                     if wait == "libgfx" else "" for p in ("uio", "drm", "userq")]
                row = "| %d | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
                    n, wait, fmt(c[0]), fmt(c[1]), rfmt(c), fmt(g[0]), fmt(g[1]), rfmt(g),
                    fmt(w[0]), fmt(w[1]), s[0], s[1])
                if (n, wait, "cpu") in uq:
                    q, rng, rng2 = uq[(n, wait, "cpu")]
                    row += " %s | %s | %s | %s |" % (fmt(q), rfmt((c[0], q, rng)), rfmt((q, c[1], rng2)), s[2])
                self.md.append(row)

    # ---- kernel time, measured (tests/vm/guest_cmp.sh wl_ktime, scripts/ktrace.py) ----

    NAME = {"uio": "uio", "drm": "drm", "userq": "drm_userq"}

    def ktime(self):
        rows = [r for r in self.raw if r.get("w") == "ktime"]
        refs = [r for r in self.raw if r.get("w") == "ktime_ref"]
        if not rows:
            return
        per = {}	# (path, n, round) -> {kind: (µs per batch, calls per batch)}
        for r in rows:
            kt = kernel_time(os.path.join(self.out, r["trace"]), r["pid"])
            per[(r["path"], r["n"], r["round"])] = {k: (v.us / r["batches"], v.calls / r["batches"])
                                                    for k, v in kt.items()}
        ref_us = [t.us / t.calls for t in (kernel_time(os.path.join(self.out, r["trace"]), r["pid"])["syscall"]
                                           for r in refs) if t.calls]
        ref_rt = med([r["ref"]["rt_ns"] for r in refs])
        # Guest to host: the host's getppid round trip over the guest's (gfx-native-costs, gfx-vm-cmp refcall).
        scale = self.native["native_syscall_ns"] / ref_rt if ref_rt and "native_syscall_ns" in self.native else None
        self.emit("vm_kernel_getppid_us", med(ref_us), "us")
        self.emit("vm_kernel_guest_to_host_scale", scale, "x")
        total = {k: sum(us for us, _ in v.values()) for k, v in per.items()}
        paths = [p for p in ("uio", "drm", "userq") if any(k[0] == p for k in per)]
        for n in sorted({k[1] for k in per}):
            for a, b in (("uio", "drm"), ("uio", "userq"), ("userq", "drm")):
                if a not in paths or b not in paths:
                    continue
                by = {}
                for (p, m, rnd), t in total.items():
                    if m == n and p in (a, b):
                        by.setdefault(rnd, [None, None])[(a, b).index(p)] = t
                va = med([t for (p, m, _), t in total.items() if p == a and m == n])
                vb = med([t for (p, m, _), t in total.items() if p == b and m == n])
                self.emit("vm_kernel_us_per_batch_%s_vs_%s_%d" % (self.NAME[a], self.NAME[b], n), va, "us/batch",
                          vb, self.ratio_range({k: tuple(v) for k, v in by.items()}), len(by))
        self.md.append("\n### Kernel time per batch, measured (function_graph, sleep left out; medians of rounds)\n")
        self.md.append("getppid in the guest's kernel: %s µs traced; guest → host scale %s (the host's getppid "
                       "round trip over the guest's)\n" % (fmt(med(ref_us)), fmt(scale)))
        self.md.append("| N | path | system calls | µs | device interrupts | µs | kworker items | µs | "
                       "total µs | × scale, µs |")
        self.md.append("| --- " * 10 + "|")
        for n in sorted({k[1] for k in per}):
            for p in paths:
                sel = [v for (q, m, _), v in per.items() if q == p and m == n]
                cell = []
                for kind in ("syscall", "irq", "work"):
                    cell += [fmt(med([v[kind][1] for v in sel])), fmt(med([v[kind][0] for v in sel]))]
                t = med([total[(q, m, r)] for (q, m, r) in per if q == p and m == n])
                self.md.append("| %d | %s | %s | %s | %s |" % (n, p, " | ".join(cell), fmt(t),
                                                              fmt(t * scale if t is not None and scale else None)))

    def kframe(self):
        """The kernel's time in a compositor frame with GPU clients (wl_comp with KFRAME=1):
        the compositor's system calls, every device interrupt and kworker item ("display
        server"), and everything traced, the clients' system calls too ("guest")."""
        runs = {x["tag"]: x for x in self.comp_rows_of("kframe")}
        per = {}	# (path, windows, round) -> dict of µs per frame
        for r in self.raw:
            x = runs.get(r.get("tag")) if r.get("w") == "kframe" else None
            if not x or not r.get("trace") or not r.get("traced_ns"):
                continue
            frames = x["rate"] * r["traced_ns"] / 1e9 * self.refresh_hz
            path = os.path.join(self.out, r["trace"])
            comp, every = kernel_time(path, r["cpid"]), kernel_time(path)
            per[(x["path"], x["n"], x["round"])] = dict(
                comp_sys=comp["syscall"].us / frames, comp_calls=comp["syscall"].calls / frames,
                irq=every["irq"].us / frames, irqs=every["irq"].calls / frames,
                work=every["work"].us / frames, works=every["work"].calls / frames,
                clients_sys=(every["syscall"].us - comp["syscall"].us) / frames,
                server=sum(v.us for v in comp.values()) / frames,
                guest=sum(v.us for v in every.values()) / frames, fps=frames * 1e9 / r["traced_ns"])
        if not per:
            return
        paths = [p for p in ("uio", "drm", "userq") if any(k[0] == p for k in per)]
        for n in sorted({k[1] for k in per}):
            sel = [(k, v) for k, v in per.items() if k[1] == n]
            for key, stem in (("server", "vm_kernel_us_per_frame"), ("guest", "vm_kernel_guest_us_per_frame")):
                for a, b in (("uio", "userq"), ("uio", "drm"), ("userq", "drm")):
                    if a not in paths or b not in paths:
                        continue
                    by = {}
                    for (p, _, rnd), v in sel:
                        if p in (a, b):
                            by.setdefault(rnd, [None, None])[(a, b).index(p)] = v[key]
                    va = med([v[key] for (p, _, _), v in sel if p == a])
                    vb = med([v[key] for (p, _, _), v in sel if p == b])
                    self.emit("%s_%s_vs_%s_%d_windows" % (stem, self.NAME[a], self.NAME[b], n), va, "us/frame",
                              vb, self.ratio_range({k: tuple(v) for k, v in by.items()}), len(by))
        self.md.append("\n### Kernel time per compositor frame with GPU clients, measured (function_graph, "
                       "sleep left out; medians of rounds)\n")
        self.md.append("| windows | path | frames/s traced | compositor's system calls | µs | device interrupts "
                       "| µs | kworker items | µs | display server µs | clients' system calls µs | guest µs |")
        self.md.append("| --- " * 12 + "|")
        for n in sorted({k[1] for k in per}):
            for p in paths:
                sel = [v for k, v in per.items() if k[0] == p and k[1] == n]
                m = {key: med([v[key] for v in sel]) for key in sel[0]} if sel else {}
                self.md.append("| %d | %s | %s |" % (n, p, " | ".join(fmt(m.get(key)) for key in (
                    "fps", "comp_calls", "comp_sys", "irqs", "irq", "works", "work", "server", "clients_sys",
                    "guest"))))

    def pipe(self):
        rows = [r for r in self.raw if r.get("w") == "pipe"]
        if not rows:
            return
        uq = any(r["path"] == "userq" for r in rows)
        self.md.append("\n### Pipelined submission: batches of N fills, each submitted, one wait at the end\n")
        self.md.append("| N | fills/s uio | drm | uio/drm | process CPU per fill uio ns | drm | uio/drm "
                       "| guest CPU per fill uio ns | drm | uio/drm |" +
                       (" fills/s userq | uio/userq | CPU per fill userq ns | uio/userq |" if uq else ""))
        self.md.append("| --- " * (10 + (4 if uq else 0)) + "|")
        for n in sorted({r["n"] for r in rows}):
            sel = [r for r in rows if r["n"] == n]
            cells, extra = [], []
            for key, name, unit in (("fills_per_s", "vm_pipe_fills_per_s_%s_vs_%s_%d", "fills/s"),
                                    ("cpu_ns_per_fill", "vm_pipe_cpu_per_fill_%s_vs_%s_%d", "ns/fill"),
                                    ("guest_cpu_ns_per_fill", "vm_pipe_guest_cpu_per_fill_%s_vs_%s_%d",
                                     "ns/fill")):
                u, d, rng, k = self.paired(sel, key, "uio", "drm")
                self.emit(name % ("uio", "drm", n), u, unit, d, rng, k)
                cells += [fmt(u), fmt(d), rfmt((u, d, rng))]
                if uq:
                    u, q, rng, k = self.paired(sel, key, "uio", "userq")
                    self.emit(name % ("uio", "drm_userq", n), u, unit, q, rng, k)
                    if key != "guest_cpu_ns_per_fill":
                        extra += [fmt(q), rfmt((u, q, rng))]
            self.md.append("| %d | %s |" % (n, " | ".join(cells + extra)))

    def comp_rows_of(self, w):
        """The compositor runs of workload w ("comp", "gcomp"), one dict per run, per frame."""
        out = []
        for r in [r for r in self.raw if r.get("w") == w]:
            d0, d1 = kv(r["dev0"]), kv(r["dev1"])
            if "flips" not in d0 or "flips" not in d1:
                continue
            dv = int(d1["vblanks"]) - int(d0["vblanks"])
            if dv <= 0:
                continue
            a, b = [int(v) for v in r["snap0"].split()], [int(v) for v in r["snap1"].split()]
            secs = (b[1] - a[1]) / 1e9
            # flips per vblank over the enclosing device window, times the window's vblanks
            rate = (int(d1["flips"]) - int(d0["flips"])) / dv
            f = rate * secs * self.refresh_hz
            if f <= 0:
                continue
            cl = [kv(c) for c in r["clients"] if c]
            x = dict(path=r["path"], round=r["round"], n=r["windows"], count=r["count"],
                     frames=f, secs=secs, rate=rate,
                     comp_ms=(b[2] - a[2]) / 1e6 / f, guest_ms=(b[0] - a[0]) / 1e6 / f,
                     comp_ms_per_s=(b[2] - a[2]) / 1e6 / secs, guest_ms_per_s=(b[0] - a[0]) / 1e6 / secs,
                     clients_ms=(b[3] - a[3]) / 1e6 / f,
                     comp_ticks_ms=(b[4] - a[4]) * 1000.0 / r["hz"] / f,
                     dev_irqs=(int(d1["irqs"]) - int(d0["irqs"])) / dv / rate,
                     dev_kicks=(int(d1["kicks"]) - int(d0["kicks"])) / dv / rate,
                     dev_cmds=(int(d1["commands"]) - int(d0["commands"])) / dv / rate,
                     dev_missed=int(d1["missed_vblanks"]) - int(d0["missed_vblanks"]),
                     p50=med([int(c["p50_us"]) for c in cl if "p50_us" in c]),
                     p99=max([int(c["p99_us"]) for c in cl if "p99_us" in c] or [0]),
                     missed=max([int(c["missed"]) for c in cl if "missed" in c] or [0]),
                     presented=max([int(c["presented"]) for c in cl if "presented" in c] or [0]),
                     late=r.get("late", ""), tag=r["tag"])
            ds = [y - z for z, y in zip(a[5:], b[5:])]
            hz = r["hz"]
            # user nice system idle iowait irq softirq: tick-sampled split, ms per frame
            x["stat_user_ms"] = (ds[0] + ds[1]) * 1000.0 / hz / f
            x["stat_sys_ms"] = ds[2] * 1000.0 / hz / f
            x["stat_irq_ms"] = (ds[5] + ds[6]) * 1000.0 / hz / f
            x["guest_minus_clients_ms"] = x["guest_ms"] - x["clients_ms"]
            if r["count"]:
                x["perf"] = read_perf(self.out, r["perf"]) if r.get("perf") else None
                h = [int(v) for v in r.get("hist", "").split()] if r.get("hist") else []
                x["hist"] = h if len(h) == 4 else None
            out.append(x)
        return out

    def comp(self):
        self.comp_rows = self.comp_rows_of("comp")
        timed = [x for x in self.comp_rows if not x["count"]]
        if not timed:
            return
        wins = sorted({x["n"] for x in timed})
        self.comp_table = {}
        for n in wins:
            sfx = "_%d_windows" % n
            for key, name, unit in (("comp_ms", "vm_cpu_per_frame_uio_vs_drm", "ms/frame"),
                                    ("guest_ms", "vm_guest_cpu_per_frame_uio_vs_drm", "ms/frame"),
                                    ("guest_minus_clients_ms",
                                     "vm_guest_cpu_less_clients_per_frame_uio_vs_drm", "ms/frame"),
                                    ("comp_ticks_ms", "vm_cpu_ticks_per_frame_uio_vs_drm", "ms/frame"),
                                    ("comp_ms_per_s", "vm_cpu_per_s_uio_vs_drm", "ms/s"),
                                    ("guest_ms_per_s", "vm_guest_cpu_per_s_uio_vs_drm", "ms/s"),
                                    ("p50", "vm_frame_latency_p50_uio_vs_drm", "ms"),
                                    ("p99", "vm_frame_latency_p99_uio_vs_drm", "ms"),
                                    ("dev_irqs", "vm_device_irqs_per_frame_uio_vs_drm", "irqs/frame"),
                                    ("dev_kicks", "vm_doorbells_per_frame_uio_vs_drm", "kicks/frame")):
                sel = [x for x in timed if x["n"] == n]
                scale = 1e-3 if key in ("p50", "p99") else 1
                by = {}
                for x in sel:
                    by.setdefault(x["round"], [None, None])[PATHS.index(x["path"])] = x[key]
                u = med([x[key] for x in sel if x["path"] == "uio"])
                d = med([x[key] for x in sel if x["path"] == "drm"])
                self.comp_table[(n, key)] = (u, d, self.ratio_range({k: tuple(v) for k, v in by.items()}),
                                             [x[key] for x in sel if x["path"] == "uio"],
                                             [x[key] for x in sel if x["path"] == "drm"])
                nm = name + sfx
                if key in ("p50", "p99") and n == max(wins):
                    self.emit(name, u * scale if u is not None else None, unit,
                              d * scale if d is not None else None,
                              self.comp_table[(n, key)][2], len(by))
                self.emit(nm, u * scale if u is not None else None, unit,
                          d * scale if d is not None else None, self.comp_table[(n, key)][2], len(by))
            for p in PATHS:
                sel = [x for x in timed if x["n"] == n and x["path"] == p]
                self.emit("vm_missed_frames_%s%s" % (p, sfx), max([x["missed"] for x in sel] or [0]),
                          "frames")
                self.emit("vm_frames_per_s_%s%s" % (p, sfx),
                          med([x["frames"] / x["secs"] for x in sel]), "frames/s")
        self.md.append("\n### A frame of the compositor (per frame; each round)\n")
        self.md.append("| windows | path | round | frames/s | compositor CPU ms | (utime+stime) | guest CPU ms "
                       "| guest less clients | p50 ms | p99 ms | missed | device irqs | doorbells |")
        self.md.append("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
        for x in sorted(timed, key=lambda x: (x["n"], x["round"], x["path"] != "uio")):
            self.md.append("| %d | %s | %d | %.1f | %.3f | %.3f | %.3f | %.3f | %.1f | %.1f | %d | %.2f | %.2f |" % (
                x["n"], x["path"], x["round"], x["frames"] / x["secs"], x["comp_ms"], x["comp_ticks_ms"],
                x["guest_ms"], x["guest_minus_clients_ms"], (x["p50"] or 0) / 1e3, (x["p99"] or 0) / 1e3,
                x["missed"], x["dev_irqs"], x["dev_kicks"]))

    # The compositor's frame with GPU clients, three paths: (metric key, name stem, unit).
    GCOMP_METRICS = (("comp_ms", "vm_cpu_per_frame", "ms/frame"),
                     ("guest_ms", "vm_guest_cpu_per_frame", "ms/frame"),
                     ("comp_ms_per_s", "vm_cpu_per_s", "ms/s"),
                     ("guest_ms_per_s", "vm_guest_cpu_per_s", "ms/s"),
                     ("p50", "vm_frame_latency_p50", "ms"),
                     ("p99", "vm_frame_latency_p99", "ms"))

    def gcomp(self):
        """GPU clients on a context (uio), the render node's ring (drm) or a queue (userq)."""
        timed = [x for x in self.comp_rows_of("gcomp") if not x["count"]]
        if not timed:
            return
        self.gcomp_table = {}
        for n in sorted({x["n"] for x in timed}):
            sel = [x for x in timed if x["n"] == n]
            sfx = "_%d_windows" % n
            for key, stem, unit in self.GCOMP_METRICS:
                scale = 1e-3 if key in ("p50", "p99") else 1
                for a, b, mid in (("uio", "userq", "_uio_vs_drm_userq"), ("uio", "drm", "_gpu_clients_uio_vs_drm"),
                                  ("userq", "drm", "_drm_userq_vs_drm")):
                    va, vb, rng, k = self.paired(sel, key, a, b)
                    self.gcomp_table[(n, key, a, b)] = (va, vb, rng)
                    self.emit(stem + mid + sfx, va * scale if va is not None else None, unit,
                              vb * scale if vb is not None else None, rng, k)
            for p in ("uio", "drm", "userq"):
                ps = [x for x in sel if x["path"] == p]
                self.emit("vm_gpu_clients_frames_per_s_%s%s" % (p, sfx),
                          med([x["frames"] / x["secs"] for x in ps]), "frames/s")
                self.emit("vm_gpu_clients_missed_frames_%s%s" % (p, sfx), max([x["missed"] for x in ps] or [0]),
                          "frames")
        self.gcomp_md(timed)

    def gcomp_md(self, timed):
        t = self.gcomp_table
        self.md.append("\n### A frame of the compositor with GPU clients: three paths (medians; ratio "
                       "[95 % interval] of the rounds)\n")
        self.md.append("| windows | measure | UIO, contexts | DRM, user-mode queues | DRM classic "
                       "| UIO / queues | UIO / classic | queues / classic |")
        self.md.append("| --- | --- | --- | --- | --- | --- | --- | --- |")
        for n in sorted({x["n"] for x in timed}):
            for key, stem, unit in self.GCOMP_METRICS:
                u, q, r1 = t[(n, key, "uio", "userq")]
                _, d, r2 = t[(n, key, "uio", "drm")]
                _, _, r3 = t[(n, key, "userq", "drm")]
                sc = 1e-3 if key in ("p50", "p99") else 1	# latencies are kept in µs
                self.md.append("| %d | %s (%s) | %s | %s | %s | %s | %s | %s |" % (
                    n, stem[3:], unit, fmt(u * sc), fmt(q * sc), fmt(d * sc), rfmt((u, q, r1)),
                    rfmt((u, d, r2)), rfmt((q, d, r3))))
        self.md.append("\n| windows | path | frames/s (median) | rounds |")
        self.md.append("| --- | --- | --- | --- |")
        for n in sorted({x["n"] for x in timed}):
            for p in ("uio", "userq", "drm"):
                ps = [x for x in timed if x["n"] == n and x["path"] == p]
                self.md.append("| %d | %s | %s | %d |" % (n, p, fmt(med([x["frames"] / x["secs"] for x in ps])),
                                                         len(ps)))

    # ---- counts and the native estimate ----

    def counts(self):
        """Per frame (compositor) and per batch (submission) kernel operations, both paths."""
        self.count_tab = {}
        for x in self.comp_rows:
            if not x["count"] or not x.get("perf"):
                continue
            p, f = x["perf"], x["frames"]
            c = {k: (v / f if v is not None else None) for k, v in p.items()}
            if x.get("hist"):
                h = x["hist"]
                c["cfu_bytes"] = h[1] / f
                c["cfu_bytes_comp"] = h[3] / f
            c["dev_irqs"] = x["dev_irqs"]
            c["dev_kicks"] = x["dev_kicks"]
            self.count_tab[("comp", x["n"], x["path"])] = c
        for r in self.raw:
            if r.get("w") != "submit_count":
                continue
            p = read_perf(self.out, r["perf"])
            if not p:
                continue
            b = r["batches"]
            c = {k: (v / b if v is not None else None) for k, v in p.items()}
            h = [int(v) for v in r.get("loop", {}).get("hist", "").split()]
            if len(h) == 2:
                c["cfu_bytes"] = h[1] / b
            self.count_tab[("submit", r["n"], r["path"])] = c
        if not self.count_tab:
            return
        for (w, n, p), c in sorted(self.count_tab.items()):
            pass
        keys = [("syscalls", "system calls (all)"), ("syscalls_comp", "system calls (compositor)"),
                ("cs", "context switches"), ("cs_comp", "context switches (compositor)"),
                ("wakeups", "wake-ups"), ("irqs", "device interrupts (all)"),
                ("irqs_gpu", "GPU interrupts"), ("softirqs", "softirqs"), ("timer_irqs", "timer interrupts"),
                ("ipi_resched", "IPIs: reschedule"), ("ipi_call_single", "IPIs: function call"),
                ("work_items", "workqueue items (kworkers)"),
                ("cfu_calls", "copies from user space (variable size)"),
                ("cfu_bytes", "bytes copied from user space"),
                ("cfu_calls_comp", "copies from user space (compositor)"),
                ("cfu_bytes_comp", "bytes copied from user space (compositor)"),
                ("clock_gettime", "of the system calls: clock_gettime (no vDSO on hpet)"),
                ("clock_gettime_comp", "of the compositor's: clock_gettime"),
                ("ioctl_comp", "of the compositor's: ioctl"),
                ("epoll_wait_comp", "of the compositor's: epoll_wait"),
                ("read_comp", "of the compositor's: read"),
                ("write_comp", "of the compositor's: write"),
                ("recvmsg_comp", "of the compositor's: recvmsg"),
                ("sendmsg_comp", "of the compositor's: sendmsg"),
                ("ppoll_comp", "of the compositor's: ppoll"),
                ("sched_yield_comp", "of the compositor's: sched_yield"),
                ("migrations", "CPU migrations")]
        for w, unit, label in (("comp", "per frame", "windows"), ("submit", "per batch", "N")):
            ns = sorted({n for (ww, n, _) in self.count_tab if ww == w})
            if not ns:
                continue
            self.md.append("\n### Kernel operations %s, counted in the guest kernel (perf, kprobes)\n" % unit)
            self.md.append("| operation | " + " | ".join("%s %d uio | drm" % (label, n) for n in ns) + " |")
            self.md.append("| --- |" + " --- | --- |" * len(ns))
            for k, lab in keys:
                row = []
                for n in ns:
                    u = self.count_tab.get((w, n, "uio"), {}).get(k)
                    d = self.count_tab.get((w, n, "drm"), {}).get(k)
                    row += [fmt(u), fmt(d)]
                    if u is not None and d is not None:
                        nm = "vm_count_%s_%s_uio_vs_drm_%d%s" % (
                            k, "per_frame" if w == "comp" else "per_batch", n,
                            "_windows" if w == "comp" else "")
                        self.emit(nm, u, "count" if "bytes" not in k else "bytes", d)
                self.md.append("| %s | %s |" % (lab, " | ".join(row)))
        comp_ns = sorted({n for (ww, n, _) in self.count_tab if ww == "comp"})
        if comp_ns:
            n = max(comp_ns)
            u = self.count_tab.get(("comp", n, "uio"), {}).get("syscalls_comp")
            d = self.count_tab.get(("comp", n, "drm"), {}).get("syscalls_comp")
            self.emit("vm_syscalls_per_frame_uio", u, "syscalls/frame", d)
            self.emit("vm_syscalls_per_frame_drm", d, "syscalls/frame")
            for m in comp_ns:
                u = self.count_tab.get(("comp", m, "uio"), {}).get("syscalls_comp")
                d = self.count_tab.get(("comp", m, "drm"), {}).get("syscalls_comp")
                self.emit("vm_syscalls_per_frame_uio_%d_windows" % m, u, "syscalls/frame", d)
                self.emit("vm_syscalls_per_frame_drm_%d_windows" % m, d, "syscalls/frame")

    def estimate(self):
        nat = self.native
        need = ("native_syscall_ns", "native_copy_from_user_ns_per_kib", "native_wakeup_same_cpu_ns",
                "native_ipi_ns")
        if not self.count_tab or not all(k in nat for k in need):
            return
        for k in need + ("native_wakeup_cross_cpu_ns", "native_wakeup_cross_cpu_latency_ns"):
            if k in nat:
                self.emit(k, nat[k], "ns" if "kib" not in k else "ns/KiB")
        price = {"syscalls": nat["native_syscall_ns"], "cs": nat["native_wakeup_same_cpu_ns"],
                 "irqs": nat["native_ipi_ns"], "ipi": nat["native_ipi_ns"],
                 "kib": nat["native_copy_from_user_ns_per_kib"]}
        self.est = {}
        for key, c in self.count_tab.items():
            g = lambda k: c.get(k) or 0
            parts = {
                # clock_gettime is a system call only in this guest (hpet): natively the vDSO
                "syscalls": (g("syscalls") - g("clock_gettime")) * price["syscalls"],
                "copies": g("cfu_bytes") / 1024 * price["kib"],
                "switches": g("cs") * price["cs"],
                "interrupts": (g("irqs") + g("timer_irqs") + g("ipi_resched") + g("ipi_call_single")
                               + g("ipi_call")) * price["irqs"],
            }
            self.est[key] = (sum(parts.values()) / 1000, parts)
        self.md.append("\n### Native estimate: the counted kernel operations priced with the host's own costs\n")
        self.md.append("Prices measured on the host in this run (gfx-native-costs): system call %.0f ns, "
                       "copy from user %.0f ns/KiB, wake-up + context switch %.0f ns, interrupt (IPI) %.0f ns."
                       % (price["syscalls"], price["kib"], price["cs"], price["irqs"]))
        self.md.append("\n| workload | uio µs | drm µs | uio/drm | drm: syscalls / copies / switches / interrupts µs |"
                       " TCG-measured guest CPU uio | drm |")
        self.md.append("| --- | --- | --- | --- | --- | --- | --- |")
        for (w, n, p) in sorted(self.est):
            if p != "uio" or (w, n, "drm") not in self.est:
                continue
            u, pu = self.est[(w, n, "uio")]
            d, pd = self.est[(w, n, "drm")]
            if w == "comp":
                label = "frame, %d windows" % n
                tu = self.comp_table.get((n, "guest_ms"), (None, None))[0] if hasattr(self, "comp_table") else None
                td = self.comp_table.get((n, "guest_ms"), (None, None))[1] if hasattr(self, "comp_table") else None
                tu, td = (tu * 1000 if tu else None), (td * 1000 if td else None)
                nm = "vm_native_estimate_kernel_per_frame_uio_vs_drm_%d_windows" % n
            else:
                label = "batch of %d fills" % n
                t = getattr(self, "submit_table", {}).get((n, "libgfx", "guest_cpu"), (None, None))
                tu, td = t[0], t[1]
                nm = "vm_native_estimate_kernel_per_batch_uio_vs_drm_%d" % n
            self.emit(nm, u, "us", d)
            self.md.append("| %s | %.1f | %.1f | %s | %s | %s | %s |" % (
                label, u, d, "%.2f" % (u / d) if d else "-",
                " / ".join("%.1f" % (pd[k] / 1000) for k in ("syscalls", "copies", "switches", "interrupts")),
                fmt(tu), fmt(td)))

    def engine(self):
        rows = [r for r in self.raw if r.get("w") == "engine" and isinstance(r.get("line"), dict)]
        if not rows:
            return
        names = []
        for r in rows:
            if r["line"]["name"] not in names:
                names.append(r["line"]["name"])
        self.md.append("\n### The host bench's reference numbers (gfx-bench) in the guest, both paths\n")
        self.md.append("| name | unit | uio | drm | uio/drm |")
        self.md.append("| --- | --- | --- | --- | --- |")
        for nm in names:
            by = {}
            for r in rows:
                if r["line"]["name"] == nm:
                    by.setdefault(r["round"], [None, None])[PATHS.index(r["path"])] = r["line"]["value"]
            u = med([v[0] for v in by.values()])
            d = med([v[1] for v in by.values()])
            unit = next(r["line"]["unit"] for r in rows if r["line"]["name"] == nm)
            self.emit("vm_engine_%s_uio_vs_drm" % nm, u, unit, d,
                      self.ratio_range({k: tuple(v) for k, v in by.items()}), len(by))
            self.md.append("| %s | %s | %s | %s | %s |" % (nm, unit, fmt(u), fmt(d),
                                                           "%.2f" % (u / d) if u is not None and d else "-"))

    # ---- output ----

    def header(self):
        g = next((r for r in self.raw if r.get("w") == "guest"), {})
        h = self.host
        self.md.insert(0, "Host: %s, %s CPUs, kernel %s; %s; load %s before, %s after; %s s in the VM. "
                       "Guest: Debian %s, %s vCPUs, USER_HZ %s, clocksource %s. Run %s." % (
                           h.get("cpu", "?"), h.get("cpus", "?"), h.get("kernel", "?"), h.get("qemu", "?"),
                           h.get("load", "?"), h.get("load_after", "?"), h.get("vm_seconds", "?"),
                           g.get("kernel", "?"), g.get("cpus", "?"), g.get("hz_user", "?"),
                           g.get("clocksource", "?"), h.get("date", "?")))

    def print_table(self):
        print("%-58s %12s %-14s %12s %8s %s" % ("name", "value", "unit", "reference", "ratio",
                                                "range [95 % interval]"))
        for r in self.lines:
            rng = "%.2f-%.2f" % tuple(r["range"]) if r.get("range") else ""
            if "ci_low" in r:
                rng += " rounds' median %.3f [%.2f-%.2f]" % (r["ratio_of_rounds"], r["ci_low"],
                                                          r["ci_high"])
            print("%-58s %12.4g %-14s %12s %8s %s" % (
                r["name"], r["value"], r["unit"],
                "%.4g" % r["reference"] if r["reference"] is not None else "-",
                "%.3f" % r["ratio"] if r["ratio"] is not None else "-", rng))

    # ---- plots ----

    def plots(self, pdir):
        if not shutil.which("gnuplot"):
            print("cmp_report: no gnuplot: no plots (scripts/install-deps.sh bench)", file=sys.stderr)
            return
        os.makedirs(pdir, exist_ok=True)
        data = os.path.join(self.out, "plotdata")
        os.makedirs(data, exist_ok=True)
        common = ('set terminal pngcairo size 900,560 font "sans,11" noenhanced\nset grid\n'
                  'set key bottom right\nset style line 1 lc rgb "#1f77b4" lw 2\n'
                  'set style line 2 lc rgb "#d62728" lw 2\nset style line 3 lc rgb "#7f7f7f" lw 2 dt 2\n')

        def cdf(vals, path):
            vals = sorted(vals)
            with open(path, "w") as f:
                for i, v in enumerate(vals):
                    f.write("%g %g\n" % (v, (i + 1) / len(vals)))
            return bool(vals)

        scripts = []
        rows = getattr(self, "irq_rows", [])
        if rows:
            files = []
            for p in PATHS:
                s = [v for r in rows if r["path"] == p for v in r.get("samples_us", [])]
                fn = os.path.join(data, "irq_%s.dat" % p)
                if cdf(s, fn):
                    files.append((fn, "%s (vblank irq → poller runs)" % p, PATHS.index(p) + 1))
            t = [v for r in rows for v in r.get("timer_us", [])]
            fn = os.path.join(data, "irq_timer.dat")
            if cdf(t, fn):
                files.append((fn, "timer wake-up (the floor)", 3))
            scripts.append(("irq_cdf.png", common +
                            'set title "Interrupt to user space in the TCG guest, all rounds"\n'
                            'set xlabel "µs (log)"\nset ylabel "fraction of samples"\nset logscale x\n'
                            "plot " + ", ".join('"%s" using 1:2 with steps ls %d title "%s"' % (f, ls, t)
                                                for f, t, ls in files)))
        # Frame latency CDF from the clients' latency files, per window count, timed runs.
        timed = [x for x in getattr(self, "comp_rows", []) if not x["count"]]
        if timed:
            files = []
            for n in sorted({x["n"] for x in timed}):
                for p in PATHS:
                    s = []
                    for x in timed:
                        if x["n"] != n or x["path"] != p:
                            continue
                        for i in range(1, n + 1):
                            try:
                                with open(os.path.join(self.out, "comp", "%s-lat-%d.txt" % (x["tag"], i))) as f:
                                    s += [int(v) / 1000 for v in f.read().split()]
                            except OSError:
                                pass
                    fn = os.path.join(data, "frame_%s_%d.dat" % (p, n))
                    if cdf(s, fn):
                        files.append((fn, "%s, %d windows" % (p, n), PATHS.index(p) + 1, n))
            dts = {1: 3, 4: 2, 16: 1}
            scripts.append(("frame_latency_cdf.png", common +
                            'set title "Frame latency (commit → presented, wp_presentation) in the TCG guest"\n'
                            'set xlabel "ms (log)"\nset ylabel "fraction of frames"\nset logscale x\n'
                            "plot " + ", ".join('"%s" using 1:2 with steps lc rgb "%s" lw 2 dt %d title "%s"' % (
                                f, "#1f77b4" if ls == 1 else "#d62728", dts.get(n, 4), t)
                                for f, t, ls, n in files)))
            fn = os.path.join(data, "cpu_windows.dat")
            with open(fn, "w") as f:
                for n in sorted({x["n"] for x in timed}):
                    row = [n]
                    for key in ("comp_ms", "guest_ms"):
                        for p in PATHS:
                            v = [x[key] for x in timed if x["n"] == n and x["path"] == p]
                            row += [med(v) or 0, min(v or [0]), max(v or [0])]
                    f.write(" ".join("%g" % v for v in row) + "\n")
            scripts.append(("cpu_per_frame.png", common +
                            'set title "CPU per frame against windows (median, min-max over rounds)"\n'
                            'set xlabel "animated windows"\nset ylabel "ms of CPU per frame"\n'
                            'set logscale x 2\nset xrange [0.8:20]\nset xtics (1, 4, 16)\nset key top left\n'
                            'plot "{0}" u 1:2:3:4 w yerrorlines ls 1 title "uio: compositor", '
                            '"{0}" u 1:5:6:7 w yerrorlines ls 2 title "drm: compositor", '
                            '"{0}" u 1:8:9:10 w yerrorlines ls 1 dt 2 title "uio: whole guest", '
                            '"{0}" u 1:11:12:13 w yerrorlines ls 2 dt 2 title "drm: whole guest"'.format(fn)))
        tab = getattr(self, "submit_table", {})
        if tab:
            fn = os.path.join(data, "submit.dat")
            with open(fn, "w") as f:
                for n in sorted({k[0] for k in tab if k[1] == "libgfx"}):
                    c, g, w = tab[(n, "libgfx", "cpu")], tab[(n, "libgfx", "guest_cpu")], tab[(n, "libgfx", "wall")]
                    f.write("%d %g %g %g %g %g %g\n" % (n, c[0] or 0, c[1] or 0, g[0] or 0, g[1] or 0,
                                                        w[0] or 0, w[1] or 0))
            scripts.append(("cpu_per_batch.png", common +
                            'set title "Submission: N small fills + fence + wait, per batch (median)"\n'
                            'set xlabel "fills per batch (N)"\nset ylabel "µs"\nset logscale xy\n'
                            'set key top left\n'
                            'plot "{0}" u 1:2 w lp ls 1 title "uio: process CPU", '
                            '"{0}" u 1:3 w lp ls 2 title "drm: process CPU", '
                            '"{0}" u 1:4 w lp ls 1 dt 2 title "uio: whole-guest CPU", '
                            '"{0}" u 1:5 w lp ls 2 dt 2 title "drm: whole-guest CPU", '
                            '"{0}" u 1:6 w lp ls 1 dt 3 title "uio: wall to the fence", '
                            '"{0}" u 1:7 w lp ls 2 dt 3 title "drm: wall to the fence"'.format(fn)))
        for name, script in scripts:
            script = "set output '%s'\n%s\n" % (os.path.join(pdir, name), script)
            r = subprocess.run(["gnuplot"], input=script, text=True, capture_output=True)
            if r.returncode:
                print("cmp_report: gnuplot %s: %s" % (name, r.stderr.strip()[:300]), file=sys.stderr)
            else:
                print("plot: %s" % os.path.join(pdir, name))


def fmt(v):
    if v is None:
        return "-"
    if abs(v) >= 100:
        return "%.0f" % v
    if abs(v) >= 10:
        return "%.1f" % v
    return "%.2f" % v


def rfmt(t):
    """uio / drm, then the 95 % interval of the per-round ratio [lo–hi] from 3
    rounds, else the range of the rounds' ratios (lo–hi)."""
    u, d, rng = t[0], t[1], t[2]
    if u is None or not d:
        return "-"
    s = "%.2f" % (u / d)
    if rng and rng.ci_low is not None:	# the rounds' median ratio and its interval
        s = "%.2f [%.2f–%.2f]" % (rng.median, rng.ci_low, rng.ci_high)
    elif rng:
        s += " (%.2f–%.2f)" % (rng.lo, rng.hi)
    return s


def main():
    args = sys.argv[1:]
    if not args:
        print(__doc__, file=sys.stderr)
        return 2
    out = args[0]
    jsonl = pdir = None
    if "--jsonl" in args:
        jsonl = args[args.index("--jsonl") + 1]
    if "--plots" in args:
        pdir = args[args.index("--plots") + 1]
    raw, native, host = load(out)
    rep = Report(out, raw, native, host)
    for step in (rep.irq, rep.submit, rep.ktime, rep.kframe, rep.pipe, rep.comp, rep.gcomp, rep.counts, rep.estimate, rep.engine, rep.header):
        try:
            step()
        except Exception as e:  # one broken workload must not hide the others
            import traceback
            traceback.print_exc()
            print("cmp_report: %s failed: %s" % (step.__name__, e), file=sys.stderr)
    rep.print_table()
    with open(os.path.join(out, "report.md"), "w") as f:
        f.write("\n".join(rep.md) + "\n")
    print("tables: %s" % os.path.join(out, "report.md"))
    if jsonl:
        with open(jsonl, "w") as f:
            for r in rep.lines:
                f.write(json.dumps(r) + "\n")
    if pdir:
        rep.plots(pdir)
    return 0


if __name__ == "__main__":
    sys.exit(main())
