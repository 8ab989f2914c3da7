// The service worker: after the first visit the site works offline.
//
// build.py stamps BUILD_ID with a hash of every file of the build, so each
// deploy changes this file's bytes; the browser then installs the new worker,
// which fills a cache of its own (named after the build) from the list in
// build-info.json, and on activation deletes the caches of older builds. A
// page keeps the files of the build it started with: the new worker takes over
// when the page asks it to (the "new version" link) or on the next visit.

const BUILD_ID = '__GANLAB_BUILD_ID__';
const PREFIX = 'ganlab-';
const CACHE = PREFIX + BUILD_ID;

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const info = await (await fetch('build-info.json', { cache: 'no-store' })).json();
    if (info.build_id !== BUILD_ID) throw new Error('build-info.json belongs to another build');
    const cache = await caches.open(CACHE);
    // no-cache: revalidate with the server, so a stale HTTP-cached file from an
    // older deploy never lands in this build's cache
    await cache.addAll(['./', ...info.files].map((file) => new Request(file, { cache: 'no-cache' })));
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith(PREFIX) && name !== CACHE) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

self.addEventListener('message', (event) => {
  if (event.data === 'skip-waiting') self.skipWaiting();
});

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET' || new URL(request.url).origin !== self.location.origin) return;
  event.respondWith((async () => {
    const cache = await caches.open(CACHE);
    // ignoreSearch: the worker asks for the wheel with a ?v= cache-buster
    const hit = await cache.match(request, { ignoreSearch: true });
    return hit || fetch(request);
  })());
});
