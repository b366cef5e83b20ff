// The scheduler's core: walks the net's entries and turns a call into a plan. It knows no layer
// type: each entry's type (LAYER_TYPES, or types a test adds) makes its dispatches and declares
// its statistics; the core orders them, assigns stats slots and batches the statistics.
import { initDispatch, STREAM_UPSTREAM } from '../kernels/init';
import type { Dispatch } from '../kernels/program';
import type { HistogramRange } from '../model/histogram';
import { outputName, type LayerEntry } from '../model/layers';
import { inputGradOffset, inputOffset } from '../model/layout';
import { statsBatch, type StatsBatch, type StatsTensor } from '../stats/batch';
import { SlotTable, type StatsSection } from '../stats/slots';
import type { EntryIO, LayerType, StatsDeclaration, StepContext } from './layerType';
import type { Plan, PlanPass } from './plan';

export type Upstream = 'ones' | 'randn' | 'array';

/** A net as the scheduler sees it: its entries with their types, and where everything is. */
export interface NetGraph {
  entries: LayerEntry[];
  types: LayerType[];
  slots: SlotTable;
}

export interface BuiltPlan { plan: Plan; statsBatches: StatsBatch[] }

export function entryIO(step: StepContext, graph: NetGraph, index: number): EntryIO {
  const before = graph.entries[index - 1];
  return {
    index,
    at: step.layout.entries[index].at,
    own: step.buffers.own[index],
    input: { offset: inputOffset(step.layout, index), name: outputName(graph.entries, index - 1) },
    inputGrad: { offset: inputGradOffset(step.layout, index), name: before ? before.regions.dout.label : 'dX' },
  };
}

/** The slot table of a net: every entry's declared statistics. */
export function slotTable(entries: LayerEntry[], types: LayerType[], batch: number): SlotTable {
  return new SlotTable(entries.flatMap((e, i) => types[i].stats(e, batch)
    .map((d) => ({ section: d.section, layer: e.layer, field: d.field, rows: d.rows, cols: d.cols, group: d.group ?? 1 }))));
}

/** A declaration resolved to a tensor of a stats batch. */
function statsTensor(step: StepContext, graph: NetGraph, index: number, d: StatsDeclaration): StatsTensor {
  const io = entryIO(step, graph, index);
  const entry = graph.entries[index];
  const region = d.region === 'inputGrad' ? undefined : entry.regions[d.region];
  const own = region?.buffer === 'own';
  return {
    name: d.region === 'inputGrad' ? io.inputGrad.name : region!.label,
    field: d.field,
    source: own ? io.own[d.region] : 'arena',
    offset: d.region === 'inputGrad' ? io.inputGrad.offset : own ? 0 : io.at[d.region],
    rows: d.rows,
    cols: d.cols,
    slot: graph.slots.slot(d.section, entry.layer, d.field),
    group: d.group,
    saturation: d.saturation && { act: d.saturation.act, zOffset: io.at[d.saturation.z], alphaOffset: d.saturation.alpha ? io.at[d.saturation.alpha] : 0 },
  };
}

/** The tensors of a section, grouped into batches: one stats batch reads the arena or one other
 *  buffer, and counts the saturation of at most one activation. */
export function statsGroups(step: StepContext, graph: NetGraph, section: StatsSection): StatsTensor[][] {
  const groups = new Map<unknown, StatsTensor[]>();
  graph.entries.forEach((entry, i) => {
    for (const d of graph.types[i].stats(entry, step.batch)) {
      if (d.section !== section) continue;
      const t = statsTensor(step, graph, i, d);
      const key = t.source === 'arena' ? `arena/${t.saturation?.act.id ?? 'none'}` : t.source;
      groups.set(key, [...groups.get(key) ?? [], t]);
    }
  });
  const all = [...groups.values()];
  return [...all.filter((g) => g[0].source === 'arena'), ...all.filter((g) => g[0].source !== 'arena')];
}

async function statsDispatches(step: StepContext, bins: number, range: HistogramRange, label: string, tensors: StatsTensor[],
  batches: StatsBatch[]): Promise<Dispatch[]> {
  const extra = tensors.find((t) => t.source !== 'arena')?.source;
  const { buffers } = step;
  const batch = await statsBatch(step.ctx, {
    label, tensors, bins, range, arena: buffers.arena, small: buffers.small,
    extra: extra && extra !== 'arena' ? extra : buffers.dummy, stats: buffers.stats,
    partials: buffers.statsPartials, flags: buffers.statsFlags,
  });
  batches.push(batch);
  return batch.dispatches;
}

const SECTION_LABEL: Record<StatsSection, string> = { forward: 'forward stats', backward: 'backward stats', weights: 'weight stats', update: 'update stats' };

