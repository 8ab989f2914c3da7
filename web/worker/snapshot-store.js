// Where the interpreter's memory snapshot lives between visits: Cache Storage,
// one entry set per build (keyed by build-info.json's build_id under this
// site's own URL, so two sites on one origin keep apart). Three entries:
//   meta   JSON: what restoring needs (libraries, file list, sizes)
//   heap   the bytes of pyodide.makeMemorySnapshot()
//   files  site-packages' files, concatenated (a snapshot holds memory, not files)
// Saving a build's snapshot deletes those of other builds of this site.
//
// The cache's name must not start with 'ganlab-': sw.js deletes such caches
// when a new service worker takes over.

const CACHE = 'snapshot:ganlab-wasm';

function keys(siteUrl, buildId) {
  const base = new URL(`snapshot/${buildId}/`, siteUrl).href;
  return { meta: `${base}meta.json`, heap: `${base}heap`, files: `${base}files` };
}

/** Whether this context can keep a snapshot at all (Cache Storage needs a secure context). */
export function snapshotStorageAvailable() {
  return typeof caches !== 'undefined' && self.isSecureContext !== false;
}

/** The stored snapshot for this build: {meta, heap (Promise<Uint8Array>), files (Promise<Uint8Array>)} or null. */
export async function readSnapshot(siteUrl, buildId) {
  const cache = await caches.open(CACHE);
  const key = keys(siteUrl, buildId);
  const metaResponse = await cache.match(key.meta);
  if (!metaResponse) return null;
  const meta = await metaResponse.json();
  const body = async (url, size) => {
    const response = await cache.match(url);
    if (!response) throw new Error(`the stored snapshot lacks ${url.split('/').pop()}`);
    const bytes = new Uint8Array(await response.arrayBuffer());
    if (bytes.length !== size) throw new Error(`the stored snapshot's ${url.split('/').pop()} has ${bytes.length} bytes, not ${size}`);
    return bytes;
  };
  const heap = body(key.heap, meta.heapBytes);
  const files = body(key.files, meta.filesBytes);
  heap.catch(() => {});
  files.catch(() => {});
  return { meta, heap, files };
}

/** Store a snapshot for this build and delete every other build's. Resolves when written. */
export async function writeSnapshot(siteUrl, buildId, { meta, heap, files }) {
  const cache = await caches.open(CACHE);
  const key = keys(siteUrl, buildId);
  await dropSnapshots(siteUrl, (url) => !url.startsWith(key.meta.slice(0, -'meta.json'.length)), cache);
  const binary = { 'Content-Type': 'application/octet-stream' };
  await cache.put(key.heap, new Response(heap, { headers: binary }));
  await cache.put(key.files, new Response(files, { headers: binary }));
  // meta last: a snapshot without its meta is never read
  await cache.put(key.meta, new Response(JSON.stringify(meta), { headers: { 'Content-Type': 'application/json' } }));
}

/** Delete this site's stored snapshots (those whose URL `which` accepts; all by default). */
export async function dropSnapshots(siteUrl, which = () => true, cache = null) {
  cache ??= await caches.open(CACHE);
  const prefix = new URL('snapshot/', siteUrl).href;
  for (const request of await cache.keys()) {
    if (request.url.startsWith(prefix) && which(request.url)) await cache.delete(request);
  }
}

/** site-packages as one buffer plus [path, offset, size] rows. */
export function packFiles(FS, folder) {
  const rows = [];
  const parts = [];
  let size = 0;
  const walk = (dir) => {
    for (const name of FS.readdir(dir).sort()) {
      if (name === '.' || name === '..') continue;
      const path = `${dir}/${name}`;
      if (FS.isDir(FS.stat(path).mode)) {
        if (name !== '__pycache__') walk(path);
        continue;
      }
      const data = FS.readFile(path);
      rows.push([path, size, data.length]);
      parts.push(data);
      size += data.length;
    }
  };
  walk(folder);
  const bytes = new Uint8Array(size);
  rows.forEach(([, offset], i) => bytes.set(parts[i], offset));
  return { rows, bytes };
}

export function unpackFiles(FS, rows, bytes) {
  const made = new Set();
  for (const [path, offset, size] of rows) {
    const dir = path.slice(0, path.lastIndexOf('/'));
    if (!made.has(dir)) {
      FS.mkdirTree(dir);
      made.add(dir);
    }
    FS.writeFile(path, bytes.subarray(offset, offset + size));
  }
}
