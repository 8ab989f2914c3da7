// The top bar's training controls: play/pause, reset, the epoch counter, the
// three step buttons and how many updates a D or G step does, slow motion and
// speed. (The data picker and the pretrained toggle have modules of their own.)

import { $, fmtInt, setText } from './dom.js';
import { speedLabel } from './labels.js';
import { choices } from './schema.js';

export function createTopbar({ api, messages, schema }) {
  const play = $('#play');
  const reset = $('#reset');
  const epoch = $('#epoch');
  const eps = $('#eps');
  const slowMotion = $('#slow-motion');
  const speed = $('#speed');
  const steps = { d: $('#step-d'), g: $('#step-g'), epoch: $('#step-epoch') };
  const stepUpdates = createStepUpdates({ api, messages, schema, steps });
  const playIcon = play.querySelector('use');

  for (const name of choices(schema, 'speed')) {
    speed.append(new Option(speedLabel(name), name));
  }

  play.addEventListener('click', () => {
    messages.clearError();
    messages.guard(api.toggle());
  });
  reset.addEventListener('click', async () => {
    messages.clearError();
    if (await messages.guard(api.reset({ new_seed: true }))) {
      messages.note('New random weights, same settings: training starts again from epoch 0.');
    }
  });
  for (const [level, button] of Object.entries(steps)) {
    button.addEventListener('click', () => {
      messages.clearError();
      messages.guard(api.step(level));
    });
  }
  slowMotion.addEventListener('change', async () => {
    const wanted = slowMotion.checked;
    if (!(await messages.guard(api.set({ slow_motion: wanted })))) slowMotion.checked = !wanted;
  });
  speed.addEventListener('change', async () => {
    if (!(await messages.guard(api.set({ speed: speed.value })))) speed.value = api.state().options.speed;
  });

  let shownPlaying = null;
  function showPlaying(playing) {
    if (playing === shownPlaying) return;
    shownPlaying = playing;
    playIcon.setAttribute('href', playing ? '#icon-pause' : '#icon-play');
    play.setAttribute('aria-label', playing ? 'Pause' : 'Play');
    play.classList.toggle('playing', playing);
  }

  return {
    enable() {
      for (const control of [play, reset, slowMotion, speed, ...Object.values(steps)]) control.disabled = false;
      stepUpdates?.enable();
    },
    /** Called with every frame's header. */
    update(header) {
      setText(epoch, fmtInt(header.metrics.epoch));
      setText(eps, header.playing ? fmtInt(Math.round(header.epochs_per_second)) : '0');
      showPlaying(header.playing);
      const slow = header.options.slow_motion;
      if (slowMotion.checked !== slow) slowMotion.checked = slow;
      // In slow motion a step walks one stage: the slow-motion panel has that button.
      for (const button of Object.values(steps)) button.disabled = slow;
      stepUpdates?.update(header.options.step_updates, slow);
      if (document.activeElement !== speed && speed.value !== header.options.speed) speed.value = header.options.speed;
    },
  };
}

/** The box beside the D and G buttons: how many updates one of their steps
 *  does (the schema's step_updates; null on a page whose schema has none). */
function createStepUpdates({ api, messages, schema, steps }) {
  const spec = (schema.options ?? []).find((f) => f.name === 'step_updates');
  const box = document.querySelector('#step-updates');
  if (!spec || !box) return null;
  Object.assign(box, { min: spec.low, max: spec.high, step: 1, value: spec.default });
  // the worker checks the number; a refused one puts the last good value back
  box.addEventListener('change', async () => {
    messages.clearError();
    const shown = api.state().options.step_updates;
    if (!(await messages.guard(api.set({ step_updates: Number(box.value) })))) box.value = shown;
  });
  let shown = null;
  return {
    enable() {
      box.disabled = false;
    },
    update(n, slow) {
      box.disabled = slow;
      if (n === shown) return;
      shown = n;
      const what = n === 1 ? 'one update' : `${n} updates`;
      steps.d.title = `Train only the discriminator: ${what}`;
      steps.g.title = `Train only the generator: ${what}`;
      if (document.activeElement !== box) box.value = n;
    },
  };
}
