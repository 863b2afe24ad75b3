/**
 * Drill scenarios' problems and a drill's failure, as the sandbox page and `firebreak drill` get them
 * over HTTP: in the language the page asks for (x-sandbox-language), else the team's (LOCALE), never
 * English only.
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { startFirebreak, type RunningFirebreak } from '../../src/main.js';

const BROKEN = 'formatVersion: 1\nid: broken\nname: Broken\nlanguage: es\nchannel: suport\nsteps:\n  - { at: 0s, from: mallory, text: hola }\n  - { at: soon, from: ana, text: otra }\n';

describe('drill scenario problems in the page’s language', () => {
  let firebreak: RunningFirebreak;
  let directory: string;
  beforeAll(async () => {
    directory = mkdtempSync(join(tmpdir(), 'firebreak-drill-language-'));
    const playbooks = join(directory, 'playbooks');
    mkdirSync(join(playbooks, 'scenarios'), { recursive: true });
    cpSync(new URL('../../playbooks/default.yaml', import.meta.url), join(playbooks, 'default.yaml'));
    writeFileSync(join(playbooks, 'scenarios', 'broken.yaml'), BROKEN);
    const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', DATABASE_URL: `file:${join(directory, 'firebreak.db')}`, LOG_LEVEL: 'silent', PLAYBOOKS_DIR: playbooks, LOCALE: 'en' });
    firebreak = await startFirebreak(config, createLogger('silent'));
  }, 60_000);
  afterAll(async () => {
    await firebreak?.close();
    rmSync(directory, { recursive: true, force: true });
  });

  type Problem = { file: string; line: number; path: string; message: string; hint?: string };
  const stateIn = async (language?: string) =>
    (await (await fetch(`${firebreak.url}/sandbox/state?as=U0STAFFSAM`, { headers: language ? { 'x-sandbox-language': language } : {} })).json()) as { scenarioProblems: Problem[] };

  it('the scenarios folder’s problems: in Spanish when the page asks for it, in the team’s language otherwise', async () => {
    const spanish = (await stateIn('es')).scenarioProblems.map((p) => `${p.path}: ${p.message}${p.hint ? ` (${p.hint})` : ''}`);
    expect(spanish).toEqual([
      'channel: canal desconocido «suport»: el sandbox tiene #general, #support, #help-billing, #community-es, #off-topic (¿quisiste decir `support`?)',
      'steps[0].from: persona desconocida «mallory» (el sandbox tiene ana, ben, chloe, diego, emma, farid, grace, hugo, irene, jonas, sam, noa, lucia, priya, quinn, leo, carmen)',
      'steps[1].at: debe ser una duración como 30s, 2m o 500ms',
    ]);
    const english = (await stateIn()).scenarioProblems.map((p) => `${p.path}: ${p.message}`);
    expect(english[0]).toBe('channel: unknown channel "suport": the sandbox has #general, #support, #help-billing, #community-es, #off-topic');
    expect(english[1]).toBe('steps[0].from: unknown persona "mallory"');
    expect(english[2]).toBe('steps[1].at: must be a duration such as 30s, 2m or 500ms');
  });

  it('a scenario pasted in the page is refused with its problems in the page’s language', async () => {
    const answer = await fetch(`${firebreak.url}/sandbox/drills`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-sandbox-language': 'es' },
      body: JSON.stringify({ file: 'mine.yaml', source: BROKEN.replace('channel: suport', 'channel: support').replace('  - { at: soon, from: ana, text: otra }\n', '').replace('id: broken', 'id: broken\nlanguaje: es') }),
    });
    expect(answer.status).toBe(400);
    const body = (await answer.json()) as { message: string; problems: Problem[] };
    expect(body.message).toBe('El escenario tiene problemas.');
    expect(body.problems.map((p) => `${p.path}: ${p.message}${p.hint ? ` (${p.hint})` : ''}`)).toEqual([': clave desconocida "languaje" (¿quisiste decir `language`?)']);
  });

  it('a step naming someone the sandbox does not have says so in Spanish, with the personas it has', async () => {
    const answer = await fetch(`${firebreak.url}/sandbox/drills`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-sandbox-language': 'es' },
      body: JSON.stringify({ file: 'mine.yaml', source: BROKEN.replace('channel: suport', 'channel: support').replace('  - { at: soon, from: ana, text: otra }\n', '') }),
    });
    const body = (await answer.json()) as { problems: Problem[] };
    expect(body.problems).toHaveLength(1);
    expect(body.problems[0]).toMatchObject({ path: 'steps[0].from', message: 'persona desconocida «mallory»', hint: expect.stringMatching(/^el sandbox tiene ana, ben/) });
  });
});
