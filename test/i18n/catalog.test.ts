import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { en } from '../../src/i18n/en.js';
import { es } from '../../src/i18n/es.js';
import { isLocale, t } from '../../src/i18n/index.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const catalogDir = join(root, 'src/i18n');

type Message = (params: Record<string, unknown>) => string;
const messages = (catalog: object) => catalog as Record<string, Message>;

/** Each English message's declared params (name → type), read from the catalog sources: the types are the contract. */
function declaredParams(): Map<string, Map<string, ts.TypeNode>> {
  const declared = new Map<string, Map<string, ts.TypeNode>>();
  for (const name of readdirSync(catalogDir).filter((file) => /(^|-)en\.ts$/.test(file))) {
    const source = ts.createSourceFile(name, readFileSync(join(catalogDir, name), 'utf8'), ts.ScriptTarget.Latest, true);
    const visit = (node: ts.Node): void => {
      if (ts.isPropertyAssignment(node) && ts.isStringLiteral(node.name) && ts.isArrowFunction(node.initializer)) {
        const params = new Map<string, ts.TypeNode>();
        const type = node.initializer.parameters[0]?.type;
        if (type && ts.isTypeLiteralNode(type)) {
          for (const member of type.members) if (ts.isPropertySignature(member) && member.type && ts.isIdentifier(member.name)) params.set(member.name.text, member.type);
        } else if (type && !(ts.isTypeReferenceNode(type) && type.typeName.getText() === 'Empty')) {
          throw new Error(`${node.name.text}: declare its params inline ({ name: type }) or as Empty, so this test can read them`);
        }
        declared.set(node.name.text, params);
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return declared;
}

/**
 * Params for one render: strings are sentinels that show up in the text wherever they are used; numbers
 * and booleans take two values over the variants so both sides of a plural or a flag are rendered (a
 * nullable string is a sentinel, then null).
 */
function sampleParams(params: Map<string, ts.TypeNode>, variant: 0 | 1): Record<string, unknown> {
  const sample: Record<string, unknown> = {};
  for (const [name, type] of params) {
    if (type.kind === ts.SyntaxKind.StringKeyword) sample[name] = `⟦${name}⟧`;
    else if (type.kind === ts.SyntaxKind.NumberKeyword) sample[name] = variant === 0 ? 1 : 3;
    else if (type.kind === ts.SyntaxKind.BooleanKeyword) sample[name] = variant === 1;
    else if (ts.isArrayTypeNode(type) && type.elementType.kind === ts.SyntaxKind.StringKeyword) sample[name] = [`⟦${name}⟧`];
    else if (type.getText() === 'string | null') sample[name] = variant === 0 ? `⟦${name}⟧` : null;
    else throw new Error(`param ${name}: no sample value for the type ${type.getText()}; add one to this test`);
  }
  return sample;
}

/** What a render used: the params it read and the string params that reached the text. */
function render(message: Message, sample: Record<string, unknown>): { read: string[]; shown: string[]; text: string } {
  const read = new Set<string>();
  const tracked = new Proxy(sample, {
    get(target, property, receiver) {
      if (typeof property === 'string' && Object.hasOwn(target, property)) read.add(property);
      return Reflect.get(target, property, receiver) as unknown;
    },
  });
  const text = message(tracked);
  const shown = Object.keys(sample).filter((name) => text.includes(`⟦${name}⟧`));
  return { read: [...read].sort(), shown: shown.sort(), text };
}

describe('the catalog', () => {
  it('has the same keys in Spanish as in English', () => {
    expect(Object.keys(es).sort()).toEqual(Object.keys(en).sort());
  });

  it('uses the same placeholders in both languages: each message reads and shows the same params', () => {
    const declared = declaredParams();
    const keys = Object.keys(en);
    expect(keys.filter((key) => !declared.has(key))).toEqual([]);
    const differences: string[] = [];
    for (const key of keys) {
      for (const variant of [0, 1] as const) {
        const sample = sampleParams(declared.get(key)!, variant);
        const english = render(messages(en)[key]!, sample);
        const spanish = render(messages(es)[key]!, sample);
        if (english.read.join() !== spanish.read.join()) differences.push(`${key}: reads en [${english.read}] es [${spanish.read}]`);
        if (english.shown.join() !== spanish.shown.join()) differences.push(`${key}: shows en [${english.shown}] es [${spanish.shown}]`);
      }
    }
    expect([...new Set(differences)]).toEqual([]);
  });

  it('renders typed params in both languages', () => {
    expect(t('en', 'refusal.text_too_long', { field: 'summary', length: 3200, max: 3000 })).toBe(
      'The resolution summary is 3200 characters long; Slack allows at most 3000.',
    );
    expect(t('es', 'refusal.text_too_long', { field: 'summary', length: 3200, max: 3000 })).toBe(
      'El resumen de la resolución tiene 3200 caracteres; Slack admite como máximo 3000.',
    );
    expect(t('es', 'refusal.quorum_unreachable', { required: 2, eligible: 1 })).toBe(
      'Esta respuesta necesita 2 aprobaciones, pero solo 1 persona puede darla, así que nunca podría publicarse.',
    );
    expect(t('en', 'refusal.quorum_unreachable', { required: 1, eligible: 0 })).toBe(
      'This reply needs 1 approval but only 0 approvers are allowed to give one, so it could never be posted.',
    );
  });

  it('translates rather than copies: no Spanish text equals its English one', () => {
    // Words Spanish-speaking teams use as they are.
    // "Post-mortem #12": a modal title has 24 characters, too few for "del incidente #12".
    // The sandbox's scenario option ("name (es)") and seconds ("1,5 s") differ only in their params' formatting.
    const sameInBoth = ['timeline.firebreak', 'export.header.playbook', 'export.no', 'ui.field.checklist', 'ui.pm.title', 'sandbox.drill.scenario_option', 'sandbox.drill.seconds'];
    const declared = declaredParams();
    const sameAsEnglish = Object.keys(en).filter((key) => {
      const sample = sampleParams(declared.get(key)!, 1);
      return messages(en)[key]!(sample) === messages(es)[key]!(sample) && !sameInBoth.includes(key);
    });
    expect(sameAsEnglish).toEqual([]);
  });

  it('names the checklist one way in Spanish: the alert\'s field, the checklist\'s heading and every other message', () => {
    const field = t('es', 'ui.field.checklist', {});
    expect(t('es', 'ui.checklist.heading', { number: 3 })).toBe(`${field} del incidente #3`);
    const declared = declaredParams();
    const spanish = Object.keys(es).map((key) => messages(es)[key]!(sampleParams(declared.get(key)!, 1)));
    expect(spanish.filter((text) => /lista de pasos/i.test(text))).toEqual([]);
  });

  it('recognises supported locales only', () => {
    expect(isLocale('es')).toBe(true);
    expect(isLocale('fr')).toBe(false);
    expect(isLocale(undefined)).toBe(false);
  });

  it('refuses, when compiling, a key it does not have and a message without its params', () => {
    // What guards every call today is the type checker: this compiles three calls against the real catalog.
    const snippet = join(root, 'test/i18n/__calls__.ts');
    const calls = [
      `import { t } from '../../src/i18n/index.js';`,
      `export const fine = t('en', 'refusal.draft_closed', { draftNumber: 2 });`,
      `export const unknownKey = t('en', 'refusal.no_such_message', {});`,
      `export const missingParam = t('es', 'refusal.draft_closed', {});`,
    ].join('\n');
    const options: ts.CompilerOptions = { strict: true, noEmit: true, skipLibCheck: true, target: ts.ScriptTarget.ES2023, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, types: [] };
    const host = ts.createCompilerHost(options);
    const readFile = host.readFile.bind(host);
    const fileExists = host.fileExists.bind(host);
    const getSourceFile = host.getSourceFile.bind(host);
    host.readFile = (file) => (resolve(file) === snippet ? calls : readFile(file));
    host.fileExists = (file) => resolve(file) === snippet || fileExists(file);
    host.getSourceFile = (file, language, ...rest) => (resolve(file) === snippet ? ts.createSourceFile(file, calls, language) : getSourceFile(file, language, ...rest));
    const program = ts.createProgram([snippet], options, host);
    const errors = ts.getPreEmitDiagnostics(program, program.getSourceFile(snippet)).map((diagnostic) => ({
      line: diagnostic.file!.getLineAndCharacterOfPosition(diagnostic.start!).line + 1,
      message: ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'),
    }));
    expect(errors.map((error) => error.line)).toEqual([3, 4]);
    expect(errors[0]!.message).toContain('"refusal.no_such_message"');
    expect(errors[1]!.message).toContain('draftNumber');
  }, 30_000);

  it('names a key forced past the types instead of rendering it', () => {
    expect(() => t('en', 'refusal.no_such_message' as never, {} as never)).toThrow('no message "refusal.no_such_message" in the en catalog');
    expect(() => t('es', 'toString' as never, {} as never)).toThrow(RangeError);
  });
});
