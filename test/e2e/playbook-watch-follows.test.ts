// A channel a playbook put under watch follows the playbooks: edited so that no playbook names it any
// more, it stops being watched (an angry burst there is not even scored, no incident opens), its
// detector state and history kept and its open incident left open; named again, it is watched again
// after that reload. Channels watched or unwatched with /firebreak are the command's: edits leave them be.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messageEvent } from '../../src/sandbox/slack-payloads.js';
import { ANGRY_MESSAGES } from '../support/community.js';
import { availableProviders } from '../support/databases.js';
import { startHarness, TWO_APPROVER_PLAYBOOK, type Harness } from './harness.js';

const NAMING = TWO_APPROVER_PLAYBOOK.replace('channels: [support]', 'channels: [support, news, forum]');
const MINUTE = 60_000;

describe.each(availableProviders)('a channel a playbook watches follows the playbook (%s)', (provider) => {
  let h: Harness;
  let news: string;
  let forum: string;
  let town: string;
  let file: string;
  let serial = 0;
  const prisma = () => h.app.database.prisma;
  const row = async (channelId: string) => (await prisma().watchedChannel.findFirst({ where: { channelId } })) ?? undefined;
  const scoredIn = async (channelId: string) => prisma().scoredMessage.count({ where: { channel: { channelId } } });

  /** A member's message in a channel, at `atMs`, through the signed events endpoint. */
  async function postIn(channel: string, user: string, text: string, atMs = Date.now()): Promise<void> {
    serial += 1;
    const ts = `${Math.floor(atMs / 1000)}.${String(atMs % 1000).padStart(3, '0')}${String(serial % 1000).padStart(3, '0')}`;
    expect((await h.event(messageEvent({ channel, user, text, ts }))).status).toBe(200);
  }

  /** A member writes in #support (always watched) and it is scored: what was sent before it has been handled. */
  async function settled(): Promise<void> {
    const before = await scoredIn(h.support);
    await postIn(h.support, h.people.members[9]!, 'How do I change my avatar?');
    await h.waitFor('#support sentinel scored', async () => (await scoredIn(h.support)) > before);
    await new Promise((resolve) => setTimeout(resolve, 300));
  }

  /** Ten calm minutes, then sixteen angry messages in the last closed minute but one: a spike once watched. */
  async function burstIn(channel: string): Promise<void> {
    const now = Math.floor(Date.now() / MINUTE) * MINUTE;
    const calm = ['Hi all, how do I change my avatar?', 'Thanks for the help yesterday', 'Is the new version out?', 'Good morning everyone'];
    for (let m = 12; m >= 3; m -= 1) await postIn(channel, h.people.members[m % 10]!, calm[m % calm.length]!, now - m * MINUTE + 5_000);
    for (let i = 0; i < 16; i += 1) await postIn(channel, h.people.members[i % 10]!, ANGRY_MESSAGES[i % ANGRY_MESSAGES.length]!, now - 2 * MINUTE + 5_000 + i * 1_000);
  }

  beforeAll(async () => {
    h = await startHarness({ provider, playbook: NAMING });
    const { workspace } = h.fake;
    const everyone = [...h.people.members, h.people.sam, h.people.ann, h.people.ben, h.people.nina, h.people.cleo, workspace.bot.user_id];
    news = workspace.addChannel({ name: 'news', members: everyone }).id;
    forum = workspace.addChannel({ name: 'forum', members: everyone }).id;
    town = workspace.addChannel({ name: 'town', members: everyone }).id;
    file = join(h.playbooksDir, 'e2e-support.yaml');
  }, 120_000);

  afterAll(async () => {
    await h?.close();
  });

  it('stops watching a channel the edited playbook no longer names, leaves command-watched ones be, and watches it again once named', async () => {
    // #news and #forum: the playbook's, on first sight. #forum is then unwatched by command; #town watched by command.
    await postIn(news, h.people.members[0]!, 'Hello, any news today?');
    await postIn(forum, h.people.members[1]!, 'Hello forum');
    expect(await h.waitFor('#news watched', () => row(news))).toMatchObject({ active: true, watchedBy: 'playbook' });
    expect(await h.waitFor('#forum watched', () => row(forum))).toMatchObject({ active: true, watchedBy: 'playbook' });
    expect((await h.command(h.people.ann, `unwatch <#${forum}|forum>`)).status).toBe(200);
    expect((await h.command(h.people.ann, `watch <#${town}|town>`)).status).toBe(200);
    expect(await row(forum)).toMatchObject({ active: false, watchedBy: 'command' });
    expect(await row(town)).toMatchObject({ active: true, watchedBy: 'command' });
    // An incident open on #news stays open through the edit.
    expect((await h.command(h.people.ann, `declare <#${news}|news> sev3 Members ask about the outage`)).status).toBe(200);
    const incident = await h.waitFor('incident on #news', async () => (await prisma().incident.findFirst({ where: { channelId: news } })) ?? undefined);
    await h.waitFor('#news scored once', async () => (await scoredIn(news)) === 1);

    // The playbook no longer names #news (nor #forum): after the reload #news is no longer watched.
    writeFileSync(file, TWO_APPROVER_PLAYBOOK);
    await h.waitFor('#news no longer watched', async () => (await row(news))?.active === false);
    expect(await row(news)).toMatchObject({ watchedBy: 'playbook' });
    expect(await row(town)).toMatchObject({ active: true, watchedBy: 'command' });
    expect(await row(forum)).toMatchObject({ active: false, watchedBy: 'command' });
    expect((await prisma().incident.findUniqueOrThrow({ where: { id: incident.id } })).status).toBe(incident.status);

    // An angry burst there is not scored and opens nothing; the same burst in command-watched #town does.
    const onNews = await prisma().incident.count({ where: { channelId: news } });
    await burstIn(news);
    await burstIn(town);
    await settled();
    expect(await scoredIn(news)).toBe(1);
    expect(await scoredIn(town)).toBe(26);
    await h.app.runtime?.tick();
    expect(await prisma().incident.count({ where: { channelId: news } })).toBe(onNews);
    expect(await prisma().incident.count({ where: { channelId: town } })).toBe(1);

    // Named again: watched again after that reload, with its history; #forum stays unwatched (the command's).
    writeFileSync(file, NAMING);
    await h.waitFor('#news watched again', async () => (await row(news))?.active === true);
    expect(await row(forum)).toMatchObject({ active: false, watchedBy: 'command' });
    await postIn(news, h.people.members[3]!, 'Back again, any news?');
    await h.waitFor('#news scored again', async () => (await scoredIn(news)) === 2);
    await postIn(forum, h.people.members[4]!, 'Hello again forum');
    await settled();
    expect(await scoredIn(forum)).toBe(1);
    expect(readFileSync(file, 'utf8')).toBe(NAMING);

    // Every watch change is in the audit log: the commands with who asked, the edits' by nobody.
    const audited = await prisma().auditLog.findMany({ where: { action: { startsWith: 'channel.' } }, orderBy: { at: 'asc' } });
    const changes = audited.map((entry) => ({ userId: entry.userId, action: entry.action, channel: (entry.data as { channelId?: string }).channelId, by: (entry.data as { by?: string }).by }));
    expect(changes).toEqual([
      { userId: h.people.ann, action: 'channel.unwatch', channel: forum, by: 'command' },
      { userId: h.people.ann, action: 'channel.watch', channel: town, by: 'command' },
      { userId: null, action: 'channel.unwatch', channel: news, by: 'playbooks' },
      { userId: null, action: 'channel.watch', channel: news, by: 'playbooks' },
    ]);
  }, 90_000);
});
