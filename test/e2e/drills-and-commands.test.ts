import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actionIds } from '../../src/slack/blocks/ids.js';
import { availableProviders } from '../support/databases.js';
import { draftValues, findButtons, replyWrittenPastQuorum, startHarness, type Harness } from './harness.js';

const REPLY = 'We know refunds are slow this week and we are on it. Next update here by 15:00.';

describe.each(availableProviders)('drills and /firebreak declare through Slack on %s', (provider) => {
  let harness: Harness;
  let general: string;
  beforeAll(async () => {
    harness = await startHarness({ provider });
    const { members, sam, ann, ben, nina, cleo } = harness.people;
    general = harness.fake.workspace.addChannel({ name: 'general', members: [...members, sam, ann, ben, nina, cleo, harness.fake.workspace.bot.user_id] }).id;
  });
  afterAll(async () => {
    await harness?.close();
  });

  const prisma = () => harness.app.database.prisma;
  const bot = () => harness.fake.workspace.bot.user_id;
  const draftCard = () => harness.thread().find((message) => findButtons(message.blocks ?? []).some((button) => button.action_id === actionIds.approveDraft));
  const keyOf = (message: { metadata?: unknown }) => String((message.metadata as { event_payload?: { key?: unknown } } | undefined)?.event_payload?.key ?? '');

  it('defect 9: `declare <channel> drill sev2 …` (any order) opens a drill; its alert says who declared it', async () => {
    const answer = await harness.command(harness.people.cleo, `declare <#${harness.support}|support> drill sev2 Rumour about refunds`);
    expect(answer.body).not.toMatch(/severity must be/);
    const incident = await harness.waitFor('the incident', async () => (await prisma().incident.findFirst()) ?? undefined);
    expect(incident).toMatchObject({ drill: true, severity: 'sev2', channelId: harness.support });
    const root = await harness.waitFor('the alert', () => harness.rootMessage());
    expect(root.text).toContain('DRILL');
    expect(root.text).toContain(`declared by <@${harness.people.cleo}>`);
    const shown = root.text + JSON.stringify(root.blocks);
    expect(shown).not.toMatch(/usual level/);
    expect(shown).toMatch(/practice run/);
  });

  it('defect 2 and 5: a drill’s approved reply is posted only in its alert thread, labelled once; a refused click is no approval', async () => {
    const root = harness.rootMessage()!;
    await harness.click(harness.people.sam, harness.alerts, root.ts, actionIds.draftReply);
    const modal = await harness.waitFor('the draft modal', () => harness.openModal(harness.people.sam));
    // The modal says what will really happen: the reply stays in the alert thread, never in the channel.
    const said = JSON.stringify(modal.blocks);
    expect(said).toContain(`Drill: nothing is posted in <#${harness.support}`);
    expect(said).toContain('the reply is posted only in this incident’s alert thread');
    expect(said).not.toContain('until the approvers agree');
    expect(said).toContain('Where it would go in a real incident');
    await harness.submit(harness.people.sam, draftValues(REPLY));
    const card = await harness.waitFor('the draft card', () => draftCard());

    // Nina is not an approver: her click is refused and must count nowhere.
    await harness.click(harness.people.nina, harness.alerts, card.ts, actionIds.approveDraft);
    await harness.waitFor('the refusal', () => harness.ephemeralTexts(harness.people.nina).find((text) => /approver/i.test(text)));
    const afterRefusal = String(Date.now() / 1000);
    await harness.click(harness.people.ann, harness.alerts, card.ts, actionIds.approveDraft);
    await harness.click(harness.people.ben, harness.alerts, card.ts, actionIds.approveDraft);
    const drillReply = await harness.waitFor('the drill reply in the thread', () => harness.thread().find((message) => keyOf(message).startsWith('reply:')));
    expect(drillReply.text).toMatch(/^DRILL: reply #1 is approved/);
    expect(drillReply.text).not.toMatch(/DRILL.*DRILL/);
    expect(JSON.stringify(drillReply.blocks)).toContain('Next update here by 15:00');
    await harness.waitFor('the draft marked posted', async () => (await prisma().replyDraft.findFirst({ where: { status: 'posted' } })) ?? undefined);
    // Nothing from the bot reached the community.
    expect(harness.fake.workspace.messagesIn(harness.support).filter((message) => message.user === bot())).toEqual([]);

    // Approvals are what Firebreak recorded: two, the first after the refused click (what the drill bar reads).
    const approvals = await harness.waitFor('both approvals in the thread', () => {
      const found = harness.thread().filter((message) => keyOf(message).endsWith(':draft_approved'));
      return found.length >= 2 && found;
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(harness.thread().filter((message) => keyOf(message).endsWith(':draft_approved'))).toHaveLength(2);
    expect(Number(approvals[0]!.ts)).toBeGreaterThan(Number(afterRefusal));
    expect(await prisma().approval.count({ where: { approverUserId: harness.people.nina } })).toBe(0);
    // The thread reads in the order it happened: the second approval, saying where the reply goes (one line), then the reply.
    const thread = harness.thread();
    const reply = thread.findIndex((message) => keyOf(message).startsWith('reply:'));
    const last = thread.findLastIndex((message) => keyOf(message).endsWith(':draft_approved'));
    expect(thread[last]!.text).toBe(`<@${harness.people.ben}> approved revision 1 of reply #1 (2 of 2): it will be posted only in the alert thread (drill)`);
    expect(thread.filter((message) => keyOf(message).endsWith(':quorum_met'))).toEqual([]);
    expect(reply).toBeGreaterThan(last);
  });

  it('the outbox holds any write of a drill reply addressed outside its alert thread', async () => {
    const held = await replyWrittenPastQuorum(harness, ':leak');
    expect(held.lastError).toBe('held:drill_outside_thread');
    await harness.waitFor('the notice in the thread', () => harness.thread().find((message) => message.text.includes('never posts outside its alert thread')));
    expect(harness.fake.workspace.messagesIn(harness.support).filter((message) => message.user === bot())).toEqual([]);
  });

  it('defect 5: App Home leaves the drill out of its medians, as its text says', async () => {
    // The drill's figures are all there (alert, approvals, reply): App Home must still not count it.
    await harness.event({ type: 'app_home_opened', user: harness.people.ann, channel: 'D0HOME', tab: 'home' });
    const home = await harness.waitFor('App Home', () => harness.fake.workspace.homeView(harness.people.ann));
    const text = JSON.stringify(home.blocks);
    expect(text).toContain('0 incidents, drills left out');
  });

  it('defect 4 and 9: a plain #name is resolved, the severity defaults to SEV3, an unknown channel is named', async () => {
    const unknown = await harness.command(harness.people.cleo, 'declare #nowhere Rumour about prices');
    expect(unknown.body).toContain('no channel named #nowhere');
    const answer = await harness.command(harness.people.cleo, 'declare #general Rumour about prices');
    expect(answer.body).not.toMatch(/Name the channel|severity must be/);
    const incident = await harness.waitFor('the declared incident', async () => (await prisma().incident.findFirst({ where: { channelId: general } })) ?? undefined);
    expect(incident).toMatchObject({ severity: 'sev3', drill: false });
  });

  it('the alert of a declared incident quotes what its declarer said is happening, inert (no ping)', async () => {
    const { members, cleo } = harness.people;
    const shop = harness.fake.workspace.addChannel({ name: 'shop', members: [...members, cleo, bot()] }).id;
    // As Slack sends it with should_escape: typed `<!channel>` arrives escaped, a typed @here as <!here>.
    await harness.command(cleo, `declare <#${shop}|shop> sev2 Refund complaints after the price change &lt;!channel&gt; <!here> *now*`);
    const root = await harness.waitFor('its alert', async () => {
      const rootTs = (await prisma().incident.findFirst({ where: { channelId: shop } }))?.rootTs;
      return rootTs ? harness.fake.workspace.findMessage(harness.alerts, rootTs) : undefined;
    });
    const blocks = JSON.stringify(root.blocks);
    // Stored as typed (`<!channel>`, `@here`), escaped once for the alert.
    expect(blocks).toContain('> Refund complaints after the price change &lt;!channel&gt; @\u2060here *now*');
    expect(blocks).not.toMatch(/<!(here|channel)/);
  });

  it('`drill` written after the summary: the incident is real (as typed), and the answer says so and how to declare a drill', async () => {
    const { members, cleo } = harness.people;
    const forum = harness.fake.workspace.addChannel({ name: 'forum', members: [...members, cleo, bot()] }).id;
    const declared = await harness.command(cleo, 'declare #forum sev2 Members angry about the new prices, drill');
    const incident = await harness.waitFor('the declared incident', async () => (await prisma().incident.findFirst({ where: { channelId: forum } })) ?? undefined);
    expect(incident).toMatchObject({ drill: false, severity: 'sev2' });
    // Answered once the incident is committed, in the acknowledgement.
    const answer = (JSON.parse(declared.body) as { text: string }).text;
    expect(answer).toContain(`Incident #${incident.number} declared on`);
    expect(answer).toContain('It is a *real* incident, not a drill: its approved replies reach');
    expect(answer).toContain(`To practise instead, resolve #${incident.number} and declare again: \`/firebreak declare <#${forum}> drill …\``);
  });

  it('a declaration of the other kind never folds into the open incident: a real crisis opens beside a drill, a drill is not declared over a real one', async () => {
    const { members, cleo } = harness.people;
    const open = (channelId: string) => prisma().incident.findMany({ where: { channelId, status: { not: 'resolved' } } });
    const textOfAnswer = (response: { body: string }) => (JSON.parse(response.body) as { text: string }).text;

    // A drill is open on #outage; the app really goes down and staff declare a real incident there.
    const outage = harness.fake.workspace.addChannel({ name: 'outage', members: [...members, cleo, bot()] }).id;
    await harness.command(cleo, 'declare #outage drill sev3 Practice run');
    const drill = await harness.waitFor('the drill', async () => (await open(outage))[0]);
    expect(drill.drill).toBe(true);
    const real = textOfAnswer(await harness.command(cleo, 'declare #outage sev1 The app is down for everyone'));
    expect(real).not.toContain('continues there');
    const opened = await harness.waitFor('the real incident beside the drill', async () => (await open(outage)).find((row) => !row.drill));
    expect(real).toBe(`Incident #${opened.number} declared on <#${outage}>.`);
    expect(opened.title).toBe('The app is down for everyone');

    // A real incident is open on #lounge; someone wants to practise there.
    const lounge = harness.fake.workspace.addChannel({ name: 'lounge', members: [...members, cleo, bot()] }).id;
    await harness.command(cleo, 'declare #lounge sev2 Members angry about moderation');
    const incident = await harness.waitFor('the real incident', async () => (await open(lounge))[0]);
    expect(incident.drill).toBe(false);
    const practice = textOfAnswer(await harness.command(cleo, 'declare #lounge drill Practice run'));
    expect(practice).not.toContain('continues there');
    expect(practice).toContain(`No drill declared: incident #${incident.number} on <#${lounge}> is *real*, and its approved replies reach <#${lounge}>`);

    // One real incident beside the drill on #outage; on #lounge, only the real one.
    expect((await open(outage)).map((row) => row.drill).sort()).toEqual([false, true]);
    expect((await open(lounge)).map((row) => row.drill)).toEqual([false]);
    // The same kind still continues in the open incident, as before: the real one beside the drill too.
    expect(textOfAnswer(await harness.command(cleo, 'declare #outage sev1 Still down'))).toContain(`Incident #${opened.number} is already open on <#${outage}>: it continues there.`);
    expect(textOfAnswer(await harness.command(cleo, 'declare #lounge sev2 More complaints'))).toContain(`Incident #${incident.number} is already open on <#${lounge}>: it continues there.`);
  });

  it('defect 6: an incident cannot be declared on the alerts channel, however it is named', async () => {
    const before = await prisma().incident.count();
    for (const typed of [`declare <#${harness.alerts}|alerts> sev2 test`, 'declare #alerts sev2 test', `declare <#${harness.alerts}> drill test`]) {
      const answer = await harness.command(harness.people.cleo, typed);
      expect(answer.body).toContain('is where Firebreak posts incidents, a staff channel, not a community one');
      expect(answer.body).not.toContain('Declaring the incident');
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await prisma().incident.count()).toBe(before);
    expect(await prisma().incident.count({ where: { channelId: harness.alerts } })).toBe(0);
  });

  it('defect 7: `list` shows the latest incidents and says how many are open; `status` shows only the open ones', async () => {
    const drill = await prisma().incident.findFirstOrThrow({ where: { drill: true } });
    // Its required step first (the drill's thread is the first alert's).
    const checklist = await harness.waitFor('the checklist', () => harness.thread().find((message) => findButtons(message.blocks ?? []).some((button) => button.action_id === actionIds.toggleStep)));
    await harness.click(harness.people.ann, harness.alerts, checklist.ts, actionIds.toggleStep);
    await harness.waitFor('the step done', async () => (await prisma().checklistItem.findFirst({ where: { incidentId: drill.id, stepId: 'acknowledge' } }))?.doneAt ?? undefined);
    const resolved = await harness.command(harness.people.ann, `resolve ${drill.number} Practice over`);
    expect(resolved.body).toContain(`Incident #${drill.number} resolved`);
    await harness.waitFor('the drill resolved', async () => (await prisma().incident.findUnique({ where: { id: drill.id } }))?.status === 'resolved');
    const total = await prisma().incident.count();
    const open = await prisma().incident.count({ where: { status: { not: 'resolved' } } });
    expect(open).toBeLessThan(total);

    const list = await harness.command(harness.people.ann, 'list');
    expect(list.body).toContain(`${total} latest incidents, ${open} open`);
    expect(list.body).not.toContain('open incidents');
    expect(list.body).toContain(`Incident #${drill.number}`);
    expect(list.body).toContain('· resolved');

    const status = await harness.command(harness.people.ann, 'status');
    expect(status.body).toContain(`${open} open incident`);
    expect(status.body).not.toContain(`Incident #${drill.number}`);

    const help = await harness.command(harness.people.ann, 'help');
    expect(help.body).toContain('The latest incidents, open and resolved');
  });

  it('`resolve <number>` with no such incident says so, not the usage', async () => {
    const answer = await harness.command(harness.people.ann, 'resolve 99 something');
    expect(answer.body).toContain('There is no incident #99 in this workspace');
    expect(answer.body).not.toContain('Usage:');
    expect(await prisma().incident.count({ where: { status: 'resolved', resolutionSummary: 'something' } })).toBe(0);
    // Typed wrong (no number, or no summary) is still answered with the usage.
    expect((await harness.command(harness.people.ann, 'resolve abc something')).body).toContain('Usage:');
  });

  it('`resolve` takes an incident number as staff write it, never another notation of some other number', async () => {
    const open = await prisma().incident.findFirstOrThrow({ where: { status: { not: 'resolved' } }, orderBy: { number: 'asc' } });
    // "0x1", "1e0", "1.0" are not how anyone writes incident #1: answered with the usage, nothing resolved.
    for (const written of [`0x${open.number.toString(16)}`, `${open.number}e0`, `${open.number}.0`, `0b${open.number.toString(2)}`]) {
      const answer = await harness.command(harness.people.ann, `resolve ${written} Wrong incident`);
      expect({ written, usage: answer.body.includes('Usage:') }).toEqual({ written, usage: true });
    }
    expect(await prisma().auditLog.count({ where: { action: 'resolve', incidentId: open.id } })).toBe(0);
  });

  it('defect 4: /firebreak help shows its usage lines as written, not as links', async () => {
    const help = await harness.command(harness.people.ann, 'help');
    expect(help.body).toContain('resolve &lt;incident number&gt; &lt;summary&gt;');
    expect(help.body).not.toContain('<incident number>');
  });
  it('the Spanish words are the same commands in an English workspace; a mistyped word gets “Did you mean …?”', async () => {
    const { ann, members } = harness.people;
    const textOf = async (typed: string) => (JSON.parse((await harness.command(ann, typed)).body) as { text: string }).text;
    expect(await textOf('ESTADO')).toBe(await textOf('status'));
    expect(await textOf('lista')).toBe(await textOf('list'));
    expect(await textOf('ayuda')).toBe('Firebreak commands');
    expect(await textOf('resolver 99 algo')).toContain('There is no incident #99 in this workspace');

    const foro = harness.fake.workspace.addChannel({ name: 'foro', members: [...members, ann, bot()] }).id;
    const watchedForo = async () => (await prisma().watchedChannel.findFirst({ where: { channelId: foro } }))?.active ?? false;
    expect(await textOf(`vigilar <#${foro}|foro>`)).toContain('Watching');
    expect(await watchedForo()).toBe(true);
    // Upper case is the same word: VIGILAR and WATCH watch, never unwatch.
    for (const word of ['VIGILAR', 'WATCH']) {
      expect({ word, answer: await textOf(`${word} <#${foro}|foro>`) }).toEqual({ word, answer: expect.stringContaining('Watching') });
      expect(await watchedForo()).toBe(true);
    }
    expect(await textOf(`dejar-de-vigilar <#${foro}|foro>`)).toContain('No longer watching');
    expect(await watchedForo()).toBe(false);

    const declared = await textOf(`declarar <#${foro}|foro> simulacro sev2 Rumor sobre reembolsos`);
    const incident = await harness.waitFor('the declared drill', async () => (await prisma().incident.findFirst({ where: { channelId: foro } })) ?? undefined);
    expect(incident).toMatchObject({ drill: true, severity: 'sev2' });
    expect(declared).toContain(`Drill incident #${incident.number} declared`);

    expect(await textOf('stauts')).toBe('“stauts” is not a Firebreak command. Did you mean `/firebreak status`?');
    expect(await textOf('lsit')).toContain('Did you mean `/firebreak list`?');
    expect(await textOf('estdo')).toContain('Did you mean `/firebreak estado`?');
    const unknown = await harness.command(ann, 'launch');
    expect(unknown.body).not.toContain('Did you mean');
    expect(unknown.body).toContain('`/firebreak declare #channel');
  });
});
