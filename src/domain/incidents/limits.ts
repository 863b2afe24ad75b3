/** Slack's plain_text_input accepts at most 3000 characters; every staff-typed text goes through one. */
export const PLAIN_TEXT_INPUT_MAX = 3000;

export type TextProblem = { readonly kind: 'required' } | { readonly kind: 'too_long'; readonly length: number; readonly max: number };

/** Checks a staff-typed text: present after trimming and within the limit. */
export function checkText(text: string | null | undefined, max = PLAIN_TEXT_INPUT_MAX): TextProblem | null {
  if (text === null || text === undefined || text.trim() === '') return { kind: 'required' };
  // Slack counts characters as UTF-16 code units, as String.length does.
  if (text.length > max) return { kind: 'too_long', length: text.length, max };
  return null;
}
