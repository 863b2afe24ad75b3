import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePlaybookSource, playbookName } from '../../../src/domain/playbooks/index.js';
import type { PlaybookProblem } from '../../../src/domain/playbooks/index.js';
import { minimalSource, minimalWith, positionAfter, positionOf, shippedPlaybooksDir } from './helpers.js';

function problemsOf(source: string): PlaybookProblem[] {
  const result = parsePlaybookSource(source, 'playbooks/test.yaml');
  expect(result.playbook).toBeUndefined();
  return result.problems;
}

describe('valid playbooks', () => {
  it('accepts the minimal fixture and fills in the defaults', () => {
    const { playbook, problems } = parsePlaybookSource(minimalSource, 'playbooks/minimal.yaml');
    expect(problems).toEqual([]);
    expect(playbook?.id).toBe('minimal');
    expect(playbook?.roles.fourEyes).toBe(true);
    expect(playbook?.roles.canResolve).toEqual(['lead']);
    expect(playbook?.triggers.priority).toBe(0);
    expect(playbook?.checklist.map((step) => step.required)).toEqual([true, false]);
    expect(playbook?.postMortem.questions[0]?.answer).toBe('long-text');
    expect(playbook?.source.file).toBe('playbooks/minimal.yaml');
    expect(playbook?.source.locations['roles.approvers[1]']).toEqual(positionOf(minimalSource, 'U0APPROVE2'));
  });

  const shipped = readdirSync(shippedPlaybooksDir).filter((name) => name.endsWith('.yaml'));
  it('ships at least five example playbooks and a default', () => {
    expect(shipped.length).toBeGreaterThanOrEqual(6);
  });
  it.each(shipped)('shipped playbook %s is valid, in Spanish and English', (name) => {
    const { playbook, problems } = parsePlaybookSource(readFileSync(join(shippedPlaybooksDir, name), 'utf8'), name);
    expect(problems).toEqual([]);
    for (const step of playbook?.checklist ?? []) {
      expect(step.title.es).not.toBe(step.title.en);
    }
    for (const reply of playbook?.replies ?? []) {
      expect(reply.text.es).not.toBe(reply.text.en);
      // Every public reply points people to a private channel for personal details.
      expect(reply.text.es).toContain('{{support_contact}}');
      expect(reply.text.en).toContain('{{support_contact}}');
      // Internal bookkeeping stays internal: "(#7)" means nothing to members and tells them how many crises came before.
      expect(`${reply.text.es} ${reply.text.en}`).not.toMatch(/\{\{\s*(incident_id|severity|lead)\s*\}\}/);
    }
  });
});

