// Words shown for names that come from the schema. Only the wording lives
// here; which names exist, and their ranges, always come from ganlab.schema.
// (The one place to swap for labels carried by the schema itself.)

const DISTRIBUTIONS = {
  line: 'Line', gaussians: 'Two Gaussians', ring: 'Ring', disjoint: 'Three clusters', spiral: 'Spiral',
  eight_gaussians: 'Eight Gaussians', grid: 'Grid', moons: 'Two moons', drawn: 'Drawn by you',
};

const SPEEDS = { slow: 'slow', normal: 'normal', fast: 'fastest' };

const SETTINGS = {
  noise_dim: 'dimensions', noise_type: 'distribution', g_layers: 'hidden layers', g_neurons: 'neurons',
  d_layers: 'hidden layers', d_neurons: 'neurons', optimizer_g: 'optimizer', optimizer_d: 'optimizer',
  learning_rate_g: 'learning rate', learning_rate_d: 'learning rate', k_g: 'updates / epoch',
  k_d: 'updates / epoch', loss: 'loss function', batch_size: 'batch size', activation: 'activation',
  distribution: 'data', points: 'drawn points', real_label: 'real label', clip: 'weight clipping', seed: 'seed',
  g_average: 'shown average (updates)',
  speed: 'speed', slow_motion: 'slow motion', stage_ms: 'time per stage', step_updates: 'updates per step', heatmap_size: 'heatmap size',
  manifold_cells: 'manifold cells', backend: 'compute',
};

// Whose setting it is, where the page shows it on a card of that part.
const OWNERS = { g: 'generator', d: 'discriminator', noise: 'noise' };

const CHOICES = {
  log: 'log loss', minimax: 'minimax', lsgan: 'least squares', hinge: 'hinge', wasserstein: 'Wasserstein',
  sgd: 'SGD', momentum: 'momentum', adam: 'Adam', rmsprop: 'RMSProp', relu: 'ReLU', leaky_relu: 'leaky ReLU',
  tanh: 'tanh', uniform: 'uniform', gaussian: 'Gaussian',
};

const STAGE_TITLES = {
  run_g: 'Run the generator', run_d: 'Run the discriminator', loss: 'Compute the loss',
  gradients: 'Compute the gradients', update: 'Update the weights',
};

const plain = (name) => String(name).replace(/_/g, ' ');

export const distributionLabel = (name) => DISTRIBUTIONS[name] ?? plain(name);
export const speedLabel = (name) => SPEEDS[name] ?? plain(name);
export const settingLabel = (name) => SETTINGS[name] ?? plain(name);
export const choiceLabel = (value) => CHOICES[value] ?? plain(value);
export const stageTitle = (name) => STAGE_TITLES[name] ?? plain(name);

/** A setting's name in a sentence, with whose it is: 'g_neurons' -> 'generator neurons'. */
export function fullSettingLabel(name) {
  const owner = /^([gd])_|_([gd])$/.exec(name)?.slice(1).find(Boolean) ?? (name.startsWith('noise_') ? 'noise' : null);
  return owner ? `${OWNERS[owner]} ${settingLabel(name)}` : settingLabel(name);
}

// a name, unless it is a key of a link ("k_d=..." in a note about the URL stays as written there)
const SETTING_NAMES = new RegExp(`\\b(${Object.keys(SETTINGS).sort((a, b) => b.length - a.length).join('|')})\\b(?!=)`, 'g');

const listedChoice = (v) => CHOICES[v] ?? SPEEDS[v] ?? DISTRIBUTIONS[v] ?? plain(v);

/** A message from the core in the page's words: setting names become their
 *  labels ('g_neurons must be ...; got None' -> 'Generator neurons must be
 *  ...; got nothing'). A name with an underscore is replaced anywhere except
 *  as a link's key ('k_d=...'); a one-word name (loss, speed, ...) only where
 *  it names the setting: at the start, or in a list of settings. */
export function readableMessage(text) {
  let out = String(text).replace(SETTING_NAMES, (name, _, offset, whole) => {
    const naming = name.includes('_') || offset === 0 || /(setting\(s\): |, )$/.test(whole.slice(0, offset));
    return naming ? fullSettingLabel(name) : name;
  });
  out = out.replace(/must be one of ([a-z_, ]+)/g, (_, list) => `must be one of ${list.split(', ').map(listedChoice).join(', ')}`);
  out = out.replace(/\bgot None\b/g, 'got nothing').replace(/\bgot (True|False)\b/g, (_, v) => `got ${v.toLowerCase()}`);
  return out.charAt(0).toUpperCase() + out.slice(1);
}
