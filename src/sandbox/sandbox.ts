/**
 * The local sandbox: a loopback Slack workspace served on Firebreak's own HTTP server. The Web API
 * lives under /sandbox/api/ (Firebreak's Bolt app and outbox talk to it as to slack.com), members'
 * posts reach /slack/events as signed Events API deliveries, and clicks, modal submissions and slash
 * commands on the page reach /slack/events as signed interactions and commands. Firebreak itself runs
 * its production code path: the sandbox only plays Slack's part.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Config } from '../config.js';
import type { Clock } from '../domain/clock.js';
import { sendJson, type Route } from '../http/server.js';
import type { Logger } from '../logger.js';
import { localeFromTag, t, type Locale, type MessageKey, type MessageParams } from '../i18n/index.js';
import { numberProblemText, parseNumber } from '../domain/numbers/parse-number.js';
import { sandboxTexts } from './texts.js';
import { ALERTS_CHANNEL_ID, CHANNELS, channelWelcome, PERSONAS, personaById, SANDBOX_TEAM_ID, seedWorkspace, type Persona } from './personas.js';
import { DrillPlayer } from './player.js';
import { parseScenario, scenarioProblemIn, type Scenario, type ScenarioProblem } from './scenarios.js';
import { isSlackRefusal, slackRefusalText } from './slack-refusals.js';
import { sendToApp, type AppResponse } from './signing.js';
import { escapeCommandText } from './slack-api/command-escape.js';
import { createSlackApi, createSlackWorkspace, createSocketModeServer, responseUrlPath, startEventDelivery, type EventDelivery, type SlackApi, type SlackWorkspace } from './slack-api/index.js';
import type { SlackView } from './slack-api/model.js';
import { messageBlockActions, messageShortcut, slashCommand, viewBlockActions, viewSubmission, type BlockActionInput, type SlackRequestKind, type ViewPayload } from './slack-payloads.js';

export const SANDBOX_PATH = '/sandbox';
/**
 * Message shortcuts Firebreak's manifest declares, shown in each message's menu on the page. Read from
 * manifest.json itself: a list kept here by hand had lost "Firebreak: mark sentiment".
 */
export const MESSAGE_SHORTCUTS: readonly { readonly callbackId: string; readonly name: string }[] = manifestMessageShortcuts();

function manifestMessageShortcuts(path = new URL('../../manifest.json', import.meta.url)): { callbackId: string; name: string }[] {
  const manifest = JSON.parse(readFileSync(path, 'utf8')) as { features?: { shortcuts?: { type?: string; callback_id?: string; name?: string }[] } };
  return (manifest.features?.shortcuts ?? []).flatMap((shortcut) => (shortcut.type === 'message' && shortcut.callback_id && shortcut.name ? [{ callbackId: shortcut.callback_id, name: shortcut.name }] : []));
}
export const SANDBOX_API_PATH = '/sandbox/api/';

/** Detection tuned so a drill opens an incident within a minute instead of after a day of warm-up. */
export const SANDBOX_DETECTOR_SETTINGS = {
  bucketMs: 10_000,
  windowBuckets: 3,
  warmupBuckets: 3,
  // A drill's handful of messages must stand out at once; a real channel keeps the shipped threshold.
  threshold: 6,
  minNegatives: 3,
  minLift: 1.5,
  minShareLift: 0,
  // A drill played again in the same channel a few minutes later (its incident resolved) is a new
  // episode: a minute of calm ends the previous one, and two minutes after it detection may alert again.
  cooldownMs: 2 * 60_000,
  recoveryMs: 60_000,
  rhythm: 'none',
  baselineHalfLifeMs: 5 * 60_000,
  // A few buckets into its life the baseline averages plainly (each bucket weighs 1/(n+1)): with the
  // shipped clip of 3 spreads, a drill's first bucket of complaints (two, too few to alert) taught it
  // 1.5 negatives a bucket, and the rest of the wave no longer looked improbable. A tight clip keeps the
  // baseline at the calm it learnt whatever the bucket grid does to the burst.
  baselineClip: 0.25,
  // Drills repeat the same kind of spike on purpose: an earlier drill's peaks must not raise the bar.
  noveltyDays: 0,
} as const;
export const SANDBOX_DETECTION_INTERVAL_MS = 2_000;
export const SANDBOX_TEMPLATE_DEFAULTS = { brand: 'Acme Cloud', support_contact: 'support@acme.example', status_page: 'https://status.acme.example' } as const;

export interface SandboxOptions {
  clock: Clock;
  logger: Logger;
  /** Folder of drill scenarios (playbooks/scenarios). */
  scenariosDir: string;
  /** Serve the page and its API to other machines too (SANDBOX_ALLOW_REMOTE). Default: loopback only. */
  allowRemote?: boolean;
  /** Reach the app over Socket Mode (SANDBOX_SOCKET_MODE): the same drills then exercise it. */
  socketMode?: boolean;
  /** The team's language (LOCALE): the page's own texts and errors unless the page asks for another. */
  locale?: Locale;
}

