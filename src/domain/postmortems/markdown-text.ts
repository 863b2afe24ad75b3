/**
 * Text people typed, written into Markdown so it renders as typed: no heading, list, emphasis, link or
 * HTML tag of its own (mdast-util-to-markdown escapes exactly what Markdown and GFM would read as
 * markup). Its line breaks stay line breaks; a blank line starts a new paragraph.
 */
import type { Paragraph, PhrasingContent, Root } from 'mdast';
import { toMarkdown, type Unsafe } from 'mdast-util-to-markdown';

/** GFM reads `~~…~~` as strikethrough and `|` as a table cell border; CommonMark alone does not. */
const GFM_UNSAFE: Unsafe[] = [
  { character: '~', inConstruct: 'phrasing' },
  { character: '|', inConstruct: 'phrasing' },
];

function paragraph(lines: readonly string[]): Paragraph {
  const children: PhrasingContent[] = [];
  lines.forEach((line, index) => {
    if (index > 0) children.push({ type: 'break' });
    children.push({ type: 'text', value: line });
  });
  return { type: 'paragraph', children };
}

/** Blocks of Markdown (paragraphs) showing `text` as typed. */
export function markdownText(text: string): string {
  const paragraphs = text
    .replace(/\r\n?/g, '\n')
    .split(/\n[ \t]*\n/)
    .map((block) => block.split('\n').map((line) => line.trimEnd()))
    .filter((lines) => lines.some((line) => line.trim() !== ''));
  const root: Root = { type: 'root', children: paragraphs.map(paragraph) };
  return toMarkdown(root, { unsafe: GFM_UNSAFE }).trimEnd();
}

/** One line of Markdown showing `text` as typed, its line breaks as spaces (a table cell's). */
export function markdownInline(text: string): string {
  return markdownText(text.replace(/\s*\r?\n\s*/g, ' '));
}

/** `text` as inline code: a fence longer than any run of backticks inside it, line breaks as spaces. */
export function markdownCode(text: string): string {
  const root: Root = { type: 'root', children: [{ type: 'paragraph', children: [{ type: 'inlineCode', value: text.replace(/\s*\r?\n\s*/g, ' ') }] }] };
  return toMarkdown(root).trimEnd();
}
