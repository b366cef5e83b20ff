// The page's side of the training host (demo/trainProtocol.ts): requests as promises, the host's
// events to callbacks. The host runs in a Web Worker; where the worker has no WebGPU (or cannot
// start), it runs on this thread over a MessageChannel, with the same messages.
import { InitscopeError, type ErrorCode } from '../src/index';
import type { HostMessage, PageMessage, Replies, Request, WindowEvent } from './trainProtocol';

export interface HostEvents {
  phase(text: string): void;
  window(w: WindowEvent): void;
  lost(reason: string, message: string): void;
}

/** Where the page posts and listens: a Worker or a MessagePort. */
interface PagePort {
  postMessage(message: PageMessage, transfer?: Transferable[]): void;
  addEventListener(type: 'message', listener: (e: MessageEvent<HostMessage>) => void): void;
}

export class TrainingClient {
  private next = 1;
  private readonly pending = new Map<number, { resolve(v: unknown): void; reject(e: unknown): void }>();

  private constructor(private readonly port: PagePort, /** Where training runs: 'worker' or 'page'. */ readonly where: 'worker' | 'page', events: HostEvents) {
    port.addEventListener('message', (e) => {
      const m = e.data;
      if ('event' in m) {
        if (m.event === 'phase') events.phase(m.text);
        else if (m.event === 'window') events.window(m.window);
        else events.lost(m.reason, m.message);
        return;
      }
      const p = this.pending.get(m.id);
      this.pending.delete(m.id);
      if ('error' in m) p?.reject(new InitscopeError(m.error.message, (m.error.code ?? 'invalid-state') as ErrorCode));
      else p?.resolve(m.reply);
    });
  }

  /** A host in a worker, or on this thread where the worker has no WebGPU. */
  static async open(events: HostEvents): Promise<TrainingClient> {
    try {
      const worker = new Worker(new URL('./trainWorker.ts', import.meta.url), { type: 'module', name: 'initscope-training' });
      const client = new TrainingClient(worker, 'worker', events);
      const failed = new Promise<never>((_, reject) => worker.addEventListener('error', (e) => reject(new Error(e.message || 'the training worker did not start'))));
      const { gpu } = await Promise.race([client.request({ kind: 'hello' }), failed]);
      if (gpu) return client;
      worker.terminate();
    } catch (e) {
      console.warn(`initscope: training on the page's thread (${(e as Error).message})`);
    }
    const channel = new MessageChannel();
    const { serveTraining } = await import('./trainHost');
    serveTraining(channel.port1);
    channel.port1.start();
    const client = new TrainingClient(channel.port2, 'page', events);
    channel.port2.start();
    return client;
  }

  request<K extends Request['kind']>(r: Extract<Request, { kind: K }>): Promise<Replies[K]> {
    const id = this.next++;
    return new Promise<Replies[K]>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.port.postMessage({ id, ...r });
    });
  }

  /** Stops the advance in progress after the current step; `keep`: bring the runs level (a pause). */
  abort(keep: boolean): void {
    this.port.postMessage({ kind: 'abort', keep });
  }
}
