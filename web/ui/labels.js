// Words shown for names that come from the schema. Only the wording lives
// here; which names exist, and their ranges, always come from ganlab.schema.

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
};

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
