"""Build the browser edition: a static JupyterLite site that runs the course in Pyodide, offline.

    python tools/build_lite.py [--out build/lite] [--cache .lite-cache]

Everything comes from the package registries (PyPI and npm), pinned in `lite/`, and every file
that reaches the site is checked:
- the build tools (jupyterlite-core, its Pyodide kernel, the widget manager) are installed from
  `lite/requirements.txt` into a virtual environment of their own under the cache folder;
- Pyodide's runtime is the npm package named in `lite/pyodide.json`, checked against npm's
  integrity hash written there; its official `pyodide-lock.json` lists the sha256 of every
  package of that release;
- the Pyodide packages the course needs (numpy, matplotlib, IPython …, and what they depend on)
  are taken from a PyPI wheel that carries that release's files, and each one must match the
  official lock's sha256, so they are Pyodide's own files, byte for byte;
- comm, ipywidgets and tqdm are pure-Python wheels from PyPI, checked against `lite/pyodide.json`;
- the course itself is built from this checkout as a wheel.

The site's lock lists only what is shipped, so the kernel never reaches for a CDN or PyPI, and
the course package is loaded when the kernel starts (no `%pip install` cell). So are the packages
the kernel itself installs one by one at start (`kernel` in `lite/pyodide.json`): Pyodide then
fetches and installs everything in one go. Pyodide ships Python sources only, which every page
load compiles again; the build adds bytecode, compiled by a CPython of the site's Python version,
to the standard library and to the packages started with the kernel (`bytecode`), keeping their
sources, and matplotlib's font list (which it would otherwise make at every page load). Those
files, like the course wheel, are made here and the lock carries their sha256. The notebooks are
copied with the Pyodide kernel's name as their kernel. The output folder is a static site: serve
it with any web server (`python -m http.server -d build/lite`) and open
`lab/index.html?path=notebooks/00_index.ipynb`.
"""

import argparse
import base64
import hashlib
import json
import pathlib
import re
import shutil
import subprocess
import sys
import tarfile
import warnings
import zipfile

ROOT = pathlib.Path(__file__).resolve().parents[1]
LITE = ROOT / "lite"
KERNEL = {"name": "python", "display_name": "Python (Pyodide)", "language": "python"}
SETTINGS = "@jupyterlite/pyodide-kernel-extension:kernel"


def run(*command, **options):
    print("+", " ".join(map(str, command)), flush=True)
    subprocess.run([str(c) for c in command], check=True, **options)


def sha256(path):
    return hashlib.sha256(pathlib.Path(path).read_bytes()).hexdigest()


def checked(path, expected, what):
    actual = sha256(path)
    if actual != expected:
        sys.exit(f"build_lite: {what}: sha256 {actual} is not the expected {expected}; refusing to ship it")
    return path


def tools(cache):
    """The build tools' virtual environment (made once, remade when lite/requirements.txt changes)."""
    env = cache / "venv"
    stamp = env / "requirements.sha256"
    wanted = sha256(LITE / "requirements.txt")
    if not (stamp.exists() and stamp.read_text() == wanted):
        shutil.rmtree(env, ignore_errors=True)
        run(sys.executable, "-m", "venv", env)
        run(env / "bin" / "pip", "install", "-q", "-r", LITE / "requirements.txt")
        stamp.write_text(wanted)
    return env


def runtime(spec, cache):
    """Pyodide's npm tarball, checked against npm's integrity hash: name → bytes of its package/ files."""
    folder = cache / "npm"
    folder.mkdir(parents=True, exist_ok=True)
    name, version = spec["npm"].rsplit("@", 1)
    tarball = folder / f"{name}-{version}.tgz"
    if not tarball.exists():
        run("npm", "pack", spec["npm"], "--silent", "--pack-destination", folder)
    algorithm, digest = spec["integrity"].split("-", 1)
    if base64.b64encode(hashlib.new(algorithm, tarball.read_bytes()).digest()).decode() != digest:
        sys.exit(f"build_lite: {tarball.name} does not match npm's integrity {spec['integrity']}")
    with tarfile.open(tarball) as archive:
        return {member.name.removeprefix("package/"): archive.extractfile(member).read()
                for member in archive.getmembers() if member.isfile()}


def wheel(env, requirement, expected, cache):
    """A wheel from PyPI (no dependencies), checked against its sha256."""
    folder = cache / "wheels"
    name = requirement.split("==")[0].replace("-", "_").lower()
    version = requirement.split("==")[1]
    found = [p for p in folder.glob("*.whl") if p.name.lower().startswith(f"{name}-{version}-")] \
        if folder.exists() else []
    if not found:
        run(env / "bin" / "pip", "download", "-q", "--no-deps", "--only-binary=:all:", "-d", folder, requirement)
        found = [p for p in folder.glob("*.whl") if p.name.lower().startswith(f"{name}-{version}-")]
    return checked(found[0], expected, requirement)