describe('invalid playbooks are refused with file, line, column, key path and hint', () => {
  it('reports a YAML syntax error at its line', () => {
    const tabbed = minimalWith('  quorum: 2\n', '\tquorum: 2\n');
    expect(problemsOf(tabbed)).toEqual([
      {
        file: 'playbooks/test.yaml',
        line: positionOf(tabbed, '\tquorum').line,
        column: 1,
        path: '',
        message: 'YAML syntax error: Tabs are not allowed as indentation',
        hint: 'indent with spaces, not tabs',
      },
    ]);
    const colon = minimalWith('name: Minimal playbook', 'name: Minimal: playbook');
    expect(problemsOf(colon)).toEqual([
      {
        file: 'playbooks/test.yaml',
        ...positionAfter(colon, 'name: '),
        path: '',
        message: 'YAML syntax error: Nested mappings are not allowed in compact mappings',
        hint: 'put text that contains `: ` in quotes, and check the indentation',
      },
    ]);
  });

  it('reports a key written twice', () => {
    const source = minimalWith('  quorum: 2\n', '  quorum: 2\n  quorum: any\n');
    const [problem] = problemsOf(source);
    expect(problem?.message).toMatch(/YAML syntax error: Map keys must be unique/);
    expect(problem?.line).toBe(positionOf(source, 'quorum: any').line);
  });

  it('reports an unknown key at the key, with a did-you-mean hint', () => {
    const source = minimalWith('  approvers: [', '  aprovers: [');
    const problems = problemsOf(source);
    const unknown = problems.find((problem) => problem.message.includes('unknown key'));
    expect(unknown).toMatchObject({ path: 'roles.aprovers', message: 'unknown key `aprovers`', hint: 'did you mean `approvers`?', ...positionOf(source, 'aprovers') });
    const missing = problems.find((problem) => problem.message.includes('missing'));
    expect(missing).toMatchObject({ path: 'roles.approvers', message: 'missing required key `approvers`', line: positionOf(source, 'roles:').line });
  });

  it('reports a missing required key at its parent', () => {
    const source = minimalWith('    dueAfterMinutes: 5\n', '');
    expect(problemsOf(source)).toEqual([
      { file: 'playbooks/test.yaml', ...positionOf(source, 'id: acknowledge'), path: 'checklist[0].dueAfterMinutes', message: 'missing required key `dueAfterMinutes`' },
    ]);
  });

  it('reports a wrong type at the value', () => {
    const source = minimalWith('dueAfterMinutes: 60', 'dueAfterMinutes: an hour');
    expect(problemsOf(source)).toEqual([
      { file: 'playbooks/test.yaml', ...positionOf(source, 'an hour'), path: 'checklist[1].dueAfterMinutes', message: 'must be a whole number of minutes, not the text "an hour"' },
    ]);
  });

  it('reports a negative duration', () => {
    const source = minimalWith('repeatEveryMinutes: 10', 'repeatEveryMinutes: -10');
    expect(problemsOf(source)).toEqual([
      { file: 'playbooks/test.yaml', ...positionOf(source, '-10'), path: 'escalation.unacknowledged.repeatEveryMinutes', message: 'must be at least 1' },
    ]);
  });

  it('reports a value outside a fixed list with a hint', () => {
    const source = minimalWith('target: thread', 'target: thraed');
    const [problem] = problemsOf(source);
    expect(problem).toMatchObject({ path: 'replies[0].target', ...positionOf(source, 'thraed'), hint: 'did you mean `thread`?' });
    expect(problem?.message).toContain('`thread`, `channel`');
  });

  it('reports a quorum larger than the approver list', () => {
    const source = minimalWith('  quorum: 2', '  quorum: 3');
    expect(problemsOf(source)).toEqual([
      {
        file: 'playbooks/test.yaml',
        ...positionAfter(source, '  quorum: '),
        path: 'roles.quorum',
        message: 'quorum 3 is larger than the 2 approver(s) listed, so no reply could ever be approved',
        hint: 'lower the quorum, add approvers, or use `all`',
      },
    ]);
  });

  it('accepts an approver listed twice when the quorum is still reachable (a playbook that ran before keeps running)', () => {
    const source = minimalWith('  approvers: [U0APPROVE1, U0APPROVE2]\n  quorum: 2', '  approvers: [U0APPROVE1, U0APPROVE2, U0APPROVE1]\n  quorum: 2');
    const { playbook, problems } = parsePlaybookSource(source, 'playbooks/test.yaml');
    expect(problems).toEqual([]);
    expect(playbook?.roles.quorum).toBe(2);
  });

  it('accepts a quorum above the number of entries when a user group is among the approvers', () => {
    const source = minimalWith('  approvers: [U0APPROVE1, U0APPROVE2]\n  quorum: 2', '  approvers: ["@legal"]\n  quorum: 2');
    expect(parsePlaybookSource(source, 'x.yaml').problems).toEqual([]);
  });

  it('reports a misspelt quorum keyword', () => {
    const source = minimalWith('  quorum: 2', '  quorum: al');
    expect(problemsOf(source)).toEqual([
      expect.objectContaining({ path: 'roles.quorum', ...positionAfter(source, '  quorum: '), hint: 'did you mean `all`?' }),
    ]);
  });

  it('reports an unknown template variable at its exact line and column, in Spanish', () => {
    const source = minimalWith('Lo estamos revisando.', 'Lo estamos revisando en {{chanel}}.');
    expect(problemsOf(source)).toEqual([
      {
        file: 'playbooks/test.yaml',
        ...positionOf(source, '{{chanel}}'),
        path: 'replies[0].text.es',
        message: 'unknown template variable `{{chanel}}`; nothing provides it when a reply is drafted',
        hint: 'did you mean `channel`?',
      },
    ]);
  });

  it('reports an unknown template variable in English, and one in a quoted one-line text', () => {
    const source = minimalWith("We're looking into it.", "We're looking into it {{member_name}}.").replace(
      'guidance: { es: Sé breve, en: Keep it short }',
      'guidance: { es: Sé breve, en: Keep it short }\n  - id: second\n    target: channel\n    text: { es: "Hola {{miembro}}", en: "Hi {{member}}" }\n    guidance: { es: Breve, en: Short }',
    );
    const problems = problemsOf(source);
    expect(problems.map((problem) => [problem.path, problem.line, problem.column])).toEqual([
      ['replies[0].text.en', positionOf(source, '{{member_name}}').line, positionOf(source, '{{member_name}}').column],
      ['replies[1].text.es', positionOf(source, '{{miembro}}').line, positionOf(source, '{{miembro}}').column],
    ]);
  });

  it('refuses unescaped output, which would let member text post mentions', () => {
    const source = minimalWith('Hi {{member}}', 'Hi {{{member}}}');
    const [problem] = problemsOf(source);
    expect(problem).toMatchObject({ path: 'replies[0].text.en', ...positionOf(source, '{{{member}}}') });
    expect(problem?.message).toContain('skip escaping');
  });

  it('reports a template syntax error', () => {
    const source = minimalWith('{{#eta}} Back by {{eta}}.{{/eta}}', '{{#eta}} Back by {{eta}}.');
    const [problem] = problemsOf(source);
    expect(problem?.path).toBe('replies[0].text.en');
    expect(problem?.message).toMatch(/^template syntax error: Unclosed section "eta"/);
  });

  it('requires both languages for texts', () => {
    const source = minimalWith('title: { es: Revisión legal, en: Legal review }', 'title: { es: Revisión legal }');
    expect(problemsOf(source)).toEqual([
      { file: 'playbooks/test.yaml', ...positionOf(source, 'title: { es: Revisión legal }'), path: 'checklist[1].title.en', message: 'missing required key `en`' },
    ]);
    const noSpanish = minimalWith('title: { es: Revisión legal, en: Legal review }', 'title: { en: Legal review }');
    expect(problemsOf(noSpanish)).toEqual([expect.objectContaining({ path: 'checklist[1].title.es', message: 'missing required key `es`' })]);
  });

  it('takes the name as one text for every language, or in Spanish and English', () => {
    const one = parsePlaybookSource(minimalSource, 'playbooks/test.yaml').playbook!;
    expect([playbookName(one, 'es'), playbookName(one, 'en')]).toEqual([one.name, one.name]);
    const both = parsePlaybookSource(minimalWith('name: Minimal playbook\n', 'name: { es: Caída del servicio, en: Service outage }\n'), 'playbooks/test.yaml').playbook!;
    expect([playbookName(both, 'es'), playbookName(both, 'en')]).toEqual(['Caída del servicio', 'Service outage']);
    // A mapping form is checked as one: what is missing inside it, not "must be a text".
    const source = minimalWith('name: Minimal playbook\n', 'name: { es: Caída del servicio }\n');
    expect(problemsOf(source)).toEqual([expect.objectContaining({ path: 'name.en', message: 'missing required key `en`' })]);
    expect(problemsOf(minimalWith('name: Minimal playbook\n', 'name: 5\n'))).toEqual([
      expect.objectContaining({ path: 'name', message: 'must be a text, or the same text in Spanish (es) and English (en), not number 5' }),
    ]);
  });

  it('bounds a number question with min and max, and refuses them on other answers or crossed', () => {
    const question = (extra: string) => minimalWith('      prompt: { es: ¿Qué pasó?, en: What happened? }\n', `      prompt: { es: ¿Qué pasó?, en: What happened? }\n${extra}`);
    const { playbook } = parsePlaybookSource(question('      answer: number\n      min: 0\n      max: 1000\n'), 'playbooks/test.yaml');
    expect(playbook?.postMortem.questions[0]).toMatchObject({ answer: 'number', min: 0, max: 1000 });
    expect(problemsOf(question('      min: 0\n'))).toEqual([expect.objectContaining({ path: 'postMortem.questions[0].min', message: '`min` only applies to `answer: number`' })]);
    expect(problemsOf(question('      answer: number\n      min: 10\n      max: 1\n'))).toEqual([
      expect.objectContaining({ path: 'postMortem.questions[0].max', message: 'must be at least `min` (10), not 1' }),
    ]);
  });

  it('explains the comma slip in a one-line mapping', () => {
    const source = minimalWith('title: { es: Revisión legal, en: Legal review }', 'title: { es: Revisión legal, contratos, en: Legal review }');
    expect(problemsOf(source)).toEqual([
      expect.objectContaining({
        path: 'checklist[1].title.contratos',
        ...positionOf(source, 'contratos'),
        hint: 'inside `{ … }` a comma starts a new key: put text that contains commas in quotes',
      }),
    ]);
  });

  it('reports a checklist owner that is not a role', () => {
    const source = minimalWith('    owner: legal', '    owner: legl');
    expect(problemsOf(source)).toEqual([
      expect.objectContaining({ path: 'checklist[1].owner', ...positionOf(source, 'legl'), hint: 'did you mean `legal`?' }),
    ]);
  });

  it('reports an extra role with an invalid name at the name', () => {
    const source = minimalWith('    legal: ["@legal"]', '    Legal: ["@legal"]');
    expect(problemsOf(source)).toEqual([
      {
        file: 'playbooks/test.yaml',
        ...positionOf(source, 'Legal'),
        path: 'roles.extra.Legal',
        message: '`Legal` is not a valid name here: must be lower-case letters, digits and dashes, e.g. `first-response`',
      },
    ]);
  });

  it('reports an approver that is neither a user ID nor a group', () => {
    const source = minimalWith('[U0APPROVE1, U0APPROVE2]', '[U0APPROVE1, maria]');
    expect(problemsOf(source)).toEqual([expect.objectContaining({ path: 'roles.approvers[1]', ...positionOf(source, 'maria') })]);
  });

  it('reports duplicate step ids', () => {
    const source = minimalWith('  - id: legal-review', '  - id: acknowledge');
    expect(problemsOf(source)).toEqual([
      expect.objectContaining({ path: 'checklist[1].id', message: 'duplicate id `acknowledge` (also used by item 1)', line: positionOf(source, '  - id: acknowledge\n    title: { es: Revisión').line }),
    ]);
  });

  it('reports every problem of a file in one go, in line order', () => {
    const source = minimalWith('  quorum: 2', '  quorum: al').replace('dueAfterMinutes: 60', 'dueAfterMinutes: -1').replace('Hi {{member}}', 'Hi {{membr}}');
    const problems = problemsOf(source);
    expect(problems.map((problem) => problem.path)).toEqual(['roles.quorum', 'checklist[1].dueAfterMinutes', 'replies[0].text.en']);
  });

  it('refuses an empty file and a file that is not a mapping', () => {
    expect(problemsOf('# nothing yet\n')[0]?.message).toMatch(/^file is empty/);
    expect(problemsOf('- id: x\n')[0]?.message).toMatch(/must be a mapping/);
  });

  it('refuses a future format version', () => {
    const source = minimalWith('formatVersion: 1', 'formatVersion: 2');
    expect(problemsOf(source)).toEqual([expect.objectContaining({ path: 'formatVersion', message: 'this Firebreak reads format version 1', line: 2 })]);
  });
});