export interface Sandbox {
  workspace: SlackWorkspace;
  api: SlackApi;
  botToken: string;
  signingSecret: string;
  /** The app-level token, when the sandbox speaks Socket Mode. */
  appToken?: string;
  alertsChannel: string;
  routes: Route[];
  /** Accept the app's Socket Mode WebSocket on Firebreak's own server (a no-op over HTTP). */
  serve(server: Server): void;
  /**
   * Serve the Web API on Firebreak's port before Firebreak's server is up, so the app's first calls
   * (auth.test, playbook look-ups) are answered; port 0 picks a free port and holds it. Resolves the port.
   */
  listenEarly(host: string, port: number): Promise<number>;
  /**
   * The early server, whose listening socket Firebreak's own server takes over (`server.listen(it)`) to
   * serve the sandbox from then on; undefined when there was none.
   */
  handOver(): Server | undefined;
  /** Start delivering events and interactions to the app at `origin` (Firebreak's own URL). */
  attach(origin: string): void;
  drills: DrillPlayer;
  close(): Promise<void>;
}

export interface SandboxRequestError {
  status: number;
  error: string;
  message: string;
  /** The message in the language the request asked for (x-sandbox-language), else the team's. */
  text?: (locale: Locale) => string;
  problems?: ScenarioProblem[];
}

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

export function isLoopback(address: string | undefined): boolean {
  return address !== undefined && (LOOPBACK.has(address) || address.startsWith('127.') || address.startsWith('::ffff:127.'));
}

/** localhost, *.localhost, 127.x.x.x or [::1], with any port. */
export function isLoopbackHost(host: string | undefined): boolean {
  if (!host) return false;
  const name = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.replace(/:\d+$/, '');
  return name === 'localhost' || name.endsWith('.localhost') || /^127(\.\d{1,3}){3}$/.test(name) || name === '[::1]';
}

/**
 * The configuration Firebreak runs with in the sandbox: the sandbox's credentials and Web API, its
 * alerts channel, and detection that wakes up within a minute. Everything else is the user's.
 */
export function sandboxConfig(config: Config, sandbox: Sandbox, origin: string, port: number): Config {
  return {
    ...config,
    port,
    slack: { botToken: sandbox.botToken, signingSecret: sandbox.signingSecret, apiUrl: `${origin}${SANDBOX_API_PATH}`, configured: true, ...(sandbox.appToken ? { appToken: sandbox.appToken } : {}) },
    alertsChannel: sandbox.alertsChannel,
    detectionIntervalMs: SANDBOX_DETECTION_INTERVAL_MS,
    detectorSettings: { ...SANDBOX_DETECTOR_SETTINGS, ...config.detectorSettings },
    // Reply templates need these; a made-up brand until BRAND_NAME and friends are set.
    templateDefaults: { ...SANDBOX_TEMPLATE_DEFAULTS, ...config.templateDefaults },
  };
}

