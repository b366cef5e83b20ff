// Inside the net (design.md section 10): what is built on net.inputGradient, on the public API
// only: saliency maps, adversarial examples, the learning-rate range test and hyperparameter search.
export { saliency, type SaliencyOptions } from './saliency';
export { deletePixels, rankCorrelation, rankPixels } from './deletion';
export { classModels, type ClassModelOptions, type ClassModelResult } from './classModels';
export { fgsm, pgd, type AttackOptions, type PgdOptions } from './attacks';
export { adversarialTraining, type AdversarialTrainingOptions } from './adversarialTraining';
export type { Preprocessing } from './preprocessing';
export { lrFind, analyzeRangeTest, type LrFindOptions, type LrFindResult } from './lrFind';
export { search, searchPoints, type SearchDimension, type SearchOptions, type SearchTrial, type SearchResult } from './search';
