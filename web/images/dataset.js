// The dataset overview: one real example of each digit and 25 at random,
// from the static arrays of the first frame after a restart.

import { createImageGrid } from './grid.js';

export function createDataset({ examplesElement, sampleElement }) {
  const examples = createImageGrid(examplesElement, { columns: 10, rows: 1, ink: 'real', captions: true,
    label: 'One real example of each digit', scale: 6 });
  const sample = createImageGrid(sampleElement, { columns: 5, rows: 5, ink: 'real', captions: true,
    label: '25 real digits at random', scale: 6 });
  return {
    examples,
    sample,
    update(frame) {
      const a = frame.arrays;
      if (!a.dataset_examples) return;
      examples.draw(a.dataset_examples.data, { texts: Array.from({ length: 10 }, (_, i) => String(i)) });
      const labels = a.dataset_sample_label?.data;
      sample.draw(a.dataset_sample.data, { texts: labels ? Array.from(labels, (v) => String(v)) : null });
    },
  };
}
