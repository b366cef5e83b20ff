// Test-only hooks (dist/testing.js; not an export of the package): the kernel programs, so a test
// can hold their uniform structs and bindings against the WGSL files; a net with a layer type the
// test brings; NaN-poisoned outputs; the reproductions' float64 singular values.
import { writeFloats } from './gpu/buffers';
import { BIAS_GRAD_PROGRAM } from './kernels/biasGrad';
import { DZ_STORE_PROGRAM } from './kernels/dzStore';
import { EPILOGUE_PROGRAM } from './kernels/epilogue';
import { RNG_PROGRAM } from './kernels/init';
import { MATMUL_PROGRAM } from './kernels/matmul';
import { OUTER_PROGRAM } from './kernels/matmulOuter';
import { SKINNY_PROGRAM, SKINNY_T_PROGRAM } from './kernels/matmulSkinny';
import type { Program } from './kernels/program';
import { STATS_PROGRAM } from './kernels/stats';
import { GATHER_PROGRAM, LOSS_PROGRAM, OPTIM_PROGRAM } from './kernels/train';
import { NORM_PROGRAM } from './kernels/norm';
import { CONV_PROGRAM } from './kernels/conv';
import { CONV_GEMM_PROGRAM } from './kernels/convGemm';
import { CONV_PADDED_PROGRAM } from './kernels/convPadded';
import { DROPOUT_PROGRAM } from './kernels/dropout';
import { PRUNE_PROGRAM } from './kernels/prune';
import { RESIDUAL_PROGRAM } from './kernels/residual';
import { POOL_PROGRAM } from './kernels/pool';
import { SCALE_ADD_PROGRAM } from './kernels/scaleAdd';
import { internalsOf } from './net/internals';
import { coreOf, type Engine } from './engine';
import type { LayerExtension } from './net/core';
import { Net } from './net/net';
import { mlpSource } from './net/sources';
import type { MLPOptions } from './model/options';

/** Every kernel program of the engine. */
export const PROGRAMS: Program[] = [
  RNG_PROGRAM, MATMUL_PROGRAM, SKINNY_PROGRAM, SKINNY_T_PROGRAM, OUTER_PROGRAM, DZ_STORE_PROGRAM, EPILOGUE_PROGRAM, BIAS_GRAD_PROGRAM,
  STATS_PROGRAM, GATHER_PROGRAM, LOSS_PROGRAM, OPTIM_PROGRAM, NORM_PROGRAM, SCALE_ADD_PROGRAM, CONV_PROGRAM, POOL_PROGRAM,
  CONV_GEMM_PROGRAM, CONV_PADDED_PROGRAM, RESIDUAL_PROGRAM, DROPOUT_PROGRAM, PRUNE_PROGRAM,
];


/** A net with extra layer entries and types the test brings. */
export function createMLPWithLayers(engine: Engine, options: MLPOptions, extension: LayerExtension): Net {
  const core = coreOf(engine);
  core.assertHealthy('createMLP');
  return new Net(core, mlpSource(options, extension));
}

export { defineProgram, makeDispatch, foldWorkgroups } from './kernels/program';
export { PipelineCache } from './gpu/pipelines';
export { buildShader } from './gpu/shaders';
export { singularValues } from './reproduce/linalg';
export type { LayerType, StatsDeclaration } from './scheduler/layerType';

/** Fills every output a pass writes (the arena after X, dW, the stats) with NaN, so a test can
 *  tell an element a kernel never wrote from one it wrote. */
export function poisonForTesting(net: Net): Promise<void> {
  const internals = internalsOf(net);
  const res = internals.resources;
  return internals.run('poisonForTesting', () => {
    const q = res.ctx.device.queue;
    const nan = (n: number) => new Float32Array(n).fill(NaN);
    const xEnd = res.layout.x + res.batch * res.entries[0].inputWidth;
    writeFloats(q, res.buffers.arena, xEnd, nan(res.layout.arenaFloats - xEnd));
    res.entries.forEach((e, i) => {
      const dW = res.buffers.own[i].dW;
      if (dW) writeFloats(q, dW, 0, nan(e.regions.dW.floats));
    });
    writeFloats(q, res.buffers.stats, 0, nan(res.buffers.stats.size / 4));
    return Promise.resolve();
  });
}
