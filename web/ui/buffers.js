// Typed arrays reused between frames, two sets taking turns, so a frame
// allocates almost nothing and never writes into arrays Bokeh may still be
// reading from the frame before.

export class PingPong {
  constructor(make) {
    this.make = make;
    this.sets = [null, null];
    this.sizes = [-1, -1];
    this.turn = 0;
  }

  /** The set for this frame, rebuilt by make(size) when the size changed. */
  next(size) {
    this.turn ^= 1;
    if (this.sizes[this.turn] !== size) {
      this.sets[this.turn] = this.make(size);
      this.sizes[this.turn] = size;
    }
    return this.sets[this.turn];
  }
}

/** Split interleaved (x, y) pairs into the two columns of `out`. */
export function splitXY(xy, out) {
  const n = xy.length / 2;
  for (let i = 0; i < n; i++) {
    out.x[i] = xy[2 * i];
    out.y[i] = xy[2 * i + 1];
  }
  return out;
}

export const xyColumns = (n) => ({ x: new Float32Array(n), y: new Float32Array(n) });

/** Hand Bokeh a source's new data. Bokeh's plain `source.data = ...` first
 *  compares the new columns with the old element by element and ignores an
 *  equal value; that costs time every frame, and if two frames happen to be
 *  equal it keeps the older arrays, which the ping-pong would then overwrite
 *  unnoticed. The data always changed when a frame arrives, so skip the check. */
export function replaceData(source, data) {
  source.setv({ data }, { check_eq: false });
}
