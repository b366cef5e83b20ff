// The user-facing net (createMLP's and createNet's): the passes of passes.ts, and what builds on
// them: initialisation from data (LSUV, data-dependent), trainers, masks and pruning, snapshots
// and checkpoints. Test-only hooks live in src/testing.ts.
import { writeFloats } from '../gpu/buffers';
import { InitscopeError, invalid, refuseUnknownKeys, validated } from '../model/errors';
import { resolveLayer, weightedLayers, type NetOptions } from '../model/net';
import { parseTrainerOptions, type TrainerOptions } from '../model/train';
import { Trainer } from '../train/trainer';
import { parseInputGradientTarget, type InputGradientTarget } from '../model/inputGradient';
import { checkWeighted } from './checks';
import { checkCheckpoint, checkpointTensors, parameterSlot, saveCheckpoint, writeCheckpoint } from './checkpoint';
import { inputGradient } from './inputGradient';
import { predict } from './predict';
import { dataInit, parseDataInitOptions, type DataInitHost, type DataInitOptions, type DataInitResult } from './dataInit';
import { lsuv, parseLsuvOptions, type LsuvOptions, type LsuvResult } from './lsuv';
import { checkMask, NetSnapshot, prune, restore, setMask, snapshot } from './masks';
import { NetPasses, type LayerPath } from './passes';
import { readGradients, readParameters, readRegion, weightedOf } from './readers';
export type { PassOptions, UpstreamGradient, LayerPath, PlanKind } from './passes';

/** A net on the GPU: the lecture's MLP (`engine.createMLP`) or a net of layers
 *  (`engine.createNet`). Every method is queued behind the previous one, so calls never overlap on
 *  the GPU and the net can be returned before the weights are made. Every method that returns a
 *  Promise reports a refusal by rejecting it. */
export class Net extends NetPasses {
  /** The createNet options this net was made from (createMLP's written as createNet's, or a
   *  checkpoint's), a copy: `engine.createNet(net.options)` makes the same net at its initialisation. */
  get options(): NetOptions {
    return structuredClone(this.madeFrom) as NetOptions;
  }

  /** LSUV (init 'lsuv': orthogonal, then this): rescales each W_l on the input `x` (or the current
   *  one) until Var(Z_l) is within `tolerance` (0.1) of 1, at most `maxIterations` (10) passes per layer. */
  lsuv(x?: Float32Array, options: LsuvOptions = {}): Promise<LsuvResult> {
    return validated(() => parseLsuvOptions(options), (o) => {
      // Queued at once (not after setInput resolves), so calls issued after lsuv() run after it.
      const input = x === undefined ? undefined : this.setInput(x);
      const run = this.serial('lsuv', () => {
        this.requireInput('lsuv');
        return lsuv(this.res, this.executor, weightedLayers(this.spec), async () => (await this.runForward(true)).layers, o);
      });
      return input ? Promise.all([input, run]).then(([, r]) => r) : run;
    });
  }

  /** Data-dependent initialisation (Krähenbühl et al. 2015) on the input `x` (or the current one):
   *  each unit's W and b set so its pre-activation has mean 0 and variance 1 on the batch, then
   *  the layers rescaled so E[dW^2] / E[W^2] is equal across them (`iterations` rounds, default 3). */
  dataInit(x?: Float32Array, options: DataInitOptions = {}): Promise<DataInitResult> {
    return validated(() => parseDataInitOptions(options), (o) => {
      const input = x === undefined ? undefined : this.setInput(x);
      const run = this.serial('dataInit', () => {
        this.requireInput('dataInit');
        const queue = this.core.ctx.device.queue;
        const host: DataInitHost = {
          forward: async () => { await this.runForward(false); },
          backward: async () => { await this.execute(await this.plans.get({ forward: true, backward: 'randn', stats: false })); },
          readZ: (layer) => readRegion(this.res, this.executor, this.spec, layer, 'z'),
          readParameters: (layer) => readParameters(this.res, this.executor, layer.unit),
          readWeightGrad: async (layer) => (await readGradients(this.res, this.executor, layer.unit)).W,
          writeParameters: (layer, W, b) => {
            const { index } = weightedOf(this.res, layer.unit);
            writeFloats(queue, this.res.buffers.own[index].W, 0, W);
            const at = this.res.layout.entries[index].at.b;
            if (b && at !== undefined) writeFloats(queue, this.res.buffers.small, at, b);
          },
        };
        return dataInit(host, weightedLayers(this.spec), this.spec.batch, o).finally(() => { this.forwardCurrent = false; });
      });
      return input ? Promise.all([input, run]).then(([, r]) => r) : run;
    });
  }