export async function createSandbox(options: SandboxOptions): Promise<Sandbox> {
  const { clock, logger } = options;
  // Fresh credentials each start: only this process can sign requests the app accepts.
  const botToken = `xoxb-sandbox-${randomBytes(12).toString('hex')}`;
  const signingSecret = randomBytes(24).toString('hex');
  // Message links open the message on the sandbox page (as Slack's own links open in Slack), on
  // whatever host the page was opened from: the path is resolved against it.
  const permalink = ({ channel, ts, threadTs }: { channel: string; ts: string; threadTs: string | null }) =>
    `${origin ?? ''}${SANDBOX_PATH}?${new URLSearchParams({ channel, message: ts, ...(threadTs ? { thread: threadTs } : {}) }).toString()}`;
  const workspace = createSlackWorkspace({ clock, botToken, botName: 'firebreak', team: { id: SANDBOX_TEAM_ID, name: 'Firebreak Sandbox', domain: 'firebreak-sandbox' }, permalink });
  seedWorkspace(workspace, options.locale ?? 'en');
  const api = createSlackApi(workspace, clock, { basePath: SANDBOX_API_PATH });
  const assets = await loadAssets();

  let origin: string | undefined;
  let early: Server | undefined;
  let delivery: EventDelivery | undefined;
  const viewErrors = new Map<string, Record<string, string>>();
  const listeners = new Set<ServerResponse>();

  const requestUrl = () => {
    if (!origin) throw new Error('the sandbox is not attached to Firebreak yet');
    return `${origin}/slack/events`;
  };
  const socketMode = options.socketMode ? createSocketModeServer() : undefined;
  /** What Slack does with a command, a click or a submission: a signed POST, or a Socket Mode envelope. */
  const toApp = (kind: SlackRequestKind, payload: object): Promise<AppResponse> =>
    socketMode ? socketMode.send(kind, payload, { timeoutMs: 3000 }) : sendToApp(requestUrl(), signingSecret, kind, payload, { timeoutMs: 3000 });
  const responseUrl = (userId: string, channel: string, original?: { message_ts: string; ephemeral?: boolean }) =>
    `${origin ?? ''}${responseUrlPath(SANDBOX_API_PATH, workspace.issueResponseUrl(userId, channel, original))}`;

  const drills = new DrillPlayer({
    clock,
    logger,
    workspace,
    alertsChannel: ALERTS_CHANNEL_ID,
    post: (userId, channel, text, threadTs) => workspace.postMessage({ user_id: userId }, channel, { text, ...(threadTs ? { thread_ts: threadTs } : {}) }).ts,
    command: (userId, channel, text) => runCommand(userId, channel, text),
  });
  drills.events.on('change', () => broadcast());

  // Every change in the workspace tells open pages to refresh (a short debounce batches bursts).
  let pendingBroadcast: NodeJS.Timeout | undefined;
  function broadcast(): void {
    if (pendingBroadcast) return;
    pendingBroadcast = setTimeout(() => {
      pendingBroadcast = undefined;
      for (const listener of listeners) listener.write(`event: change\ndata: ${clock.now()}\n\n`);
    }, 50);
  }
  workspace.events.on('change', (change) => {
    if ((change.type === 'view_updated' || change.type === 'view_closed') && viewErrors.has(change.view.id)) viewErrors.delete(change.view.id);
    broadcast();
  });

  function persona(userId: unknown): Persona {
    const found = typeof userId === 'string' ? personaById(userId) : undefined;
    if (!found) throw requestError(400, 'unknown_persona', 'sandbox.error.unknown_persona', { persona: String(userId), personas: PERSONAS.map((p) => `${p.handle} (${p.id})`).join(', ') });
    return found;
  }

  function channelRef(channelId: unknown, userId: string): { id: string; name: string } {
    if (typeof channelId !== 'string') throw requestError(400, 'unknown_channel', 'sandbox.error.channel_missing', {});
    try {
      const channel = workspace.getChannel({ user_id: userId }, channelId);
      return { id: channel.id, name: channel.is_im ? 'directmessage' : channel.name };
    } catch {
      throw requestError(400, 'unknown_channel', 'sandbox.error.unknown_channel', { channel: channelId });
    }
  }

  async function runCommand(userId: string, channelId: string, text: string): Promise<void> {
    const who = persona(userId);
    const channel = channelRef(channelId, userId);
    const responseUrlId = workspace.issueResponseUrl(userId, channel.id);
    const url = `${origin ?? ''}${responseUrlPath(SANDBOX_API_PATH, responseUrlId)}`;
    const payload = slashCommand(workspace.appIdentity(), {
      command: '/firebreak',
      // As Slack sends it with the manifest's should_escape: #channel and @user as <#C…|name>, <@U…|name>.
      text: escapeCommandText(workspace, who.id, text),
      user: { id: who.id, name: who.handle },
      channel,
      triggerId: workspace.issueTrigger(userId),
      responseUrl: url,
    });
    const answer = await toApp('command', payload);
    if (answer.status !== 200) throw appFailed('command', answer.status);
    const body = parseJsonObject(answer.body);
    // The acknowledgement may carry the answer, as Slack shows it: ephemeral unless in_channel.
    if (body && (typeof body['text'] === 'string' || Array.isArray(body['blocks']))) {
      workspace.respond(responseUrlId, body);
    }
  }

  async function click(input: Record<string, unknown>): Promise<void> {
    const who = persona(input['as']);
    const action = parseAction(input['action']);
    const user = { id: who.id, name: who.handle };
    const triggerId = workspace.issueTrigger(who.id);
    const state = isObject(input['state']) ? input['state'] : undefined;
    let payload: object;
    if (typeof input['view_id'] === 'string') {
      const view = ownView(input['view_id'], who.id);
      payload = viewBlockActions(workspace.appIdentity(), { user, view: viewPayload(view), actions: [action], triggerId, nowMs: clock.now(), ...(state ? { state } : {}) });
    } else {
      const channel = channelRef(input['channel'], who.id);
      const ts = typeof input['message_ts'] === 'string' ? input['message_ts'] : '';
      const ephemeral = input['ephemeral'] === true;
      const message = ephemeral ? workspace.ephemeralFor(who.id).find((m) => m.ts === ts && m.channel === channel.id) : workspace.findMessage(channel.id, ts);
      if (!message) throw requestError(404, 'message_not_found', 'sandbox.error.message_not_found', { ts, channel: channel.id });
      payload = messageBlockActions(workspace.appIdentity(), {
        user,
        channel,
        message: { ts: message.ts, text: message.text, ...('user' in message && message.user ? { user: message.user } : {}), ...(message.blocks ? { blocks: message.blocks } : {}), ...(message.thread_ts ? { thread_ts: message.thread_ts } : {}) },
        actions: [action],
        triggerId,
        responseUrl: responseUrl(who.id, channel.id, { message_ts: message.ts, ephemeral }),
        nowMs: clock.now(),
        isEphemeral: ephemeral,
        ...(state ? { state } : {}),
      });
    }
    const answer = await toApp('interaction', payload);
    if (answer.status !== 200) throw appFailed('click', answer.status);
  }

  /** A message shortcut from the message's menu (the app's manifest declares `add_to_timeline`). */
  async function shortcut(input: Record<string, unknown>): Promise<void> {
    const who = persona(input['as']);
    const channel = channelRef(input['channel'], who.id);
    const ts = typeof input['message_ts'] === 'string' ? input['message_ts'] : '';
    const message = workspace.findMessage(channel.id, ts);
    if (!message) throw requestError(404, 'message_not_found', 'sandbox.error.message_not_found', { ts, channel: channel.id });
    const callbackId = typeof input['callback_id'] === 'string' ? input['callback_id'] : '';
    if (!MESSAGE_SHORTCUTS.some((known) => known.callbackId === callbackId)) throw requestError(400, 'unknown_shortcut', 'sandbox.error.unknown_shortcut', { shortcut: callbackId });
    const payload = messageShortcut(workspace.appIdentity(), {
      callbackId,
      user: { id: who.id, name: who.handle },
      channel,
      message: { ts: message.ts, text: message.text, ...(message.user ? { user: message.user } : {}), ...(message.thread_ts ? { thread_ts: message.thread_ts } : {}) },
      triggerId: workspace.issueTrigger(who.id),
      responseUrl: responseUrl(who.id, channel.id, { message_ts: message.ts }),
      nowMs: clock.now(),
    });
    const answer = await toApp('interaction', payload);
    if (answer.status !== 200) throw appFailed('shortcut', answer.status);
  }

  async function submit(input: Record<string, unknown>, locale: Locale): Promise<{ errors?: Record<string, string> }> {
    const who = persona(input['as']);
    const view = ownView(input['view_id'], who.id);
    const values = isObject(input['values']) ? (input['values'] as Record<string, Record<string, unknown>>) : {};
    // Slack checks number inputs and text lengths before the app hears of the submission, and sends the
    // number as programs write it: the page sends what was typed, read here the same in Spanish and English.
    const inputErrors = checkNumberInputs(view, values, locale) ?? checkTextLengths(view, values, locale);
    if (inputErrors) {
      viewErrors.set(view.id, inputErrors);
      broadcast();
      return { errors: inputErrors };
    }
    const payload = viewSubmission(workspace.appIdentity(), { user: { id: who.id, name: who.handle }, view: viewPayload(view), values, triggerId: workspace.issueTrigger(who.id) });
    const answer = await toApp('interaction', payload);
    if (answer.status !== 200) throw appFailed('submission', answer.status);
    const body = parseJsonObject(answer.body) ?? {};
    const bot = { user_id: workspace.bot.user_id, bot_id: workspace.bot.bot_id };
    switch (body['response_action']) {
      case 'errors': {
        const errors = isObject(body['errors']) ? (Object.fromEntries(Object.entries(body['errors']).map(([key, value]) => [key, String(value)])) as Record<string, string>) : {};
        viewErrors.set(view.id, errors);
        broadcast();
        return { errors };
      }
      case 'update':
        workspace.updateView(bot, { view_id: view.id }, body['view'] as Record<string, unknown>);
        return {};
      case 'clear':
        for (const open of workspace.openModals(who.id)) workspace.closeView(open.id);
        return {};
      default:
        workspace.closeView(view.id);
        return {};
    }
  }

  function ownView(viewId: unknown, userId: string): SlackView {
    const view = typeof viewId === 'string' ? workspace.getView(viewId) : undefined;
    if (!view || view.user_id !== userId || (view.type === 'modal' && !view.is_open)) throw requestError(404, 'view_not_found', 'sandbox.error.view_not_found', { view: String(viewId) });
    return view;
  }

  function state(userId: string, locale: Locale) {
    const who = persona(userId);
    const actor = { user_id: who.id };
    const channels = workspace
      .listChannels(actor, { types: ['public_channel', 'private_channel', 'im'] })
      .filter((channel) => channel.members.includes(who.id))
      .map((channel) => {
        const described = CHANNELS.find((known) => known.id === channel.id);
        return {
          id: channel.id,
          name: channel.is_im ? 'Firebreak' : channel.name,
          isIm: channel.is_im,
          isPrivate: channel.is_private,
          alerts: described?.alerts ?? false,
          purpose: channel.purpose.value,
          // Most recent 300 messages: the page is for following a drill, not an archive.
          messages: workspace.messagesIn(channel.id).slice(-300),
        };
      });
    const modals = workspace.openModals(who.id);
    const modal = modals[modals.length - 1];
    return {
      me: who,
      personas: PERSONAS,
      team: workspace.team,
      bot: { userId: workspace.bot.user_id, name: 'Firebreak' },
      users: Object.fromEntries(workspace.listUsers().map((user) => [user.id, { name: user.profile.display_name || user.name, realName: user.real_name, isBot: user.is_bot }])),
      groups: Object.fromEntries(workspace.listUserGroups().map((group) => [group.id, group.handle])),
      channels,
      ephemeral: workspace.ephemeralFor(who.id),
      modal: modal ? { ...modal, errors: viewErrors.get(modal.id) ?? {}, stackDepth: modals.length } : null,
      home: workspace.homeView(who.id) ?? null,
      scenarios: drills.scenarios().map(({ id, name, description, language, steps }) => ({ id, name, description, language, steps: steps.length })),
      scenarioProblems: drills.problems().map((problem) => scenarioProblemIn(locale, problem)),
      drills: drills.list(locale),
      shortcuts: MESSAGE_SHORTCUTS,
      /** The team's language (LOCALE): the page's until the person picks another. */
      locale: teamLocale,
    };
  }

  // ── HTTP ─────────────────────────────────────────────────────────────────────────────────────────
  /**
   * The language a request asks for: the page sends the one its person picked (x-sandbox-language; not
   * the browser's Accept-Language, since the page follows the team's language until someone switches).
   */
  const teamLocale: Locale = options.locale ?? 'en';
  const localeOf = (request: IncomingMessage): Locale => localeFromTag(request.headers['x-sandbox-language']) ?? teamLocale;

  const guard =
    (handler: (request: IncomingMessage, response: ServerResponse, locale: Locale) => Promise<void> | void) =>
    async (request: IncomingMessage, response: ServerResponse) => {
      const locale = localeOf(request);
      if (!options.allowRemote && !isLoopback(request.socket.remoteAddress)) {
        sendJson(response, 403, { error: 'forbidden', message: t(locale, 'sandbox.error.remote', {}) });
        return;
      }
      // A page on another site could reach loopback through a DNS name it controls (DNS rebinding):
      // the Host it sends then is not a loopback name.
      if (!options.allowRemote && !isLoopbackHost(request.headers.host)) {
        sendJson(response, 403, { error: 'forbidden', message: t(locale, 'sandbox.error.host', {}) });
        return;
      }
      try {
        await handler(request, response, locale);
      } catch (error) {
        const known = error as Partial<SandboxRequestError>;
        if (typeof known.status === 'number' && typeof known.error === 'string') {
          sendJson(response, known.status, { error: known.error, message: known.text ? known.text(locale) : known.message, ...(known.problems ? { problems: known.problems.map((problem) => scenarioProblemIn(locale, problem)) } : {}) });
          return;
        }
        // Slack refused what the persona did (a message over 40,000 characters): said in the page's language, with Slack's code.
        if (isSlackRefusal(error)) {
          sendJson(response, 400, { error: error.error, message: slackRefusalText(locale, error), detail: (error as unknown as Error).message });
          return;
        }
        throw error;
      }
    };

  const post = (handler: (body: Record<string, unknown>, locale: Locale) => Promise<unknown>) =>
    guard(async (request, response, locale) => {
      // JSON only: a cross-site form cannot send it without the browser asking first.
      if (!(request.headers['content-type'] ?? '').startsWith('application/json')) throw requestError(415, 'json_only', 'sandbox.error.json_only', {});
      const body = await readJson(request);
      sendJson(response, 200, { ok: true, ...((await handler(body, locale)) ?? {}) });
    });

  const routes: Route[] = [
    { method: 'GET', path: SANDBOX_PATH, handler: guard((_request, response) => sendAsset(response, assets.html, 'text/html; charset=utf-8')) },
    { method: 'GET', path: `${SANDBOX_PATH}/`, handler: guard((_request, response) => sendAsset(response, assets.html, 'text/html; charset=utf-8')) },
    { method: 'GET', path: `${SANDBOX_PATH}/sandbox.js`, handler: guard((_request, response) => sendAsset(response, assets.script, 'text/javascript; charset=utf-8')) },
    { method: 'GET', path: `${SANDBOX_PATH}/sandbox.css`, handler: guard((_request, response) => sendAsset(response, assets.style, 'text/css; charset=utf-8')) },
    // The page declares an inline icon; a browser that asks for /favicon.ico anyway gets no content, not a 404.
    { method: 'GET', path: '/favicon.ico', handler: guard((_request, response) => void response.writeHead(204, { 'cache-control': 'max-age=86400' }).end()) },
    {
      method: 'GET',
      path: `${SANDBOX_PATH}/state`,
      handler: guard((request, response, locale) => {
        const url = new URL(request.url ?? '/', 'http://sandbox');
        sendJson(response, 200, state(url.searchParams.get('as') ?? '', locale));
      }),
    },
    {
      method: 'GET',
      path: `${SANDBOX_PATH}/stream`,
      handler: guard((request, response) => {
        response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
        response.write(`event: change\ndata: ${clock.now()}\n\n`);
        listeners.add(response);
        request.on('close', () => listeners.delete(response));
      }),
    },
    {
      method: 'GET',
      path: `${SANDBOX_PATH}/texts`,
      // The page's own texts: in the language it asks for (?lang=), else the team's.
      handler: guard((request, response, locale) => {
        const asked = localeFromTag(new URL(request.url ?? '/', 'http://sandbox').searchParams.get('lang')) ?? locale;
        sendJson(response, 200, { locale: asked, teamLocale, texts: sandboxTexts(asked) });
      }),
    },
    { method: 'GET', path: `${SANDBOX_PATH}/drills`, handler: guard((_request, response, locale) => sendJson(response, 200, { drills: drills.list(locale), scenarios: drills.scenarios().map(({ id, name }) => ({ id, name })) })) },
    {
      method: 'GET',
      path: `${SANDBOX_PATH}/drills/*`,
      handler: guard((request, response, locale) => {
        const id = decodeURIComponent(new URL(request.url ?? '/', 'http://sandbox').pathname.slice(`${SANDBOX_PATH}/drills/`.length));
        const drill = drills.get(id, locale);
        if (!drill) throw requestError(404, 'drill_not_found', 'sandbox.error.drill_not_found', { drill: id });
        sendJson(response, 200, drill);
      }),
    },
    {
      method: 'POST',
      path: `${SANDBOX_PATH}/drills`,
      handler: post(async (body) => {
        // A number, or text as typed (1,5 and 1.5 alike); what could be read two ways is refused.
        const typed = body['speed'] === undefined ? '1' : typeof body['speed'] === 'number' ? String(body['speed']) : typeof body['speed'] === 'string' ? body['speed'] : '';
        const speedRules = { decimal: true, min: 0.1, max: 100 };
        const parsed = parseNumber(typed, speedRules);
        if (!parsed.ok) {
          throw textError(400, 'invalid_speed', (locale) => numberProblemText(locale, parsed.problem, t(locale, 'sandbox.drill.speed', {}), typed, speedRules));
        }
        const speed = parsed.value;
        let scenario: Scenario | undefined;
        if (typeof body['source'] === 'string') {
          const parsed = parseScenario(body['source'], typeof body['file'] === 'string' ? body['file'] : 'scenario.yaml');
          if (!parsed.ok) throw Object.assign(requestError(400, 'invalid_scenario', 'sandbox.error.invalid_scenario', {}), { problems: parsed.problems });
          scenario = parsed.scenario;
        } else {
          await drills.reload();
          scenario = drills.scenarios().find((candidate) => candidate.id === body['scenario']);
          if (!scenario) throw textError(404, 'scenario_not_found', (locale) =>
              t(locale, 'sandbox.error.scenario_not_found', { scenario: String(body['scenario']), scenarios: drills.scenarios().map((s) => s.id).join(', ') || t(locale, 'sandbox.error.none', {}) }),
            );
        }
        // The same scenario twice at once posts every message twice (a double click on Play drill): refused.
        const playing = drills.list().find((drill) => drill.scenarioId === scenario.id && drill.state === 'playing');
        if (playing) {
          throw requestError(409, 'drill_already_playing', 'sandbox.error.drill_already_playing', { name: playing.scenarioName, played: String(playing.stepsPlayed), total: String(playing.stepsTotal) });
        }
        return { drill: drills.start(scenario, speed) };
      }),
    },
    {
      method: 'POST',
      path: `${SANDBOX_PATH}/do/post`,
      handler: post(async (body) => {
        const who = persona(body['as']);
        const channel = channelRef(body['channel'], who.id);
        const text = typeof body['text'] === 'string' ? body['text'] : '';
        const threadTs = typeof body['thread_ts'] === 'string' && body['thread_ts'] ? body['thread_ts'] : undefined;
        if (text.trim().startsWith('/firebreak')) {
          await runCommand(who.id, channel.id, text.trim().slice('/firebreak'.length).trim());
          return {};
        }
        const message = workspace.postMessage({ user_id: who.id }, channel.id, { text, ...(threadTs ? { thread_ts: threadTs } : {}) });
        return { ts: message.ts };
      }),
    },
    { method: 'POST', path: `${SANDBOX_PATH}/do/click`, handler: post(async (body) => void (await click(body))) },
    { method: 'POST', path: `${SANDBOX_PATH}/do/shortcut`, handler: post(async (body) => void (await shortcut(body))) },
    { method: 'POST', path: `${SANDBOX_PATH}/do/submit`, handler: post((body, locale) => submit(body, locale)) },
    {
      method: 'POST',
      path: `${SANDBOX_PATH}/do/close`,
      handler: post(async (body) => {
        const who = persona(body['as']);
        workspace.closeView(ownView(body['view_id'], who.id).id);
        return {};
      }),
    },
    {
      method: 'POST',
      path: `${SANDBOX_PATH}/do/home`,
      handler: post(async (body) => {
        const who = persona(body['as']);
        await delivery?.deliver({ type: 'app_home_opened', user: who.id, channel: workspace.openIm({ user_id: workspace.bot.user_id, bot_id: workspace.bot.bot_id }, who.id).channel.id, tab: 'home', event_ts: `${(clock.now() / 1000).toFixed(6)}` });
        return {};
      }),
    },
    // The Web API the app calls: loopback-only like the page (a token alone would be enough otherwise).
    { method: 'GET', path: `${SANDBOX_API_PATH}*`, handler: guard(async (request, response) => void (await api.handle(request, response))) },
    {
      method: 'POST',
      path: `${SANDBOX_API_PATH}*`,
      handler: guard(async (request, response) => void (socketMode?.handleOpen(request, response, SANDBOX_API_PATH) || (await api.handle(request, response)))),
    },
  ];

  /** The early server's last requests, answered after the hand-over (at most 2 s, then cut). */
  let earlyDrained: Promise<void> = Promise.resolve();
  const earlyConnections = new Set<Socket>();
  function handOver(): Server | undefined {
    const server = early;
    early = undefined;
    if (!server) return undefined;
    // Firebreak's server takes over this listening socket (server.listen(handle)), so the port never
    // refuses a connection in between: the app's first calls run in the background and failed in that
    // instant (Bolt's "http request failed" on every start). It must not be closed: that would close the
    // socket now shared. A request in flight is still answered here, then its connection ends.
    server.closeIdleConnections();
    earlyDrained = new Promise<void>((resolve) => {
      const cut = setTimeout(() => {
        server.closeAllConnections();
        resolve();
      }, 2_000);
      cut.unref();
      const settle = () => {
        if (earlyConnections.size > 0) return;
        clearTimeout(cut);
        resolve();
      };
      for (const socket of earlyConnections) socket.once('close', settle);
      settle();
    });
    return server;
  }

  await drills.open(options.scenariosDir);

  return {
    workspace,
    api,
    botToken,
    signingSecret,
    ...(socketMode ? { appToken: socketMode.appToken } : {}),
    alertsChannel: ALERTS_CHANNEL_ID,
    routes,
    serve(server) {
      socketMode?.attach(server);
    },
    drills,
    async listenEarly(host, port) {
      const apiRoutes = routes.filter((route) => route.path.startsWith(SANDBOX_API_PATH));
      early = createServer((request, response) => {
        // No keep-alive: this server goes away at the hand-over, and a client (the app's WebClient and
        // the process's other fetch calls share one pool) must not keep a socket to it.
        response.setHeader('connection', 'close');
        const path = new URL(request.url ?? '/', 'http://sandbox').pathname;
        const route = apiRoutes.find((candidate) => candidate.method === request.method && path.startsWith(SANDBOX_API_PATH));
        if (!route) {
          // Firebreak is still starting: Slack's own answer to an unreachable app would be a retry.
          response.writeHead(503, { 'retry-after': '1' }).end();
          return;
        }
        Promise.resolve(route.handler(request, response)).catch(() => {
          if (!response.headersSent) response.writeHead(500).end();
        });
      });
      early.on('connection', (socket: Socket) => {
        earlyConnections.add(socket);
        socket.once('close', () => earlyConnections.delete(socket));
      });
      const server = early;
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => resolve());
      });
      return (server.address() as AddressInfo).port;
    },
    handOver,
    attach(appOrigin) {
      origin = appOrigin;
      // Slack retries after 1 and 5 minutes; the sandbox retries sooner so a slow start loses nothing.
      delivery = startEventDelivery({
        workspace,
        requestUrl: requestUrl(),
        signingSecret,
        retryDelaysMs: [1000, 5000, 15000],
        ...(socketMode ? { send: (kind, payload, sendOptions) => socketMode.send(kind, payload, sendOptions) } : {}),
      });
      // A first calm message in each community channel: Firebreak starts watching it now, so the
      // detector has finished its short warm-up on a calm baseline by the time a drill plays.
      for (const channel of CHANNELS.filter((candidate) => !candidate.alerts)) {
        const host = PERSONAS.find((persona) => persona.handle === (channel.language === 'es' ? 'ana' : 'ben'));
        if (host) workspace.postMessage({ user_id: host.id }, channel.id, { text: channelWelcome(channel, teamLocale) });
      }
    },
    async close() {
      // Never handed over (start-up failed before Firebreak listened): this server still owns its port.
      const unused = early;
      early = undefined;
      if (unused) {
        unused.closeAllConnections();
        await new Promise<void>((resolve) => unused.close(() => resolve()));
      }
      await earlyDrained;
      drills.stopAll();
      delivery?.stop();
      await socketMode?.close();
      if (pendingBroadcast) clearTimeout(pendingBroadcast);
      for (const listener of listeners) listener.end();
      listeners.clear();
    },
  };
}