export async function sectionStats(step: StepContext, graph: NetGraph, bins: number, range: HistogramRange, section: StatsSection,
  batches: StatsBatch[]): Promise<Dispatch[]> {
  const out: Dispatch[] = [];
  for (const tensors of statsGroups(step, graph, section)) {
    const label = tensors[0].source === 'arena' ? SECTION_LABEL[section] : `${tensors[0].name} stats`;
    out.push(...await statsDispatches(step, bins, range, label, tensors, batches));
  }
  return out;
}

async function upstreamDispatch(step: StepContext, graph: NetGraph, upstream: 'ones' | 'randn'): Promise<Dispatch> {
  const last = graph.entries.length - 1;
  const top = graph.entries[last];
  return initDispatch(step.ctx, { label: `upstream gradient (${upstream})`, buffer: step.buffers.arena,
    offset: step.layout.entries[last].at.dout, count: step.batch * top.outputWidth, seed: step.seed, stream: STREAM_UPSTREAM,
    rule: upstream === 'ones' ? { mode: 0, scale: 0, value: 1 } : { mode: 1, scale: 1, value: 0 } });
}

/** `eval`: inference mode (batch norm on its running estimates, nothing updated), as for an input gradient. */
export interface PlanKind { forward: boolean; backward?: Upstream; stats: boolean; eval?: boolean }

/** Every entry's forward dispatches, in order. The entries' pipelines compile concurrently (on a
 *  CPU adapter a first plan's compiles are most of its time). */
export async function forwardDispatches(step: StepContext, graph: NetGraph): Promise<Dispatch[]> {
  return (await Promise.all(graph.entries.map((entry, i) => graph.types[i].forward(step, entry, entryIO(step, graph, i))))).flat();
}

/** Every entry's backward dispatches, last entry first; compiled concurrently as the forward's. */
export async function backwardDispatches(step: StepContext, graph: NetGraph): Promise<Dispatch[]> {
  const order = graph.entries.map((_, i) => graph.entries.length - 1 - i);
  return (await Promise.all(order.map((i) => graph.types[i].backward(step, graph.entries[i], entryIO(step, graph, i))))).flat();
}

export async function buildPlan(base: StepContext, graph: NetGraph, kind: PlanKind, bins: number, range: HistogramRange): Promise<BuiltPlan> {
  const step: StepContext = kind.eval ? { ...base, mode: 'eval' } : base;
  const passes: PlanPass[] = [];
  const none = Promise.resolve([] as Dispatch[]);
  // The pieces are made at once and joined in order (each section's stats batches too).
  const batchesOf: { forward: StatsBatch[]; backward: StatsBatch[] } = { forward: [], backward: [] };
  const [forwardPart, forwardStats, upstream, backwardPart, backwardStats] = await Promise.all([
    kind.forward ? forwardDispatches(step, graph) : none,
    kind.forward && kind.stats ? sectionStats(step, graph, bins, range, 'forward', batchesOf.forward) : none,
    kind.backward && kind.backward !== 'array' ? upstreamDispatch(step, graph, kind.backward).then((d) => [d]) : none,
    kind.backward ? backwardDispatches(step, graph) : none,
    kind.backward && kind.stats ? sectionStats(step, graph, bins, range, 'backward', batchesOf.backward) : none,
  ]);
  const statsBatches = [...batchesOf.forward, ...batchesOf.backward];
  if (kind.forward) passes.push({ name: 'forward', first: 0 });
  if (kind.backward) passes.push({ name: 'backward', first: forwardPart.length + forwardStats.length });
  const dispatches = [...forwardPart, ...forwardStats, ...upstream, ...backwardPart, ...backwardStats];
  const name = [kind.forward ? 'forward' : '', kind.backward ? `backward(${kind.backward})` : ''].filter(Boolean).join('+') +
    (kind.stats ? ' with stats' : '') + (kind.eval ? ' (eval)' : '');
  const forward = graph.slots.range('forward');
  const backward = graph.slots.range('backward');
  const first = kind.forward ? forward.first : backward.first;
  const count = (kind.forward ? forward.count : 0) + (kind.backward ? backward.count : 0);
  return { plan: { name, dispatches, passes, statsSlots: kind.stats ? { first, count } : undefined }, statsBatches };
}

/** Statistics of every weight matrix: the 'weights' section. */
export async function buildWeightStatsPlan(step: StepContext, graph: NetGraph, bins: number, range: HistogramRange): Promise<BuiltPlan> {
  const statsBatches: StatsBatch[] = [];
  const dispatches = await sectionStats(step, graph, bins, range, 'weights', statsBatches);
  return { plan: { name: 'weight stats', dispatches, statsSlots: graph.slots.range('weights') }, statsBatches };
}
