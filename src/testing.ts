// Test-only hooks (dist/testing.js; not an export of the package): the kernel programs, so a test
// can hold their uniform structs and bindings against the WGSL files.
import { BIAS_GRAD_PROGRAM } from './kernels/biasGrad';
import { DZ_STORE_PROGRAM } from './kernels/dzStore';
import { EPILOGUE_PROGRAM } from './kernels/epilogue';
import { RNG_PROGRAM } from './kernels/init';
import { MATMUL_PROGRAM } from './kernels/matmul';
import { OUTER_PROGRAM } from './kernels/matmulOuter';
import { SKINNY_PROGRAM, SKINNY_T_PROGRAM } from './kernels/matmulSkinny';
import type { Program } from './kernels/program';
import { STATS_PROGRAM } from './kernels/stats';

/** Every kernel program of the engine. */
export const PROGRAMS: Program[] = [
  RNG_PROGRAM, MATMUL_PROGRAM, SKINNY_PROGRAM, SKINNY_T_PROGRAM, OUTER_PROGRAM, DZ_STORE_PROGRAM, EPILOGUE_PROGRAM, BIAS_GRAD_PROGRAM,
  STATS_PROGRAM,
];