/** A refusal the page shows, in the language the request asks for; `message` (English) for logs and old clients. */
function textError(status: number, error: string, text: (locale: Locale) => string): SandboxRequestError & Error {
  return Object.assign(new Error(text('en')), { status, error, message: text('en'), text });
}

function requestError<K extends MessageKey>(status: number, error: string, key: K, params: MessageParams<K>): SandboxRequestError & Error {
  return textError(status, error, (locale) => t(locale, key, params));
}

function appFailed(what: 'command' | 'click' | 'shortcut' | 'submission', status: number): SandboxRequestError & Error {
  return textError(502, 'app_failed', (locale) => t(locale, 'sandbox.error.app_failed', { what: t(locale, `sandbox.error.what.${what}`, {}), status: String(status) }));
}

/** Number inputs' values made Slack's (1,5 → "1.5"), or each refused one's error under its input. */
function checkNumberInputs(view: SlackView, values: Record<string, Record<string, unknown>>, locale: Locale): Record<string, string> | undefined {
  const errors: Record<string, string> = {};
  for (const block of (view.blocks ?? []) as { type?: string; block_id?: string; label?: { text?: string }; element?: Record<string, unknown> }[]) {
    const element = block.element;
    if (block.type !== 'input' || !block.block_id || element?.['type'] !== 'number_input' || typeof element['action_id'] !== 'string') continue;
    const value = values[block.block_id]?.[element['action_id']];
    if (!isObject(value) || typeof value['value'] !== 'string' || value['value'].trim() === '') continue;
    // The app's own initial value, left as it was (1.234 stays 1.234: it is no typed thousands).
    if (typeof element['initial_value'] === 'string' && value['value'] === element['initial_value']) continue;
    const bound = (name: string) => (element[name] === undefined || element[name] === null || !Number.isFinite(Number(element[name])) ? {} : { [name === 'min_value' ? 'min' : 'max']: Number(element[name]) });
    const rules = { decimal: element['is_decimal_allowed'] === true, ...bound('min_value'), ...bound('max_value') };
    const parsed = parseNumber(value['value'], rules);
    if (parsed.ok) value['value'] = parsed.normalised;
    else errors[block.block_id] = numberProblemText(locale, parsed.problem, block.label?.text ?? block.block_id, value['value'], rules);
  }
  return Object.keys(errors).length > 0 ? errors : undefined;
}

