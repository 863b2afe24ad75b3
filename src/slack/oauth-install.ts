// The OAuth install on Firebreak's own server (docs/operations.md, "Several workspaces"):
// GET /slack/install answers a page with the "Add to Slack" link (the manifest's bot scopes, and a
// state that is HMAC-signed, stored, expiring and single-use, also set as a cookie for this browser);
// GET /slack/oauth_redirect checks the state, exchanges the code with oauth.v2.access and stores the
// installation. @slack/oauth's InstallProvider runs the flow; the state and the installations live
// in Firebreak's database (through the app's ports), never in memory.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ErrorCode, InstallProvider, InvalidStateError, type Installation, type InstallURLOptions, type StateStore } from '@slack/oauth';
import { WebClient } from '@slack/web-api';
import type { OAuthStates, WorkspaceInstallation } from '../app/ports/index.js';
import type { Clock } from '../domain/clock.js';
import { t, type Locale } from '../i18n/index.js';
import type { Logger } from '../logger.js';

export interface OAuthInstallOptions {
  clientId: string;
  clientSecret: string;
  /** Signs the state: a state not made by this Firebreak is refused before the database is asked. */
  stateSecret: string;
  stateTtlMs: number;
  redirectUri?: string;
  /** The bot scopes to ask for (manifest.json's). */
  scopes: readonly string[];
  /** Web API base URL (tests point oauth.v2.access at a loopback Slack). */
  apiUrl?: string;
  states: OAuthStates;
  /** Stores the installation (a reinstall replaces the token). */
  installed(installation: WorkspaceInstallation): Promise<{ reinstalled: boolean }>;
  /** Audits a refused install (denied, bad state, failed exchange). */
  refused?(reason: InstallRefusal, detail: string): Promise<void>;
  clock: Clock;
  logger: Logger;
  locale: Locale;
}

export type InstallRefusal = 'denied' | 'state' | 'exchange';

export type InstallRouteHandler = (request: IncomingMessage, response: ServerResponse) => Promise<void>;

export interface OAuthInstallRoutes {
  install: InstallRouteHandler;
  redirect: InstallRouteHandler;
}

/** `<id>.<HMAC-SHA256(id)>`: the id is random; the signature proves this Firebreak issued it. */
function signState(secret: string, id: string): string {
  return `${id}.${createHmac('sha256', secret).update(id).digest('base64url')}`;
}

function stateId(secret: string, state: string): string | null {
  const [id, signature] = state.split('.');
  if (!id || !signature) return null;
  const expected = Buffer.from(signState(secret, id).split('.')[1]!);
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected) ? id : null;
}

/** A state store in Firebreak's database: issued once, consumed once (a replayed state is refused), expiring. */
function databaseStateStore(options: OAuthInstallOptions): StateStore {
  return {
    async generateStateParam(installOptions) {
      const id = randomBytes(18).toString('base64url');
      const now = options.clock.now();
      // The install page is public and stores a state per opening: the expired ones go each time, so
      // the table holds at most one TTL's worth of openings.
      await options.states.prune(now);
      await options.states.issue(id, installOptions as unknown as Record<string, unknown>, now + options.stateTtlMs);
      return signState(options.stateSecret, id);
    },
    async verifyStateParam(_now, state) {
      const id = stateId(options.stateSecret, state);
      if (!id) throw new InvalidStateError('The state was not signed by this Firebreak.');
      const installOptions = await options.states.consume(id, options.clock.now());
      if (!installOptions) throw new InvalidStateError('The state has expired or was already used.');
      return installOptions as unknown as InstallURLOptions;
    },
  };
}

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A small HTML page; `body` is already escaped. */
function page(locale: Locale, title: string, body: string): string {
  return `<!doctype html><html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escape(title)}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:38rem;margin:4rem auto;padding:0 1rem;color:#1d1c1d}a.add{display:inline-block;background:#4a154b;color:#fff;padding:.6rem 1.2rem;border-radius:6px;text-decoration:none}</style></head>
<body><h1>${escape(title)}</h1>${body}</body></html>`;
}

/**
 * Slack could not answer this time (rate limited, a 5xx, the network): nothing is wrong with the
 * app's settings, and the same install goes through when tried again.
 */
