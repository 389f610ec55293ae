#!/usr/bin/env python3
"""compositor_wlcs_results.py - wlcs's gtest output as PASS/FAIL/SKIP lines.

Usage: compositor_wlcs_results.py LIST OUTPUT EXPECTED_FAILURES FILTER EXIT_STATUS

LIST is `wlcs MODULE --gtest_list_tests`, OUTPUT the run's stdout. Every
listed test (that FILTER selects) gets one line: PASS; SKIP with wlcs's
reason (a protocol we do not offer); SKIP for a failure the expected-failures
file lists, with its reason; FAIL for any other failure, for a listed test
that passes now, and for a test with no result. An entry of the list that
matches no test is a FAIL too, so the list stays true.
"""
import fnmatch
import re
import sys

RESULT = re.compile(r'^\[ +(OK|FAILED|SKIP|SKIPPED) +\] (\S+?)(?:, where GetParam\(\) = .*)? \(\d+ ?ms\)$')


def listed_tests(path):
    tests, suite = [], None
    for line in open(path, errors='replace'):
        if not line.strip() or line.startswith('Note:'):
            continue
        if not line.startswith(' '):
            suite = line.split()[0]	# "Prefix/Suite." (and a "# TypeParam" comment)
        elif suite:
            tests.append(suite + line.split()[0])
    return tests


def gtest_filter_selects(flt, name):
    if not flt:
        return True
    pos, _, neg = flt.partition('-')
    selected = any(fnmatch.fnmatchcase(name, p) for p in (pos or '*').split(':'))
    return selected and not any(fnmatch.fnmatchcase(name, p) for p in neg.split(':') if p)


def results(path):
    """name -> (status, why): why is the failure's first message, or the skip's reason."""
    out, notes = {}, []
    for line in open(path, errors='replace'):
        line = line.rstrip('\n')
        if line.startswith('[ RUN      ]'):
            notes = []
            continue
        m = RESULT.match(line)
        if m:
            status, name = m.group(1), m.group(2)
            out[name] = (status, notes)
            notes = []
        elif line.strip() and not line.startswith('[=') and not line.startswith('[-'):
            notes.append(line.replace('[          ] ', '').strip())
    return out


def short(notes, default):
    useful = [n for n in notes if n and not n.startswith('unknown file') and 'Failure' != n]
    text = ' / '.join(useful[:3]) or default
    return text if len(text) <= 300 else text[:297] + '...'


def expected_failures(path):
    entries = []
    for n, line in enumerate(open(path), 1):
        line = line.strip()
        if not line or line.startswith('#'):
            continue
        pattern, _, why = line.partition(' ')
        entries.append([pattern, why.strip() or '(no reason given)', 0, n])
    return entries


def main():
    list_path, out_path, xfail_path, flt, rc = sys.argv[1:6]
    tests = [t for t in listed_tests(list_path) if gtest_filter_selects(flt, t)]
    res = results(out_path)
    xfails = expected_failures(xfail_path)
    for name in tests:
        entry = next((e for e in xfails if fnmatch.fnmatchcase(name, e[0])), None)
        if entry:
            entry[2] += 1
        status, notes = res.get(name, (None, []))
        if status is None and '.DISABLED_' in name or name.startswith('DISABLED_'):
            print('SKIP wlcs/%s: disabled in wlcs itself' % name)
        elif status is None:
            print('FAIL wlcs/%s: no result (wlcs exited with status %s)' % (name, rc))
        elif status in ('SKIP', 'SKIPPED'):
            print('SKIP wlcs/%s: wlcs skips it: %s' % (name, short(notes, 'no reason given')))
        elif status == 'OK' and entry:
            print('FAIL wlcs/%s: passes now: take it off the expected failures (%s)' % (name, entry[1]))
        elif status == 'OK':
            print('PASS wlcs/%s' % name)
        elif entry:
            print('SKIP wlcs/%s: expected failure: %s' % (name, entry[1]))
        else:
            print('FAIL wlcs/%s: %s' % (name, short(notes, 'failed')))
    if not flt:
        for pattern, why, hits, line in xfails:
            if not hits:
                print('FAIL wlcs_expected_failures: line %d (%s) matches no test' % (line, pattern))


if __name__ == '__main__':
    main()
