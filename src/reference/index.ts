export * from './activations';
export * from './rng';
export * from './mlp';
export * from './stats';
export * from './train';
