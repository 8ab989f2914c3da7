// Run a Python script of this repo in Pyodide under Node.js (numpy from the
// shared wheelhouse), to measure what the browser's worker would see:
//   node benchmarks/pyodide_node.mjs benchmarks/bench_compare.py [args...]
import { loadPyodide } from '../node_modules/pyodide/pyodide.mjs';
import { readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const wheels = process.env.PYODIDE_WHEELHOUSE || resolve(root, '../shared/pyodide-wheels/0.27.7');
const [script, ...args] = process.argv.slice(2);
const pyodide = await loadPyodide({ indexURL: join(root, 'node_modules/pyodide') + '/' });
const numpy = readdirSync(wheels).find((f) => f.startsWith('numpy-'));
await pyodide.loadPackage(join(wheels, numpy));
pyodide.FS.mkdirTree('/repo');
pyodide.FS.mount(pyodide.FS.filesystems.NODEFS, { root }, '/repo');
pyodide.globals.set('argv', pyodide.toPy(['/repo/' + script, ...args]));
pyodide.runPython(`import runpy, sys\nsys.path.insert(0, '/repo')\nsys.argv = list(argv)\nrunpy.run_path(sys.argv[0], run_name='__main__')`);
