// Who may operate Firebreak: community members share the workspace with the community team, and must
// not change what Firebreak watches, open incidents, change settings or read incidents (commands, App Home).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callbackIds, encodeRef, inputIds } from '../../src/slack/blocks/ids.js';
import { sendToApp } from '../../src/sandbox/signing.js';
import { messageShortcut, viewSubmission } from '../../src/sandbox/slack-payloads.js';
import { availableProviders } from '../support/databases.js';
import { SIGNING_SECRET, startHarness, TWO_APPROVER_PLAYBOOK, type Harness } from './harness.js';

const REFUSED = 'this is not available to you. Nothing was changed.';
const HOME_NOTICE = 'shown only to that team';

/** Every subcommand that changes state or shows incidents, as a member might type it. */
const guarded = (h: Harness, general: string) => [
  'status',
  'list',
  `declare <#${general}|general> sev1 Members say the site is down`,
  `watch <#${general}|general>`,
  `unwatch <#${h.support}|support>`,
  `alerts <#${general}|general>`,
  'resolve 1 Nothing happened',
];

async function homeText(h: Harness, user: string): Promise<string> {
  const before = h.fake.workspace.homeView(user);
  await h.event({ type: 'app_home_opened', user, channel: 'D0HOME', tab: 'home' });
  const view = await h.waitFor('App Home', () => {
    const now = h.fake.workspace.homeView(user);
    return now && now !== before && JSON.stringify(now) !== JSON.stringify(before) ? now : undefined;
  });
  return JSON.stringify(view.blocks);
}

describe.each(availableProviders)('who may run /firebreak and see App Home, on %s', (provider) => {
  let h: Harness;
  let general: string;
  let member: string;
  let outsider: string;
  beforeAll(async () => {
    h = await startHarness({ provider });
    const { members, sam, ann, ben, nina, cleo } = h.people;
    member = members[0]!;
    general = h.fake.workspace.addChannel({ name: 'general', members: [...members, sam, ann, ben, nina, cleo, h.fake.workspace.bot.user_id] }).id;
    // A Slack Connect guest: an admin of their own organisation, a stranger to this workspace.
    outsider = h.fake.workspace.addUser({ name: 'olaf', real_name: 'Olaf Outsider', team_id: 'T0OTHERORG', is_admin: true }).id;
    h.fake.workspace.addMember(general, outsider);
  });
  afterAll(async () => {
    await h?.close();
  });

  const prisma = () => h.app.database.prisma;
  const watched = async (channelId: string) => (await prisma().watchedChannel.findFirst({ where: { channelId } }))?.active ?? false;

  it('staff named in the playbook watch a channel, declare and read status and list; a community member is refused each, audited, and nothing changes', async () => {
    expect((await h.command(h.people.ann, `watch <#${h.support}|support>`)).body).toContain('Watching');
    expect(await watched(h.support)).toBe(true);
    await h.command(h.people.ann, `declare <#${h.support}|support> sev2 Refunds are slow`);
    await h.waitFor('the incident', async () => (await prisma().incident.findFirst()) ?? undefined);
    await h.waitFor('its alert', () => h.rootMessage());
    expect((await h.command(h.people.ann, 'status')).body).toContain('Incident #1');
    expect((await h.command(h.people.ann, 'list')).body).toContain('Incident #1');

    const threadBefore = h.thread().length;
    for (const text of guarded(h, general)) {
      const answer = await h.command(member, text);
      expect(JSON.parse(answer.body)).toMatchObject({ response_type: 'ephemeral', text: expect.stringContaining(REFUSED) });
      expect(answer.body).not.toContain('Incident #');
      expect(answer.body).not.toContain('Refunds are slow');
    }
    // help stays open, and says who the other commands are for.
    const help = await h.command(member, 'help');
    expect(help.body).toContain('Firebreak commands');
    expect(help.body).toContain('for the community team');

    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await prisma().incident.count()).toBe(1);
    expect((await prisma().incident.findFirstOrThrow()).status).not.toBe('resolved');
    expect(await watched(h.support)).toBe(true);
    expect(await watched(general)).toBe(false);
    expect(h.thread().length).toBe(threadBefore);
    expect(h.fake.workspace.messagesIn(general).filter((message) => message.user === h.fake.workspace.bot.user_id)).toEqual([]);
    const audited = await prisma().auditLog.findMany({ where: { userId: member, outcome: 'refused:not_staff' } });
    expect(audited.map((entry) => entry.action).sort()).toEqual(
      ['alerts', 'declare', 'list', 'resolve', 'status', 'unwatch', 'watch'].map((sub) => `command:/firebreak ${sub}`).sort(),
    );
  });

  it('App Home shows a member a notice, never incidents or channel negativity; staff see them', async () => {
    const memberHome = await homeText(h, member);
    expect(memberHome).toContain(HOME_NOTICE);
    expect(memberHome).not.toMatch(/Open incidents|Watched channels today|Incident #|#1/);
    const staffHome = await homeText(h, h.people.ann);
    expect(staffHome).toContain('Open incidents (1)');
    expect(staffHome).toContain('Watched channels today');
  });

  it('the add-to-timeline shortcut (its modal lists open incidents) is refused to a member, and so is a forged submission', async () => {
    const { ts } = await h.post(h.people.members[2]!, 'My order vanished', Date.now());
    const send = (kind: 'interaction', payload: object) => sendToApp(`${h.app.url}/slack/events`, SIGNING_SECRET, kind, payload);
    const identity = h.fake.workspace.appIdentity();
    const shortcut = (user: string) =>
      send('interaction', messageShortcut(identity, { callbackId: callbackIds.addToTimelineShortcut, user: { id: user, name: user }, channel: { id: h.support, name: 'support' }, message: { ts, text: 'My order vanished', user: h.people.members[2]! } as never, triggerId: h.fake.workspace.issueTrigger(user), responseUrl: h.fake.issueResponseUrl(user, h.support), nowMs: Date.now() }));
    expect((await shortcut(member)).status).toBe(200);
    await h.waitFor('the refusal', () => h.ephemeralTexts(member).some((line) => line.includes(REFUSED)));
    expect(h.openModal(member)).toBeUndefined();

    const incident = await prisma().incident.findFirstOrThrow();
    const values = { [inputIds.incident]: { [inputIds.incident]: { type: 'static_select', selected_option: { value: incident.id } } } };
    const view = { id: 'V0FORGED', type: 'modal', callback_id: callbackIds.addToTimelineModal, private_metadata: encodeRef({ c: h.support, ts, text: 'My order vanished' }), hash: '1.abc', blocks: [{ type: 'input', block_id: inputIds.incident }] };
    const forged = await send('interaction', viewSubmission(identity, { user: { id: member, name: 'alma' }, view: view as never, values, triggerId: '1.2.3' }));
    expect(forged.body).toContain('community team');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await prisma().timelineEvent.count({ where: { incidentId: incident.id, kind: 'message_added' } })).toBe(0);
    expect(await prisma().auditLog.count({ where: { userId: member, outcome: 'refused:not_staff', action: { in: [`shortcut:${callbackIds.addToTimelineShortcut}`, `view:${callbackIds.addToTimelineModal}`] } } })).toBe(2);

    // Staff still get the modal.
    await shortcut(h.people.ann);
    await h.waitFor('the modal', () => h.openModal(h.people.ann)?.callback_id === callbackIds.addToTimelineModal);
  });

  it('a user of another organisation (an admin there) is refused, even in a shared channel', async () => {
    for (const text of ['status', `declare <#${general}|general> sev1 From outside`, `unwatch <#${h.support}|support>`]) {
      expect((await h.command(outsider, text)).body).toContain(REFUSED);
    }
    expect(await prisma().incident.count()).toBe(1);
    expect(await watched(h.support)).toBe(true);
    expect(await homeText(h, outsider)).toContain(HOME_NOTICE);
  });
});

