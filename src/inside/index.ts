// Inside the net (design.md section 10): what is built on net.inputGradient, on the public API
// only: saliency maps, adversarial examples and the learning-rate range test.
export { saliency, type SaliencyOptions } from './saliency';
export { fgsm, pgd, type AttackOptions, type PgdOptions } from './attacks';
export type { Preprocessing } from './preprocessing';
export { lrFind, analyzeRangeTest, type LrFindOptions, type LrFindResult } from './lrFind';
