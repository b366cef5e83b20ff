export { createEngine, type Engine } from './engine';
export type { EngineOptions, AdapterDescription } from './gpu/device';
export type { LayerGradients, LayerParameters } from './net/readers';
export type { LsuvOptions, LsuvResult } from './net/lsuv';
export type { DataInitOptions, DataInitResult } from './net/dataInit';
export type { Dispatch, KernelTarget } from './kernels/program';
export { Net, type PassOptions, type UpstreamGradient, type PlanKind, type LayerPath } from './net/net';
export { NetSnapshot } from './net/masks';
export type { InputGradientTarget } from './model/inputGradient';
export type { LoadOptions } from './train/resume';
/** createMLP's net: a {@link Net} of dense layers (the name the lecture's experiment knows it by). */
export { Net as MLP } from './net/net';
export type { MLPOptions } from './model/options';
export type { NetOptions, LayerOption, LayerDefaults, NormKind } from './model/net';
export { LENET5_INPUT, LENET5_LAYERS } from './model/zoo';
export { ACTIVATION_IDS, ACTIVATION_NAMES, type ActivationName, type ActivationOption } from './model/activations';
export { INIT_NAMES, type InitName, type InitOption } from './model/initializers';
export type { HistogramRange, HistogramOptions, StatsField, TensorRange } from './model/histogram';
export { STATS_FIELDS } from './model/histogram';
export type { TensorStats, Histogram, ForwardResult, BackwardResult, ForwardLayerStats, BackwardLayerStats, LayerIdentity } from './stats/types';
export { formatPlan, summarizePlan, type Plan, type PlanPass, type PlanSummary } from './scheduler/plan';
export { formatProfile, type PlanProfile, type DispatchTime } from './scheduler/profile';
export { InitscopeError, type ErrorCode } from './model/errors';
export { Trainer } from './train/trainer';
export type { TrainOptions, TrainProgress, DataOptions } from './train/host';
export type { TrainRecord, TrainResult, TrainLayerStats } from './train/records';
export type { NestedStats } from './stats/layers';
export type { TrainerOptions, LossName, OptimizerOption, ScheduleOption } from './model/train';
export {
  saliency, deletePixels, rankCorrelation, rankPixels, classModels, fgsm, pgd, adversarialTraining, lrFind, analyzeRangeTest, search, searchPoints,
  type SaliencyOptions, type ClassModelOptions, type ClassModelResult, type AttackOptions, type PgdOptions, type AdversarialTrainingOptions, type Preprocessing, type LrFindOptions, type LrFindResult,
  type SearchDimension, type SearchOptions, type SearchTrial, type SearchResult,
} from './inside/index';
