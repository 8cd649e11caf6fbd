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
the course package is loaded when the kernel starts (no `%pip install` cell). The notebooks are
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
    for name, (path, item) in extra.items():
        shutil.copy(path, target / path.name)
        shipped[name] = {"name": name, "version": path.name.split("-")[1], "file_name": path.name,
                         "install_dir": "site", "sha256": sha256(path), "package_type": "package",
                         "imports": item["imports"], "depends": item["depends"], "unvendored_tests": False}
    for name, entry in shipped.items():
        missing = [d for d in entry["depends"] if normal(d) not in shipped]
        if missing:
            sys.exit(f"build_lite: {name} depends on {missing}, which the site does not ship")
    lock = {"info": official["info"], "packages": dict(sorted(shipped.items()))}
    (target / "pyodide-lock.json").write_text(json.dumps(lock, indent=1))
    return lock


def contents(folder):
    """The course's notebooks in notebooks/, as in the repository, with the Pyodide kernel as theirs."""
    (folder / "notebooks").mkdir(parents=True)
    for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        notebook = json.loads(path.read_text(encoding="utf-8"))
        notebook["metadata"]["kernelspec"] = KERNEL
        (folder / "notebooks" / path.name).write_text(json.dumps(notebook, ensure_ascii=False, indent=1),
                                                      encoding="utf-8")


def main():
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
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    print(f"built {out}: {sum(1 for p in out.rglob('*') if p.is_file())} files, {size / 2**20:.0f} MiB, "
          f"{len(lock['packages'])} Python packages")


if __name__ == "__main__":
    main()