def course_wheel(env, cache):
    """The course package, built from this checkout."""
    folder = cache / "course"
    shutil.rmtree(folder, ignore_errors=True)
    run(env / "bin" / "pip", "wheel", "-q", "--no-deps", "-w", folder, ROOT)
    (built,) = folder.glob("rugged-*.whl")
    return built


def normal(name):
    """A package's name as the lock's keys write it (PEP 503: lower case, runs of -_. as -)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def closure(packages, roots):
    """The packages `roots` need, following the lock's `depends`."""
    seen, todo = set(), list(roots)
    while todo:
        name = normal(todo.pop())
        if name not in seen:
            if name not in packages:
                sys.exit(f"build_lite: {name!r} is not a package of this Pyodide release")
            seen.add(name)
            todo += packages[name]["depends"]
    return sorted(seen)


def pyodide(site, env, spec, cache):
    """site/pyodide: the runtime, the packages the course needs, and a lock that lists only them."""
    files = runtime(spec["runtime"], cache)
    official = json.loads(files["pyodide-lock.json"])
    target = site / "pyodide"
    target.mkdir(parents=True)
    for name in spec["runtime"]["files"]:
        (target / name).write_bytes(files[name])
    source = wheel(env, spec["packages"]["pypi"], spec["packages"]["sha256"], cache)
    shipped = {}
    with zipfile.ZipFile(source) as archive:
        for name in closure(official["packages"], spec["packages"]["ship"]):
            entry = official["packages"][name]
            path = target / entry["file_name"]
            path.write_bytes(archive.read(f"{spec['packages']['folder']}/{entry['file_name']}"))
            checked(path, entry["sha256"], f"Pyodide package {entry['file_name']}")
            shipped[name] = entry
    extra = {name: (wheel(env, item["requirement"], item["sha256"], cache), item)
             for name, item in spec["pure"].items()}
    extra[spec["course"]["name"]] = (course_wheel(env, cache), spec["course"])
    for name, item in spec["kernel"]["wheels"].items():        # the kernel's own, from its labextension
        extra[normal(name)] = (checked(site / spec["kernel"]["folder"] / item["file"], item["sha256"], item["file"]), item)
    for name, (path, item) in extra.items():
        shutil.copy(path, target / path.name)
        shipped[name] = {"name": name, "version": path.name.split("-")[1], "file_name": path.name,
                         "install_dir": "site", "sha256": sha256(path), "package_type": "package",
                         "imports": item["imports"], "depends": item["depends"], "unvendored_tests": False}
    bytecode(target, shipped, official["info"]["python"], spec["bytecode"], cache)
    for name, entry in shipped.items():
        missing = [d for d in entry["depends"] if normal(d) not in shipped]
        if missing:
            sys.exit(f"build_lite: {name} depends on {missing}, which the site does not ship")
    lock = {"info": official["info"], "packages": dict(sorted(shipped.items()))}
    (target / "pyodide-lock.json").write_text(json.dumps(lock, indent=1))
    return lock


