// GAN Lab's full page: starts the worker, builds the views and controls from
// ganlab.schema, and hands every frame the worker posts to the views. Each
// view and control lives in its own module under ui/; this file only wires
// them together and decides what picking a data distribution means.

import { LabClient } from './lab-client.js';
import { createApi } from './api.js';
import { heatmapRGBA } from '../ui/colors.js';
import { $, setText } from '../ui/dom.js';
import { PingPong } from '../ui/buffers.js';
import { createMessages } from '../ui/messages.js';
import { createTopbar } from '../ui/topbar.js';
import { createPicker } from '../ui/picker.js';
import { createPretrainedToggle } from '../ui/pretrained.js';
import { createGraph } from '../ui/graph.js';
import { createMiniViews } from '../ui/miniviews.js';
import { attachMorph } from '../ui/morph.js';
import { createEditor } from '../ui/editor.js';
import { createLayered } from '../ui/layered.js';
import { attachFakeHover } from '../ui/fakehover.js';
import { createDrawing } from '../ui/drawing.js';
import { createMetrics } from '../ui/metrics.js';
import { createCompare } from '../ui/compare.js';
import { createRewind } from '../ui/rewind.js';
import { createSlowMotion, stageCollector } from '../ui/slowmo.js';
import { attachKeyboard } from '../ui/keyboard.js';
import { distributionLabel, readableMessage } from '../ui/labels.js';
import { createPageState } from './page-state.js';
import { connectSharing, hideControls } from './share-panel.js';
import { exportCsv, exportPng, saveExperiment, wireLoading } from './files.js';
import { registerServiceWorker } from './offline.js';

const client = new LabClient();
const api = createApi(client);
window.ganlab = api;
const messages = createMessages($('#message'), { readable: readableMessage });
const lab = $('#lab');

// --- what can be built before Python is up (Bokeh is already loaded) -------
const noiseRange = [];   // the noise square, filled from the schema once Python is up
const graph = createGraph($('#graph'));
const miniviews = createMiniViews(graph, { noiseRange });
const layered = createLayered({ plotElement: $('#layered'), togglesElement: $('#layers'),
  legendElement: $('#legend'), noiseRange });
const metrics = createMetrics($('#metrics'));
const collectStage = stageCollector();
let morphT = 1;
let lastFrame = null;
const heatBuffers = new PingPong((n) => new Uint32Array(n));

attachMorph(graph.nodes.generator, (t) => {
  morphT = t;
  if (lastFrame) miniviews.drawManifold(lastFrame, t);
  layered.setMorph(t);
});
attachKeyboard({ api, messages });

client.addEventListener('progress', ({ detail }) => {
  $('#progress').value = detail.fraction;
  setText($('#progress-text'), detail.message);
});
client.addEventListener('fatal', ({ detail }) => {
  lab.dataset.state = 'fatal';
  setText($('#progress-text'), 'The lab could not start.');
  messages.error(`The lab stopped: ${detail.message}. Restart it to go on with the same settings.`);
  $('#restart').hidden = false;
});
// A dead worker is replaced by a new one, which gets this run's settings back
// from the URL (the weights start afresh: they lived in the old worker).
$('#restart').addEventListener('click', async () => {
  if (!app.pageState) return location.reload();   // it never started: start the page again
  $('#restart').hidden = true;
  messages.note('Restarting the lab…', { persist: true });
  try {
    await client.restart();
    await app.pageState.reapply();
    messages.note('The lab was restarted: same settings, new weights from epoch 0.');
  } catch {
    // reported through 'fatal', which shows the button again
  }
});
client.addEventListener('error', ({ detail }) => messages.error(detail.message));
client.start().catch(() => {});   // reported through 'fatal'

// --- the rest needs the schema ----------------------------------------------
const app = {
  ready: api.ready.then(buildControls).then(restoreFromUrl),
  layers: () => layered.layers(),
  setLayers: (changes) => layered.setLayers(changes),
  onLayersChange: (listener) => layered.onLayersChange(listener),
  /** Hide exactly these controls (by data-control name), as a teacher's link does. */
  hideControls: (names) => hideControls(names),
  graph,
  layered,
  metrics,
};
window.ganlabApp = app;

