// `firebreak postmortem list|export` as a person runs them: the real command over a real database.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acknowledge, createDraft, decideDraft, defaultAuthorityPolicy, markReplyPosted, openIncident, resolve, type Decision, type IncidentPolicy, type IncidentState, type TimelineEvent } from '../../src/domain/incidents/index.js';
import { createPostMortem } from '../../src/domain/postmortems/index.js';
import { ManualClock } from '../../src/domain/clock.js';
import { appendTimeline, insertIncident } from '../../src/store/repositories/incidents.js';
import { insertPostMortem } from '../../src/store/repositories/postmortems.js';
import { seedSampleIncident, TEN_MINUTES } from '../app/postmortem-seed.js';
import { openMigratedDatabase, type MigratedDatabase } from '../store/repositories/migrated-database.js';
import { runCli, testEnvironment } from '../support/cli.js';
import { availableProviders } from '../support/databases.js';
import { startFakeSlack } from '../../src/sandbox/slack-api/index.js';

let db: MigratedDatabase;
const scratch = mkdtempSync(join(tmpdir(), 'firebreak-cli-postmortem-'));
const env = () => testEnvironment({ DATABASE_URL: db.url, TEAM_TIMEZONE: 'UTC', DETECTOR_SETTINGS: JSON.stringify({ bucketMs: TEN_MINUTES }) });
const firebreak = (...args: string[]) => runCli(args, { env: env() });
/** Without Slack credentials, staff of a workspace that is not the sandbox's stay user ids, and stderr says why. */
const NO_TOKEN = 'Staff are shown by their Slack user ids: there is no Slack token for workspace T0SAMPLE (set SLACK_BOT_TOKEN as `firebreak start` has it to show names).\n';

beforeAll(async () => {
  db = await openMigratedDatabase('sqlite');
  const { workspaceId } = await seedSampleIncident(db.prisma);
  // Incident #43 is still open: no post-mortem yet.
  const clock = new ManualClock(Date.UTC(2026, 10, 25, 9, 0));
  const opened = openIncident(
    { id: 'inc-2026-0043', number: 43, severity: 'sev3', playbookId: 'login-outage', playbookHash: 'sha256:1', channelId: 'C0COMMUNITY', detectedAt: clock.now(), firstAbnormalAt: null, detection: {}, drill: false, locale: 'en', checklist: [] },
    { unacknowledged: [] },
    clock,
  );
  await insertIncident(db.prisma, { state: opened.state, workspaceId, title: 'Slow checkout', alertChannelId: 'C0ALERTS' });
}, 60_000);

afterAll(async () => {
  await db?.dispose();
  rmSync(scratch, { recursive: true, force: true });
});

describe('firebreak postmortem list', () => {
  it('lists post-mortems with incident, status and dates', async () => {
    const { code, stdout, stderr } = await firebreak('postmortem', 'list');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^INCIDENT +STATUS +CREATED +DUE +PUBLISHED +TITLE$/);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/^#42 +published +2026-11-21 +2026-11-2\d +2026-11-2\d +#community$/);
  });

  it('filters by status and by date, and says when nothing matches', async () => {
    expect((await firebreak('postmortem', 'list', '--status', 'published')).stdout).toContain('#42');
    const drafts = await firebreak('postmortem', 'list', '--status', 'draft');
    expect(drafts.code).toBe(0);
    expect(drafts.stdout).toBe('No post-mortems match.\n');
    expect((await firebreak('postmortem', 'list', '--since', '2026-11-01')).stdout).toContain('#42');
    expect((await firebreak('postmortem', 'list', '--since', '2026-12-01')).stdout).toBe('No post-mortems match.\n');
    const json = JSON.parse((await firebreak('postmortem', 'list', '--json', '--since', '2026-11-21T00:00:00Z')).stdout) as { incident: number; status: string }[];
    expect(json).toEqual([expect.objectContaining({ incident: 42, status: 'published', incidentId: 'inc-2026-0042' })]);
  }, 60_000);

  it('lists everything for more days than a date can go back, not a database error', async () => {
    const forever = await firebreak('postmortem', 'list', '--since', '99999999999d');
    expect(forever.stderr).toBe('');
    expect(forever.stdout).toContain('#42');
  });

  it('refuses a bad status or date with the accepted forms, exit code 1', async () => {
    const status = await firebreak('postmortem', 'list', '--status', 'done');
    expect(status.code).not.toBe(0);
    expect(status.stderr).toMatch(/draft, in_review, published/);
    const since = await firebreak('postmortem', 'list', '--since', 'last tuesday');
    expect(since.code).toBe(1);
    expect(since.stderr).toBe('firebreak: --since "last tuesday" is not a date: use 2026-11-01, an ISO 8601 time, or a number of days such as 30d.\n');
  });
});

