// The Bolt app: HTTP receiver on /slack/events (mounted on Firebreak's own server), or Socket Mode.
// Either way the link to Slack is kept in the background (link.ts): nothing here waits for Slack.
import { App, HTTPReceiver, SocketModeReceiver } from '@slack/bolt';
import { WebClient } from '@slack/web-api';
import type { Registry } from 'prom-client';
import { FirebreakError } from '../errors.js';
import { t, type Locale } from '../i18n/index.js';
import type { Logger } from '../logger.js';
import { botTokenAuthorization, installationAuthorization, NotInstalledError, type InstalledTeams } from './authorize.js';
import { TeamRoutedWebClient } from './team-scope.js';
import { handleAppRateLimited, routeSocketNotices, type EventsRateLimited } from './app-rate-limited.js';
import { boltLogger } from './bolt-logger.js';
import { createSlackLink, type SlackLink } from './link.js';

export interface SlackAppOptions {
  /** The single workspace's bot token; absent with OAuth installs, where `installations` gives each team's. */
  botToken?: string;
  installations?: InstalledTeams;
  signingSecret: string;
  appToken?: string;
  /** Web API base URL (tests and the sandbox point it at a loopback Slack). */
  apiUrl?: string;
  logger: Logger;
  /** Where the link's metrics go. */
  registry?: Registry;
  /** Waits between reconnection attempts (tests shorten them). */
  retryDelaysMs?: readonly number[];
  /** Counts what was answered without a listener's ack (a listener failed, or did not ack in time). */
  onUnacknowledged?(kind: 'listener_failed' | 'ack_timeout'): void;
  /** The language of what is said when no workspace language can be known (a request Bolt could not authorise). */
  locale?: Locale;
  /**
   * The language of that answer for the person and workspace the request names, when it can be known
   * (runtime.ts answerLocale: set once the runtime exists); `locale` otherwise.
   */
  answerLocale?(teamId: string | undefined, userId: string | undefined): Promise<Locale>;
  /**
   * Where Socket Mode events are kept before Bolt acknowledges them (HTTP events are kept by the
   * request gate): acknowledged means stored.
   */
  inbox?: AcceptedEvents;
}

/** The event inbox as the Slack edge uses it (app/event-inbox.ts). */
export interface AcceptedEvents {
  accept(envelope: { text: string; eventId: string | null }, retry: { num?: number; reason?: string }): Promise<string>;
  processed(id: string): void;
  failed(id: string, error: unknown): Promise<void>;
  /** Keeps a signed event callback of a wrong shape, with the reason, instead of processing it. */
  quarantineMalformed(envelope: { text: string; eventId: string | null; body: Record<string, unknown> }, problem: string): Promise<void>;
}

export interface SlackApp {
  app: App;
  /** Firebreak's own Web API client: the bot token, or with OAuth installs the token of the team in scope (team-scope.ts). */
  client: WebClient;
  /**
   * The same tokens, for an answer a person waits on (who is in a user group): a 429 rejects at once with
   * its Retry-After (WebAPIRateLimitedError) instead of pausing every call of `client` until it passes.
   */
  promptClient: WebClient;
  mode: 'http' | 'socket';
  link: SlackLink;
  /** The paths the HTTP receiver answers (POST). */
  endpoints: readonly string[];
  /** Workspaces whose events Slack said it is dropping (app_rate_limited). */
  eventsRateLimited(): EventsRateLimited[];
  /** Handles /slack/events on Firebreak's HTTP server (HTTP mode only), behind the request gate. */
  requestListener?: HTTPReceiver['requestListener'];
  /**
   * Processes an event callback already acknowledged (by the request gate, or kept in the inbox before a
   * crash); rejects when a listener failed, so the inbox keeps the event for another attempt.
   */
  processEvent(body: Record<string, unknown>, retry: { num?: number; reason?: string }): Promise<void>;
  /** Starts the link in the background; returns at once. */
  start(): void;
  stop(): Promise<void>;
}

