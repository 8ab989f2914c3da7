// A bounded history of metrics over epochs. It keeps at most `capacity`
// points: when full it drops every other point and from then on records only
// every `stride`-th epoch (doubled each time), so a run of any length costs
// the same memory and the charts keep an even resolution over the whole run.

export class BoundedHistory {
  constructor(names, capacity = 1000) {
    this.names = names;
    this.capacity = capacity;
    this.epochs = new Float64Array(capacity);
    this.columns = Object.fromEntries(names.map((n) => [n, new Float64Array(capacity)]));
    this.clear();
  }

  clear() {
    this.length = 0;
    this.stride = 1;
    this.lastEpoch = -Infinity;
  }

  /** Record the values at `epoch` (null values become NaN: a gap in the line).
   *  Returns whether a point was added. */
  add(epoch, values) {
    if (epoch < this.lastEpoch) this.clear();          // a new run started
    if (this.length && epoch - this.lastEpoch < this.stride) return false;
    if (this.length === this.capacity) this.halve();
    const i = this.length++;
    this.epochs[i] = epoch;
    for (const name of this.names) this.columns[name][i] = values[name] ?? NaN;
    this.lastEpoch = epoch;
    return true;
  }

  halve() {
    const keep = Math.ceil(this.length / 2);
    for (const column of [this.epochs, ...Object.values(this.columns)]) {
      for (let i = 0; i < keep; i++) column[i] = column[2 * i];
    }
    this.length = keep;
    this.stride *= 2;
  }

  /** Copies of the filled part, as Bokeh columns: {epoch, name...}. */
  data() {
    const out = { epoch: this.epochs.slice(0, this.length) };
    for (const name of this.names) out[name] = this.columns[name].slice(0, this.length);
    return out;
  }
}