describe('firebreak postmortem export', () => {
  it('prints the Markdown post-mortem by incident number, members pseudonymised', async () => {
    const { code, stdout, stderr } = await firebreak('postmortem', 'export', '42');
    expect(stderr).toBe(NO_TOKEN);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^# Post-mortem: incident #42\n/);
    expect(stdout).toContain('- **Channel:** #community');
    expect(stdout).toContain('| Time to detect (from the first abnormal bucket) | 20 min |');
    expect(stdout).toContain('| Time to sentiment recovery (from the first abnormal bucket) | 1 h 20 min |');
    expect(stdout).toContain('| Members affected | 10 |');
    expect(stdout).toContain('## Timeline');
    expect(stdout).toContain('Member A');
    expect(stdout).not.toContain('dana.k');
    expect(stdout).not.toContain('UMEMBER1');
  });

  it('writes JSON to a file by incident id; members shown only with --reveal-members', async () => {
    const out = join(scratch, 'pm.json');
    const { code, stdout, stderr } = await firebreak('postmortem', 'export', 'inc-2026-0042', '--format', 'json', '--out', out);
    expect(code).toBe(0);
    expect(stdout).toBe('');
    expect(stderr).toBe(`${NO_TOKEN}Wrote ${out}\n`);
    const json = JSON.parse(readFileSync(out, 'utf8')) as { format: string; pseudonymised: boolean; incident: { number: number }; metrics: { membersAffected: number } };
    expect(json).toMatchObject({ format: 'firebreak.postmortem/v1', pseudonymised: true, incident: { number: 42 }, metrics: { membersAffected: 10 } });
    expect(readFileSync(out, 'utf8')).not.toContain('dana.k');
    const revealed = await firebreak('postmortem', 'export', '#42', '--reveal-members');
    expect(revealed.stdout).toContain('dana.k');
  });

  it('without any Slack token names no one from the sandbox: a workspace that is not the sandbox’s keeps user ids', async () => {
    const { code, stdout, stderr } = await firebreak('postmortem', 'export', '42');
    expect(code).toBe(0);
    expect(stderr).toBe(NO_TOKEN);
    expect(stdout).toContain('- **Lead:** UANA');
  });

  it('names staff from Slack when a bot token is configured; members stay pseudonymised', async () => {
    const fake = await startFakeSlack();
    try {
      fake.workspace.addUser({ id: 'UANA', name: 'ana', real_name: 'Ana Ruiz' });
      fake.workspace.addUser({ id: 'ULUIS', name: 'luis', real_name: 'Luis Ortega' });
      fake.workspace.addUser({ id: 'UMEMBER1', name: 'dana.k', real_name: 'Dana K' });
      const { code, stdout, stderr } = await runCli(['postmortem', 'export', '42'], { env: { ...env(), SLACK_BOT_TOKEN: fake.botToken, SLACK_SIGNING_SECRET: 'cli-test-secret', SLACK_API_URL: fake.apiUrl } });
      expect(stderr).toBe('');
      expect(code).toBe(0);
      expect(stdout).toContain('- **Lead:** Ana Ruiz');
      expect(stdout).toMatch(/- \*\*Reviewers:\*\* .*Luis Ortega \(approved\)/);
      expect(stdout).not.toMatch(/dana\.k|Dana K/);
    } finally {
      await fake.close();
    }
  });

  it('an unknown incident, an incident without a post-mortem and a bad format are clear errors, exit code 1', async () => {
    const unknown = await firebreak('postmortem', 'export', '999');
    expect(unknown.code).toBe(1);
    expect(unknown.stdout).toBe('');
    expect(unknown.stderr).toBe('firebreak: There is no incident "999" (give an incident number such as 12, or an incident id).\n');
    const open = await firebreak('postmortem', 'export', '43');
    expect(open.code).toBe(1);
    expect(open.stderr).toBe('firebreak: Incident #43 (inc-2026-0043) has no post-mortem yet; one is created when the incident is resolved (it is open).\n');
    const format = await firebreak('postmortem', 'export', '42', '--format', 'pdf');
    expect(format.code).not.toBe(0);
    expect(format.stderr).toMatch(/md, json/);
  }, 60_000);

  it('a number no incident can have (past the database\'s integers) is no incident either, not a database error', async () => {
    for (const huge of ['99999999999999999999', '#2147483648']) {
      const past = await firebreak('postmortem', 'export', huge);
      expect(past.code).toBe(1);
      expect(past.stderr).toBe(`firebreak: There is no incident "${huge}" (give an incident number such as 12, or an incident id).\n`);
    }
  }, 60_000);

  it('says so when DATABASE_URL points at no database', async () => {
    const missing = join(scratch, 'nothing-here.db');
    const { code, stderr } = await runCli(['postmortem', 'list'], { env: testEnvironment({ DATABASE_URL: `file:${missing}` }) });
    expect(code).toBe(1);
    expect(stderr).toBe(`firebreak: There is no database at ${missing} (DATABASE_URL): Firebreak has not recorded anything there yet.\n`);
  });
});

