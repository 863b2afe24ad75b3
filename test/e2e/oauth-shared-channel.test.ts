// A Slack Connect channel shared by two organisations that both installed Firebreak: the channel has the
// same id in both workspaces, and each workspace watches it with its own row and incidents. Workspace A's
// unanswered-message reminder goes to A's alerts channel, never into B's incident thread on that channel;
// each workspace's reply drafts speak the language its own members write there.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningFirebreak } from '../../src/main.js';
import { sendToApp } from '../../src/sandbox/signing.js';
import { eventCallback, messageEvent } from '../../src/sandbox/slack-payloads.js';
import { actionIds, callbackIds, inputIds } from '../../src/slack/blocks/ids.js';
import type { DatabaseProvider } from '../../src/store/schema-files.js';
import { availableProviders } from '../support/databases.js';
import { LEADS_APPROVE_TWO, playbookYaml } from '../support/playbook-yaml.js';
import { seedTeam, startInstalledInBoth, startTwoTeamsWorld, TEAM_A as A, TEAM_B as B, type SeededTeam, type TwoTeamsWorld } from '../support/two-teams.js';
import { findButtons } from '../support/staff-actions.js';
import { waitFor } from '../support/wait-for.js';

const SIGNING_SECRET = 'shared-channel-signing-secret-0123456789';
/** The Slack Connect channel: one id, in both organisations. */
const SHARED = 'C0SHAREDCH1';

const PLAYBOOK = playbookYaml({
  id: 'e2e-partners',
  channels: ['support', 'partners'],
  roles: [...LEADS_APPROVE_TWO, 'canResolve: [lead, approvers]'],
  checklist: [{ id: 'acknowledge', title: { es: 'Confirmar', en: 'Acknowledge' }, dueAfterMinutes: 5 }],
  reply: { es: 'Estamos en ello.', en: 'We are on it.' },
  unacknowledged: { afterMinutes: 10, notify: '["@community-leads"]', repeatEveryMinutes: 10, maxRepeats: 1 },
});

/**
 * Firebreak installed in two workspaces that share SHARED (Slack Connect: the same channel id in both
 * organisations), each with its own alerts channel set; started before the suite's tests, closed after.
 */
function twoWorkspacesSharingAChannel(provider: DatabaseProvider) {
  let world: TwoTeamsWorld;
  let app: RunningFirebreak;
  let events: string;
  const teams: Record<string, SeededTeam> = {};
  beforeAll(async () => {
    world = await startTwoTeamsWorld({ provider, signingSecret: SIGNING_SECRET, clientId: '1111.5151', playbooks: { 'e2e-partners.yaml': PLAYBOOK } });
    for (const teamId of [A, B]) {
      const team = seedTeam(world.slack.team(teamId), SIGNING_SECRET);
      const { people, fake } = team;
      fake.workspace.addChannel({ id: SHARED, name: 'partners', members: [...people.members, people.sam, people.ann, people.ben, people.cleo, fake.workspace.bot.user_id] });
      teams[teamId] = team;
    }
    app = await startInstalledInBoth(world, teams, { DETECTION_INTERVAL_SECONDS: '3600', LOCALE: 'en' });
    events = `${app.url}/slack/events`;
    for (const teamId of [A, B]) {
      const { people, staff } = teams[teamId]!;
      expect((await staff.command(events, people.ann, `alerts <#${people.alerts}|alerts>`)).body).toContain(`<#${people.alerts}>`);
    }
  }, 120_000);
  afterAll(async () => {
    await world?.close(app);
  });
  return {
    teams,
    app: () => app,
    events: () => events,
    prisma: () => app.database.prisma,
    event: (teamId: string, body: { type: string } & Record<string, unknown>) =>
      sendToApp(events, SIGNING_SECRET, 'event', eventCallback(teams[teamId]!.fake.workspace.appIdentity(), body, { nowMs: Date.now() })),
  };
}