function unavailable(error: unknown): string | null {
  const { code, statusCode } = error as { code?: unknown; statusCode?: unknown };
  if (code === 'slack_webapi_rate_limited_error') return 'ratelimited';
  if (code === 'slack_webapi_http_error') return typeof statusCode === 'number' ? `http_${statusCode}` : 'http_error';
  if (code === 'slack_webapi_request_error') return 'unreachable';
  return null;
}

/** Install links usable at once: far more than a team starting installs in several workspaces needs. */
const MAX_OPEN_STATES = 200;

/** Refused installs audited per minute: the redirect URL is public, so anyone can make refusals. */
const AUDITED_REFUSALS_PER_MINUTE = 20;

export function oauthInstallRoutes(options: OAuthInstallOptions): OAuthInstallRoutes {
  const { locale, logger } = options;
  // Past the cap, refusals are still answered and logged (counted once a minute), not audited.
  const refusals = { minute: -1, audited: 0, unaudited: 0 };
  const auditRefusal = async (reason: InstallRefusal, detail: string): Promise<void> => {
    const minute = Math.floor(options.clock.now() / 60_000);
    if (minute !== refusals.minute) {
      if (refusals.unaudited > 0) logger.warn({ unaudited: refusals.unaudited }, `${refusals.unaudited} more refused install(s) in a minute were not audited (at most ${AUDITED_REFUSALS_PER_MINUTE} a minute are)`);
      Object.assign(refusals, { minute, audited: 0, unaudited: 0 });
    }
    if (refusals.audited >= AUDITED_REFUSALS_PER_MINUTE) {
      refusals.unaudited += 1;
      return;
    }
    refusals.audited += 1;
    await options.refused?.(reason, detail);
  };
  // A 429 is answered at once, not waited out: a person is waiting on the redirect page, and the
  // state is already spent, so the install starts again from the link anyway.
  const clientOptions = { ...(options.apiUrl ? { slackApiUrl: options.apiUrl } : {}), rejectRateLimitedCalls: true, retryConfig: { retries: 1, minTimeout: 200, maxTimeout: 1_000 } };
  const installer = new InstallProvider({
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    stateStore: databaseStateStore(options),
    // Every installation goes through `installed` (handleCallback's storeInstallation); Bolt's
    // authorize reads them back through InstallService, never through this store.
    installationStore: {
      storeInstallation: async () => undefined,
      fetchInstallation: async () => {
        throw new Error('installations are read through InstallService');
      },
    },
    stateCookieExpirationSeconds: Math.ceil(options.stateTtlMs / 1000),
    installUrlOptions: { scopes: [...options.scopes], ...(options.redirectUri ? { redirectUri: options.redirectUri } : {}) },
    renderHtmlForInstallPath: (url) =>
      page(
        locale,
        t(locale, 'ui.install.title', {}),
        `<p>${escape(t(locale, 'ui.install.intro', {}))}</p><p><a class="add" href="${escape(url)}">${escape(t(locale, 'ui.install.button', {}))}</a></p><p><small>${escape(t(locale, 'ui.install.expires', { minutes: Math.round(options.stateTtlMs / 60_000) }))}</small></p>`,
      ),
    clientOptions,
    logger: quietLogger(logger),
  });

  function answer(response: ServerResponse, status: number, html: string): void {
    if (response.headersSent) return;
    response.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    response.end(html);
  }

  return {
    install: (request, response) =>
      installer.handleInstallPath(request, response, {
        // The page is public and each opening stores a state that allows one code exchange: past a
        // bound nobody's installs reach, openings wait for states to expire (the table and the
        // exchanges an opener can cause stay bounded).
        beforeRedirection: async (_request, res) => {
          if ((await options.states.open(options.clock.now())) < MAX_OPEN_STATES) return true;
          logger.warn({ open: MAX_OPEN_STATES }, 'an install page was opened while too many installs are in progress; answered 503');
          answer(res, 503, page(locale, t(locale, 'ui.install.failure_title', {}), `<p>${escape(t(locale, 'ui.install.busy', {}))}</p>`));
          return false;
        },
      }),
    redirect: (request, response) =>
      installer.handleCallback(request, response, {
        // Stored here, not in storeInstallation, to know whether it replaced an earlier install.
        afterInstallation: async (installation, _installOptions, _request, res) => {
          const installed = toWorkspaceInstallation(installation, options.clock.now());
          if (!installed) {
            // Tokens, settings and incidents are kept per workspace: an org-wide (Enterprise Grid) install has none.
            const orgWide = Boolean(installation.isEnterpriseInstall || installation.enterprise?.id);
            const error = !installation.bot?.token ? 'no_bot_token' : orgWide ? 'org_wide_install_not_supported' : 'no_team';
            const details = { no_bot_token: 'no bot token in the answer', org_wide_install_not_supported: 'an org-wide install names no workspace', no_team: 'the answer names no workspace' };
            await auditRefusal('exchange', details[error]);
            answer(res, 502, page(locale, t(locale, 'ui.install.failure_title', {}), `<p>${escape(t(locale, 'ui.install.failure.exchange', { error }))}</p>`));
            return false;
          }
          // The token must be the named team's: stored under another team, it would answer for it.
          const tokenTeam = (await new WebClient(installed.botToken, clientOptions).auth.test()).team_id;
          if (tokenTeam !== installed.teamId) {
            logger.warn({ team: installed.teamId, tokenTeam }, 'OAuth install refused: the answer names another team than its bot token');
            await auditRefusal('exchange', 'team_mismatch');
            answer(res, 502, page(locale, t(locale, 'ui.install.failure_title', {}), `<p>${escape(t(locale, 'ui.install.failure.exchange', { error: 'team_mismatch' }))}</p>`));
            return false;
          }
          const { reinstalled } = await options.installed(installed);
          const team = installed.teamName ?? installed.teamId;
          answer(res, 200, page(locale, t(locale, 'ui.install.success_title', {}), `<p>${escape(t(locale, 'ui.install.success', { team, reinstalled }))}</p>`));
          return false;
        },
        failureAsync: async (error, _installOptions, _request, res) => {
          const code = error.code as ErrorCode;
          // An incomplete redirect (no code, no state) is a link to start again, like a bad state.
          const reason: InstallRefusal = code === ErrorCode.AuthorizationError ? 'denied' : [ErrorCode.InvalidStateError, ErrorCode.MissingStateError, ErrorCode.MissingCodeError].includes(code) ? 'state' : 'exchange';
          const busy = reason === 'exchange' ? unavailable(error) : null;
          const slackError = busy ?? (error as { data?: { error?: string } }).data?.error ?? error.code;
          logger.warn({ reason, code: error.code, slackError }, `OAuth install refused (${reason})`);
          await auditRefusal(reason, reason === 'exchange' ? slackError : error.code).catch(() => undefined);
          const text =
            reason === 'denied'
              ? t(locale, 'ui.install.failure.denied', {})
              : reason === 'state'
                ? t(locale, 'ui.install.failure.state', {})
                : busy
                  ? t(locale, 'ui.install.failure.unavailable', { error: busy })
                  : t(locale, 'ui.install.failure.exchange', { error: slackError });
          answer(res, busy ? 503 : reason === 'exchange' ? 502 : 400, page(locale, t(locale, 'ui.install.failure_title', {}), `<p>${escape(text)}</p>`));
        },
      }),
  };
}

