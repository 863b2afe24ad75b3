// Who may operate Firebreak: community members share the workspace with the community team, and must
// not change what Firebreak watches, open incidents, change settings or read incidents (commands, App Home).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actionIds, callbackIds, encodeRef, inputIds } from '../../src/slack/blocks/ids.js';
import { sendToApp } from '../../src/sandbox/signing.js';
import { viewSubmission } from '../../src/sandbox/slack-payloads.js';
import { availableProviders } from '../support/databases.js';
import { COMMAND_NAMES } from '../../src/slack/command-words.js';
import { findButtons, playSpike, SIGNING_SECRET, startHarness, TWO_APPROVER_PLAYBOOK, type Harness } from './harness.js';

const REFUSED = 'this is not available to you. Nothing was changed.';
const UNCONFIRMED = 'Slack did not confirm just now that you are on this workspace’s community team';
/** The shipped default in a fresh workspace: its playbooks name groups that do not exist there. */
const NOBODY_YET = TWO_APPROVER_PLAYBOOK.replaceAll('@community-leads', '@nobody-yet');
const HOME_NOTICE = 'shown only to that team';
const HOME_UNCONFIRMED = 'Slack did not confirm who you are just now, so Firebreak shows nothing yet. Reopen the Home tab in a moment.';

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

    // The declare's thread (checklist, cards) all sent first: on a loaded machine it may still be going out.
    await h.waitFor('the declare’s messages sent', async () => (await prisma().outboxItem.count({ where: { status: { in: ['pending', 'sending'] } } })) === 0);
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
    // Every word /firebreak understands is in its help.
    for (const name of COMMAND_NAMES) expect(help.body).toContain(`\`/firebreak ${name}`);
    expect(help.body).toContain('`/firebreak alerts #channel`');

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

  it('a Spanish word is refused to a member exactly like its English word, audited under it, and nothing changes', async () => {
    const english = guarded(h, general);
    const spanish = ['estado', 'lista', 'declarar', 'vigilar', 'dejar-de-vigilar', 'alertas', 'resolver'];
    const refusals = async () => (await prisma().auditLog.findMany({ where: { userId: member, outcome: 'refused:not_staff' } })).map((entry) => entry.action).sort();
    const auditedBefore = await refusals();
    const incidentsBefore = await prisma().incident.count();
    for (const [index, text] of english.entries()) {
      const alias = [spanish[index], ...text.split(' ').slice(1)].join(' ');
      const asEnglish = await h.command(member, text);
      const asSpanish = await h.command(member, alias);
      expect({ alias, body: asSpanish.body }).toEqual({ alias, body: asEnglish.body });
      expect(asSpanish.body).toContain(REFUSED);
    }
    // Each refusal is audited under the English word, once for it and once for its alias.
    const englishWords = english.map((text) => `command:/firebreak ${text.split(' ')[0]}`);
    expect(await refusals()).toEqual([...auditedBefore, ...englishWords, ...englishWords].sort());
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await prisma().incident.count()).toBe(incidentsBefore);
    expect((await prisma().incident.findFirstOrThrow()).status).not.toBe('resolved');
    expect(await watched(h.support)).toBe(true);
    expect(await watched(general)).toBe(false);
  });

  it('a mistyped word: a member is pointed only at a command they may run, never at one they would be refused; staff at theirs', async () => {
    const textOf = async (user: string, typed: string) => (JSON.parse((await h.command(user, typed)).body) as { text: string }).text;
    const refusalsBefore = await prisma().auditLog.count({ where: { userId: member } });
    for (const typed of ['estdo', 'stauts', 'lsit', 'delcare']) {
      const answer = await h.command(member, typed);
      expect(answer.body).not.toContain('Did you mean');
      expect(answer.body).toContain(`“${typed}” is not a Firebreak command.`);
      // The list of commands instead, which says who each is for.
      expect(answer.body).toContain('for the community team');
    }
    expect(await textOf(member, 'hlep')).toBe('“hlep” is not a Firebreak command. Did you mean `/firebreak help`?');
    expect(await textOf(member, 'ayda')).toBe('“ayda” is not a Firebreak command. Did you mean `/firebreak ayuda`?');
    // Asking who may operate is no attempt to operate: nothing is audited.
    expect(await prisma().auditLog.count({ where: { userId: member } })).toBe(refusalsBefore);
    expect(await textOf(h.people.ann, 'estdo')).toContain('Did you mean `/firebreak estado`?');
    expect(await textOf(h.people.ann, 'stauts')).toContain('Did you mean `/firebreak status`?');
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
    const shortcut = (user: string) => h.shortcut(user, callbackIds.addToTimelineShortcut, { ts, text: 'My order vanished', user: h.people.members[2]! });
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
    h = await startHarness({ provider, playbook: NOBODY_YET });
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

    // An owner Slack did not confirm is told, in Spanish, to reopen the tab.
    const owner = h.fake.workspace.addUser({ name: 'olivia', real_name: 'Olivia Owner', is_owner: true }).id;
    h.fake.api.faults.serverError('users.info', { times: 3 });
    const home = await openHome(h, owner);
    expect(home).toContain('Vuelve a abrir la pestaña Inicio en un momento.');
    expect(home).not.toContain('solo los ve ese equipo');
  });
});

