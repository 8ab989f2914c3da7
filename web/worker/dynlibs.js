// numpy's compiled extension modules (.so side modules), loaded so that a
// memory snapshot can be restored later.
//
// A side module keeps its state in wasm memory (which a snapshot holds) at an
// address and table slots picked when it is first loaded (which it does not).
// So the first boot loads every extension module itself, each with a handle
// of its own in wasm memory where the loader records those addresses. After a
// restore the same handles still hold them: loading the modules again in the
// same order, through those handles, puts their code at the same table slots
// and addresses; the bytes the new instances wrote over their memory are then
// put back from the snapshot.

const FLAGS = { loadAsync: true, global: false, nodelete: true, allowUndefined: true };

/** Paths of every .so file under `folder` in Pyodide's file system, in a fixed order. */
export function findSharedLibraries(FS, folder) {
  const found = [];
  const walk = (dir) => {
    for (const name of FS.readdir(dir).sort()) {
      if (name === '.' || name === '..') continue;
      const path = `${dir}/${name}`;
      if (FS.isDir(FS.stat(path).mode)) walk(path);
      else if (name.endsWith('.so')) found.push(path);
    }
  };
  walk(folder);
  return found;
}

/** First boot: load each library through a fresh handle. Returns the records restoreLibraries needs. */
export async function loadLibraries(Module, paths) {
  const libs = [];
  for (const path of paths) {
    const handle = Module._calloc(64, 1);   // emscripten's struct dso is smaller; never freed
    await Module.loadDynamicLibrary(path, { ...FLAGS, fs: Module.FS }, {}, handle);
    libs.push({ path, handle });
  }
  return libs;
}

/** Just before the snapshot: where each library lives, and the handles Python's
 *  own dlopen made for it (they must find the library again after a restore). */
export function describeLibraries(Module, libs) {
  const byHandle = Module.LDSO.loadedLibsByHandle;
  return libs.map(({ path, handle }) => {
    const dso = byHandle[handle];
    return {
      path,
      handle,
      memoryBase: Module.HEAPU32[(handle + 12) >> 2],
      memorySize: Module.HEAP32[(handle + 16) >> 2],
      aliases: Object.keys(byHandle).map(Number).filter((h) => h !== handle && byHandle[h] === dso),
    };
  });
}

/** After a restore: load the libraries again at their old places, keeping the memory the snapshot gave them. */
export async function restoreLibraries(Module, libs) {
  for (const lib of libs) {
    const kept = Module.HEAPU8.slice(lib.memoryBase, lib.memoryBase + lib.memorySize);
    await Module.loadDynamicLibrary(lib.path, { ...FLAGS, fs: Module.FS }, {}, lib.handle);
    Module.HEAPU8.set(kept, lib.memoryBase);
    const dso = Module.LDSO.loadedLibsByHandle[lib.handle];
    if (!dso) throw new Error(`${lib.path} did not load`);
    for (const alias of lib.aliases) Module.LDSO.loadedLibsByHandle[alias] = dso;
  }
}
