// The hyperparameter controls, shown beside the graph node they belong to
// when "edit hyperparameters" is on. Every control is generated from
// ganlab.schema (kind, range, choices), so no range is written down twice.
// A change applies at once through ganlab.set(); when it needs new networks
// the core rebuilds them and the message says so; when it is refused, the
// reason is shown and the control goes back to the current value.

import { el } from './dom.js';
import { choiceLabel, settingLabel } from './labels.js';
import { field } from './schema.js';

// Which settings sit next to which node (graph.js names the slots).
const CARDS = {
  noise: { title: 'Noise', settings: ['noise_dim', 'noise_type'] },
  generator: { title: 'Generator', settings: ['g_layers', 'g_neurons', 'optimizer_g', 'learning_rate_g', 'k_g', 'g_average'] },
  batch: { title: 'Samples', settings: ['batch_size'] },
  discriminator: { title: 'Discriminator', settings: ['d_layers', 'd_neurons', 'optimizer_d', 'learning_rate_d', 'k_d'] },
  loss: { title: 'Training', settings: ['loss', 'activation'] },
};
const SMALL_RANGE = 10;   // whole numbers with at most this span get a drop-down

function control(spec) {
  const { name, kind } = spec;
  const id = `setting-${name}`;
  if (kind === 'choice') {
    const select = el('select', { id });
    for (const value of spec.choices) select.append(new Option(choiceLabel(value), value));
    return select;
  }
  if (kind === 'int' && spec.high - spec.low <= SMALL_RANGE) {
    const select = el('select', { id });
    for (let v = spec.low; v <= spec.high; v++) select.append(new Option(String(v), String(v)));
    return select;
  }
  return el('input', { id, type: 'number', min: spec.low, max: spec.high, step: kind === 'int' ? 1 : 'any',
    inputmode: kind === 'int' ? 'numeric' : 'decimal' });
}

function read(spec, input) {
  if (spec.kind === 'choice') return input.value;
  const text = input.value.trim();
  return text === '' ? null : Number(text);   // Python says what is wrong with an empty value
}

export function createEditor({ graph, schema, api, messages, toggle }) {
  const inputs = {};
  for (const [slot, card] of Object.entries(CARDS)) {
    // the title shows only where the cards leave their nodes (style.css: a narrow graph)
    const box = el('div', { class: 'card', role: 'group', 'aria-label': `${card.title} settings` },
      el('h4', { class: 'card-title', 'aria-hidden': 'true', text: card.title }));
    for (const name of card.settings) {
      const spec = field(schema, name);
      const input = control(spec);
      input.title = spec.doc;
      input.setAttribute('aria-label', spec.doc);
      input.disabled = true;
      inputs[name] = { input, spec };
      input.addEventListener('change', () => commit(name));
      box.append(el('label', { class: 'setting', dataset: { control: name }, for: input.id },
        el('span', { text: settingLabel(name) }), input));
    }
    if (slot === 'loss') {
      box.append(el('button', { type: 'button', id: 'recommended', class: 'link', dataset: { control: 'recommended' },
        title: 'Settings known to train this data well', text: 'use recommended settings', onclick: recommended }));
    }
    graph.slots[slot].append(box);
  }

  async function commit(name) {
    const { input, spec } = inputs[name];
    messages.clearError();
    const value = read(spec, input);
    const reply = await messages.guard(api.set({ [name]: value }));
    if (!reply) {
      sync(api.state().config, true);
      return;
    }
    const what = settingLabel(name);
    const whose = name.endsWith('_g') ? "the generator's " : name.endsWith('_d') ? "the discriminator's " : '';
    if (reply.rebuilt) {
      messages.note(`Changing ${whose}${what} needs new networks: they were built fresh, and training starts again from epoch 0.`);
    } else if (reply.changed.length) {
      messages.note(`${whose}${what} is now ${spec.kind === 'choice' ? choiceLabel(value) : value}: training goes on with the same weights.`
        .replace(/^./, (c) => c.toUpperCase()));
    }
  }

  async function recommended() {
    messages.clearError();
    const reply = await messages.guard(api.recommended());
    if (reply) {
      messages.note(reply.rebuilt ? 'Recommended settings applied: new networks, training starts from epoch 0.'
        : reply.changed.length ? 'Recommended settings applied; training goes on.' : 'These are already the recommended settings.');
    }
  }

  function sync(config, force = false) {
    for (const [name, { input }] of Object.entries(inputs)) {
      if (!force && document.activeElement === input) continue;   // don't fight the person typing
      const value = String(config[name]);
      if (input.value !== value) input.value = value;
    }
    graph.setCaption('generator', `${config.g_layers} × ${config.g_neurons} neurons`);
    graph.setCaption('discriminator', `${config.d_layers} × ${config.d_neurons} neurons`);
  }

  toggle.addEventListener('change', () => graph.setEditing(toggle.checked));

  return {
    enable() {
      toggle.disabled = false;
      for (const { input } of Object.values(inputs)) input.disabled = false;
    },
    /** Called with every frame's header (a few string compares). */
    update(header) {
      sync(header.config);
    },
  };
}