describe.each(availableProviders)('a workspace whose playbooks name nobody yet, on %s', (provider) => {
  let h: Harness;
  let admin: string;
  let member: string;
  beforeAll(async () => {
    // As a fresh install with the shipped default: its groups do not exist in this workspace.
    h = await startHarness({ provider, playbook: TWO_APPROVER_PLAYBOOK.replaceAll('@community-leads', '@nobody-yet') });
    admin = h.fake.workspace.addUser({ name: 'wanda', real_name: 'Wanda Admin', is_admin: true }).id;
    h.fake.workspace.addMember(h.alerts, admin);
    member = h.people.members[0]!;
  });
  afterAll(async () => {
    await h?.close();
  });

  it('is not locked out: a workspace admin operates Firebreak, a member still cannot', async () => {
    expect((await h.command(member, `declare <#${h.support}|support> sev2 Refunds are slow`)).body).toContain(REFUSED);
    expect((await h.command(h.people.ann, 'status')).body).toContain(REFUSED);
    const declared = await h.command(admin, `declare <#${h.support}|support> sev2 Refunds are slow`);
    expect(declared.body).not.toContain(REFUSED);
    await h.waitFor('the incident', async () => (await h.app.database.prisma.incident.findFirst()) ?? undefined);
    expect((await h.command(admin, 'status')).body).toContain('Incident #1');
    expect(await homeText(h, admin)).toContain('Open incidents (1)');
    expect(await homeText(h, member)).toContain(HOME_NOTICE);
  });
});

describe.each(availableProviders)('the refusal in a Spanish workspace, on %s', (provider) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ provider, env: { LOCALE: 'es' }, slackLocale: 'es-ES' });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('a member is told in Spanish, and App Home says so in Spanish', async () => {
    const member = h.people.members[0]!;
    const answer = await h.command(member, `unwatch <#${h.support}|support>`);
    expect(answer.body).toContain('esto no está disponible para ti. No se ha cambiado nada.');
    expect(await homeText(h, member)).toContain('solo los ve ese equipo');
  });
});
