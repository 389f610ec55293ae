"""ktrace.py - the kernel's own time, from a function_graph trace of its ways in.

tests/vm/guest_cmp.sh traces every system call's __x64_sys_* function
(do_syscall_64 is noinstr; a call without arguments is listed by its
__do_sys_* name, __x64_sys_* being an alias of it), handle_irq_event and
process_one_work with the graph tracer (sleep-time off: a call's time leaves
out what it slept; funcgraph-proc and funcgraph-tail on) and saves the trace.
This reads it back: each traced call's time less the traced calls nested in
it (an interrupt taken inside a system call counts as the interrupt's), summed
per kind. Timer ticks and IPIs come through sysvec entries and are not traced.
"""

import collections
import re

KINDS = {"handle_irq_event": "irq", "process_one_work": "work"}	# and __x64_sys_*: "syscall"
# " 1)  gfx-vm--305    |   3.210 us    |  __x64_sys_ioctl();"  (a leaf)
# " 1)  gfx-vm--305    | + 12.345 us   |  } /* __x64_sys_ioctl */"  (the end of a call with nested ones)
# " 1)  gfx-vm--305    |               |  __x64_sys_ioctl() {"  (its start)
LINE = re.compile(r"^\s*(\d+)\)\s+(\S+)\s+\|\s*(?:[+!#*@$]\s*)?(?:([\d.]+) us)?\s*\|\s*(.*?)\s*$")
LEAF = re.compile(r"^(\w+)\(\);$")
OPEN = re.compile(r"^(\w+)\(\) \{$")
CLOSE = re.compile(r"^\} /\* (\w+) \*/$")

Totals = collections.namedtuple("Totals", "us calls")


def kind_of(fn):
    if fn.startswith("__x64_sys_") or fn.startswith("__do_sys_"):
        return "syscall"
    return KINDS.get(fn)


def kernel_time(path, pid=None):
    """{kind: Totals(exclusive µs, calls)}; system calls only of pid when given."""
    us, calls = collections.Counter(), collections.Counter()
    # Calls nest per task, not per CPU: a task that sleeps in a system call
    # may wake on another CPU, and other tasks run on this one meanwhile (a
    # stack per CPU took their calls for nested ones). An interrupt is logged
    # under the task it interrupted; the idle tasks share a name, so theirs
    # are told apart by CPU.
    stacks = collections.defaultdict(list)	# per task: [function, nested µs]

    def done(task, fn, dur, proc):
        nested = 0.0
        stack = stacks[task]
        if stack and stack[-1][0] == fn:
            nested = stack.pop()[1]
        kind, parent = kind_of(fn), kind_of(stack[-1][0]) if stack else None
        if kind == "syscall" and parent == "syscall":
            return	# __do_sys_X inside __x64_sys_X: the same call, in its time already
        if stack:
            stack[-1][1] += dur	# the parent's time holds ours
        if kind is None or (kind == "syscall" and pid is not None and not proc.endswith("-%d" % pid)):
            return
        us[kind] += max(dur - nested, 0.0)
        calls[kind] += 1

    with open(path, errors="replace") as f:
        for line in f:
            m = LINE.match(line)
            if not m:
                continue
            cpu, proc, dur, what = m.group(1), m.group(2), m.group(3), m.group(4)
            task = proc + "@" + cpu if proc.startswith("<idle>") else proc
            if OPEN.match(what):
                stacks[task].append([OPEN.match(what).group(1), 0.0])
            elif dur and (LEAF.match(what) or CLOSE.match(what)):
                fn = (LEAF.match(what) or CLOSE.match(what)).group(1)
                done(task, fn, float(dur), proc)
    return {k: Totals(us[k], calls[k]) for k in ("syscall", "irq", "work")}