/** A message shortcut as Slack sends it, for `user` on a message in #support. */
function markSentiment(h: Harness, user: string, message: { ts: string; text: string; user: string }) {
  return h.shortcut(user, callbackIds.markSentimentShortcut, message);
}

describe.each(availableProviders)('feedback on detection in a workspace whose playbooks name nobody yet, on %s', (provider) => {
  let h: Harness;
  let admin: string;
  beforeAll(async () => {
    h = await startHarness({ provider, playbook: NOBODY_YET });
    admin = h.fake.workspace.addUser({ name: 'wanda', real_name: 'Wanda Admin', is_admin: true }).id;
    h.fake.workspace.addMember(h.alerts, admin);
    await playSpike(h);
    // Its alerts channel also has the notice that the playbook's groups do not exist here.
    await h.waitFor('the alert', () => alertRoot());
  }, 120_000);
  const alertRoot = () => h.fake.workspace.messagesIn(h.alerts).find((message) => findButtons(message.blocks ?? []).some((button) => button.action_id === actionIds.falseAlarm));
  afterAll(async () => {
    await h?.close();
  });
  const prisma = () => h.app.database.prisma;

  it('its admins give feedback (alert, samples, mark sentiment) like every other operator; anyone else is refused each way, audited, and nothing is recorded', async () => {
    const root = alertRoot()!;
    const { nina } = h.people;
    const member = h.people.members[4]!;
    await h.click(nina, h.alerts, root.ts, actionIds.falseAlarm);
    await h.click(nina, h.alerts, root.ts, actionIds.sampleNegative);
    await h.waitFor('the refusals', () => h.ephemeralTexts(nina).filter((text) => text.includes(REFUSED)).length >= 2);
    const { ts } = await h.post(member, 'the new lobby music is sick', Date.now());
    await h.waitFor('the scored message', () => prisma().scoredMessage.findFirst({ where: { ts } }).then((row) => row ?? undefined));
    await markSentiment(h, member, { ts, text: 'the new lobby music is sick', user: member });
    await h.waitFor('the shortcut refusal', () => h.ephemeralTexts(member).some((text) => text.includes(REFUSED)));
    expect(h.openModal(member)).toBeUndefined();
    // A stale or forged submission of the modal records nothing either.
    const values = { [inputIds.sentimentVerdict]: { [inputIds.sentimentVerdict]: { type: 'radio_buttons', selected_option: { value: 'not_negative' } } } };
    const view = { id: 'V0FORGEDMARK', type: 'modal', callback_id: callbackIds.markSentimentModal, private_metadata: encodeRef({ c: h.support, ts, text: 'the new lobby music is sick' }), hash: '1.abc', blocks: [{ type: 'input', block_id: inputIds.sentimentVerdict }] };
    const forged = await sendToApp(`${h.app.url}/slack/events`, SIGNING_SECRET, 'interaction', viewSubmission(h.fake.workspace.appIdentity(), { user: { id: member, name: 'alma' }, view: view as never, values, triggerId: '1.2.3' }));
    expect(forged.body).toContain('community team');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await prisma().feedback.count()).toBe(0);
    const refused = await prisma().auditLog.findMany({ where: { outcome: 'refused:not_staff' }, select: { userId: true, action: true } });
    expect(refused.map((entry) => `${entry.userId === nina ? 'nina' : 'member'} ${entry.action}`).sort()).toEqual(
      [`member shortcut:${callbackIds.markSentimentShortcut}`, `member view:${callbackIds.markSentimentModal}`, `nina action:${actionIds.falseAlarm}`, `nina action:${actionIds.sampleNegative}`].sort(),
    );
    expect(await h.app.metrics.render()).toContain('firebreak_slack_requests_refused_total{kind="action",reason="not_staff"} 2');

    // The workspace admin is not named by any playbook, and teaches Firebreak all the same.
    await h.click(admin, h.alerts, root.ts, actionIds.realCrisis);
    await h.click(admin, h.alerts, root.ts, actionIds.sampleNotNegative);
    await h.waitFor('the admin’s verdicts', async () => (await prisma().feedback.count({ where: { userId: admin } })) === 2);
    await markSentiment(h, admin, { ts, text: 'the new lobby music is sick', user: member });
    await h.waitFor('the mark modal', () => h.openModal(admin)?.callback_id === callbackIds.markSentimentModal);
    await h.submit(admin, values);
    await h.waitFor('the mark', () => prisma().feedback.findFirst({ where: { userId: admin, via: 'shortcut' } }).then((row) => row ?? undefined));
    expect(h.ephemeralTexts(admin).some((text) => text.includes(REFUSED))).toBe(false);
  });
});

