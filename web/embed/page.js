// A compact lab for an <iframe> in an article. Its settings come from the URL
// fragment (see url-state.js); it boots Python only when it comes near the
// viewport and pauses while scrolled out of view (the Distill d-figure
// pattern), so a page with five labs does not start five interpreters at once.
// The parent page can drive it by postMessage (lab.js).
//
// `views` picks what it shows, from VIEWS (default: controls, layered, legend,
// and compare when the link has a comparison); `layers` which layers of the
// layered view are on; `compare=setting:value,value` starts a comparison, whose
// first run is the large view and the others small beside it (ui/compare.js).

import { LabClient } from '../page/lab-client.js';
import { createApi } from '../page/api.js';
import { readState, writeState, readComparison, writeComparison } from '../page/url-state.js';
import { parentOrigins, serveEmbedProtocol } from './lab.js';
import { whileInView } from './in-view.js';
import { heatmapRGBA } from '../ui/colors.js';
import { PingPong } from '../ui/buffers.js';
import { createLayered, layersFromList } from '../ui/layered.js';
import { createMetrics } from '../ui/metrics.js';
import { createCompare, RUN_COLORS, runOneTitle } from '../ui/compare.js';
import { createMessages } from '../ui/messages.js';

const heatBuffers = new PingPong((n) => new Uint32Array(n));   // Bokeh may still hold the last one
const VIEWS = ['controls', 'layered', 'layers', 'legend', 'metrics', 'compare'];
const DEFAULT_VIEWS = ['controls', 'layered', 'legend'];

const $ = (id) => document.getElementById(id);
const client = new LabClient();
const ganlab = createApi(client);
window.ganlab = ganlab;
let layered = null;
let metrics = null;
let compare = null;
let linkState = null;       // what "open in GAN Lab" carries besides the comparison
let linkedComparison = null;

function show(id, text) {
  $(id).textContent = text;   // always text: nothing from the URL becomes markup
}

function showViews(page, notes) {
  const wanted = page.views ?? (page.compare ? [...DEFAULT_VIEWS, 'compare'] : DEFAULT_VIEWS);
  const unknown = wanted.filter((name) => !VIEWS.includes(name));
  if (unknown.length) notes.push(`ignored unknown views: ${unknown.join(', ')}`);
  for (const element of document.querySelectorAll('[data-view]')) element.hidden = !wanted.includes(element.dataset.view);
  if (page.layers) {
    const { visible, unknown: strays } = layersFromList(page.layers);
    if (strays.length) notes.push(`ignored unknown layers: ${strays.join(', ')}`);
    layered.setLayers(visible);
  }
}

async function applyUrlState() {
  const { settings, page, notes } = readState(ganlab.schema, location.hash);
  notes.push(...parents.notes);
  const otherLab = page.lab && String(page.lab).slice(0, 20);
  if (otherLab) notes.push(`ignored lab=${otherLab}: this is the points lab; lab=images shows the image lab`);
  const comparison = page.compare ? readComparison(ganlab.schema, page.compare) : null;
  if (comparison?.note) notes.push(comparison.note);
  showViews(page, notes);
  if (notes.length) show('notes', notes.join('; '));
  linkState = { settings, layers: page.layers };
  writeFullLink(null);
  if (Object.keys(settings).length) {
    await ganlab.set(settings).catch((error) => show('message', `settings not applied: ${error.message}`));
  }
  if (comparison?.vary) {
    await ganlab.compare(comparison.vary, comparison.values)
      .catch((error) => show('message', `comparison not started: ${error.message}`));
  }
  return page;
}

/** "open in GAN Lab" opens the full page on this lab's settings and its comparison, if any. */
function writeFullLink(comparison) {
  linkedComparison = comparison;
  $('full').href = 'index.html' + writeState(ganlab.schema, linkState.settings,
    { layers: linkState.layers, compare: comparison });
}

/** Over the large view while comparing: it is run 1, with its value of the setting. */
function showRunOne(header) {
  const c = header.compare;
  const label = $('run-one');
  // the label names the large view, so it goes with it when a link hides that view
  label.hidden = !c || Boolean(document.querySelector('[data-view="layered"]')?.hidden);
  if (label.hidden) return;
  show('run-one', runOneTitle(ganlab.schema, c));
  label.style.color = RUN_COLORS[0];
}

function start() {
  if (window.ganlabRedirecting) return;   // embed/to-images.js is taking the page to the image lab
  show('status', 'Loading Python…');
  client.addEventListener('progress', ({ detail }) => show('status', detail.message));
  client.addEventListener('fatal', ({ detail }) => show('message', `The lab stopped: ${detail.message}`));
  client.addEventListener('error', ({ detail }) => show('message', detail.message));
  client.addEventListener('frame', ({ detail: { frame } }) => {
    const h = frame.header;
    show('epoch', h.metrics.epoch);
    show('kl', h.metrics.kl == null ? '–' : h.metrics.kl.toFixed(3));
    show('play', h.playing ? 'Pause' : 'Play');
    if (!layered) return;   // a frame before the views exist
    const heat = frame.arrays.heatmap.data;
    layered.draw(frame, heatmapRGBA(heat, heatBuffers.next(heat.length)));
    metrics.update(h);
    compare.update(frame);
    showRunOne(h);
    const comparison = writeComparison(h.compare);
    if (linkState && comparison !== linkedComparison) writeFullLink(comparison);
  });
  client.start();
  ganlab.ready.then(async () => {
    $('placeholder').remove();
    layered = createLayered({ plotElement: $('plot'), togglesElement: $('layers'), legendElement: $('legend'),
      noiseRange: ganlab.schema.noise_range });
    layered.enable();
    metrics = createMetrics($('metrics'));
    compare = createCompare($('compare'), { api: ganlab, messages: createMessages($('message')), schema: ganlab.schema, runOne: false });   // #run-one labels the large view
    compare.enable();
    Object.assign(window, { embedViews: { layered, metrics, compare } });   // for tests and tools
    const page = await applyUrlState();
    show('status', '');
    $('play').disabled = $('step').disabled = false;
    if (page.autoplay && view.visible) ganlab.play();
    else if (page.autoplay) view.playOnView();
  });
}

const view = whileInView({ start, playing: () => ganlab.state().playing, pause: () => ganlab.pause(),
  play: () => ganlab.play(), ready: () => Boolean(client.info) });

$('play').addEventListener('click', () => {
  show('message', '');
  view.cancelResume();
  ganlab.toggle().catch((error) => show('message', error.message));
});
$('step').addEventListener('click', () => ganlab.step('epoch').catch((error) => show('message', error.message)));

// A new fragment (the parent changed the iframe's src) is a new lab: load it.
window.addEventListener('hashchange', () => location.reload());

const parents = parentOrigins(new URLSearchParams(location.hash.slice(1)).get('origin'));
serveEmbedProtocol(ganlab, parents);
