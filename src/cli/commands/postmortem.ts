import { writeFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import type { PostMortemService } from '../../app/postmortems.js';
import type { Config } from '../../config.js';
import type { Store } from '../../app/ports/index.js';
import type { Database } from '../../store/database.js';
import { localDay } from '../../domain/clock.js';

const STATUSES = ['draft', 'in_review', 'published'] as const;

/**
 * A title staff typed, as one line of the terminal table: line breaks and other control characters
 * (an escape sequence could rewrite the terminal) become spaces. --json keeps it as typed.
 */
// eslint-disable-next-line no-control-regex
const oneLine = (text: string) => text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ');
const DAY = 86_400_000;

/**
 * The post-mortem service over the DATABASE_URL database, read as it is: a missing SQLite file or a
 * database that was never migrated is said plainly, not created. The store opens stored bot tokens with
 * TOKEN_ENCRYPTION_KEYS, as `firebreak start` does.
 */
async function openService(): Promise<{ service: PostMortemService; database: Database; store: Store; config: Config }> {
  const [{ openRecordedDatabase }, { createStore }, { tokenCipherFor }, { resolveDetectorSettings }, { PostMortemService }, { systemClock }, { workspaceTimeZone }] = await Promise.all([
    import('../database.js'),
    import('../../store/store.js'),
    import('../../store/token-cipher.js'),
    import('../../domain/detection/settings.js'),
    import('../../app/postmortems.js'),
    import('../../domain/clock.js'),
    import('../../app/workspace-time-zone.js'),
  ]);
  const { database, config } = await openRecordedDatabase();
  const bucketMs = resolveDetectorSettings(config.detectorSettings, 'DETECTOR_SETTINGS').bucketMs;
  const store = createStore(database.prisma, database.target.provider, tokenCipherFor(config.tokenEncryptionKeys));
  // As the server does: with OAuth installs a workspace's own time zone, else TEAM_TIMEZONE.
  const timeZoneOf = workspaceTimeZone({ installations: store.direct.installations, defaultTimeZone: config.teamTimezone, perWorkspaceSettings: Boolean(config.slack.oauth) });
  return { service: new PostMortemService({ store, clock: systemClock, bucketMs, timeZoneOf }), database, store, config };
}

/**
 * Every name Slack knows these people by (users.info with the token Firebreak uses for the incident's
 * workspace: SLACK_BOT_TOKEN, else that workspace's stored OAuth token), real name first, then display
 * name and user name. Anyone Slack does not answer for within a few seconds is left out. The sandbox's
 * personas answer only for an incident of the sandbox workspace when Slack is not configured at all;
 * otherwise, without a token, the reason no one can be looked up is returned instead.
 */
function slackPeopleLookup(store: Store, config: Config): (userIds: string[], workspaceId: string) => Promise<Record<string, string[]> | { noNames: string }> {
  return async (userIds, workspaceId) => {
    const [{ staffNameSource }, { SANDBOX_TEAM_ID, personaById }] = await Promise.all([import('../../app/staff-names.js'), import('../../sandbox/personas.js')]);
    const source = await staffNameSource(workspaceId, {
      ...(config.slack.botToken ? { envBotToken: config.slack.botToken } : {}),
      workspaces: store.direct.workspaces,
      installations: store.direct.installations,
      ...(config.slack.configured ? {} : { sandboxTeamId: SANDBOX_TEAM_ID }),
    });
    const distinct = (names: (string | undefined)[]) => [...new Set(names.map((name) => name?.trim() ?? '').filter((name) => name !== ''))];
    if (source.kind === 'ids') return { noNames: source.reason };
    if (source.kind === 'sandbox') {
      // As the sandbox's users.info answers: real name, first name as display name, handle as user name.
      return Object.fromEntries(userIds.flatMap((id) => {
        const persona = personaById(id);
        return persona ? [[id, distinct([persona.realName, persona.realName.split(' ')[0], persona.handle])]] : [];
      }));
    }
    const { WebClient, LogLevel } = await import('@slack/web-api');
    const client = new WebClient(source.token, { ...(config.slack.apiUrl ? { slackApiUrl: config.slack.apiUrl } : {}), retryConfig: { retries: 0 }, timeout: 5_000, logLevel: LogLevel.ERROR });
    const names: Record<string, string[]> = {};
    await Promise.all(
      userIds.map(async (id) => {
        const user = (await client.users.info({ user: id }).catch(() => undefined))?.user;
        const known = distinct([user?.real_name, user?.profile?.real_name, user?.profile?.display_name, user?.name]);
        if (known.length > 0) names[id] = known;
      }),
    );
    return names;
  };
}

/** Staff names (real name, else display name, else user name); without a token, ids stay ids and stderr says why. */
function slackNameLookup(people: ReturnType<typeof slackPeopleLookup>): (userIds: string[], workspaceId: string) => Promise<Record<string, string>> {
  return async (userIds, workspaceId) => {
    const found = await people(userIds, workspaceId);
    if ('noNames' in found) {
      if (userIds.length > 0) process.stderr.write(`Staff are shown by their Slack user ids: ${String(found.noNames)}.\n`);
      return {};
    }
    return Object.fromEntries(Object.entries(found).flatMap(([id, names]) => (names[0] ? [[id, names[0]]] : [])));
  };
}

/**
 * Every name of the members a reply template may have named in a draft (`{{member}}`), for the export
 * to remove from texts. Without a token, or for anyone Slack does not answer for, stderr says so.
 */
function memberNameLookup(people: ReturnType<typeof slackPeopleLookup>): (userIds: string[], workspaceId: string) => Promise<Record<string, string[]>> {
  return async (userIds, workspaceId) => {
    const found = await people(userIds, workspaceId);
    if ('noNames' in found) {
      process.stderr.write(`Members a drafted reply may name cannot be looked up, so a reply that names one keeps the name: ${String(found.noNames)}.\n`);
      return {};
    }
    const missing = userIds.filter((id) => !found[id]);
    if (missing.length > 0) process.stderr.write(`Slack did not answer for ${missing.length} member(s) a drafted reply may name, so a reply that names one keeps the name.\n`);
    return found;
  };
}

/** "2026-11-01", "2026-11-01T10:00:00Z" or "30d" (that many days ago). */
export function parseSince(value: string, now: number): number | null {
  const days = /^(\d+)d$/.exec(value.trim())?.[1];
  // More days than a date can go back (99999999999d) is since before anything was written.
  if (days !== undefined) return Math.max(0, now - Number(days) * DAY);
  if (!/^\d{4}-\d{2}-\d{2}(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$/.test(value.trim())) return null;
  const at = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(value.trim()) ? `${value.trim()}T00:00:00Z` : value.trim());
  return Number.isFinite(at) ? at : null;
}

/** The calendar day of an instant on its workspace's wall clock. */
const day = (at: number | null, timeZone: string) => (at === null ? '—' : localDay(at, timeZone));

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
        const table = [['INCIDENT', 'STATUS', 'CREATED', 'DUE', 'PUBLISHED', 'TITLE'], ...rows.map((row) => [`#${row.incidentNumber}`, row.status, day(row.createdAt, row.timeZone), day(row.dueAt, row.timeZone), day(row.publishedAt, row.timeZone), oneLine(row.title)])];
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
    .option('--time-zone <zone>', "IANA time zone for the times shown (default: the incident's workspace's, else TEAM_TIMEZONE)")
    .option('--reveal-members', "show community members' names and ids (only when the team opted in)")
    .action(async (ref: string, options: { format: 'md' | 'json'; out?: string; timeZone?: string; revealMembers?: boolean }) => {
      const { service, database, store, config } = await openService();
      try {
        const people = slackPeopleLookup(store, config);
        const exportOptions = {
          ...(options.timeZone ? { timeZone: options.timeZone } : {}),
          includeMemberIdentities: options.revealMembers ?? false,
          lookupNames: slackNameLookup(people),
          lookupMemberNames: memberNameLookup(people),
        };
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
