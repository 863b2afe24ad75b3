// What the request guard tells a person (a command Slack sent broken, a damaged button, a request
// without a user) is in the language of every other answer to them: the workspace's App Home choice,
// else their Slack locale, else LOCALE; with nobody known, the workspace's. Not always LOCALE.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { t } from '../../src/i18n/index.js';
import { actionIds } from '../../src/slack/blocks/ids.js';
import { sendToApp } from '../../src/sandbox/signing.js';
import { messageBlockActions, slashCommand } from '../../src/sandbox/slack-payloads.js';
import { availableProviders } from '../support/databases.js';
import { SIGNING_SECRET, startHarness, type Harness } from './harness.js';

describe.each(availableProviders)('the request guard speaks the person’s language (%s)', (provider) => {
  let h: Harness;
  let lucia: string;
  let eventsUrl: string;
  beforeAll(async () => {
    h = await startHarness({ provider, env: { LOCALE: 'en' } });
    eventsUrl = `${h.app.url}/slack/events`;
    lucia = h.fake.workspace.addUser({ name: 'lucia', real_name: 'Lucía Sanz', locale: 'es-ES' }).id;
  }, 60_000);
  afterAll(async () => {
    await h?.close();
  });

  const command = (user: string, drop: string) => {
    const fields = slashCommand(h.fake.workspace.appIdentity(), { command: '/firebreak', text: 'status', user: { id: user, name: 'x' }, channel: { id: h.alerts, name: 'alerts' }, triggerId: '1.2.3', responseUrl: h.fake.issueResponseUrl(user, h.alerts) });
    delete fields[drop];
    return sendToApp(eventsUrl, SIGNING_SECRET, 'command', fields);
  };

  it('a command Slack sent broken is answered in the sender’s Slack language; with no sender named, in the workspace’s', async () => {
    const broken = await command(lucia, 'channel_id');
    expect(broken.status).toBe(200);
    expect((JSON.parse(broken.body) as { text: string }).text).toBe(t('es', 'ui.command.unreadable', { problem: 'channel_id is missing' }));
    const english = await command(h.people.sam, 'channel_id');
    expect((JSON.parse(english.body) as { text: string }).text).toBe(t('en', 'ui.command.unreadable', { problem: 'channel_id is missing' }));
    const nobody = await command(lucia, 'user_id');
    expect((JSON.parse(nobody.body) as { text: string }).text).toBe(t('en', 'ui.command.unreadable', { problem: 'user_id is missing' }));
  });

  it('a damaged button is explained to the person who clicked it in their Slack language', async () => {
    const before = h.ephemeralTexts(lucia).length;
    const click = messageBlockActions(h.fake.workspace.appIdentity(), {
      user: { id: lucia, name: 'lucia' },
      channel: { id: h.alerts, name: 'alerts' },
      message: { ts: '1700000000.000100', text: 'x' } as never,
      actions: [{ action_id: actionIds.acknowledge, block_id: 'b', value: JSON.stringify({ i: 'not an id' }) }],
      triggerId: h.fake.workspace.issueTrigger(lucia),
      responseUrl: h.fake.issueResponseUrl(lucia, h.alerts),
      nowMs: Date.now(),
    });
    expect((await sendToApp(eventsUrl, SIGNING_SECRET, 'interaction', click)).status).toBe(200);
    const told = await h.waitFor('the explanation', () => h.ephemeralTexts(lucia).slice(before)[0]);
    expect(told).toContain(t('es', 'ui.guard.malformed', {}));
  });
});