export function createSlackApp(options: SlackAppOptions): SlackApp {
  const logger = boltLogger(options.logger);
  const retryConfig = { retries: 2, factor: 2, minTimeout: 200, maxTimeout: 2_000 };
  const clientOptions = { slackApiUrl: options.apiUrl, retryConfig };
  // Rate limits are the caller's to wait out: a click is answered at once rather than after Retry-After.
  const promptOptions = { ...clientOptions, rejectRateLimitedCalls: true };
  let client: WebClient;
  let promptClient: WebClient;
  let authorization: Pick<ReturnType<typeof botTokenAuthorization>, 'authorize'> & { identity?: ReturnType<typeof botTokenAuthorization>['identity'] };
  if (options.botToken) {
    client = new WebClient(options.botToken, { ...clientOptions, logger });
    promptClient = new WebClient(options.botToken, { ...promptOptions, logger });
    authorization = botTokenAuthorization(client, options.botToken);
  } else if (options.installations) {
    const installations = options.installations;
    const tokenOf = async (teamId: string) => (await installations.installation(teamId))?.botToken ?? null;
    client = new TeamRoutedWebClient(tokenOf, { ...clientOptions, logger });
    promptClient = new TeamRoutedWebClient(tokenOf, { ...promptOptions, logger });
    authorization = { authorize: installationAuthorization(installations) };
  } else {
    throw new Error('createSlackApp needs a bot token or the OAuth installations');
  }
  const { authorize, identity } = authorization;
  // Bolt settles processEvent even when a listener threw (its error handler has the error): the
  // bodies processed through `processAcknowledged` are watched here, so their failure is known.
  const watched = new WeakSet<object>();
  const failures = new WeakMap<object, unknown>();
  const onError = async ({ error, body }: { error: Error; body?: unknown }) => {
    // OAuth installs: a workspace that has not installed Firebreak (or uninstalled it) is refused for
    // good, not failed: its events are not kept for a retry.
    if ((error as { original?: unknown }).original instanceof NotInstalledError) {
      options.logger.warn({ team: (body as { team_id?: unknown; team?: { id?: unknown } } | undefined)?.team_id ?? (body as { team?: { id?: unknown } } | undefined)?.team?.id }, 'refused a request from a workspace Firebreak is not installed in');
      return;
    }
    options.logger.error({ err: error }, 'Slack listener failed');
    if (typeof body === 'object' && body !== null && watched.has(body)) failures.set(body, error);
    // Bolt acknowledges a command or click it could not authorise with an empty answer, which shows the
    // person nothing: they are told through the request's response_url (no token needed) instead.
    const responseUrl = (body as { response_url?: unknown } | undefined)?.response_url;
    if (authorizationUnavailable(error) && typeof responseUrl === 'string' && /^https?:\/\//.test(responseUrl)) {
      const requested = body as { team_id?: unknown; team?: { id?: unknown }; user_id?: unknown; user?: { id?: unknown } } | undefined;
      const teamId = requested?.team_id ?? requested?.team?.id;
      const userId = requested?.user_id ?? requested?.user?.id;
      const fallback = options.locale ?? 'en';
      void (options.answerLocale?.(typeof teamId === 'string' ? teamId : undefined, typeof userId === 'string' ? userId : undefined).catch(() => fallback) ?? Promise.resolve(fallback))
        .then((locale) => t(locale, 'ui.workspace_unavailable', {}))
        .then((text) => fetch(responseUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ response_type: 'ephemeral', replace_original: false, text }), signal: AbortSignal.timeout(5_000) }))
        .catch((postError: unknown) => options.logger.warn({ err: postError }, 'could not tell the person why Firebreak cannot act for their workspace'));
    }
  };
  const processAcknowledged = (dispatch: App['processEvent']) => async (body: Record<string, unknown>, retry: { num?: number; reason?: string }) => {
    watched.add(body);
    try {
      await dispatch({ body, ack: async () => undefined, retryNum: retry.num, retryReason: retry.reason });
    } catch (error) {
      failures.set(body, error);
    }
    if (failures.has(body)) {
      options.onUnacknowledged?.('listener_failed');
      const failure = failures.get(body);
      // Bolt could not authorise it (the workspace's token unreadable, Slack or the database not
      // answering): the event is fine and waits for that to be fixed, without using up its attempts.
      if (authorizationUnavailable(failure)) {
        const cause = (failure as { original?: unknown }).original ?? failure;
        throw new FirebreakError('workspace_unavailable', cause instanceof Error ? cause.message : String(cause), { cause: failure });
      }
      throw failure;
    }
  };
  if (options.appToken) {
    const receiver = new SocketModeReceiver({
      appToken: options.appToken,
      logger,
      // The link reconnects (with backoff, and reports why); Bolt passes only these client options on.
      autoReconnectEnabled: false,
      installerOptions: { clientOptions: { slackApiUrl: options.apiUrl, retryConfig: { retries: 1, minTimeout: 200, maxTimeout: 1_000 } } },
    });
    const app = new App({ authorize, receiver, clientOptions, logger, extendedErrorHandler: true });
    app.error(onError);
    // Bolt's own dispatch, before Socket Mode events are routed through the inbox.
    const dispatch = app.processEvent.bind(app);
    const processEvent = processAcknowledged(dispatch);
    if (options.inbox) app.processEvent = keepingIn(options.inbox, dispatch, processEvent, options.logger);
    routeSocketNotices(receiver.client, app, options.logger);
    const link = createSlackLink({ mode: 'socket', ...(identity ? { identity } : {}), socket: receiver.client, logger: options.logger, ...linkOptions(options) });
    const eventsRateLimited = handleAppRateLimited(app, options.logger, options.registry);
    return { app, client, promptClient, mode: 'socket', link, endpoints: [], eventsRateLimited, processEvent, start: () => link.start(), stop: () => link.stop() };
  }
  const endpoints = ['/slack/events'];
  const receiver = new HTTPReceiver({
    signingSecret: options.signingSecret,
    endpoints,
    // Requests reach the receiver only through the request gate, which has verified the signature
    // (and refuses timestamps from the future too): a second HMAC per request would be wasted.
    signatureVerification: false,
    // Ack first, work after: listeners call ack() at once and continue asynchronously (decision
    // buttons ack once their decision is committed, so an acknowledged click survives a crash).
    processBeforeResponse: false,
    logger,
    // Input Slack could send never earns a 5xx (Slack would retry it) nor a 404 after 3 s: a failure
    // before the ack is answered 200 at once; the failure itself is logged by the app's error handler.
    processEventErrorHandler: async ({ response }) => {
      options.onUnacknowledged?.('listener_failed');
      if (!response.headersSent) {
        response.writeHead(200);
        response.end();
      }
      return false;
    },
    unhandledRequestHandler: ({ response }) => {
      if (response.headersSent) return;
      options.onUnacknowledged?.('ack_timeout');
      options.logger.warn('a Slack request was not acknowledged in time: answered 200');
      response.writeHead(200);
      response.end();
    },
  });
  // No conversation store: Firebreak keeps no per-conversation state in Bolt, and the default one
  // builds an Error (with its stack) for every message of a conversation it has not seen.
  const app = new App({ authorize, receiver, clientOptions, logger, convoStore: false, extendedErrorHandler: true });
  app.error(onError);
  const link = createSlackLink({ mode: 'http', ...(identity ? { identity } : {}), logger: options.logger, ...linkOptions(options) });
  const eventsRateLimited = handleAppRateLimited(app, options.logger, options.registry);
  // The gate has answered Slack already: Bolt's ack is a no-op.
  const processEvent = processAcknowledged(app.processEvent.bind(app));
  return { app, client, promptClient, mode: 'http', link, endpoints, eventsRateLimited, requestListener: receiver.requestListener, processEvent, start: () => link.start(), stop: () => link.stop() };
}

