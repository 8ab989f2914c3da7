// Smoke page: the worker posts {type:'progress'|'ready'|'fatal'}; window.bootLog keeps
// them for tests, each with pageMs = milliseconds since the page was opened.
const bar = document.getElementById('bar');
const status = document.getElementById('status');
const stages = document.getElementById('stages');
window.bootLog = [];

function show(state, text) {
  status.dataset.state = state;
  status.textContent = text;
}

const worker = new Worker(new URL('../worker/worker.js', import.meta.url), { type: 'module' });
worker.addEventListener('message', ({ data }) => {
  window.bootLog.push({ ...data, pageMs: Math.round(performance.now()) });
  if (data.type === 'progress') {
    bar.value = data.fraction;
    const item = document.createElement('li');
    item.textContent = `${data.stage}: ${data.message}`;
    stages.append(item);
  } else if (data.type === 'ready') {
    bar.value = 1;
    show('ready', `ready, ganlab_wasm ${data.version} (page ${Math.round(performance.now())} ms, worker boot ${data.bootMs} ms)`);
  } else if (data.type === 'fatal') {
    show('fatal', `boot failed: ${data.message}`);
  }
});
worker.addEventListener('error', (event) => {
  // e.g. worker.js or pyodide.mjs could not be loaded
  show('fatal', `worker failed to start: ${event.message || 'see the browser console'}`);
});