/**
 * Slack's client refuses a text longer than its input's max_length: the app never hears of it, and may
 * rely on that (a feedback reason is capped at 500 that way only). The page keeps what was typed.
 */
function checkTextLengths(view: SlackView, values: Record<string, Record<string, unknown>>, locale: Locale): Record<string, string> | undefined {
  const errors: Record<string, string> = {};
  for (const block of (view.blocks ?? []) as { type?: string; block_id?: string; element?: Record<string, unknown> }[]) {
    const element = block.element;
    if (block.type !== 'input' || !block.block_id || element?.['type'] !== 'plain_text_input' || typeof element['action_id'] !== 'string') continue;
    const max = element['max_length'];
    const value = values[block.block_id]?.[element['action_id']];
    if (typeof max !== 'number' || !isObject(value) || typeof value['value'] !== 'string') continue;
    // Counted as the app counts (String#length), so both sides agree on where the limit falls.
    if (value['value'].length > max) errors[block.block_id] = t(locale, 'sandbox.modal.max_length', { length: String(value['value'].length), max: String(max) });
  }
  return Object.keys(errors).length > 0 ? errors : undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function parseJsonObject(text: string): Record<string, unknown> | undefined {
  if (!text.trim()) return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    return isObject(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

function parseAction(raw: unknown): BlockActionInput {
  if (!isObject(raw) || typeof raw['action_id'] !== 'string' || typeof raw['block_id'] !== 'string') throw requestError(400, 'invalid_action', 'sandbox.error.invalid_action', {});
  const action: BlockActionInput = { action_id: raw['action_id'], block_id: raw['block_id'], type: typeof raw['type'] === 'string' ? raw['type'] : 'button' };
  if (typeof raw['value'] === 'string') action.value = raw['value'];
  if (typeof raw['text'] === 'string') action.text = raw['text'];
  if (isObject(raw['selected_option'])) action.selected_option = raw['selected_option'] as BlockActionInput['selected_option'];
  if (typeof raw['selected_user'] === 'string') action.selected_user = raw['selected_user'];
  if (typeof raw['selected_date'] === 'string') action.selected_date = raw['selected_date'];
  if (Array.isArray(raw['selected_options'])) action.selected_options = raw['selected_options'] as BlockActionInput['selected_options'];
  return action;
}

function viewPayload(view: SlackView): ViewPayload {
  const { is_open: _open, user_id: _user, state: _state, ...rest } = view;
  return rest;
}

async function readJson(request: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > 512 * 1024) throw requestError(413, 'too_large', 'sandbox.error.too_large', {});
    chunks.push(chunk as Buffer);
  }
  const parsed = parseJsonObject(Buffer.concat(chunks).toString('utf8'));
  if (!parsed) throw requestError(400, 'invalid_json', 'sandbox.error.invalid_json', {});
  return parsed;
}

async function loadAssets() {
  const read = (name: string) => readFile(new URL(`./web/${name}`, import.meta.url), 'utf8');
  const [html, script, style] = await Promise.all([read('index.html'), read('sandbox.js'), read('sandbox.css')]);
  return { html, script, style };
}

function sendAsset(response: ServerResponse, body: string, contentType: string): void {
  response.writeHead(200, { 'content-type': contentType, 'content-length': Buffer.byteLength(body), 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff' });
  response.end(body);
}
