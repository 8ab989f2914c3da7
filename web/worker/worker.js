// The GAN Lab worker: boots Python (boot.js: Pyodide from this site's own
// pyodide/ folder, numpy and the ganlab_wasm wheel unpacked into site-packages,
// or a memory snapshot of all that from the last visit), then hands over to
// runSession().
//
// Start it as a module worker:  new Worker('worker/worker.js', {type: 'module'})
// Messages it posts while booting:
//   {type: 'progress', stage: 'interpreter'|'numpy'|'package'|'ready', fraction: 0..1, message}
//     the 'ready' one also has boot: {path: 'fresh'|'snapshot', snapshot, failure?}
//   {type: 'snapshot', state: 'saved'|'not saved: …'|…}   after a fresh boot, once the snapshot is stored
//   {type: 'fatal', message}            boot failed; the worker is of no further use
// Every URL is relative to this file, so the site works under any sub-path.
// `?snapshot=0` on the worker's URL boots fresh and stores nothing.

import { bootPython } from './boot.js';
import { runSession } from './session.js';

function progress(stage, fraction, message, extra = {}) {
  postMessage({ type: 'progress', stage, fraction, message, ...extra });
}

async function boot() {
  const useSnapshot = new URL(import.meta.url).searchParams.get('snapshot') !== '0';
  const booted = await bootPython(progress, { useSnapshot });
  const how = booted.boot.path === 'snapshot' ? ', from the last visit\'s snapshot' : '';
  progress('ready', 1, `Ready (${booted.bootMs} ms${how})`, { boot: booted.boot });
  booted.saved.then((state) => postMessage({ type: 'snapshot', state }));
  return { pyodide: booted.pyodide, bootMs: booted.bootMs, buildInfo: booted.info };
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
