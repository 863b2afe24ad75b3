/** What changed between two revisions of a reply draft, word by word (jsdiff does the diffing). */
import { diffWordsWithSpace } from 'diff';

export type TextChange = { readonly op: 'equal' | 'insert' | 'delete'; readonly text: string };

export function diffDraftText(before: string, after: string): TextChange[] {
  return diffWordsWithSpace(before, after).map((change) => ({
    op: change.added ? 'insert' : change.removed ? 'delete' : 'equal',
    text: change.value,
  }));
}

/**
 * Slack mrkdwn rendering of a diff: deletions struck through, insertions in bold, long unchanged
 * stretches shortened so reviewers see the change, not the whole reply again.
 */
export function formatDraftDiff(changes: readonly TextChange[], keepContext = 40): string {
  return changes
    .map((change) => {
      const text = change.text;
      if (change.op === 'equal') {
        return text.length > keepContext * 2 ? `${text.slice(0, keepContext)}…${text.slice(-keepContext)}` : text;
      }
      // Markers must hug the words or Slack will not format them; keep the surrounding spaces outside.
      const [, before = '', core = '', after = ''] = /^(\s*)([\s\S]*?)(\s*)$/.exec(text) ?? [];
      if (core === '') return change.op === 'insert' ? text : '';
      const mark = change.op === 'insert' ? '*' : '~';
      return `${before}${mark}${core}${mark}${after}`;
    })
    .join('');
}
