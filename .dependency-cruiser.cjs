// The engine's layers (design.md section 1, README "Architecture"): each folder of src/ imports only
// from the layers before it. `npm run lint:deps` (part of `npm test`) fails on any import that runs
// back up, and on any cycle.
const LAYERS = ['model', 'gpu', 'kernels', 'stats', 'scheduler', '(net|train)', 'inside'];
const above = (i) => `^src/(${LAYERS.slice(i + 1).join('|')})/|^src/(engine|index)\\.ts$`;

module.exports = {
  forbidden: [
    ...LAYERS.map((layer, i) => ({
      name: `layer-${layer.replace(/[()|]/g, '')}`,
      comment: `src/${layer} may import only from ${LAYERS.slice(0, i).join(', ') || 'nothing of the engine'}`,
      severity: 'error',
      from: { path: `^src/${layer}/` },
      to: { path: i + 1 < LAYERS.length ? above(i) : '^src/(engine|index)\\.ts$' },
    })),
    {
      name: 'train-below-net',
      comment: 'src/net makes trainers (net.trainer()); src/train knows its net only through TrainerHost, so imports run one way',
      severity: 'error',
      from: { path: '^src/train/' },
      to: { path: '^src/net/' },
    },
    {
      name: 'engine-below-index',
      comment: 'src/engine.ts sits under src/index.ts only',
      severity: 'error',
      from: { path: '^src/engine\\.ts$' },
      to: { path: '^src/index\\.ts$' },
    },
    {
      name: 'reference-stands-apart',
      comment: 'the float64 references take their constants from design.md, never from the engine',
      severity: 'error',
      from: { path: '^src/reference/' },
      to: { path: '^src/', pathNot: '^src/reference/' },
    },
    {
      name: 'data-stands-apart',
      comment: 'datasets are plain arrays: no GPU, no engine',
      severity: 'error',
      from: { path: '^src/data/' },
      to: { path: '^src/', pathNot: '^src/(data|model)/' },
    },
    {
      name: 'node-helper-small',
      comment: 'initscope/node knows Dawn and the model errors, nothing else',
      severity: 'error',
      from: { path: '^src/node/' },
      to: { path: '^src/', pathNot: '^src/(node|model)/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.wgsl' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.mjs'] },
  },
};
