// How Dawn for Node waits. While any GPU promise is pending (mapAsync, onSubmittedWorkDone,
// createComputePipelineAsync), dawn.node ticks the device from a native callback it hands to the
// global setImmediate, and queues the next tick from inside that one: the main thread spins at
// 100% for as long as the GPU works. On a GPU that costs a core. On a CPU adapter (SwiftShader)
// the spinning thread takes that core from the driver's own worker threads, which do the actual
// work: on the project's 2-core machine a Node test file used twice the CPU time for the same
// work, and three such processes at once slowed each other by far more (bench/NOTES.md).
//
// 'timer' re-queues Dawn's native tick callbacks on a 0 ms timer (Node waits at least 1 ms, and
// sleeps while it waits). JavaScript callbacks given to setImmediate are not touched. A callback
// that reads as native code (another addon's, or a JavaScript function made with bind()) also
// waits the millisecond: it still runs, in order with the timers.

/** How Dawn's device ticks are scheduled while a GPU promise is pending: 'timer' (one tick a
 *  millisecond, the thread sleeping between) or 'immediate' (dawn.node's own: every turn of the
 *  event loop, a core busy while the GPU works). */
export type DawnPolling = 'timer' | 'immediate';

let polling: DawnPolling = 'immediate';
let installed = false;

const isNative = (fn: unknown): boolean =>
  typeof fn === 'function' && Function.prototype.toString.call(fn).endsWith('{ [native code] }');

/** Sets how Dawn's ticks are scheduled for this process (the last call wins). 'timer' wraps the
 *  global setImmediate once; the wrapper passes every JavaScript callback through unchanged. */
export function setDawnPolling(mode: DawnPolling): void {
  polling = mode;
  if (installed || mode === 'immediate') return;
  installed = true;
  const immediate = globalThis.setImmediate;
  const wrapped = ((callback: (...args: unknown[]) => void, ...args: unknown[]) => {
    if (polling === 'timer' && isNative(callback)) return setTimeout(callback, 0, ...args);
    return immediate(callback, ...args);
  }) as typeof setImmediate;
  globalThis.setImmediate = Object.assign(wrapped, { __promisify__: immediate.__promisify__ });
}