def python_for(version):
    """A CPython of the site's Python version (major.minor), to compile its bytecode; None without one."""
    candidates = sorted(pathlib.Path.home().glob(f".pyenv/versions/{version}*/bin/python{version}"), reverse=True)
    candidates += [shutil.which(f"python{version}")]
    for candidate in filter(None, candidates):
        found = subprocess.run([str(candidate), "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
                               capture_output=True, text=True)
        if found.returncode == 0 and found.stdout.strip() == version:
            return candidate
    return None


def compile_jobs(jobs):
    """Run by the site's Python: for each {source, target, kind, prefix}, `target` is `source` plus
    unchecked-hash .pyc files (a wheel: __pycache__/NAME.TAG.pyc, listed in RECORD; the standard
    library's zip: NAME.pyc beside NAME.py, where zipimport looks), compiled as if from `prefix`/path."""
    import importlib._bootstrap_external as bootstrap
    import importlib.util

    tag = sys.implementation.cache_tag
    for job in jobs:
        added = {}
        with zipfile.ZipFile(job["source"]) as source:
            entries = [(info, source.read(info.filename)) for info in source.infolist()]
        for info, data in entries:
            folder, _, name = info.filename.rpartition("/")
            if not name.endswith(".py") or (job["kind"] == "wheel" and ".data/" in info.filename):
                continue
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    code = compile(data, f"{job['prefix']}/{info.filename}", "exec", dont_inherit=True)
            except (SyntaxError, ValueError):
                continue                        # never importable as it is: leave it to fail as it would
            pyc = bootstrap._code_to_hash_pyc(code, importlib.util.source_hash(data), checked=False)
            if job["kind"] == "wheel":
                added[f"{folder + '/' if folder else ''}__pycache__/{name[:-3]}.{tag}.pyc"] = (info, pyc)
            else:
                added[info.filename + "c"] = (info, pyc)
        target = pathlib.Path(job["target"])
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as out:
            for info, data in entries:
                if job["kind"] == "wheel" and info.filename.endswith(".dist-info/RECORD"):
                    data = data + "".join(f"{name},,\n" for name in added).encode()
                out.writestr(info, data)
            for name, (info, pyc) in added.items():
                entry = zipfile.ZipInfo(name, info.date_time)
                entry.external_attr, entry.compress_type = info.external_attr, zipfile.ZIP_DEFLATED
                out.writestr(entry, pyc)


def with_bytecode(python, python_version, files, cache):
    """{path: kind} → {path: the same file with bytecode added}, cached by the source's sha256."""
    folder = cache / "bytecode"
    folder.mkdir(parents=True, exist_ok=True)
    version = subprocess.run([str(python), "-c", "import importlib.util; print(importlib.util.MAGIC_NUMBER.hex())"],
                             capture_output=True, text=True, check=True).stdout.strip()
    done, jobs = {}, []
    for path, kind in files.items():
        target = folder / f"{sha256(path)}-{version}{path.suffix}"
        done[path] = target
        if not target.exists():
            prefix = (f"/lib/python{python_version.replace('.', '')}.zip" if kind == "stdlib"
                      else f"/lib/python{python_version}/site-packages")
            jobs.append({"source": str(path), "target": str(target) + ".part", "kind": kind, "prefix": prefix})
    if jobs:
        print(f"+ compiling the bytecode of {len(jobs)} files with {python}", flush=True)
        subprocess.run([str(python), __file__, "--compile-jobs", "-"], input=json.dumps(jobs), text=True, check=True)
        for job in jobs:
            pathlib.Path(job["target"]).rename(job["target"].removesuffix(".part"))
    return done


def bytecode(target, shipped, python_version, spec, cache):
    """Add bytecode to the standard library and the packages of `spec` in `target`; update their sha256."""
    version = ".".join(python_version.split(".")[:2])
    python = python_for(version)
    if python is None:
        print(f"build_lite: no Python {version} found (pyenv or python{version} on PATH): the site ships "
              f"sources only, and every page load compiles them", flush=True)
        return
    files = {target / "python_stdlib.zip": "stdlib"} if spec["stdlib"] else {}
    unknown = [name for name in spec["packages"] if normal(name) not in shipped]
    if unknown:
        sys.exit(f"build_lite: bytecode for {unknown}, which the site does not ship")
    names = {target / shipped[normal(name)]["file_name"]: normal(name) for name in spec["packages"]}
    files.update(dict.fromkeys(names, "wheel"))
    for path, compiled in with_bytecode(python, version, files, cache).items():
        shutil.copy(compiled, path)
        if path in names:
            shipped[names[path]]["sha256"] = sha256(path)


def kernel_startup(site, spec):
    """The packages the kernel installs one by one at start, checked against its worker's code."""
    listed = json.dumps(spec["startup"], separators=(",", ":"))
    workers = [p for p in (site / spec["folder"]).parent.glob("*.js") if listed in p.read_text(errors="replace")]
    if not workers:
        sys.exit(f"build_lite: the Pyodide kernel no longer installs {listed} at start; update `kernel` "
                 f"in lite/pyodide.json")
    return spec["preload"] + spec["startup"]


# Node runs the site's own Pyodide and imports matplotlib, which writes its font list; this prints it
FONT_LIST_JS = """
const { loadPyodide } = require(process.argv[2] + "/pyodide.js");
(async () => {
  const py = await loadPyodide({ indexURL: process.argv[2] + "/" });
  await py.loadPackage(["matplotlib"], { messageCallback: () => {} });
  process.stdout.write(py.runPython(`
import pathlib
import matplotlib.font_manager as fm
(pathlib.Path(fm.__file__).parent / "fontlist.json").read_text()`));
})();
"""


def font_list(target, lock, cache):
    """Ship matplotlib's font list inside the site's matplotlib package (False without Node).

    The first import of matplotlib lists the fonts it finds and keeps the list; Pyodide's
    matplotlib keeps it beside `font_manager.py`, in the page's memory, so every page load spent
    about 1.5 s listing the same fonts again and printed "Matplotlib is building the font cache"
    under the notebook's first cell. The list depends only on the files of that matplotlib (it
    stores their paths relative to its data folder), so the build makes it once, in Node, with
    the site's own Pyodide and matplotlib, and adds it to the package (its RECORD and the lock's
    sha256 updated).
    """
    if shutil.which("node") is None:
        print("build_lite: no Node: matplotlib will list its fonts at every page load", flush=True)
        return False
    script = cache / "font_list.js"
    script.write_text(FONT_LIST_JS)
    text = subprocess.run(["node", str(script), str(target.resolve())], check=True, capture_output=True,
                          text=True).stdout
    json.loads(text)
    entry = lock["packages"]["matplotlib"]
    add_to_wheel(target / entry["file_name"], "matplotlib/fontlist.json", text.encode())
    entry["sha256"] = sha256(target / entry["file_name"])
    (target / "pyodide-lock.json").write_text(json.dumps(lock, indent=1))
    return True


def add_to_wheel(path, name, data):
    """Add (or replace) one file of a wheel, listing it in the wheel's RECORD."""
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    temporary = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(temporary, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            if info.filename == name:
                continue
            content = source.read(info)
            if info.filename.endswith(".dist-info/RECORD"):
                lines = [line for line in content.decode().splitlines() if line and not line.startswith(name + ",")]
                content = ("\n".join(lines + [f"{name},sha256={digest},{len(data)}"]) + "\n").encode()
            out.writestr(info, content)
        out.writestr(zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), data)
    temporary.replace(path)


def contents(folder):
    """The course's notebooks in notebooks/ (and the Chinese ones in notebooks/zh/), as in the
    repository, with the Pyodide kernel as theirs."""
    for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")) + sorted(
            (ROOT / "notebooks").glob("*/[0-9][0-9]_*.ipynb")):
        target = folder / path.relative_to(ROOT)
        target.parent.mkdir(parents=True, exist_ok=True)
        notebook = json.loads(path.read_text(encoding="utf-8"))
        notebook["metadata"]["kernelspec"] = KERNEL
        target.write_text(json.dumps(notebook, ensure_ascii=False, indent=1), encoding="utf-8")


