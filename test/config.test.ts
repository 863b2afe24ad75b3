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
});
