/**
 * Detection's explanation is stored as opaque JSON on the incident (and may come from an older
 * detector, a manual declaration or a drill). Read what is there, typed, and nothing else.
 */
import type { JsonValue } from '../../domain/incidents/index.js';

export interface DetectionSample {
  /** The message ts in the incident's channel. */
  readonly id: string;
  readonly authorId: string | null;
  readonly score: number | null;
  readonly text: string;
  /** Its author deleted it: no text, and no feedback on it (the alert says it was deleted). */
  readonly deleted: boolean;
  /** Its author edited it since the alert: `text` is the latest words (the alert marks them edited). */
  readonly edited: boolean;
}

export interface DetectionSummary {
  readonly windowMs: number | null;
  /** Negative messages the baseline expected in the window. */
  readonly expected: number | null;
  readonly observed: number | null;
  /** observed / expected. */
  readonly ratio: number | null;
  /** Share of the window's messages that were negative, and the channel's usual share. */
  readonly negativeShare: number | null;
  readonly usualNegativeShare: number | null;
  readonly distinctAuthors: number | null;
  readonly kind: 'crisis' | 'single_author' | null;
  readonly topAuthorId: string | null;
  readonly topAuthorShare: number | null;
  readonly dominantTerms: readonly string[];
  /** Most negative first. */
  readonly samples: readonly DetectionSample[];
  /** Who declared the incident by hand (`/firebreak declare`); null when detection opened it. */
  readonly declaredBy: string | null;
  /** What they said is happening (the command's text after the channel, as Slack sent it); null when none. */
  readonly declaredSummary: string | null;
  /** Staff feedback moved the channel's threshold (#16). */
  readonly feedback: DetectionFeedback | null;
}

export interface DetectionFeedback {
  readonly falseAlarms: number;
  readonly lateCrises: number;
  readonly thresholdBefore: number;
  readonly thresholdAfter: number;
  readonly decided: boolean;
}

type Obj = { readonly [key: string]: JsonValue };
const isObj = (v: JsonValue | undefined): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: JsonValue | undefined): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const str = (v: JsonValue | undefined): string | null => (typeof v === 'string' && v !== '' ? v : null);

export function readDetection(detection: JsonValue): DetectionSummary {
  const d: Obj = isObj(detection) ? detection : {};
  const window = isObj(d['window']) ? d['window'] : {};
  const start = num(window['start']);
  const end = num(window['end']);
  const kind = d['kind'] === 'crisis' || d['kind'] === 'single_author' ? d['kind'] : null;
  const terms = Array.isArray(d['dominantTerms']) ? d['dominantTerms'] : [];
  const samples = Array.isArray(d['samples']) ? d['samples'] : [];
  return {
    windowMs: start !== null && end !== null && end > start ? end - start : null,
    expected: num(d['baseline']),
    observed: num(d['observed']),
    ratio: num(d['ratio']),
    negativeShare: num(d['negativeShare']),
    usualNegativeShare: num(d['usualNegativeShare']),
    distinctAuthors: num(d['distinctAuthors']),
    kind,
    topAuthorId: str(d['topAuthorId']),
    topAuthorShare: num(d['topAuthorShare']),
    dominantTerms: terms
      .map((term) => (isObj(term) ? str(term['term']) : str(term)))
      .filter((term): term is string => term !== null),
    samples: samples
      .filter(isObj)
      .map((s) => ({ id: str(s['id']) ?? '', authorId: str(s['authorId']), score: num(s['score']), text: s['deleted'] === true ? '' : (str(s['text']) ?? ''), deleted: s['deleted'] === true, edited: s['deleted'] !== true && s['edited'] === true }))
      // A deleted sample stays in its place (the alert says it was deleted); one that never had words does not.
      .filter((s) => s.deleted || s.text.trim() !== '')
      .sort((a, b) => (a.score ?? 0) - (b.score ?? 0)),
    declaredBy: d['source'] === 'declared' ? str(d['declaredBy']) : null,
    declaredSummary: d['source'] === 'declared' && typeof d['summary'] === 'string' && d['summary'].trim() !== '' ? d['summary'] : null,
    feedback: readFeedback(d['feedback']),
  };
}

function readFeedback(value: JsonValue | undefined): DetectionFeedback | null {
  if (!isObj(value)) return null;
  const before = num(value['thresholdBefore']);
  const after = num(value['thresholdAfter']);
  if (before === null || after === null) return null;
  return { falseAlarms: num(value['falseAlarms']) ?? 0, lateCrises: num(value['lateCrises']) ?? 0, thresholdBefore: before, thresholdAfter: after, decided: value['decided'] === true };
}

/** The samples still showing their words: the messages staff may answer in thread or give feedback on. */
export function liveSamples(summary: Pick<DetectionSummary, 'samples'>): DetectionSample[] {
  return summary.samples.filter((sample) => !sample.deleted);
}

/** Up to `count` samples, preferring different authors so one loud member does not fill the alert. */
export function pickSamples(samples: readonly DetectionSample[], count: number): DetectionSample[] {
  const picked: DetectionSample[] = [];
  const authors = new Set<string | null>();
  for (const sample of samples) {
    if (picked.length >= count) break;
    if (sample.authorId !== null && authors.has(sample.authorId)) continue;
    picked.push(sample);
    authors.add(sample.authorId);
  }
  for (const sample of samples) {
    if (picked.length >= count) break;
    if (!picked.includes(sample)) picked.push(sample);
  }
  return picked;
}
