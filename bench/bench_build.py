"""Whole builds with the plugin: what the server and its cache save.

Full build time (`make -j2` after a clean, configure excluded) of three projects:

- `examples/cmake_project` (5 small C files, CMake);
- bzip2 1.0.8 from Debian 12 (9 C files, its own Makefile; `make test` checks
  the programs after every build);
- a Debian autotools package of at least 50 C files that is not in the
  corpus (`--autotools`, default grep 3.8: 112 objects), built from its
  upstream tarball as Debian ships it (`./configure` is not timed; each
  program it builds must run `--version`).

Each with:

  (a) plain `clang-19 -Oz`;
  (b) the plugin, engine in-process (`PASSLM_SERVER=off`: every compiler loads the engine itself);
  (c) the plugin with a cold server (none running, empty cache: the first compiler starts it);
  (d) the plugin with a warm cache (the server of (c) still running; a clean rebuild);
  (e) the plugin with a warm cache but no server running (it starts again and loads no model).

The engine is the default (`coreset:default`, k=3, guard on; `--engine`, `--k`, `--no-guard`) on
the CPU; `--k 1,2,4,8` times every k in turn (the default-k table of the
README). Every variant runs `--reps` times (default 3; (c) with a new empty
cache and no server each time) and the medians are compared with (a) of the
same run. The size column is the build's objects (every `.o` under the build
folder, `llvm-size -B` text + data, summed) against (a)'s: what the build
gained for its time.

Targets: on the autotools package (c) at most 2.5x (a) and (d) at most
1.15x (a); on bzip2 (d) at most 1.1x (a). Then, per translation unit (bzip2's
files compiled one at a time, `--units` runs each): what the plugin and its
Python cost, what the guard's trials cost, and a cache hit through the
server (the plugin's own C++ client: no CPython), each against plain clang.

    .venv/bin/python bench/bench_build.py [--reps 3] [--bzip2 SRC_DIR] [--variants a,c,d] [--only autotools]
                                          [--engine SPEC] [--k 1,2,4,8]

Without --bzip2 the source package is fetched with `apt-get source` (needs a
deb-src entry: passlm data does the same) into ~/.cache/passlm/bench-src.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Optional

import passlm.paths
from passlm.defaults import DEFAULT_ENGINE, DEFAULT_K, OZ
from passlm.server.client import resolve_spec

REPO = Path(__file__).resolve().parents[1]
VARIANTS = ("a", "b", "c", "d", "e")
LABELS = {"a": "(a) clang -Oz", "b": "(b) plugin, in-process", "c": "(c) plugin, cold server",
          "d": "(d) plugin, warm cache", "e": "(e) warm cache, no server"}


def sh(cmd, env, cwd=None) -> subprocess.CompletedProcess:
    result = subprocess.run([str(c) for c in cmd], env=env, cwd=cwd, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"failed: {' '.join(map(str, cmd))}\n{result.stderr[-3000:]}")
    return result


class CMakeProject:
    name = "examples/cmake_project"

    def __init__(self, work: Path, clang: str):
        self.source, self.work, self.clang = REPO / "examples" / "cmake_project", work / "cmake", clang

    def configure(self, variant: str, cflags: str, env) -> Path:
        build = self.work / variant
        sh(["cmake", "-S", self.source, "-B", build, f"-DCMAKE_C_COMPILER={self.clang}", f"-DCMAKE_C_FLAGS={cflags}"],
           env)
        return build

    def clean(self, build: Path, env) -> None:
        sh(["cmake", "--build", build, "--target", "clean"], env)

    def build(self, build: Path, env) -> str:
        return sh(["cmake", "--build", build, "--", "-j2"], env).stderr

    def check(self, build: Path, env) -> None:
        out = sh([build / "calc"], env).stdout
        if out != (self.source / "expected_output.txt").read_text():
            raise SystemExit(f"{self.name}: wrong program output in {build}")


class Bzip2:
    name = "bzip2 1.0.8 (Debian)"
    TARGETS = ["libbz2.a", "bzip2", "bzip2recover"]

    def __init__(self, work: Path, clang: str, source: Path):
        self.source, self.work, self.clang = source, work / "bzip2", clang
        self.cflags = {}

    def configure(self, variant: str, cflags: str, env) -> Path:
        build = self.work / variant
        shutil.copytree(self.source, build)
        self.cflags[build] = cflags
        return build

    def _make(self, build: Path, targets, env, jobs=True) -> str:
        flags = f"-Wall {self.cflags[build]} -D_FILE_OFFSET_BITS=64"
        return sh(["make", *(["-j2"] if jobs else []), f"CC={self.clang}", f"CFLAGS={flags}", *targets], env,
                  cwd=build).stderr

    def clean(self, build: Path, env) -> None:
        self._make(build, ["clean"], env, jobs=False)

    def build(self, build: Path, env) -> str:
        return self._make(build, self.TARGETS, env)

    def check(self, build: Path, env) -> None:
        self._make(build, ["test"], env, jobs=False)  # compresses and compares the sample files


class Autotools:
    """A Debian autotools package not in the corpus: ./configure once per variant (not timed), then make."""

    def __init__(self, work: Path, clang: str, source: Path):
        self.source, self.work, self.clang = source, work / source.name, clang
        self.name = f"{source.name} (Debian, {count_c_files(source)} .c in tree)"

    def configure(self, variant: str, cflags: str, env) -> Path:
        build = self.work / variant
        shutil.copytree(self.source, build, symlinks=True)
        sh(["./configure", "-q", f"CC={self.clang}", f"CFLAGS={cflags}", "--disable-nls"], env, cwd=build)
        return build

    def clean(self, build: Path, env) -> None:
        sh(["make", "clean"], env, cwd=build)

    def build(self, build: Path, env) -> str:
        return sh(["make", "-j2", "MAKEINFO=true"], env, cwd=build).stderr

    def check(self, build: Path, env) -> None:
        programs = [p for p in (build / "src").iterdir() if p.is_file() and os.access(p, os.X_OK)]
        if not programs:
            raise SystemExit(f"{self.name}: no program built in {build / 'src'}")
        for program in programs:
            sh([program, "--version"], env)


def count_c_files(source: Path) -> int:
    return sum(1 for _ in source.rglob("*.c"))


def fetch_upstream(package: str) -> Path:
    """The upstream source of a Debian package as released (its .orig tarball, Debian's patches not
    applied: they may touch Makefile.am, and rebuilding it needs automake)."""
    from passlm.data import debian

    work = Path(os.path.expanduser("~")) / ".cache" / "passlm" / "bench-src"
    work.mkdir(parents=True, exist_ok=True)
    tarballs = sorted(work.glob(f"{package}_*.orig.tar.*"))
    if not tarballs:
        debian.ensure_deb_src(print)
        sh(["apt-get", "source", "--download-only", "-qq", package], dict(os.environ), cwd=work)
        tarballs = sorted(p for p in work.glob(f"{package}_*.orig.tar.*") if not p.name.endswith(".asc"))
    tarball = [p for p in tarballs if not p.name.endswith(".asc")][-1]
    target = work / "upstream"
    target.mkdir(exist_ok=True)
    top = sh(["tar", "tf", tarball], dict(os.environ)).stdout.split("/", 1)[0]
    if not (target / top).is_dir():
        sh(["tar", "xf", tarball, "-C", target], dict(os.environ))
    return target / top


def fetch_bzip2() -> Path:
    from passlm.data import debian

    work = Path(os.path.expanduser("~")) / ".cache" / "passlm" / "bench-src"
    debian.ensure_deb_src(print)
    package = debian.resolve(["bzip2"], print)["bzip2"]
    dsc = debian.fetch(package, package.candidate, work, print)
    return debian.extract(dsc, work / "src" / dsc.stem, print)


def object_bytes(build: Path) -> int:
    """text + data of every object file under a build folder (``llvm-size -B``), summed."""
    objects = sorted(str(o) for o in build.rglob("*.o"))
    if not objects:
        raise SystemExit(f"no object file under {build}")
    out = sh([passlm.paths.llvm_tool("llvm-size"), "-B", *objects], dict(os.environ)).stdout.splitlines()[1:]
    return sum(int(line.split()[0]) + int(line.split()[1]) for line in out)


DEBUG_LINE = re.compile(r"^passlm: debug: .* trials=(?P<trials>\d+) .*engine_ms=(?P<engine>[\d.]+) "
                        r"guard_ms=(?P<guard>[\d.]+) final_ms=(?P<final>[\d.]+)", re.M)


def debug_phases(stderr: str) -> Optional[dict]:
    """Summed over a build's modules, from the plugin's PASSLM_DEBUG lines: its time asking the engine,
    measuring (the guard's trials), running the kept pipeline, and the trials run; None without lines."""
    found = [m.groupdict() for m in DEBUG_LINE.finditer(stderr)]
    if not found:
        return None
    return {"modules": len(found), **{k: sum(float(f[k]) for f in found) / 1e3 for k in ("engine", "guard", "final")},
            "trials": sum(int(f["trials"]) for f in found)}


def stop_server(env) -> None:
    subprocess.run([sys.executable, "-m", "passlm.server", "--stop"], env=env, capture_output=True)


def measure(project, reps: int, plugin: str, runtime: Path, settings: dict, variants=VARIANTS) -> dict:
    base = {k: v for k, v in os.environ.items() if not k.startswith("PASSLM_")}
    base.update(XDG_RUNTIME_DIR=str(runtime), **settings)
    plugin_flags = f"-Oz -fpass-plugin={plugin}"
    if {"d", "e"} & set(variants):
        variants = [*variants, "c"]  # (d) and (e) reuse the cache (c) filled
    variants = ["a"] + [v for v in VARIANTS[1:] if v in variants]
    builds = {v: project.configure(v, "-Oz" if v == "a" else plugin_flags, base) for v in variants}
    times = {v: [] for v in variants}
    sizes: dict = {}
    phases: dict = {}

    def timed(variant, env):
        if variant not in builds:
            return
        project.clean(builds[variant], env)
        start = time.perf_counter()
        stderr = project.build(builds[variant], env)
        times[variant].append(time.perf_counter() - start)
        project.check(builds[variant], env)
        sizes.setdefault(variant, object_bytes(builds[variant]))
        phases.setdefault(variant, debug_phases(stderr))

    for rep in range(reps):
        cache = runtime / f"cache-{project.__class__.__name__}-{rep}.sqlite3"
        served = {**base, "PASSLM_CACHE": str(cache), "PASSLM_DEBUG": "1"}
        timed("a", base)
        timed("b", {**base, "PASSLM_SERVER": "off"})
        stop_server(base)
        timed("c", served)  # no server, empty cache
        timed("d", served)  # the server of (c), its cache
        stop_server(base)
        timed("e", served)  # the cache, no server
        stop_server(base)
        print(f"  {project.name} rep {rep + 1}: " + ", ".join(f"{v} {times[v][-1]:.2f} s" for v in variants),
              flush=True)
    return {v: statistics.median(t) for v, t in times.items()}, sizes, phases


UNIT_ENGINES = "fixed:function(sroa),default<Oz>|function(instcombine<no-verify-fixpoint>),default<Oz>|" \
    "function(simplifycfg),default<Oz>|default<Oz>"


def unit_costs(source: Path, clang: str, plugin: str, runtime: Path, reps: int) -> dict:
    """Per translation unit (bzip2's C files, each compiled alone, median of ``reps``, then the median
    over files), what each part of the plugin costs, from the outside:

    plain        clang -Oz -c
    python       the plugin with its embedded Python (PASSLM_SERVER=off) and an engine that loads
                 nothing (fixed:default<Oz>), no guard: plugin load + CPython start + the bridge
    guard k=4    the same with 4 fixed candidates and the guard: + 4 trials and -Oz's, each in a child
    cache hit    the default engine through a warm server, answer and verdict cached: the plugin's
                 own client, no CPython (target: at most 10 ms over plain)
    """
    files = sorted(source.glob("*.c"))
    base = {k: v for k, v in os.environ.items() if not k.startswith("PASSLM_")}
    base.update(XDG_RUNTIME_DIR=str(runtime), PASSLM_CACHE=str(runtime / "unit-cache.sqlite3"))
    configs = {
        "plain": ([], base),
        "python": ([f"-fpass-plugin={plugin}"], {**base, "PASSLM_SERVER": "off", "PASSLM_GUARD": "0",
                                                 "PASSLM_ENGINE": "fixed:default<Oz>"}),
        "guard k=4": ([f"-fpass-plugin={plugin}"], {**base, "PASSLM_SERVER": "off", "PASSLM_K": "4",
                                                    "PASSLM_ENGINE": UNIT_ENGINES}),
        "cache hit": ([f"-fpass-plugin={plugin}"], {**base, "PASSLM_K": "4"}),
    }
    out = runtime / "unit.o"

    def compile_once(f: Path, flags, env) -> tuple[float, str]:
        start = time.perf_counter()
        done = sh([clang, "-Oz", "-D_FILE_OFFSET_BITS=64", *flags, "-c", f, "-o", out], env, cwd=source)
        return time.perf_counter() - start, done.stderr

    stop_server(base)
    for f in files:  # the server starts, predicts, and the verdicts are recorded: later runs hit
        compile_once(f, *configs["cache hit"])
    times: dict = {}
    for name, (flags, env) in configs.items():
        times[name] = {f: statistics.median(compile_once(f, flags, env)[0] for _ in range(reps)) for f in files}
    # The pipeline each hit runs: often not -Oz's (cheaper or dearer to run), so the plugin's own
    # cost is the difference on the files whose kept pipeline is default<Oz> itself.
    hit_env = {**configs["cache hit"][1], "PASSLM_PRINT": "1"}
    kept = {f: compile_once(f, configs["cache hit"][0], hit_env)[1] for f in files}
    same = [f for f in files if f"'{OZ}' " in kept[f]]
    stop_server(base)
    medians = {name: statistics.median(t.values()) for name, t in times.items()}
    medians["same pipeline"] = (statistics.median(times["cache hit"][f] - times["plain"][f] for f in same)
                                if same else None, len(same))
    return medians


def print_unit_costs(name: str, m: dict) -> None:
    plain = m["plain"]
    print(f"\nper translation unit, {name} (median over files of the median of runs):")
    print(f"  plain clang -Oz            {plain * 1000:7.1f} ms")
    print(f"  + plugin, Python start     {(m['python'] - plain) * 1000:+7.1f} ms  (fixed engine, no guard, in-process)")
    print(f"  + guard, 4 candidates      {(m['guard k=4'] - m['python']) * 1000:+7.1f} ms  (their trials and -Oz's)")
    print(f"  cache hit through a server {(m['cache hit'] - plain) * 1000:+7.1f} ms  over plain "
          f"({m['cache hit'] / plain:.2f}x; the kept pipelines differ from -Oz's: cheaper or dearer to run)")
    overhead, files = m["same pipeline"]
    if overhead is not None:
        print(f"  cache hit, kept default<Oz> {overhead * 1000:+7.1f} ms  over plain, on the {files} files whose "
              "kept pipeline is -Oz's own: the plugin's cost (target <= 10 ms)")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--bzip2", type=Path, help="an unpacked bzip2 source tree (default: apt-get source)")
    parser.add_argument("--autotools", metavar="PACKAGE", default="grep",
                        help="a Debian autotools package of >= 50 C files not in the corpus (default grep)")
    parser.add_argument("--only", choices=("cmake", "bzip2", "autotools"), help="one project only")
    parser.add_argument("--engine", default=DEFAULT_ENGINE, help=f"PASSLM_ENGINE (default {DEFAULT_ENGINE})")
    parser.add_argument("--k", default=str(DEFAULT_K), help="PASSLM_K, candidates per module: one, or a list to "
                                                         f"time each in turn (default {DEFAULT_K}, the plugin's)")
    parser.add_argument("--no-guard", action="store_true", help="PASSLM_GUARD=0: run the first candidate unmeasured")
    parser.add_argument("--variants", default=",".join(VARIANTS),
                        help=f"which builds to time (default all: {','.join(VARIANTS)}; (a) is always timed)")
    parser.add_argument("--units", type=int, default=5, metavar="REPS",
                        help="runs per file of the per-translation-unit costs on bzip2 (0: skip them)")
    args = parser.parse_args(argv)
    try:
        ks = [int(k) for k in args.k.split(",")]
    except ValueError:
        parser.error(f"--k: a number or a comma-separated list of numbers, not {args.k!r}")
    clang, plugin = passlm.paths.llvm_tool("clang"), str(passlm.paths.plugin_path())
    variants = [v.strip() for v in args.variants.split(",") if v.strip()]
    unknown = set(variants) - set(VARIANTS)
    if unknown:
        parser.error(f"--variants: unknown {', '.join(sorted(unknown))} (known: {', '.join(VARIANTS)})")
    results, units = {}, None
    with tempfile.TemporaryDirectory(prefix="plsbench") as tmp:
        work, runtime = Path(tmp) / "work", Path(tmp) / "run"
        runtime.mkdir(mode=0o700)
        projects = []
        if args.only in (None, "cmake"):
            projects.append(CMakeProject(work, clang))
        bzip2 = args.bzip2 or (fetch_bzip2() if args.only in (None, "bzip2") or args.units else None)
        if args.only in (None, "bzip2"):
            projects.append(Bzip2(work, clang, bzip2))
        if args.only in (None, "autotools"):
            projects.append(Autotools(work, clang, fetch_upstream(args.autotools)))
        for k in ks:
            # The compilers run in the build's folders: a relative engine file is made absolute here.
            settings = {"PASSLM_ENGINE": resolve_spec(args.engine), "PASSLM_K": str(k), "PASSLM_GUARD": "0" if args.no_guard else "1"}
            for project in projects:
                shutil.rmtree(project.work, ignore_errors=True)
                results[project.name, k] = measure(project, args.reps, plugin, runtime, settings, variants)
        if args.units:
            units = unit_costs(bzip2, clang, plugin, runtime, args.units)
    print(f"\nmedian of {args.reps} full builds (make -j2 after a clean), seconds and ratio to (a); plugin with "
          f"{args.engine}, guard {'off' if args.no_guard else 'on'}; size: the objects of (c) against (a)'s:")
    shown = [v for v in VARIANTS if v in next(iter(results.values()))[0]] if results else []
    print(f"{'project':<40}{'k':>3}" + "".join(f"{LABELS[v]:>28}" for v in shown) + f"{'size':>10}")
    for (name, k), (medians, sizes, _) in results.items():
        a = medians["a"]
        size = f"{(1 - sizes['c'] / sizes['a']) * 100:+9.2f}%" if "c" in sizes else ""
        print(f"{name:<40}{k:>3}" + "".join(f"{medians[v]:>18.2f} s {medians[v] / a:>6.2f}x" for v in shown) + size)
    print("\nwhere the plugin's time went in the first (c) and (d) builds, summed over their modules (PASSLM_DEBUG;\n"
          "with make -j2 two compilers overlap): asking the engine, measuring (the guard's trials), running the kept "
          "pipeline")
    for (name, k), (_, _, phases) in results.items():
        for v in ("c", "d"):
            f = phases.get(v)
            if f:
                print(f"{name:<40}{k:>3} ({v}) {f['modules']:>4} modules: engine {f['engine']:6.2f} s, guard "
                      f"{f['guard']:6.2f} s ({f['trials']} trials), kept pipeline {f['final']:6.2f} s")
    print("targets: (c) <= 2.5x (a) and (d) <= 1.15x (a) on the autotools package; (d) <= 1.1x (a) on bzip2")
    if units:
        print_unit_costs("bzip2", units)
    return 0


if __name__ == "__main__":
    sys.exit(main())
