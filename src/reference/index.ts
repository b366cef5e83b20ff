export * from './activations';
export * from './rng';
export * from './mlp';
export * from './stats';
export * from './norm';
export * from './train';
export * from './conv';
