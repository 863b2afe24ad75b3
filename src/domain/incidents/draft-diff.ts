/** What changed between two revisions of a reply draft, word by word (jsdiff does the diffing). */
import { diffWordsWithSpace } from 'diff';
import { headCut, tailCut } from '../text/cut.js';

export type TextChange = { readonly op: 'equal' | 'insert' | 'delete'; readonly text: string };

export function diffDraftText(before: string, after: string): TextChange[] {
  return diffWordsWithSpace(before, after).map((change) => ({
    op: change.added ? 'insert' : change.removed ? 'delete' : 'equal',
    text: change.value,
  }));
}

/**
 * A diff for reviewers: long unchanged stretches shortened ("…") so they see the change, not the
 * whole reply again, and at most `maxLength` characters in all (the rest cut, ending in "…"). Cuts
 * fall between whole words when one is near, and never inside a character (an emoji, an accented
 * letter). The texts stay as written: how insertions and deletions are marked is the surface's
 * business, and must not depend on characters the reply itself may contain.
 */
export function shortenDraftDiff(changes: readonly TextChange[], keepContext = 40, maxLength = Infinity): TextChange[] {
  const shortened: TextChange[] = [];
  let length = 0;
  for (const change of changes) {
    let text = change.text;
    if (change.op === 'equal' && text.length > keepContext * 2) text = `${text.slice(0, headCut(text, keepContext))}…${text.slice(tailCut(text, keepContext))}`;
    if (length + text.length > maxLength) {
      const room = maxLength - length - 1;
      const kept = room > 0 ? text.slice(0, headCut(text, room)).trimEnd() : '';
      if (kept !== '') shortened.push({ op: change.op, text: kept });
      shortened.push({ op: 'equal', text: '…' });
      return shortened;
    }
    length += text.length;
    shortened.push({ op: change.op, text });
  }
  return shortened;
}
