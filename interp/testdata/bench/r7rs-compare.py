#!/usr/bin/env python3
"""r7rs-compare.py: run the programs of ecraven's r7rs-benchmarks with
reduced inputs under popsh, Scheme48 and Guile's interpreter, whole
process, one run each, and print one table (CPU seconds, user+system, of
each process; set WALL=1 for wall-clock seconds).

Usage: interp/testdata/bench/r7rs-compare.py SUITE [--base BIN] [--popsh BIN] [--rounds N] [--only IMPLS] [NAME...]

SUITE is a checkout of github.com/ecraven/r7rs-benchmarks (kept outside
this repository); the programs are read from it and run from a scratch
folder. popsh is built from this tree; --base BIN adds a column for
another popsh binary (to compare before and after a change). IMPLS is a
comma-separated subset of base,popsh,s48,guile; --popsh BIN measures a
built binary instead of this tree. With --rounds N each program runs N
times under each implementation, the implementations in a rotating order,
and the table shows medians (one run each is the default: on a shared
machine single runs move by 10-20 %). A run counts only when the program
reports success (its own check of the result).
"""
import math, os, re, shutil, subprocess, sys, tempfile, time

# Repetitions per program (about one CPU second of popsh before the
# speed work), and inputs replaced whole by smaller problems whose
# answers were checked with Guile.
COUNTS = {
    "browse": 21,
    "deriv": 77605,
    "destruc": 43,
    "diviter": 8889,
    "divrec": 9954,
    "puzzle": 7,
    "triangl": 1,
    "tak": 227,
    "takl": 28,
    "ntakl": 45,
    "cpstak": 45,
    "ctak": 3,
    "fib": 29,
    "fibc": 4,
    "fibfp": 11,
    "sum": 853,
    "sumfp": 6,
    "fft": 2,
    "mbrot": 10,
    "mbrotZ": 4,
    "nucleic": 1,
    "pi": 87,
    "pnpoly": 8224,
    "ray": 1,
    "simplex": 8263,
    "ack": 1,
    "array1": 2,
    "string": 4,
    "sum1": 11,
    "read1": 504,
    "compiler": 17,
    "conform": 4,
    "dynamic": 7,
    "earley": 3,
    "graphs": 14,
    "lattice": 1486,
    "matrix": 20,
    "maze": 193,
    "mazefun": 150,
    "nqueens": 180,
    "paraffins": 62,
    "parsing": 25,
    "peval": 16,
    "primes": 316,
    "quicksort": 15,
    "scheme": 994,
    "slatex": 11,
    "chudnovsky": 757,
    "nboyer": 1,
    "sboyer": 1,
    "gcbench": 1,
    "mperm": 3,
    "equal": 1,
    "bv2string": 3,
}
OVR = {
 'tak': '1 18 12 6 7', 'cpstak': '1 18 12 6 7', 'ctak': '1 18 12 6 7',
 'fib': '1 27 196418', 'fibfp': '1 27.0 196418.0', 'ack': '1 3 9 4093',
 'nqueens': '1 8 92',
 'gcbench': '1 17 0',
 'earley': '1 10 4862', 'graphs': '1 5 596', 'lattice': '1 33 10', 'nboyer': '1 3 5375678', 'sboyer': '1 3 5375678',
 'paraffins': '1 17 24894', 'fibc': '1 22 17711',
 'takl': '1 (18 17 16 15 14 13 12 11 10 9 8 7 6 5 4 3 2 1) (12 11 10 9 8 7 6 5 4 3 2 1) (6 5 4 3 2 1) 7',
 'ntakl': '1 (18 17 16 15 14 13 12 11 10 9 8 7 6 5 4 3 2 1) (12 11 10 9 8 7 6 5 4 3 2 1) (6 5 4 3 2 1) 7', 'mperm': '1 8 2 1 0',
}

TIMEOUT = 120
CPU = os.environ.get('WALL') is None


def set_count(text, n):
    lines = text.split('\n')
    for i, l in enumerate(lines):
        s = l.strip()
        if s == '' or s.startswith(';'):
            continue
        lines[i] = re.sub(r'^(\s*)\d+', lambda m: m.group(1) + str(n), l, count=1)
        break
    return '\n'.join(lines)


def make_input(suite, name, count):
    t = OVR.get(name)
    if t is not None:
        return str(count) + ' ' + t.split(' ', 1)[1] + '\n'
    return set_count(open(os.path.join(suite, 'inputs', name + '.input')).read(), count)


def program(suite, name, impl):
    src = os.path.join(suite, 'src')
    body = open(os.path.join(src, name + '.scm')).read()
    post = open(os.path.join(src, 'common.scm')).read() + '\n' + open(os.path.join(src, 'common-postlude.scm')).read()
    pre = '(define (this-scheme-implementation-name) "popsh")\n'
    if impl == 'guile':
        pre = open(os.path.join(src, 'Guile3-prelude.scm')).read()
    elif impl == 's48':
        pre = open(os.path.join(src, 'Scheme48-prelude.scm')).read()
    return pre + '\n' + body + '\n' + post + '\n'


