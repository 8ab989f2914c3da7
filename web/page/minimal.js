// The smallest page on the worker runtime: play/pause, the epoch counter,
// epochs per second, and one plot of real and fake samples over D's heatmap.

import { LabClient } from './lab-client.js';
import { createApi } from './api.js';
import { simplePlot } from '../ui/simple-plot.js';
import { registerServiceWorker } from './offline.js';

const $ = (id) => document.getElementById(id);

const client = new LabClient();
client.start().catch(() => {});
const ganlab = createApi(client);
window.ganlab = ganlab;
const plot = simplePlot($('plot'));
let shownNotice = null;

client.addEventListener('progress', ({ detail }) => {
  $('progress').value = detail.fraction;
  $('stage').textContent = detail.message;
});
client.addEventListener('fatal', ({ detail }) => {
  $('message').textContent = `The lab stopped: ${detail.message}`;
  $('restart').hidden = false;
});
$('restart').addEventListener('click', () => {
  $('restart').hidden = true;
  $('message').textContent = '';
  client.restart().catch(() => {});   // a failure comes back through 'fatal'
});
client.addEventListener('error', ({ detail }) => {
  $('message').textContent = detail.message;
});
client.addEventListener('frame', ({ detail: { frame } }) => {
  const h = frame.header;
  $('epoch').textContent = h.metrics.epoch;
  $('eps').textContent = Math.round(h.epochs_per_second);
  $('kl').textContent = h.metrics.kl == null ? '–' : h.metrics.kl.toFixed(3);
  $('play').textContent = h.playing ? 'Pause' : 'Play';
  if (h.notice && h.notice !== shownNotice) $('message').textContent = h.notice;   // an epoch takes over a second
  shownNotice = h.notice;
  plot.draw(frame);
});
ganlab.ready.then(() => {
  $('play').disabled = false;
  $('progress').hidden = true;
  registerServiceWorker();   // after start-up, so its downloads don't compete with the first visit's
});
$('play').addEventListener('click', () => {
  $('message').textContent = '';
  ganlab.toggle().catch((e) => ($('message').textContent = e.message));
});