describe.each(availableProviders)('a Slack Connect channel watched by two workspaces (%s)', (provider) => {
  const shared = twoWorkspacesSharingAChannel(provider);
  const { teams, prisma, event } = shared;

  beforeAll(async () => {
    // B has an open incident on the shared channel; A has none.
    const b = teams[B]!;
    await b.staff.command(shared.events(), b.people.ann, `declare <#${SHARED}|partners> sev2 Partner outage`);
    const bRoot = await waitFor('B’s alert', () => b.staff.rootMessage());
    await waitFor('B’s incident stored', () => prisma().incident.findFirst({ where: { rootTs: bRoot.ts } }));
  }, 120_000);

  it('A’s unanswered reminder reaches A’s alerts channel, not B’s incident thread on the shared channel', async () => {
    const a = teams[A]!;
    const b = teams[B]!;
    const bRoot = b.staff.rootMessage()!;

    // A member of A complains in the shared channel, 40 minutes ago; the playbook's window is 30.
    const ts = `${Math.floor((Date.now() - 40 * 60_000) / 1000)}.000100`;
    expect((await event(A, messageEvent({ channel: SHARED, user: a.people.members[0]!, text: 'My order never arrived and nobody answers, terrible', ts }))).status).toBe(200);
    await waitFor('A’s complaint scored', async () => ((await prisma().scoredMessage.count()) === 1 ? true : undefined));
    await shared.app().runtime!.tick();

    const reminder = await waitFor('A’s reminder in A’s alerts channel', () => a.fake.workspace.messagesIn(a.people.alerts).find((message) => message.text.includes(':speech_balloon:')));
    expect(reminder.text).toContain('My order never arrived');
    expect(reminder.text).toContain(`<@${a.people.ann}>`);
    // A has no incident on the channel: the reminder stands on its own, in no thread.
    expect(reminder.thread_ts).toBeUndefined();
    // Nothing of A's reaches B: no reminder in B's alerts channel or B's incident thread.
    expect(b.fake.workspace.messagesIn(b.people.alerts).filter((message) => message.text.includes(':speech_balloon:'))).toEqual([]);
    const bIncident = await prisma().incident.findFirstOrThrow({ where: { rootTs: bRoot.ts } });
    expect(await prisma().outboxItem.count({ where: { incidentId: bIncident.id, key: { startsWith: 'unanswered:' } } })).toBe(0);
  }, 60_000);

  it('each workspace’s draft reply is offered in the language its own members write in the shared channel', async () => {
    // A's members write English there (A's row is the older one), B's write Spanish.
    const base = Math.floor(Date.now() / 1000) - 600;
    const say = async (teamId: string, texts: string[], offset: number) => {
      const { people } = teams[teamId]!;
      for (const [index, text] of texts.entries()) {
        expect((await event(teamId, messageEvent({ channel: SHARED, user: people.members[index + 1]!, text, ts: `${base + offset + index}.000200` }))).status).toBe(200);
      }
    };
    const scored = () => prisma().scoredMessage.count();
    const before = await scored();
    await say(A, ['Has anyone heard when the payment service will be back online?', 'I still cannot pay with my card, the page keeps loading forever', 'Thanks for the update yesterday, is there any news today?', 'My colleagues are asking whether the orders will ship this week', 'Could someone please tell us what is happening with the checkout?', 'We are waiting for an answer from the team about the invoices'], 0);
    await say(B, ['Hola a todos, ¿alguien sabe cuándo vuelve el servicio de pagos?', 'Todavía no puedo pagar con la tarjeta, la página no termina de cargar', 'Gracias por la información de ayer, ¿hay alguna novedad hoy?', 'Mis compañeros preguntan si los pedidos se enviarán esta semana', '¿Alguien nos puede decir qué está pasando con el proceso de compra?', 'Seguimos esperando una respuesta del equipo sobre las facturas'], 100);
    await waitFor('all twelve scored', async () => ((await scored()) === before + 12 ? true : undefined));

    // A opens an incident there too. Whichever row a lookup by channel id alone finds, one workspace would
    // get the other's language: each draft modal is checked.
    const a = teams[A]!;
    await a.staff.command(shared.events(), a.people.ann, `declare <#${SHARED}|partners> sev2 Partner outage`);
    const draftLanguage = async (team: SeededTeam) => {
      const { people, staff, fake } = team;
      const root = await waitFor('the alert', () => fake.workspace.messagesIn(people.alerts).find((message) => findButtons(message.blocks ?? []).some((button) => button.action_id === actionIds.draftReply)));
      await staff.click(shared.events(), people.ann, people.alerts, root.ts, actionIds.draftReply);
      const modal = await waitFor('the draft modal', () => staff.openModal(people.ann));
      const picker = (modal.blocks as { block_id?: string; element?: { initial_option?: { value: string } } }[]).find((block) => block.block_id === inputIds.draftLanguage);
      return picker?.element?.initial_option?.value;
    };
    expect({ [A]: await draftLanguage(a), [B]: await draftLanguage(teams[B]!) }).toEqual({ [A]: 'en', [B]: 'es' });
  }, 60_000);
});

