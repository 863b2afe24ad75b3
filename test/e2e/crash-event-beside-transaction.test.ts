// Acknowledged means stored, whatever else the process is doing: `firebreak start` as a child process
// fires an incident reminder while Slack is slow to list the user groups it names, a member's message is
// acknowledged meanwhile, and the process is SIGKILLed the moment the 200 arrives. After the restart the
// message must be stored. The loss `npm run chaos` once saw on SQLite (docs/operations.md) replays this
// way on the code of that run: the reminder's transaction stayed open while Slack listed the groups, and
// the message's inbox row, written outside a transaction on SQLite's one shared connection, landed in it
// and died with it.
import { describe, expect, it } from 'vitest';
import { sendToApp } from '../../src/sandbox/signing.js';
import { eventCallback } from '../../src/sandbox/slack-payloads.js';
import { startCrashHarness } from '../support/crash-harness.js';
import { availableProviders } from '../support/databases.js';
import { SIGNING_SECRET } from './harness.js';

/** Slack lists the groups this late: within the 1.5 s Firebreak waits for them. */
const SLOW_GROUPS_MS = 1_400;

describe.each(availableProviders)('SIGKILL right after a member message is acknowledged while a reminder fires (%s)', (provider) => {
  it(
    'the message is stored after the restart',
    async () => {
      const harness = await startCrashHarness({ provider });
      try {
        const { ann, members } = harness.people;
        const { prisma } = harness.database;
        const { workspace, api } = harness.fake;
        let instance = await harness.start();
        expect((await harness.command(ann, `declare <#${harness.support}|support> sev2 Login failing for many members`, instance)).status).toBe(200);
        const incident = await harness.waitFor('the incident and its alert', async () => (await prisma.incident.findFirst({ where: { rootTs: { not: null } } })) ?? undefined, 30_000);
        // The channel is known already: the message below waits for no look-up of its own.
        expect((await harness.post(members[0]!, 'Is the app down?', { instance })).status).toBe(200);
        await harness.waitFor('the first message stored', async () => (await prisma.scoredMessage.count()) === 1 || undefined, 30_000);
        await harness.waitFor('the outbox idle', async () => (await prisma.outboxItem.count({ where: { status: { in: ['pending', 'sending'] } } })) === 0 || undefined, 30_000);

        // Slack says the escalation group changed (the list at hand is dropped) and is slow to list it next;
        // the incident's reminders come due, and the one escalating to that group asks for it.
        const group = workspace.listUserGroups().find((candidate) => candidate.handle === 'community-leads')!.id;
        const now = Math.floor(Date.now() / 1000);
        const changed = eventCallback(workspace.appIdentity(), { type: 'subteam_members_changed', subteam_id: group, team_id: workspace.appIdentity().teamId, date_previous_update: now - 60, date_update: now, added_users: [], added_users_count: '0' }, { nowMs: Date.now() });
        expect((await sendToApp(`${instance.url}/slack/events`, SIGNING_SECRET, 'event', changed)).status).toBe(200);
        api.faults.delay('usergroups.list', SLOW_GROUPS_MS, { forMs: 60_000 });
        // Slack records a call once it answers: its arrival is when the loopback Slack picks its fault.
        let listing = false;
        const pickFault = api.faults.take.bind(api.faults);
        api.faults.take = (method, args) => {
          if (method === 'usergroups.list') listing = true;
          return pickFault(method, args);
        };
        // On SQLite this connection's write waits for the instance's (up to about 5 s, then DatabaseLockedError): tried again if it gives up.
        await harness.waitFor('the reminders due', () => prisma.reminder.updateMany({ where: { incidentId: incident.id, status: 'pending' }, data: { dueAt: new Date(Date.now() - 1_000) } }).then(() => true, () => undefined));
        await harness.waitFor('Slack asked for the groups', () => listing || undefined, 20_000);

        // While Slack lists them, a member writes; the process dies the moment the message is acknowledged.
        const answer = await harness.post(members[1]!, 'I cannot log in, this is awful', { eventId: 'Ev0BESIDE1', instance });
        await harness.kill(instance);
        expect(answer.status).toBe(200);

        api.faults.clear();
        instance = await harness.start();
        await harness.waitFor('the inbox emptied', async () => (await prisma.inboundEvent.count()) === 0 || undefined, 40_000);
        // Acknowledged: stored (or quarantined with the reason), never dropped without a trace.
        const stored = await prisma.scoredMessage.count({ where: { text: 'I cannot log in, this is awful' } });
        const quarantined = await prisma.quarantinedMessage.count({ where: { eventId: 'Ev0BESIDE1' } });
        expect({ stored, quarantined }).toEqual({ stored: 1, quarantined: 0 });
      } finally {
        await harness.close();
      }
    },
    150_000,
  );
});