/**
 * Bolt could not authorise a request for a reason that is not "not installed here": the workspace's
 * token cannot be read, or Slack or the database did not answer. Nothing is wrong with the request.
 */
function authorizationUnavailable(error: unknown): boolean {
  const { code, original } = (error ?? {}) as { code?: unknown; original?: unknown };
  return code === 'slack_bolt_authorization_error' && !(original instanceof NotInstalledError);
}

function linkOptions(options: SlackAppOptions) {
  return { ...(options.registry ? { registry: options.registry } : {}), ...(options.retryDelaysMs ? { retryDelaysMs: options.retryDelaysMs } : {}) };
}

/**
 * Socket Mode: Bolt acknowledges an event as soon as it dispatches it, so each event callback is kept
 * in the inbox first. One the database cannot take is not acknowledged: Slack sends it again.
 */
function keepingIn(inbox: AcceptedEvents, dispatch: App['processEvent'], processEvent: (body: Record<string, unknown>, retry: { num?: number; reason?: string }) => Promise<void>, logger: Logger): App['processEvent'] {
  return async (event) => {
    const body = event.body as Record<string, unknown>;
    if (body['type'] !== 'event_callback') return dispatch(event);
    const retry = { ...(event.retryNum !== undefined ? { num: event.retryNum } : {}), ...(event.retryReason !== undefined ? { reason: event.retryReason } : {}) };
    let kept: string;
    try {
      kept = await inbox.accept({ text: JSON.stringify(body), eventId: typeof body['event_id'] === 'string' ? body['event_id'] : null }, retry);
    } catch (error) {
      logger.error({ err: error }, 'could not store a Slack event: not acknowledged, so Slack sends it again');
      return;
    }
    await event.ack();
    await processEvent(body, retry).then(
      () => inbox.processed(kept),
      (error: unknown) => inbox.failed(kept, error),
    );
  };
}