describe.each(availableProviders)('a member deletes a message in a Slack Connect channel watched by two workspaces (%s)', (provider) => {
  const shared = twoWorkspacesSharingAChannel(provider);
  const { teams, prisma, event } = shared;

  it('A’s deletion of a message never touches B’s alert quoting a message of that ts; B’s own deletion redraws it once', async () => {
    const b = teams[B]!;
    await b.staff.command(shared.events(), b.people.ann, `declare <#${SHARED}|partners> sev2 Partner outage`);
    const root = await waitFor('B’s alert', () => b.staff.rootMessage());
    const incident = await waitFor('B’s incident stored', () => prisma().incident.findFirst({ where: { rootTs: root.ts } }));
    // B's incident quotes a message of the shared channel (as a detector's alert would).
    const ts = `${Math.floor(Date.now() / 1000) - 60}.000300`;
    const detection = { ...(incident.detection as object), samples: [{ id: ts, authorId: b.people.members[0], score: -6, text: 'Partner portal is a horrible scam' }] };
    await prisma().incident.update({ where: { id: incident.id }, data: { detection } });
    const bUpdates = () => b.fake.api.calls('chat.update').filter((call) => call.args['ts'] === root.ts);
    const deletionIn = (teamId: string) => event(teamId, { type: 'message', subtype: 'message_deleted', channel: SHARED, hidden: true, ts: `${Math.floor(Date.now() / 1000)}.999100`, deleted_ts: ts });
    const handled = () => waitFor('events handled', async () => ((await prisma().inboundEvent.count()) === 0 ? true : undefined));

    expect((await deletionIn(A)).status).toBe(200);
    await waitFor('A’s deletion stored', () => prisma().scoredMessage.findFirst({ where: { ts, deletedAt: { not: null }, channel: { workspace: { teamId: A } } } }));
    await handled();
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(bUpdates()).toEqual([]);
    expect(JSON.stringify((await prisma().incident.findUniqueOrThrow({ where: { id: incident.id } })).detection)).toContain('Partner portal is a horrible scam');
    expect(await prisma().auditLog.count({ where: { action: 'redraw_sample_deleted' } })).toBe(0);

    expect((await deletionIn(B)).status).toBe(200);
    const update = await waitFor('B’s alert redrawn', () => bUpdates()[0]);
    expect(JSON.stringify(update.args)).not.toContain('Partner portal');
    expect(JSON.stringify((await prisma().incident.findUniqueOrThrow({ where: { id: incident.id } })).detection)).not.toContain('Partner portal');
    expect(await prisma().auditLog.count({ where: { action: 'redraw_sample_deleted', incidentId: incident.id } })).toBe(1);
  }, 60_000);

  it('A’s deletion never erases a message B’s staff added to B’s timeline; B’s own deletion erases it and edits its thread line once', async () => {
    const b = teams[B]!;
    const incident = await prisma().incident.findFirstOrThrow({ where: { workspace: { teamId: B } }, select: { id: true } });
    const member = b.people.members[1]!;
    const ts = `${Math.floor(Date.now() / 1000) - 30}.000400`;
    const words = 'Glimmerdale partner payouts are late again';
    expect((await event(B, messageEvent({ channel: SHARED, user: member, text: words, ts }))).status).toBe(200);
    await b.staff.shortcut(shared.events(), b.people.ben, callbackIds.addToTimelineShortcut, SHARED, { ts, text: words, user: member });
    await waitFor('the timeline form', () => b.staff.openModal(b.people.ben)?.callback_id === callbackIds.addToTimelineModal);
    await b.staff.submit(shared.events(), b.people.ben, { [inputIds.incident]: { [inputIds.incident]: { type: 'static_select', selected_option: { value: incident.id } } } });
    const line = await waitFor('B’s thread line quoting it', () => b.staff.thread().find((message) => JSON.stringify(message).includes('Glimmerdale')));
    const lineUpdates = () => b.fake.api.calls('chat.update').filter((call) => call.args['ts'] === line.ts);
    const entry = () => prisma().timelineEvent.findFirstOrThrow({ where: { incidentId: incident.id, kind: 'message_added' } });
    const deletionIn = (teamId: string, eventTs: string) => event(teamId, { type: 'message', subtype: 'message_deleted', channel: SHARED, hidden: true, ts: `${Math.floor(Date.now() / 1000)}.${eventTs}`, deleted_ts: ts });
    const handled = () => waitFor('events handled', async () => ((await prisma().inboundEvent.count()) === 0 ? true : undefined));

    expect((await deletionIn(A, '999200')).status).toBe(200);
    await waitFor('A’s deletion stored', () => prisma().scoredMessage.findFirst({ where: { ts, deletedAt: { not: null }, channel: { workspace: { teamId: A } } } }));
    await handled();
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await entry()).text).toBe(words);
    expect(lineUpdates()).toEqual([]);
    expect(await prisma().auditLog.count({ where: { action: 'erase_deleted_message' } })).toBe(0);

    expect((await deletionIn(B, '999300')).status).toBe(200);
    await waitFor('B’s thread line edited', () => lineUpdates()[0]);
    expect((await entry()).text).toBeNull();
    expect(JSON.stringify(b.staff.thread())).not.toContain('Glimmerdale');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(lineUpdates()).toHaveLength(1);
    expect(await prisma().auditLog.count({ where: { action: 'erase_deleted_message', incidentId: incident.id } })).toBe(1);
  }, 60_000);
});

