// The "use pretrained model" toggle. On: load the model shipped for the
// current data, already trained. Off: start again from fresh weights. It turns
// itself off when the run is replaced by something else (new data, new
// networks, a reset), since the pretrained model is then gone.

import { fmtInt } from './dom.js';
import { distributionLabel } from './labels.js';

export function createPretrainedToggle(input, { api, messages, available }) {
  let loadedBuild = null;      // the run that came from a pretrained model
  let awaitingBuild = false;   // the next frame tells which build that is

  async function load(name) {
    if (!available.includes(name)) {
      input.checked = false;
      messages.error(`There is no pretrained model for ${distributionLabel(name).toLowerCase()} data.`);
      return false;
    }
    const reply = await messages.guard(api.pretrained(name));
    if (!reply) {
      input.checked = false;
      return false;
    }
    input.checked = true;
    awaitingBuild = true;
    messages.note(`Loaded a model trained for ${fmtInt(reply.metrics.epoch)} epochs on the ` +
      `${distributionLabel(name).toLowerCase()} data, with its recommended settings.`);
    return true;
  }

  input.addEventListener('change', async () => {
    messages.clearError();
    if (input.checked) {
      await load(api.state().config.distribution);
    } else if (await messages.guard(api.reset({ new_seed: true }))) {
      loadedBuild = null;
      messages.note('Back to fresh random weights: training starts from epoch 0.');
    }
  });

  return {
    get on() {
      return input.checked;
    },
    load,
    enable() {
      input.disabled = false;
    },
    update(header) {
      if (awaitingBuild) {
        awaitingBuild = false;
        loadedBuild = header.build;
      } else if (input.checked && header.build !== loadedBuild) {
        input.checked = false;
      }
      input.disabled = !available.includes(header.config.distribution);
    },
  };
}
