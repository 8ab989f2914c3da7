// Slow motion: the two lists of five stages (paper Fig. 11), one for the
// discriminator's update and one for the generator's, with the current stage
// marked, a sentence about what happens in it, the parts of the model graph
// that take part lit up, and the stage length (stage_ms, from the schema).
// The stages, their order and their descriptions come from the core
// (ganlab.schema.stages); each frame's header says which one is current and
// which of the epoch's k_D (or k_G) updates it belongs to: slow motion walks
// every update an epoch makes, so k_D = 2 shows the discriminator's five
// stages twice before the generator's.

import { el, fmt, setText } from './dom.js';
import { edgeName } from './graph.js';
import { stageTitle } from './labels.js';
import { field } from './schema.js';

// Which parts of the graph take part in each stage ("net:name").
const RUN_G = { nodes: ['noise', 'generator', 'fake'], edges: [['noise', 'generator'], ['generator', 'fake']] };
const PARTS = {
  'd:run_g': RUN_G,
  'd:run_d': { nodes: ['real', 'fake', 'discriminator', 'predictions'],
    edges: [['real', 'discriminator'], ['fake', 'discriminator'], ['discriminator', 'predictions']] },
  'd:loss': { nodes: ['predictions', 'd_loss'], edges: [['predictions', 'd_loss']] },
  'd:gradients': { nodes: ['d_loss', 'discriminator'], loop: 'd' },
  'd:update': { nodes: ['discriminator'], loop: 'd' },
  'g:run_g': RUN_G,
  'g:run_d': { nodes: ['fake', 'discriminator', 'predictions'],
    edges: [['fake', 'discriminator'], ['discriminator', 'predictions']] },
  'g:loss': { nodes: ['predictions', 'g_loss'], edges: [['predictions', 'g_loss']] },
  'g:gradients': { nodes: ['g_loss', 'discriminator', 'gradients'], loop: 'g' },
  'g:update': { nodes: ['generator', 'gradients', 'fake'], loop: 'g' },
};
const NETS = { d: 'Discriminator update', g: 'Generator update' };

function partsOf(stage) {
  const spec = PARTS[`${stage.net}:${stage.name}`] ?? { nodes: [] };
  return { nodes: new Set(spec.nodes), edges: new Set((spec.edges ?? []).map(([a, b]) => edgeName(a, b))),
    loop: spec.loop ?? null };
}

/** The numbers a stage reports, as words. */
function numbers(stage) {
  const parts = [];
  if (stage.d_loss !== undefined) parts.push(`D loss on this batch: ${fmt(stage.d_loss)}`);
  if (stage.g_loss !== undefined) parts.push(`G loss on this batch: ${fmt(stage.g_loss)}`);
  if (stage.grad_norm !== undefined) parts.push(`size of the gradient: ${fmt(stage.grad_norm)}`);
  if (stage.step_norm !== undefined) parts.push(`the weights moved by ${fmt(stage.step_norm, 4)}`);
  return parts.join('; ');
}

/** Collects the arrays and numbers of the stages seen so far in the current
 *  network's walk, so each node can keep showing the batch it last worked on. */
export function stageCollector() {
  let cache = null;
  return (frame) => {
    const stage = frame.header.stage;
    if (!stage) return (cache = null);
    if (!cache || cache.net !== stage.net || stage.index < cache.index) {
      cache = { net: stage.net, index: 0, arrays: {}, values: {} };
    }
    cache.index = stage.index;
    for (const [name, array] of Object.entries(frame.arrays)) {
      if (name.startsWith('stage_')) cache.arrays[name.slice(6)] = array;
    }
    for (const [name, value] of Object.entries(stage)) {
      if (typeof value === 'number' && name !== 'index') cache.values[name] = value;
    }
    return cache;
  };
}

