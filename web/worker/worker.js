// The GAN Lab worker: boots Pyodide from this site's own pyodide/ folder, loads
// numpy and micropip from the local (trimmed) lock file, installs the ganlab_wasm
// wheel named in build-info.json, then hands over to startSession().
//
// Start it as a module worker:  new Worker('worker/worker.js', {type: 'module'})
// Messages it posts while booting:
//   {type: 'progress', stage: 'interpreter'|'numpy'|'package'|'ready', fraction: 0..1, message}
//   {type: 'fatal', message}            boot failed; the worker is of no further use
// Every URL is relative to this file, so the site works under any sub-path.

import { loadPyodide } from '../pyodide/pyodide.mjs';
import { runSession } from './session.js';

// this file lives in worker/; the site's root is one folder up
const here = (path) => new URL(`../${path}`, import.meta.url).href;

function progress(stage, fraction, message) {
  postMessage({ type: 'progress', stage, fraction, message });
}

async function fetchOk(url, init) {
  const response = await fetch(url, init);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return response;
}

// build-info.json names the wheel; its sha256 in the query string defeats stale caches.
async function fetchWheel() {
  const info = await (await fetchOk(here('build-info.json'), { cache: 'no-cache' })).json();
  const url = `${here(info.wheel)}?v=${info.wheel_sha256.slice(0, 16)}`;
  const bytes = new Uint8Array(await (await fetchOk(url)).arrayBuffer());
  return { info, bytes };
}

async function boot() {
  const started = performance.now();
  progress('interpreter', 0, 'Starting Python…');
  const wheel = fetchWheel();  // in parallel with the interpreter boot
  wheel.catch(() => {});       // its error surfaces below, where it is awaited

  // `packages` lets Pyodide fetch numpy and micropip while the interpreter
  // starts; the 'numpy' stage is reported once the interpreter is up and the
  // packages are being unpacked.
  const pyodide = await loadPyodide({
    indexURL: here('pyodide/'),
    packages: ['numpy', 'micropip'],
    stdout: () => {},
    stderr: (text) => console.warn(text),
  });
  progress('numpy', 0.8, 'numpy loaded');

  const { info, bytes } = await wheel;
  progress('package', 0.9, `Installing ${info.wheel}…`);
  const path = `/tmp/${info.wheel}`;
  pyodide.FS.writeFile(path, bytes);
  // deps=False: numpy is already loaded, and nothing may be fetched from PyPI.
  await pyodide.runPythonAsync(
    `import micropip\nawait micropip.install(${JSON.stringify('emfs:' + path)}, deps=False)\ndel micropip`,
  );
  pyodide.FS.unlink(path);

  const bootMs = Math.round(performance.now() - started);
  progress('ready', 1, `Ready (${bootMs} ms)`);
  return { pyodide, bootMs, buildInfo: info };
}

function startSession(pyodide, boot) {
  runSession(pyodide, boot);
}

function fatal(error) {
  const message = (error && error.stack) || String(error);
  postMessage({ type: 'fatal', message });
}

boot()
  .then(({ pyodide, ...rest }) => startSession(pyodide, rest))
  .catch(fatal);
