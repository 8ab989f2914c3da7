// Boots Python for the worker: Pyodide from this site's pyodide/ folder, numpy
// and the ganlab_wasm wheel unpacked straight into site-packages (no micropip),
// and the modules the session needs imported.
//
// Two ways to get there:
//   fresh     the interpreter starts from nothing; numpy's extension modules
//             are loaded through handles of our own (dynlibs.js), and once
//             everything is imported a memory snapshot is taken and stored
//             (snapshot-store.js) for the next visit
//   snapshot  a stored snapshot of this very build is restored: no Python
//             start-up, no unpacking, no imports. Anything wrong with it
//             (missing parts, another build, a failed check) drops it and
//             boots fresh instead.
// Pyodide marks memory snapshots experimental; the fresh path never depends on one.

import { loadPyodide } from '../pyodide/pyodide.mjs';
import { describeLibraries, findSharedLibraries, loadLibraries, restoreLibraries } from './dynlibs.js';
import { dropSnapshots, packFiles, readSnapshot, snapshotStorageAvailable, unpackFiles, writeSnapshot } from './snapshot-store.js';

const here = (path) => new URL(`../${path}`, import.meta.url).href;
const SITE = here('');
const SITE_PACKAGES = '/lib/python3.12/site-packages';
// Imported before the snapshot, so a restored interpreter has them ready.
const IMPORTS = 'import numpy, numpy.linalg, numpy.random, ganlab_wasm, ganlab_wasm.session';
const CHECK = `import sys, numpy
assert 'ganlab_wasm.session' in sys.modules
assert float(numpy.linalg.norm(numpy.ones(4))) == 2.0
assert numpy.random.default_rng(0).normal(size=3).shape == (3,)`;

async function fetchOk(url, init) {
  const response = await fetch(url, init);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return response;
}

const bytesOf = async (url) => new Uint8Array(await (await fetchOk(url)).arrayBuffer());
const quiet = { stdout: () => {}, stderr: (text) => console.warn(text) };

/** Fresh start. With `makeSnapshot`, also returns what a snapshot needs (call take() once imported). */
async function bootFresh(info, progress, makeSnapshot) {
  // build-info.json names the wheels; their sha256 in the query string defeats stale caches
  const numpyWheel = bytesOf(`${here(info.numpy_wheel)}?v=${info.numpy_wheel_sha256.slice(0, 16)}`);
  const coreWheel = bytesOf(`${here(info.wheel)}?v=${info.wheel_sha256.slice(0, 16)}`);
  numpyWheel.catch(() => {});   // errors surface where they are awaited
  coreWheel.catch(() => {});
  const pyodide = await loadPyodide({ indexURL: here('pyodide/'), _makeSnapshot: makeSnapshot, ...quiet });
  progress('numpy', 0.7, 'Unpacking numpy…');
  pyodide.unpackArchive(await numpyWheel, 'zip', { extractDir: SITE_PACKAGES });
  const libs = await loadLibraries(pyodide._module, findSharedLibraries(pyodide.FS, `${SITE_PACKAGES}/numpy`));
  progress('package', 0.85, `Installing ${info.wheel}…`);
  pyodide.unpackArchive(await coreWheel, 'zip', { extractDir: SITE_PACKAGES });
  pyodide.runPython(IMPORTS);
  return { pyodide, libs };
}

/** A snapshot of this interpreter as it is now, for writeSnapshot(). */
function takeSnapshot(pyodide, libs, info) {
  // Garbage collection walks every object, numpy's too, and numpy's code is
  // not loaded yet when a restored interpreter finishes its own start-up:
  // the snapshot is taken with the collector off, and restore() turns it on.
  pyodide.runPython('import gc; gc.collect(); gc.disable()');
  try {
    const files = packFiles(pyodide.FS, SITE_PACKAGES);
    const heap = pyodide.makeMemorySnapshot();
    const meta = {
      buildId: info.build_id,
      heapBytes: heap.length,
      filesBytes: files.bytes.length,
      files: files.rows,
      libs: describeLibraries(pyodide._module, libs),
    };
    return { meta, heap, files: files.bytes };
  } finally {
    pyodide.runPython('gc.enable()');
  }
}

async function bootFromSnapshot(info, stored, progress) {
  const { meta } = stored;
  if (meta.buildId !== info.build_id) throw new Error('the stored snapshot belongs to another build');
  const pyodide = await loadPyodide({ indexURL: here('pyodide/'), _loadSnapshot: stored.heap, ...quiet });
  progress('numpy', 0.7, 'Restoring numpy…');
  unpackFiles(pyodide.FS, meta.files, await stored.files);
  await restoreLibraries(pyodide._module, meta.libs);
  pyodide.runPython('import gc; gc.enable()');
  progress('package', 0.9, 'Checking the restored interpreter…');
  pyodide.runPython(CHECK);
  return pyodide;
}

/**
 * Boot; `progress(stage, fraction, message)` reports the stages.
 * Resolves with {pyodide, info, bootMs, boot: {path: 'fresh'|'snapshot', snapshot: what became of it},
 * saved: Promise that settles once a new snapshot is stored (or was not)}.
 */
export async function bootPython(progress, { useSnapshot = true } = {}) {
  const started = performance.now();
  progress('interpreter', 0, 'Starting Python…');
  const info = await (await fetchOk(here('build-info.json'), { cache: 'no-cache' })).json();
  const canStore = useSnapshot && snapshotStorageAvailable();
  const done = (pyodide, boot, saved = Promise.resolve(boot.snapshot)) => ({
    pyodide, info, boot, saved, bootMs: Math.round(performance.now() - started),
  });

  let failure = null;
  if (canStore) {
    try {
      const stored = await readSnapshot(SITE, info.build_id);
      if (stored) {
        progress('interpreter', 0.1, 'Restoring Python from the last visit…');
        return done(await bootFromSnapshot(info, stored, progress), { path: 'snapshot', snapshot: 'used' });
      }
    } catch (error) {
      failure = error;
      console.warn(`GAN Lab: the stored Python snapshot could not be used (${error.message}); starting afresh`);
      await dropSnapshots(SITE).catch(() => {});
    }
  }

  const { pyodide, libs } = await bootFresh(info, progress, canStore);
  const boot = { path: 'fresh', snapshot: canStore ? 'saving' : 'unavailable' };
  if (failure) boot.failure = failure.message;
  let saved = Promise.resolve(boot.snapshot);
  if (canStore) {
    try {
      const snapshot = takeSnapshot(pyodide, libs, info);
      saved = writeSnapshot(SITE, info.build_id, snapshot).then(() => 'saved', (error) => `not saved: ${error.message}`);
    } catch (error) {
      // e.g. a JS object Python holds cannot go into a snapshot: the next visit boots fresh too
      saved = Promise.resolve(`not made: ${error.message}`);
    }
  }
  return done(pyodide, boot, saved);
}
