// Rewind: a scrubber under the metrics charts. Dragging it asks the worker to
// show the run at the snapshot at or before that epoch (ganlab_wasm/timeline.py;
// the charts mark it); "Resume from here" continues training from it (the
// later epochs are dropped, from the worker's history and the charts) and
// "Back to now" returns to the present. Playing while looking back resumes too.

import { el, setText } from './dom.js';

export function createRewind(container, { api, messages, metrics }) {
  const slider = el('input', { type: 'range', id: 'rewind', min: '0', max: '0', step: '1', value: '0',
    'aria-label': 'look back at an earlier epoch' });
  const label = el('span', { class: 'rewind-label', id: 'rewind-label', text: 'rewind' });
  const resume = el('button', { type: 'button', id: 'rewind-resume', class: 'small', text: 'Resume from here', hidden: true });
  const back = el('button', { type: 'button', id: 'rewind-back', class: 'small', text: 'Back to now', hidden: true });
  const info = el('span', { class: 'rewind-info', id: 'rewind-info' });
  container.append(el('div', { class: 'rewind', dataset: { control: 'rewind' } }, label, slider, resume, back, info));
  let viewing = null;
  let latest = 0;
  let asking = false;

  slider.addEventListener('change', async () => {
    if (asking) return;
    asking = true;
    const reply = await messages.guard(api.rewind(Number(slider.value)));
    asking = false;
    if (reply && reply.viewing !== null) messages.note(`Looking back at epoch ${reply.viewing}: "Resume from here" trains on from it, "Back to now" returns.`);
  });
  resume.addEventListener('click', async () => {
    const reply = await messages.guard(api.resume());
    if (reply) {
      metrics.truncate(reply.epoch);
      messages.note(`Resumed from epoch ${reply.epoch}: the later epochs were dropped.`);
    }
  });
  back.addEventListener('click', () => messages.guard(api.rewind_cancel()));

  return {
    update(header) {
      const h = header.history;
      if (!h) return;
      const last = h.epochs[h.epochs.length - 1] ?? 0;
      const shown = header.metrics.epoch;
      viewing = h.viewing;
      latest = viewing === null ? shown : Math.max(latest, last);
      slider.max = String(Math.max(latest, last));
      slider.step = String(h.every);
      if (!asking && document.activeElement !== slider) slider.value = String(viewing ?? shown);
      resume.hidden = back.hidden = viewing === null;
      metrics.mark(viewing);
      setText(label, viewing === null ? 'rewind' : `epoch ${viewing}`);
      setText(info, `${h.epochs.length} snapshots, ${(h.bytes / 1024).toFixed(0)} KB`);
    },
  };
}