describe('firebreak postmortem export: a member named by a reply template', () => {
  // As the draft modal does it: the harassment playbook's thread template filled `{{member}}` with the
  // display name of the member whose thread the reply answers (Farid reported the abuse); only the text
  // and the target (that thread) are stored.
  let answeredDb: MigratedDatabase;
  const FARID_THREAD = '1764841000.000100';
  const REPLY = 'Gracias por avisarnos, Farid. Ya estamos revisando el hilo.';
  const exportWith = (extra: Record<string, string>, ...args: string[]) =>
    runCli(['postmortem', 'export', '7', ...args], { env: { ...testEnvironment({ DATABASE_URL: answeredDb.url, TEAM_TIMEZONE: 'UTC' }), ...extra } });

  beforeAll(async () => {
    answeredDb = await openMigratedDatabase('sqlite');
    const workspace = await answeredDb.prisma.workspace.create({ data: { teamId: 'T0ANSWER' }, select: { id: true } });
    const policy: IncidentPolicy = {
      approvals: { approverUserIds: ['ULUIS'], approverGroups: [], quorum: { kind: 'any' }, fourEyes: true },
      authority: defaultAuthorityPolicy,
      escalation: { unacknowledged: [] },
    };
    const clock = new ManualClock(Date.UTC(2026, 11, 4, 10, 0));
    const samples = [
      { id: '1764840900.000200', authorId: 'UTROLL', score: -0.95, text: 'nobody wants you here' },
      { id: FARID_THREAD, authorId: 'UFARID', score: -0.7, text: 'Someone keeps insulting me in #general, please help' },
    ];
    const opened = openIncident(
      { id: 'inc-2026-0007', number: 7, severity: 'sev2', playbookId: 'toxic-thread', playbookHash: 'sha256:1', channelId: 'C0GENERAL', detectedAt: clock.now(), firstAbnormalAt: null, detection: { samples }, drill: false, locale: 'es', checklist: [] },
      policy.escalation,
      clock,
    );
    let state: IncidentState = opened.state;
    const timeline: TimelineEvent[] = [...opened.events];
    const step = (minutes: number, act: (s: IncidentState) => Decision) => {
      clock.advance(minutes * 60_000);
      const decision = act(state);
      if (!decision.ok) throw new Error(decision.refusal.message);
      state = decision.state;
      timeline.push(...decision.events);
    };
    const target = { kind: 'thread' as const, channelId: 'C0GENERAL', messageTs: FARID_THREAD };
    step(1, (s) => acknowledge(s, { actorUserId: 'UANA' }, policy, clock));
    step(2, (s) => createDraft(s, { actorUserId: 'UANA', text: REPLY, language: 'es', templateId: 'thanks-for-reporting', target }, policy, clock));
    step(1, (s) => decideDraft(s, { actorUserId: 'ULUIS', draftId: 'inc-2026-0007/draft-1', revision: 1, decision: 'approve' }, policy, clock));
    step(0.1, (s) => markReplyPosted(s, { draftId: 'inc-2026-0007/draft-1', revision: 1, messageTs: '1764841300.000500' }, clock));
    step(30, (s) => resolve(s, { actorUserId: 'UANA', summary: 'Troll removed, Farid thanked.' }, policy, clock));
    const { postMortem } = createPostMortem({ incidentId: state.incident.id, ownerUserId: 'UANA' }, { dueAfterMs: 86_400_000, reviewerUserIds: ['ULUIS'], requiredFields: [], questions: [] }, clock);
    await insertIncident(answeredDb.prisma, { state, workspaceId: workspace.id, title: '#general', alertChannelId: 'C0ALERTS' });
    await appendTimeline(answeredDb.prisma, timeline);
    await insertPostMortem(answeredDb.prisma, postMortem);
  }, 60_000);

  afterAll(async () => {
    await answeredDb?.dispose();
  });

  it('shows that member as a pseudonym in the draft, the posted reply and the summary, in Markdown and JSON', async () => {
    const fake = await startFakeSlack();
    try {
      fake.workspace.addUser({ id: 'UANA', name: 'ana', real_name: 'Ana Ruiz' });
      fake.workspace.addUser({ id: 'ULUIS', name: 'luis', real_name: 'Luis Ortega' });
      fake.workspace.addUser({ id: 'UFARID', name: 'farid.h', real_name: 'Farid Haddad', display_name: 'Farid' });
      fake.workspace.addUser({ id: 'UTROLL', name: 'troll99', real_name: 'Tom Roll' });
      const slack = { SLACK_BOT_TOKEN: fake.botToken, SLACK_SIGNING_SECRET: 'cli-test-secret', SLACK_API_URL: fake.apiUrl };
      const markdown = await exportWith(slack);
      expect(markdown.stderr).toBe('');
      expect(markdown.code).toBe(0);
      expect(markdown.stdout).toContain('- **Líder:** Ana Ruiz');
      expect(markdown.stdout).not.toMatch(/farid|haddad|UFARID/i);
      // Once as the draft, once as the reply posted; the troll is never quoted, so Farid is the first member.
      expect(markdown.stdout.split('  > Gracias por avisarnos, Miembro A. Ya estamos revisando el hilo.').length - 1).toBe(2);
      expect(markdown.stdout).toContain('Troll removed, Miembro A thanked.');
      const json = await exportWith(slack, '--format', 'json');
      expect(json.code).toBe(0);
      expect(json.stdout).not.toMatch(/farid|haddad|UFARID/i);
      expect(json.stdout).toContain('Gracias por avisarnos, Miembro A.');
      // Opted in, the name stays.
      expect((await exportWith(slack, '--reveal-members')).stdout).toContain('Gracias por avisarnos, Farid.');
    } finally {
      await fake.close();
    }
  });

  it('says on stderr when no token lets it look the member up', async () => {
    const { code, stderr } = await exportWith({});
    expect(code).toBe(0);
    expect(stderr).toContain('Members a drafted reply may name cannot be looked up, so a reply that names one keeps the name: there is no Slack token for workspace T0ANSWER');
  });
});

