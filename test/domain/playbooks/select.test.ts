import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { classifySeverity, loadPlaybooks, parsePlaybookSource, selectPlaybook } from '../../../src/domain/playbooks/index.js';
import type { Playbook } from '../../../src/domain/playbooks/index.js';
import { fixturesDir, minimalWith, shippedPlaybooksDir } from './helpers.js';

let playbooks: Playbook[];
beforeAll(async () => {
  const loaded = await loadPlaybooks(join(fixturesDir, 'valid'));
  expect(loaded.problems).toEqual([]);
  playbooks = loaded.playbooks;
});

function variant(id: string, replacements: Array<[string, string]>): Playbook {
  let source = minimalWith('id: minimal', `id: ${id}`).replace('default: true\n', '');
  for (const [find, replace] of replacements) source = source.replace(find, replace);
  const { playbook, problems } = parsePlaybookSource(source, `${id}.yaml`);
  expect(problems).toEqual([]);
  return playbook as Playbook;
}

describe('selectPlaybook', () => {
  it('picks the playbook whose channel and keyword match', () => {
    expect(selectPlaybook(playbooks, { channelName: 'support', language: 'es', text: 'La app no FUNCIONA desde esta mañana' }).id).toBe('outage');
  });

  it('matches channel IDs, names with #, and patterns', () => {
    expect(selectPlaybook(playbooks, { channelId: 'C0STATUS01', text: 'outage again' }).id).toBe('outage');
    expect(selectPlaybook(playbooks, { channelName: '#help-billing', text: 'outage again' }).id).toBe('outage');
    expect(selectPlaybook(playbooks, { channelName: 'helpdesk', text: 'outage again' }).id).toBe('minimal');
  });

  it('ignores accents and case, and matches whole words only', () => {
    expect(selectPlaybook(playbooks, { channelName: 'support', text: 'todo CAIDO otra vez' }).id).toBe('outage');
    expect(selectPlaybook(playbooks, { channelName: 'support', text: 'outages are a word we never say' }).id).toBe('minimal');
  });

  it('looks keywords up in detected terms as well as text', () => {
    expect(selectPlaybook(playbooks, { channelName: 'support', terms: ['not working', 'login'] }).id).toBe('outage');
  });

  it('falls back to the default playbook', () => {
    expect(selectPlaybook(playbooks, { channelName: 'support', language: 'es', text: 'qué bonito día' }).id).toBe('minimal');
    expect(selectPlaybook(playbooks, { channelName: 'support', language: 'fr', text: 'outage' }).id).toBe('minimal');
  });

  it('chooses by priority, then by keyword hits, then a specific playbook over the default', () => {
    const low = variant('low', [['description: Smallest', 'triggers:\n  keywords: [refund, broken]\n  priority: 10\ndescription: Smallest']]);
    const high = variant('high', [['description: Smallest', 'triggers:\n  keywords: [refund]\n  priority: 20\ndescription: Smallest']]);
    const sameAsLow = variant('same', [['description: Smallest', 'triggers:\n  keywords: [refund]\n  priority: 10\ndescription: Smallest']]);
    const fallback = playbooks.find((playbook) => playbook.default) as Playbook;
    expect(selectPlaybook([low, high, fallback], { text: 'broken, I want a refund' }).id).toBe('high');
    expect(selectPlaybook([low, sameAsLow, fallback], { text: 'broken, I want a refund' }).id).toBe('low');
    expect(selectPlaybook([sameAsLow, fallback], { text: 'refund' }).id).toBe('same');
  });

  it('says so when nothing matches and there is no default', () => {
    const outageOnly = playbooks.filter((playbook) => !playbook.default);
    expect(() => selectPlaybook(outageOnly, { channelName: 'random', text: 'hello' })).toThrow(/no playbook matches and there is no default/);
  });
});

describe('classifySeverity', () => {
  it('returns the most severe level whose thresholds are all reached', () => {
    const minimal = playbooks.find((playbook) => playbook.id === 'minimal') as Playbook;
    expect(classifySeverity(minimal, { negativeRatio: 0.7, negativeMessages: 50, distinctAuthors: 1 })).toBe('sev1');
    expect(classifySeverity(minimal, { negativeRatio: 0.5, negativeMessages: 50, distinctAuthors: 12 })).toBe('sev2');
    expect(classifySeverity(minimal, { negativeRatio: 0.5, negativeMessages: 50, distinctAuthors: 9 })).toBe('sev3');
    expect(classifySeverity(minimal, { negativeRatio: 0.9, negativeMessages: 4, distinctAuthors: 4 })).toBe('sev4');
  });

  it('treats thresholds as minimums (reached when equal)', () => {
    const minimal = playbooks.find((playbook) => playbook.id === 'minimal') as Playbook;
    expect(classifySeverity(minimal, { negativeRatio: 0.6, negativeMessages: 40, distinctAuthors: 0 })).toBe('sev1');
  });
});

describe('selectPlaybook with workspaces', () => {
  it('chooses a playbook limited to some workspaces only for them; the default serves the others', () => {
    const brand = variant('brand', [['description: Smallest', 'workspaces: [T0AAAAAAA]\ntriggers:\n  priority: 10\ndescription: Smallest']]);
    const fallback = playbooks.find((playbook) => playbook.default) as Playbook;
    expect(selectPlaybook([brand, fallback], { teamId: 'T0AAAAAAA', text: 'hello' }).id).toBe('brand');
    expect(selectPlaybook([brand, fallback], { teamId: 'T0BBBBBBB', text: 'hello' }).id).toBe(fallback.id);
    // A workspace not known is never given another brand's playbook.
    expect(selectPlaybook([brand, fallback], { text: 'hello' }).id).toBe(fallback.id);
  });
});

describe('selectPlaybook over the shipped playbooks', () => {
  let shipped: Playbook[];
  beforeAll(async () => {
    const loaded = await loadPlaybooks(shippedPlaybooksDir);
    expect(loaded.problems).toEqual([]);
    shipped = loaded.playbooks;
  });
  const chosen = (channelName: string, language: string, ...messages: string[]) => selectPlaybook(shipped, { channelName, language, text: messages.join('\n') }).id;

  it('an angry customer saying "I hate this" or asking for a refund does not make a spike harassment or a recall', () => {
    expect(chosen('general', 'en', 'The new logo is garbage', 'Worst redesign ever', 'I hate this.')).toBe('default');
    expect(chosen('general', 'es', 'El nuevo diseño es un desastre', 'Odio este logo, qué feo')).toBe('default');
    expect(chosen('community-fans', 'en', 'Leaked passwords? They sold my data', 'I hate this.')).toBe('privacy-rumour');
    // The declare command's own example in its help.
    expect(chosen('support', 'en', 'Refund complaints after the price change')).toBe('price-change-backlash');
    expect(chosen('support', 'es', 'Quiero la devolución, la subida de precio es un abuso')).toBe('price-change-backlash');
  });

  it('members attacking members, and a defective product, still choose their playbooks', () => {
    expect(chosen('general', 'es', 'Esto es acoso. Me están insultando y nadie hace nada', 'Acoso y amenazas, inaceptable')).toBe('harassment');
    expect(chosen('general', 'en', 'Stop the hate speech in this channel', 'These are threats, moderators!')).toBe('harassment');
    expect(chosen('support', 'en', 'My charger is overheating and the case burned', 'Is there a recall?')).toBe('product-recall');
  });
});