describe('hostile or odd input', () => {
  it('refuses a YAML alias bomb without hanging or throwing', () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]', ...Array.from({ length: 8 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10).fill(`*${String.fromCharCode(97 + i)}`).join(', ')}]`)].join('\n');
    const { playbook, problems } = parsePlaybookSource(bomb, 'bomb.yaml');
    expect(playbook).toBeUndefined();
    expect(problems).toEqual([expect.objectContaining({ file: 'bomb.yaml', message: expect.stringMatching(/^cannot read YAML: .*alias/i) })]);
  });

  it('gives no did-you-mean for short words that are merely different', () => {
    const source = minimalWith('description: Smallest', 'triggers:\n  languages: [fr]\ndescription: Smallest');
    expect(parsePlaybookSource(source, 'x.yaml').problems).toEqual([
      { file: 'x.yaml', ...positionOf(source, 'fr]'), path: 'triggers.languages[0]', message: 'must be one of `es`, `en`, not the text "fr"' },
    ]);
  });

  it('explains that a handle starting with @ needs quotes', () => {
    const source = minimalWith('  lead: U0LEAD0001', '  lead: @oncall');
    expect(parsePlaybookSource(source, 'x.yaml').problems).toEqual([
      expect.objectContaining({ ...positionOf(source, '@oncall'), hint: 'quote values that start with @ or `, e.g. "@community-leads"' }),
    ]);
  });

  it('refuses an empty channel list, which would never match', () => {
    const source = minimalWith('description: Smallest', 'triggers:\n  channels: []\ndescription: Smallest');
    expect(parsePlaybookSource(source, 'x.yaml').problems).toEqual([
      expect.objectContaining({ path: 'triggers.channels', message: 'list at least one channel, or leave `channels` out to cover every watched channel', ...positionAfter(source, '  channels: ') }),
    ]);
  });
});

