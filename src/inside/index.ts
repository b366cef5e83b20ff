// Inside the net (design.md section 10): what is built on net.inputGradient, on the public API
// only: saliency maps and adversarial examples.
export { saliency, type SaliencyOptions } from './saliency';
export { fgsm, pgd, type AttackOptions, type PgdOptions } from './attacks';
export type { Preprocessing } from './preprocessing';
