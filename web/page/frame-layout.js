// The frame's layout as the schema declares it (ganlab_wasm/schema.py FRAME:
// names, dtype, shapes), checked against each frame's header. A frame the
// page was not built for fails loudly here instead of drawing garbage.

import vocabulary from '../schema.js';
import { byName } from '../embed/calls.js';

const DECLARED = byName(vocabulary.frame);
const DTYPE = vocabulary.frame[0].dtype;

export class FrameLayoutError extends Error {}

function checkShape(spec, shape) {
  const open = spec.shape[0] === '...';
  const fixed = open ? spec.shape.slice(1) : spec.shape;
  if (open ? shape.length < fixed.length : shape.length !== fixed.length) return false;
  return fixed.every((dim, i) => typeof dim !== 'number' || shape[shape.length - fixed.length + i] === dim);
}

/** Throws FrameLayoutError unless every array in the header is declared, of its shape, and inside the buffer. */
export function checkFrameLayout(header, floats) {
  if (header.dtype !== DTYPE) throw new FrameLayoutError(`frame dtype ${header.dtype}, the page reads ${DTYPE}`);
  const names = new Set();
  for (const [name, offset, shape] of header.arrays) {
    const spec = DECLARED[name];
    if (!spec) throw new FrameLayoutError(`frame array ${JSON.stringify(name)} is not in the schema`);
    if (!Array.isArray(shape) || !shape.every(Number.isInteger) || !checkShape(spec, shape)) {
      throw new FrameLayoutError(`frame array ${name} has shape [${shape}], the schema says [${spec.shape}]`);
    }
    const size = shape.reduce((a, b) => a * b, 1);
    if (!(Number.isInteger(offset) && offset >= 0 && offset + size <= floats)) {
      throw new FrameLayoutError(`frame array ${name} lies outside the frame's buffer`);
    }
    names.add(name);
  }
  for (const spec of vocabulary.frame) {
    const due = spec.when === 'always' || (spec.when === 'static' && header.static);
    if (due && !names.has(spec.name)) throw new FrameLayoutError(`frame lacks the array ${spec.name}`);
  }
}