def run(suite, work, name, impl, bins):
    inp = make_input(suite, name, COUNTS[name])
    body = program(suite, name, impl)
    f = os.path.join(work, name + '.' + impl + '.scm')
    if impl == 's48':
        # Scheme48 reads the program and then its input from stdin
        open(f, 'w').write(',set inline-values\n,open srfi-19\n,open big-util\n'
                           ',open define-record-types\n' + body + '\n' + inp + '\n,exit\n')
        cmd, stdin = ['scheme48', '-h', '100000000', '-a', 'batch'], open(f)
    else:
        open(f, 'w').write(body)
        fi = os.path.join(work, name + '.input')
        open(fi, 'w').write(inp)
        stdin = open(fi)
        cmd = [bins[impl], f] if impl in bins else ['guile', '--r7rs', '--no-auto-compile', f]
    out = tempfile.TemporaryFile(dir=work)
    p = subprocess.Popen(cmd, stdin=stdin, stdout=out, stderr=subprocess.STDOUT, cwd=suite)
    t0 = time.perf_counter()
    while True:
        pid, status, ru = os.wait4(p.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() - t0 > TIMEOUT:
            p.kill()
            os.wait4(p.pid, 0)
            return None, 'timeout'
        time.sleep(0.002)
    dt = ru.ru_utime + ru.ru_stime if CPU else time.perf_counter() - t0
    out.seek(0)
    text = out.read().decode('utf-8', 'replace')
    if 'Elapsed time' not in text or 'INCORRECT' in text:
        return dt, 'FAIL'
    return dt, 'ok'


def median(xs):
    xs = sorted(xs)
    k = len(xs) // 2
    return xs[k] if len(xs) % 2 else (xs[k - 1] + xs[k]) / 2


def measure(suite, work, name, impls, bins, rounds):
    """Median time and status of each implementation over rounds runs,
    taken in a rotating order; any failed run marks the implementation."""
    times = {i: [] for i in impls}
    status = {i: 'ok' for i in impls}
    for r in range(rounds):
        k = r % len(impls)
        for i in impls[k:] + impls[:k]:
            if status[i] != 'ok':
                continue
            dt, st = run(suite, work, name, i, bins)
            if st != 'ok':
                status[i] = st
            else:
                times[i].append(dt)
    return {i: (median(times[i]) if status[i] == 'ok' else None, status[i]) for i in impls}


def main():
    args = sys.argv[1:]
    if not args or args[0].startswith('-'):
        sys.exit(__doc__)
    suite = os.path.abspath(args.pop(0))
    impls, bins, names, rounds = ['popsh', 's48', 'guile'], {}, [], 1
    while args:
        a = args.pop(0)
        if a == '--only':
            impls = args.pop(0).split(',')
        elif a == '--rounds':
            rounds = max(1, int(args.pop(0)))
        elif a == '--popsh':
            bins['popsh'] = os.path.abspath(args.pop(0))
        elif a == '--base':
            bins['base'] = os.path.abspath(args.pop(0))
            if 'base' not in impls:
                impls.insert(0, 'base')
        else:
            names.append(a)
    work = tempfile.mkdtemp(prefix='r7rs-compare-')
    root = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..'))
    if 'popsh' not in bins:
        bins['popsh'] = os.path.join(work, 'popsh')
        subprocess.run(['go', 'build', '-o', bins['popsh'], '.'], cwd=root, check=True)
    ratios = {i: [] for i in impls if i != 'popsh'}
    print('%-12s %7s ' % ('program', 'count') + ' '.join('%8s' % i for i in impls)
          + ''.join(' %8s' % ('p/' + i) for i in ratios), flush=True)
    for n in names or list(COUNTS):
        res = measure(suite, work, n, impls, bins, rounds)
        line = '%-12s %7d ' % (n, COUNTS[n]) + ' '.join(
            '%8.3f' % res[i][0] if res[i][1] == 'ok' else '%8s' % res[i][1] for i in impls)
        for i in ratios:
            if res['popsh'][1] == 'ok' and res[i][1] == 'ok':
                r = res['popsh'][0] / res[i][0]
                ratios[i].append(r)
                line += ' %8.2f' % r
            else:
                line += ' %8s' % '-'
        print(line, flush=True)
    for i, rs in ratios.items():
        if rs:
            gm = math.exp(sum(map(math.log, rs)) / len(rs))
            print('popsh/%s: geometric mean %.2f over %d programs, slower on %d' % (i, gm, len(rs), sum(r > 1 for r in rs)))
    shutil.rmtree(work, ignore_errors=True)


main()
