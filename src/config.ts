// The one place that reads the environment. Everything else receives the typed Config.
import { z } from 'zod';
import { isTimeZone } from './domain/clock.js';
import { FirebreakError } from './errors.js';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const optionalText = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();

const booleanFlag = (fallback: boolean) =>
  z
    .string()
    .trim()
    .toLowerCase()
    .optional()
    .transform((value, context) => {
      if (value === undefined || value === '') return fallback;
      if (['1', 'true', 'yes', 'on'].includes(value)) return true;
      if (['0', 'false', 'no', 'off'].includes(value)) return false;
      context.addIssue({ code: 'custom', message: 'must be true or false' });
      return z.NEVER;
    });

const integer = (fallback: number, min: number, max: number) =>
  z
    .string()
    .trim()
    .optional()
    .transform((value, context) => {
      if (value === undefined || value === '') return fallback;
      if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
        context.addIssue({ code: 'custom', message: `must be a whole number from ${min} to ${max}` });
        return z.NEVER;
      }
      return Number(value);
    });

const environmentSchema = z.object({
  PORT: integer(3000, 0, 65535),
  HOST: z.string().trim().default('0.0.0.0'),
  DATABASE_URL: z
    .string()
    .trim()
    .default('file:./data/firebreak.db')
    .refine((value) => /^(file:|postgres:\/\/|postgresql:\/\/)/.test(value), {
      message: 'must start with file: (SQLite) or postgres:// / postgresql:// (PostgreSQL)',
    }),
  MIGRATE_ON_START: booleanFlag(true),
  SLACK_BOT_TOKEN: optionalText.refine((value) => value === undefined || /^xox[bp]-/.test(value), {
    message: 'must be a bot token starting with xoxb-',
  }),
  SLACK_SIGNING_SECRET: optionalText,
  SLACK_APP_TOKEN: optionalText.refine((value) => value === undefined || value.startsWith('xapp-'), {
    message: 'must be an app-level token starting with xapp-',
  }),
  SLACK_CLIENT_ID: optionalText.refine((value) => value === undefined || /^\d+\.\d+$/.test(value), {
    message: 'must be the app\'s Client ID from Basic Information (digits, a dot, digits)',
  }),
  SLACK_CLIENT_SECRET: optionalText,
  SLACK_STATE_SECRET: optionalText.refine((value) => value === undefined || value.length >= 32, {
    message: 'must be at least 32 characters (it signs the OAuth state)',
  }),
  SLACK_REDIRECT_URI: optionalText.refine((value) => value === undefined || /^https?:\/\/[^\s]+\/slack\/oauth_redirect$/.test(value), {
    message: 'must be the public URL of /slack/oauth_redirect, e.g. https://firebreak.example.com/slack/oauth_redirect',
  }),
  OAUTH_STATE_TTL_SECONDS: integer(600, 1, 3600),
  TOKEN_ENCRYPTION_KEYS: optionalText.transform((value, context) => {
    if (value === undefined) return [];
    const keys: Buffer[] = [];
    for (const [index, part] of value.split(',').map((item) => item.trim()).entries()) {
      const key = /^[0-9a-fA-F]{64}$/.test(part) ? Buffer.from(part, 'hex') : /^[A-Za-z0-9+/_-]{43}=?$/.test(part) ? Buffer.from(part, 'base64') : undefined;
      if (!key || key.length !== 32) {
        context.addIssue({ code: 'custom', message: `key ${index + 1} must be 32 random bytes as base64 (44 characters) or hex (64), e.g. from \`openssl rand -base64 32\`` });
        return z.NEVER;
      }
      keys.push(key);
    }
    return keys;
  }),
  SLACK_API_URL: optionalText.refine((value) => value === undefined || /^https?:\/\/.+\/$/.test(value), {
    message: 'must be an http(s) URL ending with / (e.g. https://slack.com/api/)',
  }),
  ALERTS_CHANNEL: optionalText.refine((value) => value === undefined || /^[CGD][A-Z0-9]{2,}$/.test(value), {
    message: 'must be a Slack channel ID such as C0123ABCD',
  }),
  PLAYBOOKS_DIR: z.string().trim().default('./playbooks'),
  LOG_LEVEL: z.preprocess((value) => (typeof value === 'string' ? value.trim().toLowerCase() || undefined : value), z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` }).default('info')),
  // `ES` or ` es ` from a hand-written .env reads as meant; an empty `LOCALE=` is the default.
  LOCALE: z.preprocess((value) => (typeof value === 'string' ? value.trim().toLowerCase() || undefined : value), z.enum(['en', 'es'], { error: 'must be en (English) or es (Spanish)' }).default('en')),
  INGEST_TOKEN: optionalText.refine((value) => value === undefined || value.length >= 16, {
    message: 'must be at least 16 characters',
  }),
  /** OAuth installs: the installed workspace that owns /ingest sources (their incidents post with its token). */
  INGEST_TEAM_ID: optionalText.refine((value) => value === undefined || /^T[A-Z0-9]{2,}$/.test(value), {
    message: 'must be a Slack team ID such as T0123ABCD (the workspace that owns ingested sources)',
  }),
  TEAM_TIMEZONE: z
    .string()
    .trim()
    .default('UTC')
    .refine(isTimeZone, { message: 'must be an IANA time zone such as Europe/Madrid' }),
  MESSAGE_RETENTION_DAYS: integer(30, 1, 3650),
  DETECTION_INTERVAL_SECONDS: integer(30, 1, 3600),
  OUTBOX_UNANSWERED_WAIT_SECONDS: integer(60, 1, 3600),
  DETECTOR_SETTINGS: z
    .string()
    .trim()
    .optional()
    .transform((value, context) => {
      if (!value) return {};
      try {
        const parsed: unknown = JSON.parse(value);
        if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
      } catch {
        // reported below
      }
      context.addIssue({ code: 'custom', message: 'must be a JSON object of detector settings, e.g. {"warmupBuckets":12}' });
      return z.NEVER;
    }),
  SANDBOX_ALLOW_REMOTE: booleanFlag(false),
  SANDBOX_SOCKET_MODE: booleanFlag(false),
  DIGEST_CHANNEL: optionalText.refine((value) => value === undefined || /^[CG][A-Z0-9]{2,}$/.test(value), {
    message: 'must be a Slack channel ID such as C0123ABCD',
  }),
  DAILY_DIGEST: booleanFlag(false),
  BRAND_NAME: optionalText,
  SUPPORT_CONTACT: optionalText,
  STATUS_PAGE_URL: optionalText,
});

export type LogLevel = (typeof LOG_LEVELS)[number];

export interface Config {
  port: number;
  host: string;
  databaseUrl: string;
  migrateOnStart: boolean;
  slack: {
    botToken?: string;
    signingSecret?: string;
    appToken?: string;
    apiUrl?: string;
    /**
     * OAuth installs in several workspaces (SLACK_CLIENT_ID and SLACK_CLIENT_SECRET set, no
     * SLACK_BOT_TOKEN): each workspace's token comes from its stored installation.
     */
    oauth?: {
      clientId: string;
      clientSecret: string;
      stateSecret: string;
      redirectUri?: string;
      stateTtlMs: number;
    };
    /** True when a signing secret and a way to get tokens (a bot token, or OAuth) are both present. */
    configured: boolean;
  };
  /** TOKEN_ENCRYPTION_KEYS, decoded (32 bytes each): the first seals stored bot tokens, all open them. */
  tokenEncryptionKeys: Buffer[];
  alertsChannel?: string;
  playbooksDir: string;
  logLevel: LogLevel;
  locale: 'en' | 'es';
  ingestToken?: string;
  /** OAuth installs: the Slack team whose workspace owns /ingest sources; unset, they belong to `ingest` ("Other sources"). */
  ingestTeamId?: string;
  teamTimezone: string;
  messageRetentionDays: number;
  /** How often the leader runs the detector over closed buckets. */
  detectionIntervalMs: number;
  /** How long after a post Slack never answered the outbox waits before looking for it and posting again. */
  outboxUnansweredWaitMs: number;
  /** Overrides of the shipped detector settings (checked when the watcher starts). */
  detectorSettings: Record<string, unknown>;
  /** Where the weekly digest goes (ALERTS_CHANNEL when unset). */
  digestChannel?: string;
  /** Also post a daily digest. */
  dailyDigest: boolean;
  /** Values reply templates may use: {{brand}}, {{support_contact}}, {{status_page}}. */
  templateDefaults: Record<string, string>;
  /** The local workspace served at /sandbox when Slack is not configured. */
  sandbox?: {
    /** Answer other machines too; by default only loopback requests are served. */
    allowRemote: boolean;
    /** Reach the app over Socket Mode instead of signed HTTP requests (SANDBOX_SOCKET_MODE). */
    socketMode?: boolean;
  };
}

/**
 * Reads and validates the environment once. Every invalid variable is reported in one error,
 * named, with what it must be; values are never echoed, so a secret cannot leak into a log.
 */
export function loadConfig(environment: NodeJS.ProcessEnv = process.env): Config {
  const parsed = environmentSchema.safeParse(environment);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${String(issue.path[0])} ${issue.message}`);
    throw new FirebreakError('config_invalid', `Invalid configuration: ${problems.join('; ')}.`);
  }
  const env = parsed.data;
  const problems: string[] = [];
  const oauthMode = Boolean(env.SLACK_CLIENT_ID && env.SLACK_CLIENT_SECRET && !env.SLACK_BOT_TOKEN);
  if (Boolean(env.SLACK_CLIENT_ID) !== Boolean(env.SLACK_CLIENT_SECRET)) {
    problems.push('SLACK_CLIENT_ID and SLACK_CLIENT_SECRET must be set together (both from the app\'s Basic Information page)');
  }
  if (oauthMode) {
    if (!env.SLACK_SIGNING_SECRET) problems.push('SLACK_SIGNING_SECRET is required for OAuth installs (SLACK_CLIENT_ID is set)');
    if (!env.SLACK_STATE_SECRET) problems.push('SLACK_STATE_SECRET is required for OAuth installs: at least 32 random characters, e.g. `openssl rand -hex 32`');
    if (env.TOKEN_ENCRYPTION_KEYS.length === 0) problems.push('TOKEN_ENCRYPTION_KEYS is required for OAuth installs (bot tokens are stored encrypted): e.g. `openssl rand -base64 32`');
  } else if (Boolean(env.SLACK_BOT_TOKEN) !== Boolean(env.SLACK_SIGNING_SECRET)) {
    problems.push('SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET must be set together (or both left empty for the sandbox)');
  }
  if (env.INGEST_TEAM_ID && !oauthMode) problems.push('INGEST_TEAM_ID is for OAuth installs only (with SLACK_BOT_TOKEN, ingested sources already post with that token): remove it');
  if (env.INGEST_TEAM_ID && !env.INGEST_TOKEN) problems.push('INGEST_TEAM_ID needs INGEST_TOKEN (it names the workspace that owns /ingest sources)');
  if (problems.length) throw new FirebreakError('config_invalid', `Invalid configuration: ${problems.join('; ')}.`);
  return {
    port: env.PORT,
    host: env.HOST,
    databaseUrl: env.DATABASE_URL,
    migrateOnStart: env.MIGRATE_ON_START,
    slack: {
      botToken: env.SLACK_BOT_TOKEN,
      signingSecret: env.SLACK_SIGNING_SECRET,
      appToken: env.SLACK_APP_TOKEN,
      apiUrl: env.SLACK_API_URL,
      ...(oauthMode
        ? {
            oauth: {
              clientId: env.SLACK_CLIENT_ID!,
              clientSecret: env.SLACK_CLIENT_SECRET!,
              stateSecret: env.SLACK_STATE_SECRET!,
              ...(env.SLACK_REDIRECT_URI ? { redirectUri: env.SLACK_REDIRECT_URI } : {}),
              stateTtlMs: env.OAUTH_STATE_TTL_SECONDS * 1000,
            },
          }
        : {}),
      configured: Boolean(env.SLACK_SIGNING_SECRET && (env.SLACK_BOT_TOKEN || oauthMode)),
    },
    tokenEncryptionKeys: env.TOKEN_ENCRYPTION_KEYS,
    alertsChannel: env.ALERTS_CHANNEL,
    playbooksDir: env.PLAYBOOKS_DIR,
    logLevel: env.LOG_LEVEL,
    locale: env.LOCALE,
    ingestToken: env.INGEST_TOKEN,
    ...(env.INGEST_TEAM_ID ? { ingestTeamId: env.INGEST_TEAM_ID } : {}),
    teamTimezone: env.TEAM_TIMEZONE,
    messageRetentionDays: env.MESSAGE_RETENTION_DAYS,
    detectionIntervalMs: env.DETECTION_INTERVAL_SECONDS * 1000,
    outboxUnansweredWaitMs: env.OUTBOX_UNANSWERED_WAIT_SECONDS * 1000,
    detectorSettings: env.DETECTOR_SETTINGS,
    digestChannel: env.DIGEST_CHANNEL,
    dailyDigest: env.DAILY_DIGEST,
    templateDefaults: {
      ...(env.BRAND_NAME ? { brand: env.BRAND_NAME } : {}),
      ...(env.SUPPORT_CONTACT ? { support_contact: env.SUPPORT_CONTACT } : {}),
      ...(env.STATUS_PAGE_URL ? { status_page: env.STATUS_PAGE_URL } : {}),
    },
    sandbox: { allowRemote: env.SANDBOX_ALLOW_REMOTE, socketMode: env.SANDBOX_SOCKET_MODE },
  };
}

/**
 * Reads the `.env` file of the working directory (or the file `FIREBREAK_ENV_FILE` names; empty: none)
 * into the environment before any command reads its configuration, so a copy of `.env.example` is
 * used as that file says. A variable already set in the environment wins over the file.
 * Returns the file read, if any.
 */
export function loadEnvFile(environment: NodeJS.ProcessEnv = process.env): string | undefined {
  const named = environment.FIREBREAK_ENV_FILE;
  const file = named ?? '.env';
  if (file === '') return undefined;
  try {
    process.loadEnvFile(file);
    return file;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // No `.env` is the usual case (a process manager sets the variables); a file named on purpose must exist.
    if (code === 'ENOENT' && named === undefined) return undefined;
    throw new FirebreakError(
      'config_invalid',
      `cannot read the environment file ${file} (${code ?? (error as Error).message}): ${code === 'ENOENT' ? 'create it, or unset FIREBREAK_ENV_FILE' : 'check that it is a readable file'}`,
      { cause: error },
    );
  }
}