describe.each(availableProviders)('a member edits a message in a Slack Connect channel watched by two workspaces (%s)', (provider) => {
  const shared = twoWorkspacesSharingAChannel(provider);
  const { teams, prisma, event } = shared;

  it('A’s edit of a message never touches B’s alert quoting a message of that ts; B’s own edit redraws it once with the latest words', async () => {
    const b = teams[B]!;
    await b.staff.command(shared.events(), b.people.ann, `declare <#${SHARED}|partners> sev2 Partner outage`);
    const root = await waitFor('B’s alert', () => b.staff.rootMessage());
    const incident = await waitFor('B’s incident stored', () => prisma().incident.findFirst({ where: { rootTs: root.ts } }));
    const member = b.people.members[0]!;
    const ts = `${Math.floor(Date.now() / 1000) - 60}.000300`;
    const words = 'Partner portal is a horrible scam, call my phone';
    // Both installations store the member's message; B's incident quotes it (as a detector's alert would).
    for (const teamId of [A, B]) expect((await event(teamId, messageEvent({ channel: SHARED, user: member, text: words, ts }))).status).toBe(200);
    await waitFor('the message stored in both', async () => ((await prisma().scoredMessage.count({ where: { ts } })) === 2 ? true : undefined));
    const detection = { ...(incident.detection as object), samples: [{ id: ts, authorId: member, score: -6, text: words }] };
    await prisma().incident.update({ where: { id: incident.id }, data: { detection } });
    const bUpdates = () => b.fake.api.calls('chat.update').filter((call) => call.args['ts'] === root.ts);
    const editIn = (teamId: string, text: string, micros: string) => {
      const editedTs = `${Math.floor(Date.now() / 1000)}.${micros}`;
      return event(teamId, { type: 'message', subtype: 'message_changed', channel: SHARED, hidden: true, ts: editedTs, message: { type: 'message', user: member, text, ts, edited: { user: member, ts: editedTs } } });
    };
    const handled = () => waitFor('events handled', async () => ((await prisma().inboundEvent.count()) === 0 ? true : undefined));

    expect((await editIn(A, 'Partner portal payouts are late in A', '999400')).status).toBe(200);
    await waitFor('A’s edit applied', () => prisma().scoredMessage.findFirst({ where: { ts, text: 'Partner portal payouts are late in A', channel: { workspace: { teamId: A } } } }));
    await handled();
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(bUpdates()).toEqual([]);
    expect(JSON.stringify((await prisma().incident.findUniqueOrThrow({ where: { id: incident.id } })).detection)).toContain(words);
    expect(await prisma().auditLog.count({ where: { action: 'redraw_sample_edited' } })).toBe(0);

    expect((await editIn(B, 'Partner portal payouts are late', '999500')).status).toBe(200);
    const update = await waitFor('B’s alert redrawn', () => bUpdates()[0]);
    expect(JSON.stringify(update.args)).toContain('Partner portal payouts are late');
    expect(JSON.stringify(update.args)).not.toContain('call my phone');
    expect(JSON.stringify((await prisma().incident.findUniqueOrThrow({ where: { id: incident.id } })).detection)).not.toContain('call my phone');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(bUpdates()).toHaveLength(1);
    expect(await prisma().auditLog.count({ where: { action: 'redraw_sample_edited', incidentId: incident.id } })).toBe(1);
  }, 60_000);
});