describe.each(availableProviders)('firebreak postmortem list of a hostile title on %s', (provider) => {
  let hostile: MigratedDatabase;
  beforeAll(async () => {
    hostile = await openMigratedDatabase(provider);
    const clock = new ManualClock(Date.UTC(2026, 10, 25, 9, 0));
    const opened = openIncident(
      { id: 'inc-2026-0044', number: 44, severity: 'sev3', playbookId: 'login-outage', playbookHash: 'sha256:1', channelId: 'C0COMMUNITY', detectedAt: clock.now(), firstAbnormalAt: null, detection: {}, drill: false, locale: 'en', checklist: [] },
      { unacknowledged: [] },
      clock,
    );
    // A declared incident's title is what staff typed: here a forged second row and a clear-screen escape.
    const title = 'Checkout down\n#99  published  2026-11-01  2026-11-02  2026-11-03  Forged\u001b[2J\u001b[H';
    const workspace = await hostile.prisma.workspace.create({ data: { teamId: 'T0SAMPLE' }, select: { id: true } });
    await insertIncident(hostile.prisma, { state: opened.state, workspaceId: workspace.id, title, alertChannelId: 'C0ALERTS' });
    const created = createPostMortem({ incidentId: 'inc-2026-0044', ownerUserId: 'U0LEAD' }, { questions: [], dueAfterMs: 86_400_000, reviewerUserIds: ['U0REVIEW'], requiredFields: [] }, clock);
    await insertPostMortem(hostile.prisma, created.postMortem);
  }, 60_000);
  afterAll(async () => {
    await hostile?.dispose();
  });

  it('shows it on its own row, without its line breaks or terminal escapes; --json keeps it as typed', async () => {
    const list = await runCli(['postmortem', 'list'], { env: testEnvironment({ DATABASE_URL: hostile.url, TEAM_TIMEZONE: 'UTC' }) });
    expect(list.code).toBe(0);
    const lines = list.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/^#44 +draft +2026-11-25 +2026-11-26 +— *Checkout down #99 +published .* Forged \[2J \[H$/);
    expect(list.stdout).not.toContain('\u001b');
    const json = await runCli(['postmortem', 'list', '--json'], { env: testEnvironment({ DATABASE_URL: hostile.url, TEAM_TIMEZONE: 'UTC' }) });
    expect((JSON.parse(json.stdout) as { title: string }[])[0]?.title).toContain('\n#99');
  });
});