describe('workspaces: the Slack workspaces a playbook serves', () => {
  const limited = (list: string) => minimalWith('default: true\n', `workspaces: ${list}\n`);

  it('accepts a list of team IDs; without it a playbook serves every workspace', () => {
    const { playbook, problems } = parsePlaybookSource(limited('[T0AAAAAAA, T0BBBBBBB]'), 'playbooks/brand.yaml');
    expect(problems).toEqual([]);
    expect(playbook?.workspaces).toEqual(['T0AAAAAAA', 'T0BBBBBBB']);
    expect(parsePlaybookSource(minimalSource, 'playbooks/minimal.yaml').playbook?.workspaces).toBeUndefined();
  });

  it('refuses an entry that is not a team ID, naming the file, the entry and its position', () => {
    const source = limited('[T0AAAAAAA, acme]');
    expect(problemsOf(source)).toEqual([
      { file: 'playbooks/test.yaml', ...positionOf(source, 'acme]'), path: 'workspaces[1]', message: 'must be a Slack workspace (team) ID such as T0123ABCD' },
    ]);
  });

  it('refuses an empty list and a single value', () => {
    const empty = limited('[]');
    expect(problemsOf(empty)).toEqual([
      { file: 'playbooks/test.yaml', ...positionOf(empty, '[]'), path: 'workspaces', message: 'list at least one workspace, or leave `workspaces` out to serve every workspace' },
    ]);
    expect(problemsOf(limited('T0AAAAAAA'))).toMatchObject([{ file: 'playbooks/test.yaml', path: 'workspaces', message: 'must be a list, not the text "T0AAAAAAA"' }]);
  });

  it('refuses limiting the default playbook, which is every workspace’s fallback', () => {
    const source = minimalWith('default: true\n', 'default: true\nworkspaces: [T0AAAAAAA]\n');
    expect(problemsOf(source)).toEqual([
      {
        file: 'playbooks/test.yaml',
        ...positionOf(source, '[T0AAAAAAA]'),
        path: 'workspaces',
        message: 'the default playbook serves every workspace and cannot be limited to some',
        hint: expect.stringContaining('leave `triggers` out of a playbook limited to it'),
      },
    ]);
  });
});
