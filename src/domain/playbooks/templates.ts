import Mustache from 'mustache';
import { FirebreakError } from '../../errors.js';

/**
 * The variables a reply template may use, and who provides each one when a draft is rendered.
 * Validation refuses any other name, so a typo never reaches a member as an empty gap.
 */
export const TEMPLATE_VARIABLES = {
  member: 'Display name of the member being answered (from Slack; escaped).',
  channel: 'Name of the channel the incident was detected in.',
  brand: 'Name of the brand or community (configuration).',
  incident_id: 'Short identifier of the incident, e.g. INC-42.',
  severity: 'Current severity of the incident (sev1 … sev4).',
  lead: 'Name of the incident lead.',
  eta: 'Clock time of the next update, as typed by the lead (e.g. "18:30 CET"); templates read "by {{eta}}" / "antes de las {{eta}}".',
  status_page: 'URL of the public status page (configuration).',
  support_contact: 'Where members can share personal details privately (DM, form or e-mail; configuration).',
} as const;

export type TemplateVariable = keyof typeof TEMPLATE_VARIABLES;
export const TEMPLATE_VARIABLE_NAMES = Object.keys(TEMPLATE_VARIABLES) as TemplateVariable[];

export type TemplateValues = Partial<Record<string, string | number | undefined>>;

/** One use of a variable in a template, with its offset in the template text. */
export interface TemplateVariableUse {
  name: string;
  offset: number;
  /** `{{name}}` is an output; `{{#name}}`/`{{^name}}` open a section that is skipped when the value is empty. */
  kind: 'output' | 'section' | 'inverted-section' | 'unescaped' | 'partial';
  /** Inside a `{{#name}}…{{/name}}` or `{{^name}}…{{/name}}` block for this same name. */
  guarded: boolean;
}

export interface TemplateAnalysis {
  uses: TemplateVariableUse[];
  /** Syntax error (unclosed section, unbalanced tags), with the offset where it was found. */
  syntaxError?: { message: string; offset: number };
}

type Token = [string, string, number, number, Token[]?, ...unknown[]];

/** Lists the variables a template uses without rendering it. */
export function analyzeTemplate(template: string): TemplateAnalysis {
  let tokens: Token[];
  try {
    tokens = Mustache.parse(template) as unknown as Token[];
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const offset = /at (\d+)/.exec(message)?.[1];
    return { uses: [], syntaxError: { message: message.replace(/ at \d+$/, ''), offset: offset ? Number(offset) : 0 } };
  }
  const uses: TemplateVariableUse[] = [];
  const walk = (list: Token[], openSections: Set<string>): void => {
    for (const token of list) {
      const [type, value, start] = token;
      const name = value;
      switch (type) {
        case 'name':
          uses.push({ name, offset: start, kind: 'output', guarded: openSections.has(name) });
          break;
        case '&':
          uses.push({ name, offset: start, kind: 'unescaped', guarded: openSections.has(name) });
          break;
        case '>':
          uses.push({ name, offset: start, kind: 'partial', guarded: false });
          break;
        case '#':
        case '^':
          uses.push({ name, offset: start, kind: type === '#' ? 'section' : 'inverted-section', guarded: true });
          walk(token[4] ?? [], new Set([...openSections, name]));
          break;
        default:
          break;
      }
    }
  };
  walk(tokens, new Set());
  return { uses };
}

/**
 * Makes a member-provided value inert in a Slack message: `&`, `<` and `>` are the only characters
 * Slack asks to escape, and escaping `<` and `>` disarms `<!channel>`, `<!here>`, `<@U…>` and links.
 * Plain `@channel`/`@here`/`@everyone` are broken with a word joiner because clients with
 * `link_names` would otherwise turn them into mass mentions.
 */
export function escapeSlackText(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/@(channel|here|everyone)\b/gi, '@\u2060$1');
}

/**
 * Renders a reply template. Every value is escaped for Slack. A variable used outside a section
 * for itself must be given and non-empty: a public reply must never go out with a hole in it.
 */
export function renderTemplate(template: string, values: TemplateValues): string {
  const analysis = analyzeTemplate(template);
  if (analysis.syntaxError) {
    throw new FirebreakError('input_invalid', `template syntax error: ${analysis.syntaxError.message}`);
  }
  const forbidden = analysis.uses.find((use) => use.kind === 'unescaped' || use.kind === 'partial');
  if (forbidden) {
    throw new FirebreakError('input_invalid', `template uses {{${forbidden.kind === 'partial' ? '>' : '&'}${forbidden.name}}}, which is not allowed`);
  }
  const missing = [
    ...new Set(
      analysis.uses
        .filter((use) => use.kind === 'output' && !use.guarded)
        .map((use) => use.name)
        .filter((name) => values[name] === undefined || String(values[name]).trim() === ''),
    ),
  ];
  if (missing.length > 0) {
    throw new FirebreakError('input_invalid', `template needs a value for ${missing.map((name) => `{{${name}}}`).join(', ')}`);
  }
  const view: Record<string, string> = {};
  for (const [name, value] of Object.entries(values)) {
    if (value !== undefined && String(value).trim() !== '') view[name] = String(value);
  }
  return Mustache.render(template, view, {}, { escape: escapeSlackText });
}
