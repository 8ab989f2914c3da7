// A classic script for a page's <head>, before BokehJS: it starts the lab's
// worker at once, so Python boots while the browser is still loading and
// running BokehJS and the page's modules. Messages that arrive before the
// page's LabClient takes the worker over are kept and handed to it then
// (LabClient.start() looks for window.ganlabEarlyWorker).
(() => {
  if (window.ganlabRedirecting) return;   // embed/redirect.js is leaving for embed.html
  const url = new URL('worker/worker.js', document.baseURI).href;
  const worker = new Worker(url, { type: 'module' });
  const early = { url, worker, queued: [], taken: false };
  worker.onmessage = (event) => early.queued.push(event);
  worker.onerror = (event) => {
    event.preventDefault?.();
    early.queued.push(event);
  };
  window.ganlabEarlyWorker = early;
})();