def main():
    if sys.argv[1:] == ["--compile-jobs", "-"]:     # with_bytecode runs this under the site's Python
        compile_jobs(json.load(sys.stdin))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=pathlib.Path, default=ROOT / "build" / "lite")
    parser.add_argument("--cache", type=pathlib.Path, default=ROOT / ".lite-cache")
    args = parser.parse_args()
    out, cache = args.out.resolve(), args.cache.resolve()
    cache.mkdir(parents=True, exist_ok=True)
    spec = json.loads((LITE / "pyodide.json").read_text())
    env = tools(cache)
    work = cache / "work"
    shutil.rmtree(work, ignore_errors=True)
    contents(work / "contents")
    (work / "lite").mkdir()
    config = {"jupyter-lite-schema-version": 0, "jupyter-config-data": {
        "appName": "rugged · adaptive learning rates",
        "exposeAppInBrowser": True,                     # window.jupyterapp: the browser test drives it
        "litePluginSettings": {SETTINGS: {
            "pyodideUrl": "../pyodide/pyodide.js",      # every app page sits one folder down
            "disablePyPIFallback": True,
            "loadPyodideOptions": {"packages": [spec["course"]["name"]]}}}}}
    (work / "lite" / "jupyter-lite.json").write_text(json.dumps(config, indent=1))
    shutil.rmtree(out, ignore_errors=True)
    run(env / "bin" / "jupyter", "lite", "build", "--lite-dir", work / "lite", "--contents", work / "contents",
        "--output-dir", out, "--apps", "lab", "--no-sourcemaps", "--no-unused-shared-packages",
        cwd=work / "lite")
    lock = pyodide(out, env, spec, cache)       # after the build: a rebuild clears what it did not make
    # the kernel's own start-up packages load with the course's, in one go (see `kernel` in lite/pyodide.json)
    site_config = json.loads((out / "jupyter-lite.json").read_text())
    settings = site_config["jupyter-config-data"]["litePluginSettings"][SETTINGS]
    settings["loadPyodideOptions"]["packages"] = [spec["course"]["name"]] + kernel_startup(out, spec["kernel"])
    font_list(out / "pyodide", lock, cache)
    (out / "jupyter-lite.json").write_text(json.dumps(site_config, indent=2))
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    print(f"built {out}: {sum(1 for p in out.rglob('*') if p.is_file())} files, {size / 2**20:.0f} MiB, "
          f"{len(lock['packages'])} Python packages")


if __name__ == "__main__":
    main()
