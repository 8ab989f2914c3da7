// The page's state in the URL fragment, derived from the schema (the Python
// Config fields, the session options and the rules between them: schema.js, or
// the one the worker sends), so no setting is spelled out twice. Reading is
// defensive: a value of the wrong type is ignored, a number out of range is
// clamped, an unknown key is ignored, settings that together break a rule
// (k_d=0&k_g=0) are dropped, and each of these leaves a note for the page to
// show as plain text. Nothing from the URL is written onto an object with a
// prototype ('__proto__', 'constructor' are unknown keys like any other).
//
//   const state = readState(schema, location.hash)
//     -> {settings: {name: value}, page: {layers, hide, autoplay, embed, views, origin}, notes: [..]}
//   writeState(schema, settings, page)  -> '#k=v&...' (only what differs from the defaults)
//
// Drawn points travel as base64url bytes, one byte per coordinate (steps of
// 1/255: finer than the jitter the drawn distribution adds anyway).

const MAX_VALUE_LENGTH = 12000;
const MAX_NOTES = 10;          // names listed in one note: 10,000 bad keys make a short note
const MAX_ALL_NOTES = 20;
const LIST_ENTRY = /^[a-z_0-9-]{1,40}$/;

// Keys that belong to the page rather than to the run.
export const PAGE_KEYS = Object.assign(Object.create(null), {
  layers: 'list',     // visible layers of the layered view
  hide: 'list',       // controls a teacher hid (data-control names)
  views: 'list',      // which views an embedded lab shows
  autoplay: 'bool',
  embed: 'bool',
  origin: 'text',     // the parent page's origin(s), for an embedded lab's messages
  compare: 'text',    // a comparison: setting:value,value (the other runs' values; ui/compare.js)
  lab: 'text',        // embed.html#lab=images: the image lab (embed/to-images.js goes there)
});

export function encodePoints(points) {
  const bytes = new Uint8Array(points.length * 2);
  points.forEach(([x, y], i) => {
    bytes[2 * i] = Math.round(Math.min(1, Math.max(0, x)) * 255);
    bytes[2 * i + 1] = Math.round(Math.min(1, Math.max(0, y)) * 255);
  });
  let text = '';
  for (const b of bytes) text += String.fromCharCode(b);
  return btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function decodePoints(text) {
  const standard = text.replace(/-/g, '+').replace(/_/g, '/');
  const raw = atob(standard + '='.repeat((4 - (standard.length % 4)) % 4));
  if (raw.length % 2) throw new Error('odd number of coordinates');
  const points = [];
  for (let i = 0; i < raw.length; i += 2) points.push([raw.charCodeAt(i) / 255, raw.charCodeAt(i + 1) / 255]);
  return points;
}

/** Points as the URL will carry them, so a local run and a shared one match exactly. */
export function quantizePoints(points) {
  return points.map(([x, y]) => [Math.round(x * 255) / 255, Math.round(y * 255) / 255]);
}

function describe(value) {
  const text = String(value);
  return JSON.stringify(text.length > 40 ? text.slice(0, 40) + '…' : text);
}

/** Check one value against a schema entry: [value, note or null]; value undefined = ignored. */
export function checkValue(field, raw) {
  const { name, kind } = field;
  if (kind === 'choice') {
    return field.choices.includes(raw)
      ? [raw, null]
      : [undefined, `ignored ${name}=${describe(raw)}: it must be one of ${field.choices.join(', ')}`];
  }
  if (kind === 'bool') {
    if (['1', 'true', 'yes', 'on'].includes(raw)) return [true, null];
    if (['0', 'false', 'no', 'off'].includes(raw)) return [false, null];
    return [undefined, `ignored ${name}=${describe(raw)}: it must be true or false`];
  }
  if (kind === 'points') {
    try {
      const points = decodePoints(raw);
      if (points.length > field.max_points) {
        return [points.slice(0, field.max_points), `${name}: kept the first ${field.max_points} points`];
      }
      return [points, null];
    } catch {
      return [undefined, `ignored ${name}: it is not a list of points`];
    }
  }
  const number = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(number)) {
    return [undefined, `ignored ${name}=${describe(raw)}: it must be a number`];
  }
  let value = kind === 'int' ? Math.round(number) : number;
  let note = value !== number ? `${name}=${describe(raw)} rounded to ${value}` : null;
  if (value < field.low || value > field.high) {
    const clamped = Math.min(field.high, Math.max(field.low, value));
    note = `${name}=${describe(raw)} is outside ${field.low}..${field.high}; using ${clamped}`;
    value = clamped;
  }
  return [value, note];
}

function fieldsOf(schema) {
  return [...schema.config, ...schema.options];
}

/** notes, with at most MAX_NOTES of each kind: the rest counted. */
function capped(items, say) {
  if (!items.length) return [];
  const shown = items.slice(0, MAX_NOTES).map(describe).join(', ');
  return [say(shown) + (items.length > MAX_NOTES ? ` and ${items.length - MAX_NOTES} more` : '')];
}

function readList(key, raw, notes) {
  const entries = raw.split(',').map((s) => s.trim()).filter(Boolean);
  const junk = entries.filter((s) => !LIST_ENTRY.test(s));
  notes.push(...capped(junk, (shown) => `ignored ${key} entries that are not names: ${shown}`));
  return entries.filter((s) => LIST_ENTRY.test(s));
}

