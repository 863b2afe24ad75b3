import { writeFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import type { PostMortemService } from '../../app/postmortems.js';
import type { Database } from '../../store/database.js';

const STATUSES = ['draft', 'in_review', 'published'] as const;
const DAY = 86_400_000;

/**
 * The post-mortem service over the DATABASE_URL database, read as it is: a missing SQLite file or a
 * database that was never migrated is said plainly, not created.
 */
async function openService(): Promise<{ service: PostMortemService; database: Database; timeZone: string; slack: { botToken?: string; apiUrl?: string } }> {
  const [{ openRecordedDatabase }, { createStore }, { resolveDetectorSettings }, { PostMortemService }, { systemClock }] = await Promise.all([
    import('../database.js'),
    import('../../store/store.js'),
    import('../../domain/detection/settings.js'),
    import('../../app/postmortems.js'),
    import('../../domain/clock.js'),
  ]);
  const { database, config } = await openRecordedDatabase();
  const bucketMs = resolveDetectorSettings(config.detectorSettings, 'DETECTOR_SETTINGS').bucketMs;
  return { service: new PostMortemService({ store: createStore(database.prisma), clock: systemClock, bucketMs }), database, timeZone: config.teamTimezone, slack: config.slack };
}

/**
 * Staff names from Slack (users.info) when a bot token is configured; anyone Slack does not answer
 * for within a few seconds stays a user id. Without Slack credentials Firebreak runs the sandbox, whose
 * people are its fixed personas: the names come from there.
 */
function slackNameLookup(slack: { botToken?: string; apiUrl?: string }): (userIds: string[]) => Promise<Record<string, string>> {
  const token = slack.botToken;
  if (!token) {
    return async (userIds) => {
      const { personaById } = await import('../../sandbox/personas.js');
      return Object.fromEntries(userIds.flatMap((id) => {
        const persona = personaById(id);
        return persona ? [[id, persona.realName]] : [];
      }));
    };
  }
  return async (userIds) => {
    const { WebClient, LogLevel } = await import('@slack/web-api');
    const client = new WebClient(token, { ...(slack.apiUrl ? { slackApiUrl: slack.apiUrl } : {}), retryConfig: { retries: 0 }, timeout: 5_000, logLevel: LogLevel.ERROR });
    const names: Record<string, string> = {};
    await Promise.all(
      userIds.map(async (id) => {
        const answer = await client.users.info({ user: id }).catch(() => undefined);
        const name = answer?.user?.real_name || answer?.user?.profile?.display_name || answer?.user?.name;
        if (name) names[id] = name;
      }),
    );
    return names;
  };
}

/** "2026-11-01", "2026-11-01T10:00:00Z" or "30d" (that many days ago). */
export function parseSince(value: string, now: number): number | null {
  const days = /^(\d+)d$/.exec(value.trim())?.[1];
  if (days !== undefined) return now - Number(days) * DAY;
  if (!/^\d{4}-\d{2}-\d{2}(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$/.test(value.trim())) return null;
  const at = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(value.trim()) ? `${value.trim()}T00:00:00Z` : value.trim());
  return Number.isFinite(at) ? at : null;
}

const day = (at: number | null) => (at === null ? '—' : new Date(at).toISOString().slice(0, 10));

/** `firebreak postmortem list|export`: post-mortems from the database, as a table, Markdown or JSON. */
export function registerPostmortemCommand(program: Command): void {
  const postmortem = program.command('postmortem').description('List and export post-mortems');

  postmortem
    .command('list')
    .description('List post-mortems, newest first')
    .addOption(new Option('--status <status>', 'only post-mortems in this status').choices([...STATUSES]))
    .option('--since <when>', 'only post-mortems created since a date (2026-11-01), a time (ISO 8601) or that many days ago (30d)')
    .option('--json', 'print JSON instead of a table')
    .action(async (options: { status?: string; since?: string; json?: boolean }) => {
      const { FirebreakError } = await import('../../errors.js');
      const since = options.since === undefined ? undefined : parseSince(options.since, Date.now());
      if (since === null) throw new FirebreakError('input_invalid', `--since "${options.since}" is not a date: use 2026-11-01, an ISO 8601 time, or a number of days such as 30d.`);
      const { service, database } = await openService();
      try {
        const rows = await service.list({ ...(options.status ? { status: options.status } : {}), ...(since !== undefined ? { since } : {}) });
        if (options.json) {
          const iso = (at: number | null) => (at === null ? null : new Date(at).toISOString());
          const json = rows.map((row) => ({ incident: row.incidentNumber, incidentId: row.incidentId, title: row.title, status: row.status, createdAt: iso(row.createdAt), dueAt: iso(row.dueAt), publishedAt: iso(row.publishedAt) }));
          process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
          return;
        }
        if (rows.length === 0) {
          process.stdout.write('No post-mortems match.\n');
          return;
        }
        const table = [['INCIDENT', 'STATUS', 'CREATED', 'DUE', 'PUBLISHED', 'TITLE'], ...rows.map((row) => [`#${row.incidentNumber}`, row.status, day(row.createdAt), day(row.dueAt), day(row.publishedAt), row.title])];
        const widths = table[0]!.map((_, column) => Math.max(...table.map((line) => (line[column] ?? '').length)));
        for (const line of table) process.stdout.write(`${line.map((cell, column) => (column === line.length - 1 ? cell : cell.padEnd(widths[column] ?? 0))).join('  ')}\n`);
      } finally {
        await database.close();
      }
    });

  postmortem
    .command('export')
    .description("Export an incident's post-mortem as Markdown or JSON; community members are pseudonymised unless --reveal-members")
    .argument('<incident>', 'incident number (12 or #12) or incident id')
    .addOption(new Option('--format <format>', 'output format').choices(['md', 'json']).default('md'))
    .option('--out <file>', 'write to this file instead of standard output')
    .option('--time-zone <zone>', 'IANA time zone for the times shown (default: TEAM_TIMEZONE)')
    .option('--reveal-members', "show community members' names and ids (only when the team opted in)")
    .action(async (ref: string, options: { format: 'md' | 'json'; out?: string; timeZone?: string; revealMembers?: boolean }) => {
      const { service, database, timeZone, slack } = await openService();
      try {
        const lookupNames = slackNameLookup(slack);
        const exportOptions = { timeZone: options.timeZone ?? timeZone, includeMemberIdentities: options.revealMembers ?? false, lookupNames };
        const output = options.format === 'json' ? `${JSON.stringify(await service.exportJson(ref, exportOptions), null, 2)}\n` : await service.exportMarkdown(ref, exportOptions);
        if (options.out) {
          writeFileSync(options.out, output);
          process.stderr.write(`Wrote ${options.out}\n`);
        } else {
          process.stdout.write(output);
        }
      } finally {
        await database.close();
      }
    });
}
