// A drill whose step fails (Firebreak answered the declare command with an error) says why in the
// language it is asked in, as the sandbox page and `firebreak drill` read it: not in English only.
import { describe, expect, it } from 'vitest';
import { systemClock } from '../../src/domain/clock.js';
import { t, type Locale } from '../../src/i18n/index.js';
import { createLogger } from '../../src/logger.js';
import { DrillPlayer } from '../../src/sandbox/player.js';
import type { Scenario } from '../../src/sandbox/scenarios.js';
import { SlackWorkspace } from '../../src/sandbox/slack-api/index.js';

const appFailed = (locale: Locale) => t(locale, 'sandbox.error.app_failed', { what: t(locale, 'sandbox.error.what.command', {}), status: '500' });

describe('a failed drill step', () => {
  it('is said in the language the drill is read in, with the sandbox’s own words for what failed', async () => {
    const workspace = new SlackWorkspace();
    const player = new DrillPlayer({
      clock: systemClock,
      logger: createLogger('silent'),
      workspace,
      alertsChannel: 'C0ALERTS',
      post: () => '1700000000.000100',
      // What the sandbox throws when Firebreak answers a command with HTTP 500 (sandbox.ts appFailed).
      command: async () => {
        throw Object.assign(new Error(appFailed('en')), { status: 502, error: 'app_failed', text: appFailed });
      },
    });
    const scenario: Scenario = {
      id: 'declares',
      name: 'Declares',
      description: '',
      language: 'es',
      channel: 'support',
      file: 'declares.yaml',
      steps: [{ kind: 'declare', atMs: 0, by: 'sam', channel: 'support', severity: 'sev2', summary: 'Caída', unlessAlerted: false }],
    };
    const { id } = player.start(scenario, 1);
    await expect.poll(() => player.get(id)?.state, { timeout: 5_000 }).toBe('failed');
    expect(player.get(id, 'es')?.error).toBe(t('es', 'sandbox.drill.failed_step', { detail: appFailed('es') }));
    expect(player.list('es')[0]?.error).toBe(player.get(id, 'es')?.error);
    expect(player.get(id)?.error).toBe(`A step could not be played: ${appFailed('en')}`);
    player.stopAll();
  });
});