export function createSlowMotion(panel, { schema, api, messages, graph }) {
  const items = {};
  const counts = {};       // "× 2" beside a list: the updates of that network in one epoch
  const lists = Object.entries(NETS).map(([net, title]) => {
    const list = el('ol', { class: `stages ${net}`, 'aria-label': title });
    for (const stage of schema.stages[net]) {
      const key = `${net}${stage.index}`;
      items[key] = el('li', { dataset: { stage: key }, title: stage.description, text: stageTitle(stage.name) });
      list.append(items[key]);
    }
    counts[net] = el('span', { class: 'stage-count' });
    return el('div', { class: `stage-list ${net}` }, el('h3', {}, title, counts[net]), list);
  });
  const text = el('p', { class: 'stage-text', id: 'stage-text', 'aria-live': 'polite' });
  const summary = el('span', { id: 'slowmo-summary', text: 'one epoch, stage by stage' });
  const detail = el('p', { class: 'stage-detail' });
  const next = el('button', { type: 'button', id: 'next-stage', class: 'primary', text: 'Next stage',
    title: 'Walk one stage (pauses)' });
  const spec = field(schema, 'stage_ms');
  const length = el('input', { type: 'range', id: 'stage-ms', min: spec.low, max: spec.high, step: 50,
    value: spec.default, 'aria-label': 'Time per stage' });
  const lengthText = el('output', { for: 'stage-ms' });
  panel.append(
    el('div', { class: 'slowmo-head' }, el('h3', { text: 'Slow motion' }), summary),
    el('div', { class: 'stage-lists' }, ...lists), text, detail,
    el('div', { class: 'slowmo-controls' }, next,
      el('label', { class: 'stage-length', dataset: { control: 'stage_ms' } }, el('span', { text: 'time per stage' }),
        length, lengthText)),
  );

  next.addEventListener('click', () => {
    messages.clearError();
    messages.guard(api.step('epoch'));   // in slow motion, a step is one stage
  });
  const showLength = (ms) => setText(lengthText, `${(ms / 1000).toFixed(2)} s`);
  length.addEventListener('input', () => showLength(Number(length.value)));
  length.addEventListener('change', () => messages.guard(api.set({ stage_ms: Number(length.value) })));
  showLength(spec.default);

  const updates = (k, who) => `${k} ${who} update${k === 1 ? '' : 's'}`;
  function showCounts({ k_d: kD, k_g: kG }) {
    setText(summary, `one epoch: ${updates(kD, 'discriminator')}, then ${updates(kG, 'generator')}, stage by stage`);
    for (const [net, k] of [['d', kD], ['g', kG]]) setText(counts[net], k === 1 ? '' : k === 0 ? ' (none)' : ` × ${k}`);
  }

  let current = null;
  let wasOn = false;
  return {
    /** Called with every frame's header. */
    update(header) {
      const on = header.options.slow_motion;
      if (on !== wasOn) {
        wasOn = on;
        panel.hidden = !on;
        if (!on) {
          graph.highlight(null);
          current = null;
        }
        graph.layout();
      }
      if (!on) return;
      showCounts(header.config);
      if (document.activeElement !== length && Number(length.value) !== header.options.stage_ms) {
        length.value = header.options.stage_ms;
        showLength(header.options.stage_ms);
      }
      const stage = header.stage;
      // the key names the update too, so the second D update's stages count as new
      const key = stage ? `${stage.net}${stage.index}` : null;
      const updateKey = stage ? `${key}.${stage.update}` : null;
      if (updateKey === current) return;
      current = updateKey;
      panel.dataset.current = key ?? '';
      for (const [k, item] of Object.entries(items)) {
        item.classList.toggle('current', k === key);
        item.classList.toggle('done', Boolean(key) && (k[0] < key[0] || (k[0] === key[0] && k < key)));
      }
      if (!stage) {
        setText(text, 'Press play to walk through one epoch, a stage every few seconds, or press "Next stage".');
        setText(detail, '');
        graph.highlight(null);
        return;
      }
      const which = stage.updates > 1 ? ` ${stage.update} of ${stage.updates}` : '';
      setText(text, `${NETS[stage.net]}${which}, stage ${stage.index} of 5: ${stage.description}`);
      setText(detail, numbers(stage));
      graph.highlight(partsOf(stage));
    },
  };
}
