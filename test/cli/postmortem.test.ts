// `firebreak postmortem list|export` as a person runs them: the real command over a real database.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openIncident } from '../../src/domain/incidents/index.js';
import { ManualClock } from '../../src/domain/clock.js';
import { insertIncident } from '../../src/store/repositories/incidents.js';
import { seedSampleIncident, TEN_MINUTES } from '../app/postmortem-seed.js';
import { openMigratedDatabase, type MigratedDatabase } from '../store/repositories/migrated-database.js';
import { runCli, testEnvironment } from '../support/cli.js';
import { startFakeSlack } from '../../src/sandbox/slack-api/index.js';

let db: MigratedDatabase;
const scratch = mkdtempSync(join(tmpdir(), 'firebreak-cli-postmortem-'));
const env = () => testEnvironment({ DATABASE_URL: db.url, TEAM_TIMEZONE: 'UTC', DETECTOR_SETTINGS: JSON.stringify({ bucketMs: TEN_MINUTES }) });
const firebreak = (...args: string[]) => runCli(args, { env: env() });

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
    expect(stderr).toBe('');
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
    expect(stderr).toBe(`Wrote ${out}\n`);
    const json = JSON.parse(readFileSync(out, 'utf8')) as { format: string; pseudonymised: boolean; incident: { number: number }; metrics: { membersAffected: number } };
    expect(json).toMatchObject({ format: 'firebreak.postmortem/v1', pseudonymised: true, incident: { number: 42 }, metrics: { membersAffected: 10 } });
    expect(readFileSync(out, 'utf8')).not.toContain('dana.k');
    const revealed = await firebreak('postmortem', 'export', '#42', '--reveal-members');
    expect(revealed.stdout).toContain('dana.k');
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
  });

  it('says so when DATABASE_URL points at no database', async () => {
    const missing = join(scratch, 'nothing-here.db');
    const { code, stderr } = await runCli(['postmortem', 'list'], { env: testEnvironment({ DATABASE_URL: `file:${missing}` }) });
    expect(code).toBe(1);
    expect(stderr).toBe(`firebreak: There is no database at ${missing} (DATABASE_URL): Firebreak has not recorded anything there yet.\n`);
  });
});