describe.each(availableProviders)('what Slack says of admins and owners, on %s', (provider) => {
  let h: Harness;
  const prisma = () => h.app.database.prisma;
  const askedAbout = (user: string) => h.fake.api.calls('users.info').filter((call) => call.args['user'] === user).length;
  beforeAll(async () => {
    h = await startHarness({ provider, playbook: NOBODY_YET });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('an admin’s clicks ask Slack once, and a demotion (user_change) counts from the next click', async () => {
    const admin = h.fake.workspace.addUser({ name: 'wanda', real_name: 'Wanda Admin', is_admin: true }).id;
    for (let i = 0; i < 3; i++) expect((await h.command(admin, 'status')).body).not.toContain(REFUSED);
    expect(askedAbout(admin)).toBe(1);

    const demoted = h.fake.workspace.updateUser(admin, { is_admin: false });
    await h.event({ type: 'user_change', user: demoted });
    // Far sooner than the answer would expire by itself.
    await h.waitFor('the demotion', async () => (await h.command(admin, 'status')).body.includes(REFUSED), 5_000);
    expect(askedAbout(admin)).toBe(2);
    expect(await prisma().auditLog.count({ where: { userId: admin, outcome: 'refused:not_staff' } })).toBeGreaterThanOrEqual(1);
  });

  it('when Slack fails (500, 429) an owner is refused saying Slack did not confirm, never let in, and the next click asks again', async () => {
    const owner = h.fake.workspace.addUser({ name: 'owen', real_name: 'Owen Owner', is_owner: true }).id;
    // Every attempt of the client (it retries twice) answered 500.
    h.fake.api.faults.serverError('users.info', { times: 3 });
    const failed = await h.command(owner, `unwatch <#${h.support}|support>`);
    expect(failed.body).toContain(UNCONFIRMED);
    expect(failed.body).not.toContain('Stopped');
    expect(await prisma().auditLog.count({ where: { userId: owner, outcome: 'refused:slack_unavailable', action: 'command:/firebreak unwatch' } })).toBe(1);
    expect(await h.app.metrics.render()).toContain('firebreak_slack_requests_refused_total{kind="command",reason="slack_unavailable"} 1');
    // Nothing was kept of the failure.
    expect((await h.command(owner, 'status')).body).not.toMatch(/Slack did not confirm|not available to you/);

    const other = h.fake.workspace.addUser({ name: 'olga', real_name: 'Olga Owner', is_owner: true }).id;
    // Rate limited for longer than a command may wait: refused in time, saying why.
    h.fake.api.faults.rateLimit('users.info', 4, { times: 1 });
    expect((await h.command(other, 'status')).body).toContain(UNCONFIRMED);
    // Slack's late answer is a real one: once it came, she operates Firebreak.
    await h.waitFor('Slack’s answer', async () => !(await h.command(other, 'status')).body.includes(UNCONFIRMED), 15_000);
    expect((await h.command(other, 'status')).body).not.toContain(REFUSED);
  });

  it('App Home, when Slack fails (500, 429) to say who an owner is: reopen in a moment, not "only for the team"; the next opening shows her everything', async () => {
    const owner = h.fake.workspace.addUser({ name: 'oona', real_name: 'Oona Owner', is_owner: true }).id;
    h.fake.api.faults.serverError('users.info', { times: 3 });
    const failed = await openHome(h, owner);
    expect(failed).toContain(HOME_UNCONFIRMED);
    expect(failed).not.toContain(HOME_NOTICE);
    expect(failed).not.toContain('Open incidents');
    // Nothing was kept of the failure.
    await h.waitFor('her App Home', async () => (await openHome(h, owner)).includes('Open incidents'), 15_000);

    const other = h.fake.workspace.addUser({ name: 'odile', real_name: 'Odile Owner', is_owner: true }).id;
    // Rate limited for longer than App Home waits: she is told to reopen, and Slack's late answer lets her in.
    h.fake.api.faults.rateLimit('users.info', 4, { times: 1 });
    const limited = await openHome(h, other);
    expect(limited).toContain(HOME_UNCONFIRMED);
    expect(limited).not.toContain(HOME_NOTICE);
    await h.waitFor('her App Home', async () => (await openHome(h, other)).includes('Open incidents'), 15_000);
    // A member whose users.info Slack answers still gets the general notice.
    expect(await openHome(h, h.people.members[0]!)).toContain(HOME_NOTICE);
  });
});

/** Opens `user`'s Home tab and returns the blocks App Home publishes for it (the same view again counts). */
async function openHome(h: Harness, user: string): Promise<string> {
  const published = () => h.fake.api.calls('views.publish').filter((call) => call.args['user_id'] === user).length;
  const before = published();
  await h.event({ type: 'app_home_opened', user, channel: 'D0HOME', tab: 'home' });
  await h.waitFor('App Home', () => published() > before);
  return JSON.stringify(h.fake.workspace.homeView(user)?.blocks);
}