/** Drop the settings that together break one of the schema's rules (and say so). */
function applyRules(schema, settings, notes) {
  const defaults = Object.fromEntries(fieldsOf(schema).map((f) => [f.name, f.default]));
  for (const rule of schema.rules ?? []) {
    const values = rule.keys.map((key) => (key in settings ? settings[key] : defaults[key]));
    if (rule.kind === 'not_all_zero' && values.every((v) => v === 0)) {
      const given = rule.keys.filter((key) => key in settings);
      notes.push(`ignored ${given.map((k) => `${k}=${settings[k]}`).join(', ')}: ${rule.message}`);
      for (const key of given) delete settings[key];
    }
  }
}

export function readState(schema, hash) {
  const settings = Object.create(null);
  const page = Object.assign(Object.create(null),
    { layers: null, hide: [], views: null, autoplay: false, embed: false, origin: null });
  const notes = [];
  const unknown = [];
  const byName = new Map(fieldsOf(schema).map((f) => [f.name, f]));
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  for (const [key, raw] of params) {
    if (raw.length > MAX_VALUE_LENGTH) {
      notes.push(`ignored ${describe(key)}: its value is too long`);
    } else if (byName.has(key)) {
      const [value, note] = checkValue(byName.get(key), raw);
      if (note) notes.push(note);
      if (value !== undefined) settings[key] = value;
    } else if (Object.hasOwn(PAGE_KEYS, key)) {
      const kind = PAGE_KEYS[key];
      if (kind === 'list') page[key] = readList(key, raw, notes);
      else if (kind === 'text') page[key] = raw.slice(0, 200);
      else {
        const [value, note] = checkValue({ name: key, kind: 'bool' }, raw === '' ? '1' : raw);
        if (note) notes.push(note);
        if (value !== undefined) page[key] = value;
      }
    } else {
      unknown.push(key);
    }
  }
  notes.push(...capped(unknown, (shown) => `ignored unknown setting${unknown.length > 1 ? 's' : ''} ${shown}`));
  if (settings.distribution === 'drawn' && !(settings.points?.length >= minPoints(schema))) {
    notes.push(`ignored distribution=drawn: it needs at least ${minPoints(schema)} points`);
    delete settings.distribution;
    delete settings.points;
  }
  if (settings.points && (settings.distribution ?? 'drawn') !== 'drawn') delete settings.points;
  applyRules(schema, settings, notes);
  if (notes.length > MAX_ALL_NOTES) {
    notes.splice(MAX_ALL_NOTES, notes.length, `and ${notes.length - MAX_ALL_NOTES} more notes`);
  }
  return { settings, page, notes };
}

function minPoints(schema) {
  return schema.config.find((f) => f.name === 'points').min_points;
}

/** The fragment for these settings and page state: only what differs from the defaults. */
export function writeState(schema, settings, page = {}) {
  const params = new URLSearchParams();
  for (const field of fieldsOf(schema)) {
    const value = settings[field.name];
    if (value === undefined) continue;
    if (field.kind === 'points') {
      if (settings.distribution === 'drawn' && Array.isArray(value) && value.length) {
        params.set(field.name, encodePoints(value));
      }
    } else if (value !== field.default) {
      params.set(field.name, String(value));
    }
  }
  for (const [key, kind] of Object.entries(PAGE_KEYS)) {
    const value = page[key];
    if (kind === 'list' && Array.isArray(value) && (key !== 'hide' || value.length)) params.set(key, value.join(','));
    else if (kind === 'bool' && value) params.set(key, '1');
    else if (kind === 'text' && value) params.set(key, value);
  }
  const text = params.toString().replace(/%2C/g, ',').replace(/%3A/g, ':');   // both are plain in a fragment
  return text ? `#${text}` : '';
}

/**
 * A comparison from a link, "setting:value,value" (the other runs' values):
 * {vary, values}, or {note} saying why it cannot be one. The worker checks
 * the values again (range, count) and refuses with its own message.
 */
export function readComparison(schema, text) {
  const [name, list = ''] = text.split(':');
  const setting = schema.config.find((s) => s.name === name);
  const parts = list.split(',').filter(Boolean);
  if (!setting || !parts.length) return { note: `ignored compare=${describe(text)}: it needs setting:value,value` };
  const values = setting.kind === 'choice' ? parts : parts.map(Number);
  const bad = parts.filter((part, i) => setting.kind !== 'choice' && (part.trim() === '' || !Number.isFinite(values[i])));
  if (bad.length) return { note: `ignored compare=${describe(text)}: ${describe(bad[0])} is not a number` };
  return { vary: name, values };
}

/** A frame header's comparison as a link writes it ("setting:value,value"), or null. */
export function writeComparison(compare) {
  return compare && compare.vary ? `${compare.vary}:${compare.values.slice(1).join(',')}` : null;
}

/** Keep the URL in step with the state without flooding the history. */
export function urlWriter(delayMs = 200) {
  let timer = null;
  return (fragment) => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      const url = location.pathname + location.search + fragment;
      if (url !== location.pathname + location.search + location.hash) history.replaceState(null, '', url);
    }, delayMs);
  };
}
