import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';

describe('loadConfig', () => {
  it('gives the documented defaults for an empty environment', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 3000,
      databaseUrl: 'file:./data/firebreak.db',
      migrateOnStart: true,
      playbooksDir: './playbooks',
      logLevel: 'info',
      locale: 'en',
      teamTimezone: 'UTC',
      messageRetentionDays: 30,
      slack: { configured: false },
    });
  });

  it('reports every invalid variable at once, by name', () => {
    const attempt = () =>
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', LOCALE: 'fr', LOG_LEVEL: 'loud', ALERTS_CHANNEL: '#alerts', TEAM_TIMEZONE: 'Mars/Base' });
    expect(attempt).toThrow(/PORT must be a whole number from 0 to 65535/);
    for (const name of ['DATABASE_URL', 'LOCALE', 'LOG_LEVEL', 'ALERTS_CHANNEL', 'TEAM_TIMEZONE']) expect(attempt).toThrow(new RegExp(name));
  });

  it('reads LOCALE and LOG_LEVEL as a person writes them, and says which values are accepted', () => {
    expect(loadConfig({ LOCALE: ' ES ', LOG_LEVEL: 'Debug' })).toMatchObject({ locale: 'es', logLevel: 'debug' });
    expect(loadConfig({ LOCALE: '', LOG_LEVEL: '' })).toMatchObject({ locale: 'en', logLevel: 'info' });
    const attempt = () => loadConfig({ LOCALE: 'fr', LOG_LEVEL: 'loud' });
    expect(attempt).toThrow(/LOCALE must be en \(English\) or es \(Spanish\)/);
    expect(attempt).toThrow(/LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent/);
  });

  it('never prints a secret value, even when it is invalid', () => {
    const secret = 'not-a-token-but-very-secret-1234';
    let message = '';
    try {
      loadConfig({ SLACK_BOT_TOKEN: secret, SLACK_SIGNING_SECRET: 'shh-signing', SLACK_APP_TOKEN: 'xoxb-wrong-kind', INGEST_TOKEN: 'short' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/SLACK_BOT_TOKEN must be a bot token/);
    expect(message).toMatch(/SLACK_APP_TOKEN must be an app-level token/);
    expect(message).toMatch(/INGEST_TOKEN must be at least 16 characters/);
    for (const value of [secret, 'shh-signing', 'xoxb-wrong-kind', 'short']) expect(message).not.toContain(value);
  });

  it('needs the bot token and the signing secret together', () => {
    expect(() => loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1-2-3' })).toThrow(/SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET must be set together/);
    expect(loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1-2-3', SLACK_SIGNING_SECRET: 's' }).slack.configured).toBe(true);
  });

  it('OAuth installs: client id and secret without a bot token, with a state secret and encryption keys', () => {
    const key = Buffer.alloc(32, 7).toString('base64');
    const oauth = { SLACK_CLIENT_ID: '1234.5678', SLACK_CLIENT_SECRET: 'client-secret-value', SLACK_SIGNING_SECRET: 's', SLACK_STATE_SECRET: 'x'.repeat(32), TOKEN_ENCRYPTION_KEYS: `${key}, ${'ab'.repeat(32)}` };
    const config = loadConfig(oauth);
    expect(config.slack).toMatchObject({ configured: true, oauth: { clientId: '1234.5678', stateTtlMs: 600_000 } });
    expect(config.tokenEncryptionKeys.map((k) => k.length)).toEqual([32, 32]);
    // A bot token keeps the single-workspace mode exactly as before.
    expect(loadConfig({ ...oauth, SLACK_BOT_TOKEN: 'xoxb-1-2-3' }).slack.oauth).toBeUndefined();
    let message = '';
    try {
      loadConfig({ SLACK_CLIENT_ID: '1234.5678', SLACK_CLIENT_SECRET: 'client-secret-value', TOKEN_ENCRYPTION_KEYS: 'not-a-key', SLACK_STATE_SECRET: 'short' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/TOKEN_ENCRYPTION_KEYS key 1 must be 32 random bytes/);
    expect(message).toMatch(/SLACK_STATE_SECRET must be at least 32 characters/);
    expect(message).not.toContain('not-a-key');
    expect(() => loadConfig({ ...oauth, TOKEN_ENCRYPTION_KEYS: '' })).toThrow(/TOKEN_ENCRYPTION_KEYS is required for OAuth installs/);
    expect(() => loadConfig({ ...oauth, SLACK_SIGNING_SECRET: '' })).toThrow(/SLACK_SIGNING_SECRET is required for OAuth installs/);
    expect(() => loadConfig({ SLACK_CLIENT_ID: '1234.5678' })).toThrow(/SLACK_CLIENT_ID and SLACK_CLIENT_SECRET must be set together/);
  });

  it('INGEST_TEAM_ID: an installed workspace owns /ingest sources, with OAuth installs and an ingest token only', () => {
    const key = Buffer.alloc(32, 7).toString('base64');
    const oauth = { SLACK_CLIENT_ID: '1234.5678', SLACK_CLIENT_SECRET: 'client-secret-value', SLACK_SIGNING_SECRET: 's', SLACK_STATE_SECRET: 'x'.repeat(32), TOKEN_ENCRYPTION_KEYS: key, INGEST_TOKEN: 'ingest-token-0123456789' };
    expect(loadConfig({ ...oauth, INGEST_TEAM_ID: 'T0AAAAAAA' }).ingestTeamId).toBe('T0AAAAAAA');
    expect(loadConfig(oauth).ingestTeamId).toBeUndefined();
    expect(() => loadConfig({ ...oauth, INGEST_TEAM_ID: 'acme' })).toThrow(/INGEST_TEAM_ID must be a Slack team ID such as T0123ABCD/);
    expect(() => loadConfig({ ...oauth, INGEST_TEAM_ID: 'T0AAAAAAA', INGEST_TOKEN: '' })).toThrow(/INGEST_TEAM_ID needs INGEST_TOKEN/);
    expect(() => loadConfig({ ...oauth, INGEST_TEAM_ID: 'T0AAAAAAA', SLACK_BOT_TOKEN: 'xoxb-1-2-3' })).toThrow(/INGEST_TEAM_ID is for OAuth installs only/);
  });
});
