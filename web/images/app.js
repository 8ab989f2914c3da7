// The image lab page (images.html): the same worker and protocol as the 2-D
// page, with the worker's image session (a worker named 'images'). This
// file wires the views and controls (each in its own module) to the frames
// the worker posts, and extends window.ganlab with the image commands.
//
//   ganlab.state()  as on index.html, plus digits: {confident, classes_covered,
//                   top_share, label_agreement}, target, history, noise
//   one method per command of the image schema (image-schema.js, from
//   ganlab_wasm/schema.py IMAGE_COMMANDS), e.g. ganlab.noise({z, label, randomise,
//   reset}), ganlab.scrub(index | null), ganlab.nearest(index),
//   ganlab.pretrained('vanilla' | 'conditional'), ganlab.play(epochs?)

import { LabClient } from '../page/lab-client.js';
import { createApi } from '../page/api.js';
import { frameChecker } from '../page/frame-layout.js';
import imageVocabulary from '../image-schema.js';
import { $, setText, typingInto } from '../ui/dom.js';
import { createMessages } from '../ui/messages.js';
import { createTopbar } from '../ui/topbar.js';
import { createGraph } from '../ui/graph.js';
import { createSlowMotion, stageCollector } from '../ui/slowmo.js';
import { attachKeyboard } from '../ui/keyboard.js';
import { connectSharing, hideControls } from '../page/share-panel.js';
import { download, toCsv } from '../page/files.js';
import { registerServiceWorker } from '../page/offline.js';
import { createImageMetrics } from './metrics.js';
import { createSliders } from './sliders.js';
import { createLatentMap } from './latent.js';
import { createFakes } from './fakes.js';
import { createDataset } from './dataset.js';
import { createSettings } from './settings.js';
import { createImageControls } from './controls.js';
import { createImageMiniViews } from './miniviews.js';
import { createImagePageState } from './page-state.js';
import { embedRequest, startEmbedded } from './embed.js';

// The image lab's vocabulary (ganlab_wasm/schema.py export_images): its
// commands become ganlab's methods, its frame layout checks every frame.
const client = new LabClient(new URL('../worker/worker.js', import.meta.url),
  { checkFrame: frameChecker(imageVocabulary.frame), workerName: 'images' });
const api = createApi(client, { schema: imageVocabulary });
const extra = { target: null, history: null, noise: null, compare: null, digits: null };
const baseState = api.state;
api.state = () => ({ ...baseState(), ...extra, digits: baseState().digits ?? extra.digits });
window.ganlab = api;
const messages = createMessages($('#message'));
const labPanel = $('#lab');

// --- what can be built before Python is up ----------------------------------
const graph = createGraph($('#graph'));
const miniviews = createImageMiniViews(graph);
const metrics = createImageMetrics($('#metrics'));
const dataset = createDataset({ examplesElement: $('#examples'), sampleElement: $('#sample') });
const fakes = createFakes({
  element: $('#fakes'), compareElement: $('#compare-grid'), compareColumn: $('#compare-col'),
  compareCaption: $('#compare-caption'), caption: $('#fakes-caption'), tooltip: $('#tooltip'),
  history: $('#history'), historyText: $('#history-text'), historyLive: $('#history-live'), api, messages,
});
const sliders = createSliders({
  container: $('#sliders'), canvas: $('#slider-image'), scoreOutput: $('#slider-score'),
  classPicker: $('#class-picker'), classSelect: $('#class'), randomButton: $('#noise-random'),
  resetButton: $('#noise-reset'), api, messages,
});
const latent = createLatentMap({ element: $('#latent'), xSelect: $('#latent-x'), ySelect: $('#latent-y'),
  note: $('#latent-note'), api, messages });
const collectStage = stageCollector();
attachKeyboard({ api, messages });
attachStepKeys();

client.addEventListener('progress', ({ detail }) => {
  $('#progress').value = detail.fraction;
  setText($('#progress-text'), detail.message);
});
client.addEventListener('fatal', ({ detail }) => {
  labPanel.dataset.state = 'fatal';
  setText($('#progress-text'), 'The lab could not start.');
  messages.error(`The lab stopped: ${detail.message}. Restart it to go on with the same settings.`);
  $('#restart').hidden = false;
});
$('#restart').addEventListener('click', async () => {
  if (!app.pageState) return location.reload();
  $('#restart').hidden = true;
  messages.note('Restarting the lab…', { persist: true });
  try {
    await client.restart();
    await app.pageState.reapply();
    messages.note('The lab was restarted: same settings, new weights from epoch 0.');
  } catch {
    // reported through 'fatal'
  }
});
client.addEventListener('error', ({ detail }) => messages.error(detail.message));
// As an embed (images.html#embed=1) the page boots when it comes into view.
const embedRequested = embedRequest(imageVocabulary, location.hash);
const embed = embedRequested.embedded ? startEmbedded(embedRequested, { client, api, schema: imageVocabulary }) : null;
const hideWithEmbed = (names) => hideControls([...names, ...(embed?.hidden ?? [])]);
if (embed) hideWithEmbed([]);
else client.start().catch(() => {});