function buildControls() {
  const schema = api.schema;
  noiseRange.push(...schema.noise_range);
  const topbar = createTopbar({ api, messages, schema });
  const pretrained = createPretrainedToggle($('#pretrained'), { api, messages, available: schema.pretrained });
  const presets = schema.config.find((f) => f.name === 'distribution').choices.filter((d) => d !== 'drawn');
  const picker = createPicker($('#picker'), { presets, onPick: chooseData });
  const drawing = createDrawing({ surface: $('#layered'), bar: $('#drawbar'), layered, api, messages, schema });
  const editor = createEditor({ graph, schema, api, messages, toggle: $('#edit-toggle') });
  const slowmo = createSlowMotion($('#slowmo'), { schema, api, messages, graph });
  const compare = createCompare($('#compare'), { api, messages, schema });
  const rewind = createRewind($('#metrics'), { api, messages, metrics });
  const hover = attachFakeHover({ surface: $('#layered'), tooltip: $('#tooltip'), layered,
    isActive: () => !drawing.active && layered.layers().fake });

  async function chooseData(name) {
    messages.clearError();
    if (name === 'drawn') return drawing.enter();
    if (drawing.active) drawing.exit();
    if (pretrained.on) return pretrained.load(name);
    const reply = await messages.guard(api.set({ distribution: name }));
    if (reply?.rebuilt) {
      messages.note(`${distributionLabel(name)} data: new networks were built, training starts from epoch 0.`);
    }
  }

  const thumbnails = () => client.thumbnails().then((samples) => picker.setThumbnails(samples), (error) => {
    // a restart cancels the request: ask the new worker once it is ready
    if (error.message === 'the lab was restarted') client.ready.then(thumbnails);
    else messages.error(`The data thumbnails could not be made: ${error.message}`);
  });
  // after the first frame: the worker makes them in Python, and the first frame comes first
  if (client.lastFrame) thumbnails();
  else client.addEventListener('frame', thumbnails, { once: true });

  // The worker's notice that an epoch takes over a second (Session.notice): shown
  // while it holds, taken away when the settings are fast again.
  let notice = null;
  function showNotice(text) {
    if (text === notice) return;
    if (text) messages.note(text, { persist: true });
    else if ($('#message').textContent === notice) messages.clear();
    notice = text;
  }

  function onFrame(frame) {
    lastFrame = frame;
    const h = frame.header;
    showNotice(h.notice ?? null);
    const heat = frame.arrays.heatmap.data;
    const heatRGBA = heatmapRGBA(heat, heatBuffers.next(heat.length));   // shared by the layered view and the graph
    topbar.update(h);
    pretrained.update(h);
    picker.show(h.config.distribution, h.static && frame.arrays.points.data.length ? frame.arrays.points.data : null);
    editor.update(h);
    slowmo.update(h);
    layered.draw(frame, heatRGBA);
    miniviews.draw(frame, { heatRGBA, morphT, stage: collectStage(frame) });
    metrics.update(h);
    compare.update(frame);
    rewind.update(h);
    hover.refresh();
    if (lab.dataset.state !== 'running') lab.dataset.state = 'running';
  }
  client.addEventListener('frame', ({ detail }) => onFrame(detail.frame));
  if (client.lastFrame) onFrame(client.lastFrame);

  for (const part of [topbar, pretrained, picker, editor, layered]) part.enable();
  wireFiles();
  Object.assign(app, { drawing, picker, schema, compare });
  return app;
}

// --- files: save and load the experiment, export the views ------------------
function wireFiles() {
  const report = ({ ok, message }) => (ok ? messages.note(message) : messages.error(message));
  const loadInput = $('#load-experiment');
  wireLoading(api, { input: loadInput, target: lab, report });
  $('#load').addEventListener('click', () => {
    messages.clearError();
    loadInput.click();
  });
  $('#save-experiment').addEventListener('click', () => {
    messages.clearError();
    messages.guard(saveExperiment(api));
  });
  $('#export-png').addEventListener('click', () => messages.guard(exportPng($('#layered'))));
  $('#export-csv').addEventListener('click', () => {
    const columns = metrics.history.data();
    const rows = Array.from(columns.epoch, (epoch, i) => ({
      epoch, ...Object.fromEntries(metrics.history.names.map((n) => [n, Number.isNaN(columns[n][i]) ? null : columns[n][i]])),
    }));
    exportCsv(rows, `ganlab-metrics-${api.state().config.distribution}.csv`);
  });
  for (const control of [loadInput, $('#load'), $('#save-experiment'), $('#export-png'), $('#export-csv')]) {
    control.disabled = false;
  }
}

// --- the URL: read once the controls exist, then kept in step -----------------
async function restoreFromUrl() {
  const pageState = createPageState({ api, app, schema: api.schema, messages });
  await pageState.restore();
  connectSharing(pageState, messages);
  Object.assign(app, { pageState });
  // Cache the site for offline use only now, so it never competes with start-up.
  registerServiceWorker({
    onUpdateReady: () => messages.note('A newer version of GAN Lab was deployed: reload the page to use it.'),
  }).catch(() => {});
  return app;
}
