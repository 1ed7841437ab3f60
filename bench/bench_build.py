"""Whole builds with the plugin: what the server and its cache save.

Full build time (`make -j2` after a clean, configure excluded) of two projects:

- `examples/cmake_project` (5 small C files, CMake);
- bzip2 1.0.8 from Debian 12 (9 C files, its own Makefile; `make test` checks
  the programs after every build).

Each with:

  (a) plain `clang-19 -Oz`;
  (b) the plugin, engine in-process (`PASSLM_SERVER=off`: every compiler loads torch and the model);
  (c) the plugin with a cold server (none running, empty cache: the first compiler starts it);
  (d) the plugin with a warm cache (the server of (c) still running; a clean rebuild);
  (e) the plugin with a warm cache but no server running (it starts again and loads no model).

The engine is the default (`model:default`, k=4, guard on; `--k`, `--no-guard`) on the CPU. Every
variant runs `--reps` times (default 3; (c) with a new empty cache and no
server each time) and the medians are compared with (a) of the same run.
Targets: (d) at most 1.3x (a), (c) at most 3x (a).

    .venv/bin/python bench/bench_build.py [--reps 3] [--bzip2 SRC_DIR]

Without --bzip2 the source package is fetched with `apt-get source` (needs a
deb-src entry: passlm data does the same) into ~/.cache/passlm/bench-src.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import passlm.paths

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

    def build(self, build: Path, env) -> None:
        sh(["cmake", "--build", build, "--", "-j2"], env)

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

    def _make(self, build: Path, targets, env, jobs=True):
        flags = f"-Wall {self.cflags[build]} -D_FILE_OFFSET_BITS=64"
        sh(["make", *(["-j2"] if jobs else []), f"CC={self.clang}", f"CFLAGS={flags}", *targets], env, cwd=build)

    def clean(self, build: Path, env) -> None:
        self._make(build, ["clean"], env, jobs=False)

    def build(self, build: Path, env) -> None:
        self._make(build, self.TARGETS, env)

    def check(self, build: Path, env) -> None:
        self._make(build, ["test"], env, jobs=False)  # compresses and compares the sample files


def fetch_bzip2() -> Path:
    from passlm.data import debian

    work = Path(os.path.expanduser("~")) / ".cache" / "passlm" / "bench-src"
    debian.ensure_deb_src(print)
    package = debian.resolve(["bzip2"], print)["bzip2"]
    dsc = debian.fetch(package, package.candidate, work, print)
    return debian.extract(dsc, work / "src" / dsc.stem, print)


def stop_server(env) -> None:
    subprocess.run([sys.executable, "-m", "passlm.server", "--stop"], env=env, capture_output=True)


def measure(project, reps: int, plugin: str, runtime: Path, settings: dict) -> dict:
    base = {k: v for k, v in os.environ.items() if not k.startswith("PASSLM_")}
    base.update(XDG_RUNTIME_DIR=str(runtime), **settings)
    plugin_flags = f"-Oz -fpass-plugin={plugin}"
    builds = {"a": project.configure("a", "-Oz", base)}
    for v in VARIANTS[1:]:
        builds[v] = project.configure(v, plugin_flags, base)
    times = {v: [] for v in VARIANTS}

    def timed(variant, env):
        project.clean(builds[variant], env)
        start = time.perf_counter()
        project.build(builds[variant], env)
        times[variant].append(time.perf_counter() - start)
        project.check(builds[variant], env)

    for rep in range(reps):
        cache = runtime / f"cache-{project.__class__.__name__}-{rep}.sqlite3"
        served = {**base, "PASSLM_CACHE": str(cache)}
        timed("a", base)
        timed("b", {**base, "PASSLM_SERVER": "off"})
        stop_server(base)
        timed("c", served)  # no server, empty cache
        timed("d", served)  # the server of (c), its cache
        stop_server(base)
        timed("e", served)  # the cache, no server
        stop_server(base)
        print(f"  {project.name} rep {rep + 1}: " + ", ".join(f"{v} {times[v][-1]:.2f} s" for v in VARIANTS),
              flush=True)
    return {v: statistics.median(t) for v, t in times.items()}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--bzip2", type=Path, help="an unpacked bzip2 source tree (default: apt-get source)")
    parser.add_argument("--only", choices=("cmake", "bzip2"), help="one project only")
    parser.add_argument("--k", type=int, default=4, help="PASSLM_K, candidates per module (default 4)")
    parser.add_argument("--no-guard", action="store_true", help="PASSLM_GUARD=0: run the first candidate unmeasured")
    args = parser.parse_args(argv)
    settings = {"PASSLM_K": str(args.k), "PASSLM_GUARD": "0" if args.no_guard else "1"}
    clang, plugin = passlm.paths.llvm_tool("clang"), str(passlm.paths.plugin_path())
    results = {}
    with tempfile.TemporaryDirectory(prefix="plsbench") as tmp:
        work, runtime = Path(tmp) / "work", Path(tmp) / "run"
        runtime.mkdir(mode=0o700)
        projects = []
        if args.only != "bzip2":
            projects.append(CMakeProject(work, clang))
        if args.only != "cmake":
            projects.append(Bzip2(work, clang, args.bzip2 or fetch_bzip2()))
        for project in projects:
            results[project.name] = measure(project, args.reps, plugin, runtime, settings)
    print(f"\nmedian of {args.reps} full builds (make -j2 after a clean), seconds and ratio to (a); plugin with "
          f"model:default, k={args.k}, guard {'off' if args.no_guard else 'on'}:")
    print(f"{'project':<26}" + "".join(f"{LABELS[v]:>28}" for v in VARIANTS))
    for name, medians in results.items():
        a = medians["a"]
        print(f"{name:<26}" + "".join(f"{medians[v]:>18.2f} s {medians[v] / a:>6.2f}x" for v in VARIANTS))
    print("targets: (d) <= 1.3x (a); (c) <= 3x (a)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
