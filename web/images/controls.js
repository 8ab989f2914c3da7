// The image lab's own top-bar controls (play, reset, steps, slow motion and
// speed are ui/topbar.js, shared with the 2-D page): vanilla or conditional
// model, load the pretrained model of that kind, compare with it, and the
// progress bar of a "train N epochs" run.

import { fmtInt, setText } from '../ui/dom.js';
import { field } from '../ui/schema.js';

const MODEL_LABELS = { vanilla: 'vanilla GAN', conditional: 'conditional GAN' };

export function createImageControls({ model, pretrained, compare, progress, progressText, api, messages, schema }) {
  for (const name of field(schema, 'model').choices) model.append(new Option(MODEL_LABELS[name] ?? name, name));

  model.addEventListener('change', async () => {
    messages.clearError();
    const reply = await messages.guard(api.set({ model: model.value }));
    if (!reply) model.value = api.state().config.model;
    else if (reply.rebuilt) messages.note(`${MODEL_LABELS[model.value]}: new networks were built, training starts from epoch 0.`);
  });
  pretrained.addEventListener('click', async () => {
    messages.clearError();
    const kind = api.state().config.model;
    const reply = await messages.guard(api.pretrained(kind));
    if (reply) messages.note(`Loaded the pretrained ${MODEL_LABELS[kind]}, trained for ${fmtInt(reply.metrics.epoch)} epochs.`);
  });
  compare.addEventListener('change', async () => {
    messages.clearError();
    const wanted = compare.checked;
    if (!(await messages.guard(api.set({ compare: wanted })))) compare.checked = !wanted;
  });

  return {
    enable() {
      for (const control of [model, pretrained, compare]) control.disabled = false;
    },
    update(header) {
      if (document.activeElement !== model && model.value !== header.config.model) model.value = header.config.model;
      if (compare.checked !== header.options.compare) compare.checked = header.options.compare;
      const target = header.target;
      const epoch = header.metrics.epoch;
      if (target) {
        const done = Math.min(1, (epoch - target.start) / Math.max(1, target.end - target.start));
        progress.value = done;
        setText(progressText, `${fmtInt(Math.min(epoch, target.end) - target.start)} of ${fmtInt(target.end - target.start)} epochs`);
      } else {
        progress.value = 0;
        setText(progressText, header.options.epochs_to_train ? `trains ${fmtInt(header.options.epochs_to_train)} epochs on play` : 'trains until paused');
      }
      progress.dataset.done = target && epoch >= target.end ? 'true' : 'false';
    },
  };
}

