// The training settings, built from ganlab.schema (names, kinds, ranges,
// defaults and labels all come from Python): a number box or a drop-down per
// setting. A change goes to the worker, which validates it; a refused value
// shows the reason in the page's words and the box goes back to the value in
// use. The first group is the playground's (learning rate, hidden size,
// epochs to train, sample interval); the rest sit under "more settings".

import { el } from '../ui/dom.js';
import { choiceLabel } from '../ui/labels.js';
import { field } from '../ui/schema.js';

export const MAIN = ['learning_rate_d', 'learning_rate_g', 'd_neurons', 'g_neurons', 'noise_dim', 'epochs_to_train',
  'sample_every'];
export const MORE = ['batch_size', 'd_layers', 'g_layers', 'noise_type', 'activation', 'loss', 'optimizer_d',
  'optimizer_g', 'k_d', 'k_g', 'real_label', 'seed'];

export const labelOf = (spec) => spec.label ?? spec.name.replace(/_/g, ' ');

export function createSettings(container, { schema, api, messages }) {
  const inputs = {};

  function control(name) {
    const spec = field(schema, name);
    let input;
    if (spec.kind === 'choice') {
      input = el('select', { id: `setting-${name}` });
      for (const value of spec.choices) input.append(new Option(choiceLabel(value), value));
    } else {
      input = el('input', { type: 'number', id: `setting-${name}`, min: spec.low, max: spec.high, inputmode: 'decimal',
        step: spec.kind === 'int' ? 1 : 'any' });
    }
    input.disabled = true;
    input.addEventListener('change', () => apply(spec, input));
    inputs[name] = { input, spec };
    return el('label', { class: 'setting', dataset: { control: name } }, el('span', { text: labelOf(spec) }), input);
  }

  async function apply(spec, input) {
    messages.clearError();
    let value = input.value;
    if (spec.kind !== 'choice') {
      const number = Number(value);
      const range = `from ${spec.low} to ${spec.high}`;
      if (value.trim() === '' || !Number.isFinite(number)) {
        messages.error(`${labelOf(spec)} must be a number ${range}. Nothing was changed.`);
        return revert(spec.name);
      }
      if (spec.kind === 'int' && !Number.isInteger(number)) {
        messages.error(`${labelOf(spec)} must be a whole number ${range}. Nothing was changed.`);
        return revert(spec.name);
      }
      value = number;
    }
    const reply = await messages.guard(api.set({ [spec.name]: value }));
    if (!reply) return revert(spec.name);
    if (reply.rebuilt) messages.note(`${labelOf(spec)}: new networks were built, training starts from epoch 0.`);
  }

  function current(name) {
    const { config, options } = api.state();
    return name in (config ?? {}) ? config[name] : options?.[name];
  }
  function revert(name) {
    const value = current(name);
    if (value !== undefined) inputs[name].input.value = String(value);
  }

  container.append(el('div', { class: 'settings-main' }, ...MAIN.map(control)),
    el('details', { class: 'more-settings' }, el('summary', { text: 'more settings' }),
      el('div', { class: 'settings-more' }, ...MORE.map(control))));

  return {
    inputs,
    enable() {
      for (const { input } of Object.values(inputs)) input.disabled = false;
    },
    /** Called with every frame's header: boxes not being edited show the values in use. */
    update(header) {
      for (const [name, { input }] of Object.entries(inputs)) {
        if (document.activeElement === input) continue;
        const value = name in header.config ? header.config[name] : header.options[name];
        if (value !== undefined && input.value !== String(value)) input.value = String(value);
      }
    },
  };
}
