/**
 * Where a text may be cut: only between graphemes (never inside a surrogate pair, an emoji sequence
 * or a letter with its accents), and on a whole word when that loses little. Pure: the Slack surface's
 * truncation and the draft diff's shortening both cut here, so they cut the same way.
 */

export interface CutOptions {
  /** Locale for grapheme segmentation; graphemes barely vary by locale. Default "en". */
  readonly locale?: string;
  /** End (or start) on a whole word when a space is within the outer fifth of the room. Default true. */
  readonly wholeWords?: boolean;
  /** False for a position a cut must not fall at (inside an escape the caller protects). Default: any. */
  readonly allowed?: (position: number) => boolean;
}

/** The share of the room a cut may give up to end on a whole word. */
const WORD_SLACK = 0.2;

/**
 * The end of the longest head of `text` (at most `room` UTF-16 units) that ends between graphemes;
 * text.length when it all fits. The caller trims the whitespace left at the cut.
 */
export function headCut(text: string, room: number, options: CutOptions = {}): number {
  if (text.length <= room) return text.length;
  const allowed = options.allowed ?? (() => true);
  const segmenter = new Intl.Segmenter(options.locale ?? 'en', { granularity: 'grapheme' });
  let cut = 0;
  let wordCut = 0;
  // Segment a little past the room: enough for the grapheme that straddles it.
  for (const { index, segment } of segmenter.segment(text.slice(0, room + 64))) {
    if (index > room) break;
    if (/^\s+$/u.test(segment) && allowed(index)) wordCut = index;
    const end = index + segment.length;
    if (end <= room && allowed(end)) cut = end;
  }
  if (options.wholeWords !== false && wordCut > 0 && wordCut >= room * (1 - WORD_SLACK)) cut = Math.min(cut, wordCut);
  return cut;
}

/**
 * The start of the longest tail of `text` (at most `room` UTF-16 units) that starts between
 * graphemes; 0 when it all fits. The caller trims the whitespace left at the cut.
 */
export function tailCut(text: string, room: number, options: CutOptions = {}): number {
  if (text.length <= room) return 0;
  const allowed = options.allowed ?? (() => true);
  const from = text.length - room;
  const segmenter = new Intl.Segmenter(options.locale ?? 'en', { granularity: 'grapheme' });
  let cut = text.length;
  let wordCut = -1;
  for (const { index, segment } of segmenter.segment(text)) {
    const end = index + segment.length;
    if (cut === text.length && index >= from && allowed(index)) cut = index;
    // The first word that starts within the tail's outer fifth.
    if (wordCut < 0 && index >= from && /^\s+$/u.test(segment) && allowed(end)) wordCut = end;
    if (cut !== text.length && (wordCut >= 0 || index > from + room * WORD_SLACK)) break;
  }
  if (options.wholeWords !== false && wordCut >= 0 && wordCut <= from + room * WORD_SLACK) cut = Math.max(cut, wordCut);
  return cut;
}