  /** A trainer of this net (design.md section 6): loss, optimiser, schedule. Its buffers belong
   *  to the net (destroy() frees them); its calls queue behind the net's. */
  trainer(options: TrainerOptions = {}): Trainer {
    const spec = parseTrainerOptions(options);
    if (this.destroyed) throw new InitscopeError('trainer: this net was destroyed', 'destroyed');
    const top = this.res.entries[this.res.entries.length - 1];
    if (spec.loss === 'cross_entropy' && top.outputWidth < 2) {
      throw invalid('trainer', 'loss', spec.loss, `'mse' for a net with ${top.outputWidth} output (cross_entropy needs dims[L] >= 2 classes)`);
    }
    return new Trainer({
      res: this.res,
      spec: this.spec,
      checkpoint: {
        tensors: () => checkpointTensors(this.spec, this.res, this.executor),
        slot: (index, param) => parameterSlot(this.spec, this.res, index, param),
        check: (tensors, where) => checkCheckpoint(this.spec, this.res, tensors, where),
        write: (tensors) => { writeCheckpoint(this.spec, this.res, this.core.ctx.device.queue, tensors); this.forwardCurrent = false; },
        options: this.madeFrom,
        read: (buffer, floats, label) => this.executor.readRegion(buffer, 0, floats, label),
        write32: (buffer, values) => writeFloats(this.core.ctx.device.queue, buffer, 0, values),
      },
      serial: (where, op) => this.serial(where, op),
      markStale: () => { this.forwardCurrent = false; },
    }, spec);
  }

  /** Per row of `x` (any number of rows of the net's input, row-major), the gradient with respect
   *  to that row of a class's pre-softmax score (`{ class: c }`, one class or one per row) or of the
   *  row's own loss (`{ labels }`: cross-entropy of the softmax of the scores, or `loss: 'mse'` to
   *  the one-hot label), in inference mode as `evaluate()` runs (batch norm on its running
   *  estimates, no dropout, masks applied), in batches of the net's batch (design.md section 10).
   *  The net is left as it was: parameters, running estimates, its input and the last pass's
   *  activations and gradients. Resolves to x's length and layout. */
  inputGradient(x: Float32Array, target: InputGradientTarget): Promise<Float32Array> {
    return validated(() => {
      const top = this.res.entries[this.res.entries.length - 1];
      return { rows: parseInputGradientTarget(x, target, this.inputWidth, top.outputWidth), x: x.slice() };
    }, ({ rows, x: copy }) => this.serial('inputGradient', () => inputGradient(this.res, this.executor, this.plans, copy, rows)));
  }

  /** Per row of `x` (any number of rows of the net's input, row-major): the net's output, the last
   *  layer's values before any softmax (a classifier's scores), or with `{ layer }` that layer's
   *  output A_l (as `readActivations` lays it out), in inference mode as `inputGradient` runs, in
   *  batches of the net's batch; the net is left as it was. Resolves to rows x the layer's width. */
  predict(x: Float32Array, options: { layer?: LayerPath } = {}): Promise<Float32Array> {
    return validated(() => {
      if (!(x instanceof Float32Array) || x.length === 0 || x.length % this.inputWidth !== 0) {
        throw invalid('predict', 'x', x, `a non-empty Float32Array of rows of the net's input (${this.inputWidth} values each, row-major)`);
      }
      if (options === null || typeof options !== 'object') throw invalid('predict', 'options', options, '{ layer } or absent');
      refuseUnknownKeys('predict', 'options', options, ['layer']);
      const layer = resolveLayer('predict', this.spec, options.layer ?? this.spec.layers.length - 1);
      return { x: x.slice(), layer };
    }, ({ x: copy, layer }) => this.serial('predict', () => predict(this.res, this.executor, this.plans, this.spec, layer, copy, copy.length / this.inputWidth)));
  }

