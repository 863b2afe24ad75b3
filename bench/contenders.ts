// The contenders of the detection benchmark's throughput race (throughput-contender.ts runs one).
export const CONTENDERS = ['bare', 'scoreMessage', 'learnt', 'perMessage', 'endToEnd'] as const;
export type Contender = (typeof CONTENDERS)[number];

export interface ContenderResult {
  contender: Contender;
  /** Messages per CPU second, best of the timed runs. */
  rate: number;
  /** How many words the learnt model holds (`learnt`), or how many buckets the detector closed (`endToEnd`). */
  detail?: number;
}