/** Slack's answer as the store keeps it; null when it carries no bot token (a user-only install). */
export function toWorkspaceInstallation(installation: Installation, now: number): WorkspaceInstallation | null {
  const teamId = installation.team?.id;
  if (!installation.bot?.token || !teamId) return null;
  return {
    teamId,
    teamName: installation.team?.name ?? null,
    enterpriseId: installation.enterprise?.id ?? null,
    botToken: installation.bot.token,
    botUserId: installation.bot.userId,
    botId: installation.bot.id ?? '',
    scopes: installation.bot.scopes ?? [],
    appId: installation.appId ?? null,
    installerUserId: installation.user?.id ?? null,
    installedAt: now,
  };
}

/** @slack/oauth logs every refused callback at error level with a stack: one warn line here is enough. */
function quietLogger(logger: Logger) {
  const log = logger.child({ component: 'oauth' });
  return {
    debug: () => undefined,
    info: (...msg: unknown[]) => log.debug(msg.map(String).join(' ')),
    warn: (...msg: unknown[]) => log.warn(msg.map(String).join(' ')),
    error: (...msg: unknown[]) => log.debug(msg.map(String).join(' ')),
    setLevel: () => undefined,
    getLevel: () => 'info' as never,
    setName: () => undefined,
  };
}
