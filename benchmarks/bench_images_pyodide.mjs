// Runs benchmarks/bench_images.py inside Pyodide (node: the same V8 and wasm
// engine as Chromium's worker), with the pinned Pyodide from node_modules and
// numpy from the wheelhouse build.py uses.
//
//   node benchmarks/bench_images_pyodide.mjs [bench_images.py arguments]
//
// $PYODIDE_WHEELHOUSE (default ../shared/pyodide-wheels/<version>) holds the numpy wheel.
import { readFileSync, readdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const pyodideDir = join(root, "node_modules", "pyodide");
const version = JSON.parse(readFileSync(join(pyodideDir, "package.json"), "utf8")).version;
const wheels = process.env.PYODIDE_WHEELHOUSE || join(root, "..", "shared", "pyodide-wheels", version);
const numpy = readdirSync(wheels).find((f) => f.startsWith("numpy-") && f.endsWith(".whl"));
if (!numpy) throw new Error(`no numpy wheel in ${wheels}`);

const { loadPyodide } = await import(join(pyodideDir, "pyodide.mjs"));
const py = await loadPyodide({ indexURL: pyodideDir + "/", stdout: (s) => console.log(s), stderr: (s) => console.error(s) });
await py.loadPackage(join(wheels, numpy), { messageCallback: () => {} });
py.FS.mkdir("/repo");
py.FS.mount(py.FS.filesystems.NODEFS, { root }, "/repo");
py.globals.set("argv", py.toPy(process.argv.slice(2)));
py.runPython(`
import runpy, sys
sys.argv = ["bench_images.py", *argv]
runpy.run_path("/repo/benchmarks/bench_images.py", run_name="__main__")
`);
