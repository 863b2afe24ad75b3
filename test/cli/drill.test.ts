/**
 * `firebreak drill` as a team runs it, the real command against a running sandbox: with LOCALE=es it
 * answers in Spanish throughout (an unknown scenario, a bad --wait, a scenario's problems, the check,
 * the sandbox's refusals and the figures), as the sandbox page does; with LOCALE=en in English.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { startFirebreak, type RunningFirebreak } from '../../src/main.js';
import { runCli, testEnvironment } from '../support/cli.js';

const PLAYBOOKS = join(import.meta.dirname, '..', '..', 'playbooks');
const SHORT = 'formatVersion: 1\nid: short\nname: Corto\nlanguage: es\nchannel: support\nsteps:\n  - { at: 0s, from: ana, text: "Hola, ¿alguien más?" }\n  - { at: 1s, from: ben, text: "Todo bien por aquí." }\n';
const SLOW = 'formatVersion: 1\nid: slow\nname: Lento\nlanguage: es\nchannel: support\nsteps:\n  - { at: 0s, from: ana, text: hola }\n  - { at: 10m, from: ben, text: adiós }\n';
const BROKEN = 'formatVersion: 1\nid: broken\nname: Roto\nlanguage: es\nchannel: support\nsteps:\n  - { at: 0s, from: mallory, text: hola }\n';

let directory: string;
let firebreak: RunningFirebreak;
beforeAll(async () => {
  directory = mkdtempSync(join(tmpdir(), 'firebreak-cli-drill-'));
  mkdirSync(join(directory, 'scenarios'));
  for (const [name, source] of Object.entries({ short: SHORT, slow: SLOW, broken: BROKEN })) writeFileSync(join(directory, 'scenarios', `${name}.yaml`), source);
  // The sandbox itself speaks English (its LOCALE): the command asks for its own language.
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', DATABASE_URL: `file:${join(directory, 'firebreak.db')}`, LOG_LEVEL: 'silent', PLAYBOOKS_DIR: PLAYBOOKS, LOCALE: 'en' });
  firebreak = await startFirebreak(config, createLogger('silent'));
}, 60_000);
afterAll(async () => {
  await firebreak?.close();
  rmSync(directory, { recursive: true, force: true });
});

const drill = (locale: 'es' | 'en', ...args: string[]) => runCli(['drill', ...args], { env: testEnvironment({ LOCALE: locale, PLAYBOOKS_DIR: PLAYBOOKS }) });

describe('firebreak drill in the team’s language', () => {
  it('an unknown scenario is named in Spanish, with the ones there are (and in English for an English team)', async () => {
    const spanish = await drill('es', 'nope');
    expect(spanish.code).toBe(1);
    expect(spanish.stderr).toBe(`firebreak: No hay ningún escenario «nope» en ${join(PLAYBOOKS, 'scenarios')}; hay: outage-escalates, privacy-rumour, toxic-thread.\n`);
    const english = await drill('en', 'nope');
    expect(english.stderr).toBe(`firebreak: No scenario "nope" in ${join(PLAYBOOKS, 'scenarios')}; there are outage-escalates, privacy-rumour, toxic-thread.\n`);
  });

  it('a bad --wait, a scenario’s problems and the check are Spanish too', async () => {
    expect((await drill('es', 'outage-escalates', '--wait', 'pronto')).stderr).toBe('firebreak: --wait debe ser un número de segundos, no «pronto».\n');
    const broken = await drill('es', join(directory, 'scenarios', 'broken.yaml'), '--check');
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain('steps[0].from: persona desconocida «mallory» (el sandbox tiene ana, ben');
    expect(broken.stderr).toContain(`firebreak: 1 problema en ${join(directory, 'scenarios', 'broken.yaml')}.\n`);
    const checked = await drill('es', join(directory, 'scenarios', 'short.yaml'), '--check');
    expect(checked).toMatchObject({ code: 0, stdout: `ok  short  ${join(directory, 'scenarios', 'short.yaml')} (2 pasos)\n` });
  });

  it('a drill played from the command: the sandbox’s refusal and the figures in Spanish, the speed with a decimal comma', async () => {
    const url = firebreak.url;
    const slow = join(directory, 'scenarios', 'slow.yaml');
    const first = await fetch(`${url}/sandbox/drills`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ file: slow, source: SLOW, speed: 1 }) });
    expect(first.status).toBe(200);
    const again = await drill('es', slow, '--url', url);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/^firebreak: El simulacro «Lento» ya está en curso/);
    firebreak.sandbox?.drills.stopAll();

    const played = await drill('es', join(directory, 'scenarios', 'short.yaml'), '--url', url, '--speed', '2,5', '--wait', '0');
    expect(played.stderr).toBe('');
    expect(played.code).toBe(0);
    const lines = played.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(new RegExp(`^Simulacro \\S+: Corto a 2,5× — síguelo en ${url.replaceAll('.', '\\.')}/sandbox$`));
    expect(lines).toContain('  los 2 pasos reproducidos; esperando la respuesta del equipo (hasta 0 s)');
    expect(lines.slice(-6)).toEqual([
      expect.stringMatching(/^Simulacro \S+ terminado: Corto$/),
      '  mensajes reproducidos               2',
      '  tiempo hasta la alerta              todavía no',
      '  tiempo hasta la confirmación        todavía no',
      '  tiempo hasta la primera aprobación  todavía no',
      '  tiempo hasta la primera respuesta   todavía no',
    ]);
  }, 60_000);
});