  /** Sets layer l's mask (W's shape and layout; 1 keep, 0 prune): W is 0 where the mask is, and
   *  stays 0 through every update (the optimiser state there too). */
  setMask(l: LayerPath, mask: Uint8Array | Float32Array): Promise<void> {
    return validated(() => {
      const layer = checkWeighted(this.spec, 'setMask', l);
      const { entry } = weightedOf(this.res, layer.unit);
      return { layer, values: checkMask('setMask', mask, entry.regions.W.floats, `the shape and layout of layer ${JSON.stringify(l)}'s W`) };
    }, ({ layer, values }) => this.serial('setMask', async () => {
      this.forwardCurrent = false;
      await setMask(this.res, this.executor, layer, values);
    }));
  }

  /** Removes `fraction` of the remaining weights of smallest |W| of layer l (or of every dense and
   *  conv layer, each on its own: 'all'), on the GPU; resolves to the mask (an array of them for 'all'). */
  prune(l: LayerPath | 'all', options: { fraction: number }): Promise<Uint8Array | Uint8Array[]> {
    return validated(() => {
      const layers = l === 'all' ? weightedLayers(this.spec) : [checkWeighted(this.spec, 'prune', l)];
      const fraction = (options as { fraction?: unknown } | undefined)?.fraction;
      if (typeof fraction !== 'number' || !(fraction >= 0 && fraction <= 1)) throw invalid('prune', 'fraction', fraction, 'a number from 0 to 1 (of the weights still kept)');
      refuseUnknownKeys('prune', undefined, options, ['fraction']);
      return { layers, fraction };
    }, ({ layers, fraction }) => this.serial('prune', async () => {
      this.forwardCurrent = false;
      const masks = await prune(this.res, this.executor, layers, fraction);
      return l === 'all' ? masks : masks[0];
    }));
  }

  /** Every parameter, kept on the GPU (weights, biases, norm parameters and running estimates,
   *  multipliers), for restore(): the lottery ticket's rewind. */
  snapshot(): Promise<NetSnapshot> {
    return this.serial('snapshot', () => snapshot(this.res, this));
  }

  /** Puts a snapshot's parameters back, applies the current masks, and zeroes every trainer's
   *  optimiser state (its step count and schedule start again). */
  restore(snap: NetSnapshot): Promise<void> {
    return validated(() => {
      if (!(snap instanceof NetSnapshot) || snap.owner !== this) throw invalid('restore', 'snapshot', snap, 'a snapshot made by this net\'s snapshot()');
      if (snap.copies.length === 0) throw invalid('restore', 'snapshot', 'released', 'a snapshot that was not released');
    }, () => this.serial('restore', async () => {
      this.forwardCurrent = false;
      await restore(this.res, this.executor, snap);
    }));
  }

  /** The net as a safetensors file (design.md section 9): every parameter in PyTorch's names and
   *  layouts (`layers.{i}.weight` as nn.Linear.weight or Conv2d.weight, `layers.{i}.bias`,
   *  `layers.{i}.norm.*`), F32, with the createNet options under the metadata key `initscope`.
   *  `engine.loadNet(bytes)` makes the net again. */
  save(): Promise<Uint8Array<ArrayBuffer>> {
    return this.serial('save', () => saveCheckpoint(this.spec, this.res, this.executor, this.madeFrom));
  }

}
