import { InitscopeError } from '../model/errors';

/** Runs `make` (buffer creation) inside out-of-memory and validation error scopes, so a failure
 *  is reported as an error of the call that allocated, not as an uncaptured error that would
 *  disable the whole engine. The result is there at once; `check` settles when the GPU has said
 *  whether the allocation worked (code 'out-of-memory' or 'gpu-error'). */
export function allocateChecked<T>(device: GPUDevice, where: string, make: () => T): { value: T; check: Promise<void> } {
  device.pushErrorScope('out-of-memory');
  device.pushErrorScope('validation');
  let made: { value: T } | { error: unknown };
  try {
    made = { value: make() };
  } catch (error) {
    made = { error };
  }
  const validation = device.popErrorScope();
  const memory = device.popErrorScope();
  const check = Promise.all([validation, memory]).then(([v, m]) => {
    if (m) throw new InitscopeError(`${where}: the GPU is out of memory for this net's buffers (${m.message}); free other nets or use smaller dims or batch`, 'out-of-memory');
    if (v) throw new InitscopeError(`${where}: the GPU refused a buffer: ${v.message}`, 'gpu-error');
  });
  if ('error' in made) {
    check.catch(() => undefined);
    throw made.error;
  }
  return { value: made.value, check };
}
