/** Slack's plain_text_input accepts at most 3000 characters; every staff-typed text goes through one. */
export const PLAIN_TEXT_INPUT_MAX = 3000;

/** The largest incident number the databases hold (a 32-bit integer column): a larger one names no incident. */
export const INCIDENT_NUMBER_MAX = 2_147_483_647;

/** The incident number `written` names ("12" or "#12", digits only), or null when it names none. */
export function incidentNumberWritten(written: string): number | null {
  const digits = /^#?(\d{1,10})$/.exec(written.trim())?.[1];
  const number = digits === undefined ? Number.NaN : Number(digits);
  return Number.isInteger(number) && number > 0 && number <= INCIDENT_NUMBER_MAX ? number : null;
}

export type TextProblem = { readonly kind: 'required' } | { readonly kind: 'too_long'; readonly length: number; readonly max: number };

/** Checks a staff-typed text: present after trimming and within the limit. */
export function checkText(text: string | null | undefined, max = PLAIN_TEXT_INPUT_MAX): TextProblem | null {
  if (text === null || text === undefined || text.trim() === '') return { kind: 'required' };
  // Slack counts characters as UTF-16 code units, as String.length does.
  if (text.length > max) return { kind: 'too_long', length: text.length, max };
  return null;
}
