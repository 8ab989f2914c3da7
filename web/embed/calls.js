// How a command is called and checked, read from its schema entry
// (ganlab_wasm/schema.py, exported into schema.js and sent with 'ready').
// window.ganlab (page/api.js), the embedded lab (lab.js) and its host
// (host.js) build their methods from the schema with these, so none of them
// lists the commands: a command added to the schema appears on every side.

const isPlainObject = (value) => value !== null && typeof value === 'object' && !Array.isArray(value)
  && [Object.prototype, null].includes(Object.getPrototypeOf(value));

const shown = (value) => JSON.stringify(String(value).slice(0, 40));

/** A null-prototype map name -> entry, for lookups no '__proto__' can fool. */
export function byName(entries) {
  const map = Object.create(null);
  for (const entry of entries) map[entry.name] = entry;
  return map;
}

/** The commands a caller may use: where 'session' (the worker's) or 'embed' (the embed page's), and embed-only. */
export function commandsOf(schema, { where = null, embed = false } = {}) {
  return schema.commands.filter((c) => (!where || c.where === where) && (!embed || c.embed));
}

/** A JS call's values as the command's args object: "options" takes one object, the others positional values. */
export function argsFromCall(spec, values) {
  if (spec.call === 'options') return { ...(values[0] ?? {}) };
  const args = {};
  spec.args.forEach((arg, i) => {
    if (values[i] !== undefined) args[arg.name] = values[i];
  });
  return args;
}

function checkArg(command, arg, value) {
  const what = `${command} ${arg.name}`;
  if (arg.kind === 'choice' && !arg.choices.includes(value)) {
    throw new Error(`${what} must be one of ${arg.choices.join(', ')}; got ${shown(value)}`);
  }
  if (arg.kind === 'bool' && typeof value !== 'boolean') throw new Error(`${what} must be true or false`);
  if (arg.kind === 'int' && !(Number.isInteger(value) && value >= arg.low && value <= arg.high)) {
    throw new Error(`${command} needs a whole number of ${arg.name} between ${arg.low} and ${arg.high}`);
  }
  if (arg.kind === 'settings') {
    if (!isPlainObject(value) || !Object.keys(value).length) throw new Error(`${command} needs a non-empty object of settings`);
    return Object.fromEntries(Object.entries(value));
  }
  if (arg.kind === 'list' && !Array.isArray(value)) throw new Error(`${what} must be a list`);
  return value;
}

/**
 * The args of a call of `spec` with only the arguments its entry declares, each
 * checked by kind (Python checks them again); throws an Error saying what is wrong.
 */
export function checkArgs(spec, args = {}) {
  if (!isPlainObject(args)) throw new Error(`${spec.name}'s arguments must be an object`);
  const declared = byName(spec.args);
  const unknown = Object.keys(args).filter((key) => !(key in declared));
  if (unknown.length) {
    throw new Error(`${spec.name} takes no argument ${unknown.slice(0, 5).map(shown).join(', ')}`);
  }
  const out = {};
  for (const arg of spec.args) {
    const value = Object.hasOwn(args, arg.name) ? args[arg.name] : undefined;
    if (value === undefined || value === null) {
      if (arg.required) throw new Error(`${spec.name} needs ${arg.name}`);
    } else {
      out[arg.name] = checkArg(spec.name, arg, value);
    }
  }
  return out;
}
