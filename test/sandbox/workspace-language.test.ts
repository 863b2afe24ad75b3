/**
 * The sandbox community as a team running Firebreak in Spanish (LOCALE=es) sees it: its channels
 * described and greeted in Spanish, as its admins would have written them; #community-es in Spanish
 * whatever the team's language.
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { startFirebreak, type RunningFirebreak } from '../../src/main.js';

type State = { channels: { name: string; purpose: string; messages: { text: string }[] }[] };

describe.each([
  ['es', 'Pide ayuda; el equipo responde aquí', '¡Hola a todos! Bienvenidos a #support 👋'],
  ['en', 'Ask for help; staff answer here', 'Welcome to #support 👋'],
] as const)('the sandbox workspace of a team whose language is %s', (locale, supportPurpose, supportWelcome) => {
  const running: { firebreak?: RunningFirebreak; directory?: string } = {};
  afterAll(async () => {
    await running.firebreak?.close();
    if (running.directory) rmSync(running.directory, { recursive: true, force: true });
  });

  it('describes and greets its channels in the team’s language, #community-es in Spanish', async () => {
    const directory = (running.directory = mkdtempSync(join(tmpdir(), 'firebreak-sandbox-language-')));
    const playbooks = join(directory, 'playbooks');
    mkdirSync(playbooks, { recursive: true });
    cpSync(new URL('../../playbooks/default.yaml', import.meta.url), join(playbooks, 'default.yaml'));
    const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', DATABASE_URL: `file:${join(directory, 'firebreak.db')}`, LOG_LEVEL: 'silent', PLAYBOOKS_DIR: playbooks, LOCALE: locale });
    const firebreak = (running.firebreak = await startFirebreak(config, createLogger('silent')));
    const state = async () => (await (await fetch(`${firebreak.url}/sandbox/state?as=U0STAFFSAM`)).json()) as State;
    const channel = async (name: string) => (await state()).channels.find((candidate) => candidate.name === name)!;

    expect((await channel('support')).purpose).toBe(supportPurpose);
    expect((await channel('community-es')).purpose).toBe('La comunidad en español');
    const deadline = Date.now() + 20_000;
    while ((await channel('support')).messages.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await channel('support')).messages[0]?.text).toBe(supportWelcome);
    expect((await channel('community-es')).messages[0]?.text).toBe('¡Hola a todos! Bienvenidos a #community-es 👋');
  }, 60_000);
});