const app = {
  ready: api.ready.then(buildControls).then(restoreFromUrl),
  hideControls: hideWithEmbed,
  embed,
  graph,
  metrics,
  fakes,
  sliders,
  latent,
  dataset,
  lastFrame: () => client.lastFrame,
};
window.ganlabApp = app;

function buildControls() {
  const schema = api.schema;
  const topbar = createTopbar({ api, messages, schema });
  const controls = createImageControls({ model: $('#model'), pretrained: $('#pretrained'), compare: $('#compare'),
    progress: $('#train-progress'), progressText: $('#train-progress-text'), api, messages, schema });
  const settings = createSettings($('#settings'), { schema, api, messages });
  const slowmo = createSlowMotion($('#slowmo'), { schema, api, messages, graph });

  function onFrame(frame) {
    const h = frame.header;
    Object.assign(extra, { target: h.target, history: h.history, noise: h.noise, compare: h.compare,
      digits: h.metrics.digits });
    topbar.update(h);
    controls.update(h);
    settings.update(h);
    slowmo.update(h);
    dataset.update(frame);
    fakes.update(frame);
    sliders.update(frame);
    latent.update(frame);
    miniviews.draw(frame, { stage: collectStage(frame) });
    metrics.update(frame);
    if (labPanel.dataset.state !== 'running') labPanel.dataset.state = 'running';
  }
  client.addEventListener('frame', ({ detail }) => onFrame(detail.frame));
  if (client.lastFrame) onFrame(client.lastFrame);
  client.addEventListener('error', () => {
    if (extra.target) messages.note('Training stopped before the epochs to train were done.');
  });

  for (const part of [topbar, controls, settings, fakes, sliders, latent]) part.enable();
  wireFiles();
  Object.assign(app, { schema, settings, controls });
  return app;
}

// --- keys: d, g and e step, r resets (space plays: ui/keyboard.js) ----------
function attachStepKeys() {
  document.addEventListener('keydown', (event) => {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey || typingInto(event.target)) return;
    const level = { d: 'd', g: 'g', e: 'epoch' }[event.key];
    if (level) {
      messages.clearError();
      messages.guard(api.step(level));
    } else if (event.key === 'r') {
      messages.clearError();
      messages.guard(api.reset({ new_seed: true }));
    }
  });
}

// --- files ---------------------------------------------------------------------
const MAX_FILE_BYTES = 20 * 1024 * 1024;

async function loadFile(file) {
  messages.clearError();
  if (!file) return messages.error('No file was chosen.');
  if (file.size > MAX_FILE_BYTES) return messages.error(`${file.name} is too large to be a saved experiment. Nothing was changed.`);
  try {
    await api.load(new Uint8Array(await file.arrayBuffer()));
    const { epoch, config } = api.state();
    messages.note(`Loaded ${file.name}: ${config.model} model, epoch ${epoch}.`);
  } catch (error) {
    messages.error(`Could not load ${file.name}: ${error.message}. Nothing was changed.`);
  }
}

function wireFiles() {
  const input = $('#load-experiment');
  input.addEventListener('change', async () => {
    await loadFile(input.files[0]);
    input.value = '';
  });
  labPanel.addEventListener('dragover', (event) => {
    if ([...(event.dataTransfer?.types ?? [])].includes('Files')) {
      event.preventDefault();
      labPanel.classList.add('dropping');
    }
  });
  labPanel.addEventListener('dragleave', () => labPanel.classList.remove('dropping'));
  labPanel.addEventListener('drop', (event) => {
    event.preventDefault();
    labPanel.classList.remove('dropping');
    loadFile(event.dataTransfer.files[0]);
  });
  $('#save-experiment').addEventListener('click', async () => {
    messages.clearError();
    const bytes = await messages.guard(api.save());
    if (!bytes) return;
    const { config, epoch } = api.state();
    download(new Blob([bytes], { type: 'application/octet-stream' }), `ganlab-digits-${config.model}-epoch${epoch}.ganlab`);
  });
  $('#export-csv').addEventListener('click', () => {
    const columns = metrics.history.data();
    const rows = Array.from(columns.epoch, (epoch, i) => ({
      epoch, ...Object.fromEntries(metrics.history.names.map((n) => [n, Number.isNaN(columns[n][i]) ? null : columns[n][i]])),
    }));
    download(new Blob([toCsv(rows, ['epoch', ...metrics.history.names])], { type: 'text/csv' }),
      `ganlab-digits-metrics-${api.state().config.model}.csv`);
  });
  for (const control of [input, $('#save-experiment'), $('#export-csv')]) control.disabled = false;
}

// --- the URL ----------------------------------------------------------------------
async function restoreFromUrl() {
  const pageState = createImagePageState({ api, schema: api.schema, messages, hideControls: hideWithEmbed,
    pageKeys: embed?.pageKeys, notes: embed?.notes,
    onWrite: () => embed?.linkFullLab(pageState.fragment(pageState.hidden, {})) });
  await pageState.restore();
  connectSharing(pageState, messages);
  Object.assign(app, { pageState });
  registerServiceWorker({
    onUpdateReady: () => messages.note('A newer version of GAN Lab was deployed: reload the page to use it.'),
  }).catch(() => {});
  return app;
}
