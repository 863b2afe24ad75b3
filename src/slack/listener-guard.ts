// Every Slack listener, whoever registers it, runs behind one guard (installed on the app before any
// listener is registered, so listener bodies stay as they are):
// - the team check (team-authorisation.ts): a click, submission, command or shortcut from a team
//   Firebreak is not installed in, about another team's incident, or without an acting user, is
//   acknowledged, refused with an ephemeral explanation, audited and counted, and never reaches the listener;
// - ack first: a listener that throws before acknowledging is acknowledged at once with an ephemeral
//   explanation (never a 3 s wait then an error page), and one still working after ACK_DEADLINE_MS is
//   acknowledged for it, once what the person did is kept (`unfinished`): should the process die before
//   the listener finishes, that request is told to its person at the next start, never silently lost.
//   One that can be neither done nor kept in time is left unacknowledged: Slack tells its person.
//   Events from a team Firebreak is not installed in are dropped and counted.
import type { AnyMiddlewareArgs, App, Middleware } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { t, type Locale } from '../i18n/index.js';
import { isFirebreakError } from '../errors.js';
import type { Logger } from '../logger.js';
import { checkTeam, type TeamRefusal } from './team-authorisation.js';
import { storableText } from '../domain/ingest/message-input.js';
import { inputIds } from './blocks/ids.js';
import { formErrorsOf, lateFormErrorsMessage } from './late-form-answer.js';
import type { UnfinishedRequestInput } from '../app/unfinished-requests.js';

/** Slack waits 3 s; what is not acknowledged by then is acknowledged here, well before. */
export const ACK_DEADLINE_MS = 2_000;
/** How long the deadline's ack waits for the unfinished request's row: Slack gives up at 3 s. */
export const KEEP_WAIT_MS = 600;

const interimAnswers = new WeakSet<object>();
/**
 * Marks a listener's answer as interim ("Declaring…", the result to follow through response_url): the
 * guard keeps the request as unfinished before sending it, as it does for its own deadline's ack.
 */
export function interimAnswer<T extends object>(response: T): T {
  interimAnswers.add(response);
  return response;
}
const isInterimAnswer = (response: unknown): boolean => typeof response === 'object' && response !== null && interimAnswers.has(response);

const toldFailures = new WeakSet<object>();
/**
 * Marks a failure its listener has already told the person about (a form Slack would not open): rethrown
 * to be logged, it gets no second, contradictory explanation from the guard.
 */
export function toldToPerson<T>(error: T): T {
  if (typeof error === 'object' && error !== null) toldFailures.add(error);
  return error;
}
const wasToldToPerson = (error: unknown): boolean => typeof error === 'object' && error !== null && toldFailures.has(error);

/**
 * Runs a click's or a submission's decision and acknowledges it once the decision is committed: Slack
 * never sends an acknowledged click or submission again, so one lost to a crash between its
 * acknowledgement and its commit would be lost for good. One that fails, or still works after
 * ACK_DEADLINE_MS, is acknowledged by the listener guard.
 */
export async function committedThenAcknowledged<T>(ack: () => Promise<void>, decide: () => Promise<T>): Promise<T> {
  const outcome = await decide();
  await ack();
  return outcome;
}

export interface ListenerGuardOptions {
  logger: Logger;
  locale: Locale;
  /** The requesting workspace's language (its setting with OAuth installs); `locale` when absent. */
  localeFor?(): Promise<Locale>;
  /**
   * The language of an answer only this person reads (runtime/person-language.ts: the workspace's App
   * Home choice, else their Slack locale, else LOCALE); `localeFor` when absent or failing.
   */
  localeOfPerson?(teamId: string, userId: string, client: WebClient): Promise<Locale>;
  /** Whether Firebreak is installed in a team; undefined when it cannot tell yet (Slack unreachable). */
  isInstalled(teamId: string): Promise<boolean | undefined>;
  /** The team owning an incident: `null` for the installation's own sources, `undefined` when there is no such incident. */
  ownerTeamOf(incidentId: string): Promise<string | null | undefined>;
  /** The same for a feedback record (Undo, Add a reason name one by id). */
  ownerTeamOfFeedback?(feedbackId: string): Promise<string | null | undefined>;
  /** Records a refusal (AuditLog). */
  audit(entry: { userId: string | null; action: string; reason: TeamRefusal; incidentId: string | null; teamId: string | null }): Promise<void>;
  onRefused?(kind: string, reason: string): void;
  onListenerFailed?(kind: string): void;
  /**
   * Keeps a request acknowledged at the deadline before its listener finished (resolving with its id once
   * committed), and drops it once the listener has finished: done, refused, or failed and explained.
   */
  unfinished?: {
    keep(request: UnfinishedRequestInput): Promise<string>;
    finished(id: string): Promise<void>;
    /** Failed after the deadline's ack, unexplained: `text` (the guard's explanation) goes to the person instead. */
    failed(id: string, person: { teamId: string | null; userId: string | null }, text: string): Promise<void>;
  };
}

type Kind = 'action' | 'view' | 'command' | 'shortcut';
type Body = Record<string, unknown>;
type AckFn = (response?: unknown) => Promise<void>;
/** An acknowledgement that says whether its answer reached Slack (false once acknowledged, or answered for). */
type AnswerFn = (response?: unknown) => Promise<boolean>;
type ListenerArgs = {
  body: Body;
  ack: AckFn;
  client: { chat: { postEphemeral(args: object): Promise<unknown>; postMessage(args: object): Promise<unknown> }; conversations: { open(args: object): Promise<{ channel?: { id?: string } }> } };
  respond?: (message: object) => Promise<unknown>;
};
type Listener = (args: ListenerArgs) => Promise<void>;

const record = (value: unknown): Body | undefined => (typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Body) : undefined);
const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** The ids a payload's references name under `key` (`i` incidents, `f` feedback): button values and a modal's private_metadata. */
function namedInRefs(body: Body, key: 'i' | 'f'): string[] {
  const ids: string[] = [];
  const fromJson = (raw: unknown) => {
    // Read exactly as the listeners' decodeRef reads it (JSON.parse, whitespace before the `{` allowed):
    // a reference skipped here would still be acted on, unchecked.
    if (typeof raw !== 'string') return;
    try {
      const id = record(JSON.parse(raw))?.[key];
      if (id !== undefined) ids.push(typeof id === 'string' ? id : JSON.stringify(id));
    } catch {
      // Not a reference: the listener reports the malformed value.
    }
  };
  const actions = Array.isArray(body['actions']) ? body['actions'] : [];
  for (const action of actions) fromJson(record(action)?.['value']);
  fromJson(record(body['view'])?.['private_metadata']);
  return ids;
}

/** The feedback ids a payload names (Undo, Add a reason): records of one workspace, like incidents. */
export function namedFeedbackIds(body: Body): string[] {
  return namedInRefs(body, 'f');
}

/** The incident ids a payload names: button values, a modal's private_metadata, the incident picker. */
export function namedIncidentIds(body: Body): string[] {
  const ids = namedInRefs(body, 'i');
  const view = record(body['view']);
  const picked = record(record(record(record(view?.['state'])?.['values'])?.[inputIds.incident])?.[inputIds.incident])?.['selected_option'];
  const pickedId = record(picked)?.['value'];
  if (pickedId !== undefined) ids.push(typeof pickedId === 'string' ? pickedId : JSON.stringify(pickedId));
  return ids;
}

function who(body: Body): { teamId: unknown; userId: unknown; userTeamId: unknown; action: string } {
  const user = record(body['user']);
  const actions = Array.isArray(body['actions']) ? body['actions'] : [];
  const action = text(record(actions[0])?.['action_id']) ?? text(record(body['view'])?.['callback_id']) ?? text(body['callback_id']) ?? text(body['command']) ?? 'unknown';
  return {
    teamId: record(body['team'])?.['id'] ?? body['team_id'] ?? record(body['view'])?.['team_id'],
    userId: user ? user['id'] : body['user_id'],
    userTeamId: user?.['team_id'],
    action: action.slice(0, 100),
  };
}

/** Cleans every string of a payload in place, so the listener's `view`, `action`, `command` see it too. */
function cleanStrings(value: unknown, depth = 0): void {
  if (depth > 20 || typeof value !== 'object' || value === null) return;
  const entries = value as Record<string, unknown>;
  for (const key of Object.keys(entries)) {
    const inner = entries[key];
    if (typeof inner === 'string') {
      const clean = storableText(inner, Number.MAX_SAFE_INTEGER);
      if (clean !== inner) entries[key] = clean;
    } else cleanStrings(inner, depth + 1);
  }
}

const SCALAR_FIELDS = ['value', 'selected_date', 'selected_time', 'selected_user', 'selected_channel', 'selected_conversation'];
const LIST_FIELDS = ['selected_users', 'selected_channels', 'selected_conversations'];
const isOption = (value: unknown) => typeof record(value)?.['value'] === 'string';

/**
 * A modal's submitted values in shapes Slack never sends (a number or list for a text, a string for an
 * option) are taken as empty, in place: the listener then asks for that field under its input instead
 * of failing on it with "an error on its side".
 */
function emptyMistypedValues(body: Body): void {
  const values = record(record(record(body['view'])?.['state'])?.['values']);
  for (const block of Object.values(values ?? {})) {
    for (const [actionId, raw] of Object.entries(record(block) ?? {})) {
      const element = record(raw);
      if (!element) {
        delete (block as Body)[actionId];
        continue;
      }
      for (const field of SCALAR_FIELDS) if (element[field] !== undefined && element[field] !== null && typeof element[field] !== 'string') delete element[field];
      if (element['selected_option'] !== undefined && element['selected_option'] !== null && !isOption(element['selected_option'])) delete element['selected_option'];
      if (element['selected_options'] !== undefined && !(Array.isArray(element['selected_options']) && element['selected_options'].every(isOption))) delete element['selected_options'];
      for (const field of LIST_FIELDS) if (element[field] !== undefined && !(Array.isArray(element[field]) && element[field].every((item) => typeof item === 'string'))) delete element[field];
    }
  }
}

/** A stored id is printable text of reasonable length: anything else names no record. */
const STORABLE_ID = /^[\x21-\x7e]{1,200}$/;

export function installListenerGuard(app: App, options: ListenerGuardOptions): void {
  const log = options.logger.child({ component: 'listener-guard' });

  async function refusalFor(body: Body): Promise<{ reason: TeamRefusal | 'malformed_reference'; incidentId: string | null; teamId: string | null } | null> {
    const person = who(body);
    const ids = namedIncidentIds(body);
    const feedbackIds = options.ownerTeamOfFeedback ? namedFeedbackIds(body) : [];
    const bad = [...ids, ...feedbackIds].find((id) => !STORABLE_ID.test(id));
    if (bad !== undefined) return { reason: 'malformed_reference', incidentId: null, teamId: typeof person.teamId === 'string' ? person.teamId : null };
    const owners = await Promise.all(ids.map((id) => options.ownerTeamOf(id)));
    const feedbackOwners = await Promise.all(feedbackIds.map((id) => options.ownerTeamOfFeedback!(id)));
    const teamId = typeof person.teamId === 'string' ? person.teamId : null;
    const installed = teamId ? await options.isInstalled(teamId) : false;
    const verdict = checkTeam({
      payloadTeamId: person.teamId,
      userId: person.userId,
      userTeamId: person.userTeamId,
      // Slack unreachable: the installation cannot be told, so only record ownership decides.
      installed: installed ?? true,
      ownerTeamIds: [...owners, ...feedbackOwners].filter((owner): owner is string | null => owner !== undefined),
    });
    if (verdict.ok) return null;
    const foreignIndex = owners.findIndex((owner) => owner !== undefined && owner !== null && owner !== teamId);
    return { reason: verdict.reason, incidentId: foreignIndex >= 0 ? (ids[foreignIndex] ?? null) : (ids[0] ?? null), teamId };
  }

  /** Acknowledges with an explanation only the acting person sees, wherever the kind of request allows it. */
  async function explain(kind: Kind, args: ListenerArgs, answer: AnswerFn, message: string): Promise<void> {
    const { body } = args;
    // An answer in the ack goes only while Slack still waits for it; otherwise by message below.
    const answered = (response: unknown) => answer(response).catch(() => false);
    if (kind === 'command' && (await answered({ response_type: 'ephemeral', text: message }))) return;
    if (kind === 'view' && body['type'] === 'view_submission') {
      const blocks = record(body['view'])?.['blocks'];
      const input = Array.isArray(blocks) ? blocks.map(record).find((block) => block?.['type'] === 'input' && typeof block['block_id'] === 'string') : undefined;
      if (input && (await answered({ response_action: 'errors', errors: { [input['block_id'] as string]: message.slice(0, 150) } }))) return;
    }
    await answered(undefined);
    const userId = text(record(body['user'])?.['id']);
    const channel = text(record(body['channel'])?.['id']);
    try {
      if (args.respond && text(body['response_url'])) await args.respond({ response_type: 'ephemeral', replace_original: false, text: message });
      else if (userId && channel) await args.client.chat.postEphemeral({ channel, user: userId, text: message });
      else if (userId && kind !== 'command') {
        // A global shortcut, a form answered too late to show its error, or a click in App Home or inside a
        // form has no channel and usually no response_url: a direct message is the only place its person reads.
        const opened = await args.client.conversations.open({ users: userId });
        if (opened.channel?.id) await args.client.chat.postMessage({ channel: opened.channel.id, text: message });
      }
    } catch (error) {
      log.warn({ err: error }, 'could not tell the person why their request was not done');
    }
  }

  const localeHere = async (): Promise<Locale> => (options.localeFor ? options.localeFor().catch(() => options.locale) : options.locale);
  /**
   * The language of what the guard tells the acting person: theirs where they are known and of a team
   * Firebreak serves (a team it is not installed in has no token to ask Slack with), else the workspace's.
   */
  const localeOfSender = async (args: ListenerArgs, refusal?: TeamRefusal | 'malformed_reference'): Promise<Locale> => {
    const { teamId, userId } = who(args.body);
    if (!options.localeOfPerson || refusal === 'no_user' || refusal === 'not_installed' || typeof teamId !== 'string' || typeof userId !== 'string') return localeHere();
    // Bolt hands every listener the request's WebClient.
    return options.localeOfPerson(teamId, userId, args.client as unknown as WebClient).catch(() => localeHere());
  };

  /**
   * A form refused after the deadline's ack closed it: its person is told why by direct message (a form
   * has no channel), with what they typed, never left believing it was saved.
   */
  async function tellLateFormErrors(args: ListenerArgs, errors: Record<string, string>): Promise<void> {
    const userId = text(record(args.body['user'])?.['id']);
    log.warn({ action: who(args.body).action }, 'a form was refused after Slack was answered for it: its person is told by direct message');
    if (!userId) return;
    try {
      const message = lateFormErrorsMessage(await localeOfSender(args), args.body, errors);
      const opened = await args.client.conversations.open({ users: userId });
      if (opened.channel?.id) await args.client.chat.postMessage({ channel: opened.channel.id, text: message });
    } catch (error) {
      log.error({ err: error }, 'could not tell a person their form was refused after it closed');
    }
  }

  function guard(kind: Kind, listener: Listener): Listener {
    return async (args) => {
      let acked = false;
      // Only when the deadline passes, or an interim answer goes first: the fast path writes nothing.
      let kept: Promise<string | null> | undefined;
      /** Acknowledges once; true when this call's answer reached Slack. */
      const answer: AnswerFn = async (response) => {
        if (acked) return false;
        // An interim answer ("Declaring…") says nothing is stored yet: kept first, as at the deadline, so a
        // death before the commit is told at the next start instead of leaving the person waiting for good.
        // Not kept in time: no answer (see the deadline below).
        if (isInterimAnswer(response)) {
          kept ??= keepUnfinished(kind, args.body);
          if (!(await keptOrWaited(kept)) || acked) return false;
        }
        acked = true;
        try {
          await args.ack(response);
          return true;
        } catch (error) {
          // Past 3 s the receiver has answered Slack for us (an empty 200): an ack then has nothing left to
          // say, and must not turn the listener's own outcome (done, or its real error) into this one.
          if ((error as { code?: unknown }).code !== 'ERR_HTTP_HEADERS_SENT') throw error;
          log.debug({ kind, action: who(args.body).action }, 'acknowledged after Slack was answered for it');
          return false;
        }
      };
      const ack: AckFn = async (response) => {
        const reached = await answer(response);
        // Field errors Slack no longer waits for (the deadline's empty answer closed the form): told by direct message.
        const errors = kind === 'view' && !reached ? formErrorsOf(response) : undefined;
        if (errors) await tellLateFormErrors(args, errors);
      };
      const refusal = await refusalFor(args.body).catch((error: unknown) => {
        log.warn({ err: error }, 'could not check the team of a Slack request');
        return { reason: 'no_team' as const, incidentId: null, teamId: null };
      });
      if (refusal) {
        const person = who(args.body);
        options.onRefused?.(kind, refusal.reason);
        log.warn({ kind, action: person.action, team: refusal.teamId, reason: refusal.reason }, 'refused a Slack request for another team or without a user');
        const key = refusal.reason === 'no_user' ? 'ui.guard.no_user' : refusal.reason === 'malformed_reference' ? 'ui.guard.malformed' : 'ui.guard.other_team';
        await explain(kind, args, answer, t(await localeOfSender(args, refusal.reason), key, {}));
        if (refusal.reason !== 'malformed_reference') {
          await options
            .audit({
              userId: typeof person.userId === 'string' ? storableText(person.userId, 100) : null,
              action: storableText(`${kind}:${person.action}`, 150),
              reason: refusal.reason,
              incidentId: refusal.incidentId,
              teamId: refusal.teamId === null ? null : storableText(refusal.teamId, 100),
            })
            .catch((error: unknown) => log.error({ err: error }, 'could not audit a refused Slack request'));
        }
        return;
      }
      // Text Slack never sends (NUL bytes, lone surrogates) is cleaned before a listener stores or echoes it.
      cleanStrings(args.body);
      emptyMistypedValues(args.body);
      let failedAfterDeadline: string | undefined;
      const deadline = setTimeout(() => {
        if (acked) return;
        log.warn({ kind, action: who(args.body).action }, `a listener had not acknowledged after ${ACK_DEADLINE_MS} ms: acknowledged for it`);
        kept ??= keepUnfinished(kind, args.body);
        void keptOrWaited(kept)
          .then((keptInTime) => {
            if (keptInTime) return ack();
            // Neither done nor kept (the database stalls): an acknowledgement now would say it was taken,
            // and a death before the commit would lose it untold. Unanswered, Slack tells the person it did
            // not go through (a form stays open with its text), so they can try again.
            log.error({ kind, action: who(args.body).action }, 'a request was neither done nor kept in time: left unacknowledged, so Slack tells its person it did not go through');
          })
          .catch(() => undefined);
      }, ACK_DEADLINE_MS);
      try {
        await listener({ ...args, ack });
      } catch (error) {
        options.onListenerFailed?.(kind);
        const expected = isFirebreakError(error) && (error.code === 'input_invalid' || error.code === 'not_found' || error.code === 'forbidden');
        // Slack refusing a call (an expired trigger_id, a channel the person is not in) is Slack's answer, not a fault here.
        const slackRefusal = (error as { code?: unknown }).code === 'slack_webapi_platform_error';
        if (isFirebreakError(error) && error.code === 'slack_unavailable') log.warn({ kind, action: who(args.body).action, error: error.message }, 'Slack did not answer a question a request needed: nothing was done');
        else if (slackRefusal) log.warn({ kind, action: who(args.body).action, error: (error as { data?: { error?: string } }).data?.error }, 'Slack refused a call a listener made');
        else if (expected) log.warn({ kind, action: who(args.body).action, error: error.message }, 'a Slack request could not be done');
        else log.error({ err: error, kind, action: who(args.body).action }, 'Slack listener failed');
        // Slack not answering a question the request needs (who is in a user group) is not a fault here
        // either; it is said even after a decision button's ack, which comes whatever the decision did.
        const slackSilent = isFirebreakError(error) && error.code === 'slack_unavailable';
        // Acknowledged at the deadline, then failed: no answer reaches the person any more (a command's or a
        // modal's went with the ack), so the kept request tells them, by direct message. A button's or a
        // shortcut's ack says nothing (a decision button acknowledges whatever its decision did, a shortcut
        // is acknowledged before its work), so its failure is told after it.
        const bareAck = (kind === 'action' || kind === 'shortcut') && !kept;
        if (wasToldToPerson(error)) {
          if (!acked) await ack().catch(() => undefined);
        } else if (!acked || slackSilent || kept || bareAck) {
          const locale = await localeOfSender(args);
          const text = expected ? t(locale, 'ui.guard.invalid', { detail: (error as Error).message.slice(0, 200) }) : slackSilent ? t(locale, 'ui.guard.slack_unavailable', {}) : t(locale, 'ui.guard.failed', {});
          if (!acked || slackSilent || bareAck) await explain(kind, args, answer, text).catch(() => undefined);
          else failedAfterDeadline = text;
        }
      } finally {
        clearTimeout(deadline);
        // A request that could not be kept (the database stalled) is not told at the next start: told now.
        if (kept && failedAfterDeadline !== undefined && (await kept) === null) await explain(kind, args, answer, failedAfterDeadline).catch(() => undefined);
        else if (kept) await settleUnfinished(kept, args.body, failedAfterDeadline);
      }
    };
  }

  /**
   * Whether the kept row landed within KEEP_WAIT_MS (a slow database must not cost Slack's 3 s); true when
   * nothing keeps requests.
   */
  async function keptOrWaited(kept: Promise<string | null>): Promise<boolean> {
    if (!options.unfinished) return true;
    let waited: NodeJS.Timeout | undefined;
    const wait = new Promise<false>((resolve) => (waited = setTimeout(() => resolve(false), KEEP_WAIT_MS)));
    return Promise.race([kept.then((id) => id !== null), wait]).finally(() => clearTimeout(waited));
  }

  /** Keeps what the person did (never the payload) before the deadline's ack; null when it could not be kept. */
  async function keepUnfinished(kind: Kind, body: Body): Promise<string | null> {
    if (!options.unfinished) return null;
    const person = who(body);
    const stored = (value: unknown) => (typeof value === 'string' ? storableText(value, 200) : null);
    try {
      return await options.unfinished.keep({
        kind,
        action: storableText(person.action, 100),
        teamId: stored(person.teamId),
        userId: stored(person.userId),
        channelId: stored(record(body['channel'])?.['id'] ?? body['channel_id']),
        incidentIds: namedIncidentIds(body).filter((id) => STORABLE_ID.test(id)),
      });
    } catch (error) {
      log.error({ err: error, kind, action: person.action }, 'could not keep a request acknowledged before its listener finished: acknowledged anyway (Slack gives up at 3 s)');
      return null;
    }
  }

  /** The listener finished: its kept request goes, or, when it failed unexplained, tells its person why. */
  async function settleUnfinished(kept: Promise<string | null>, body: Body, failure: string | undefined): Promise<void> {
    const id = await kept;
    if (id === null || !options.unfinished) return;
    if (failure !== undefined) {
      const { teamId, userId } = who(body);
      await options.unfinished
        .failed(id, { teamId: typeof teamId === 'string' ? teamId : null, userId: typeof userId === 'string' ? userId : null }, failure)
        .catch((error: unknown) => log.warn({ err: error, id }, 'could not tell a person their request failed after it was acknowledged: told at the next start'));
      return;
    }
    await options.unfinished.finished(id).catch((error: unknown) => log.warn({ err: error, id }, 'could not drop a finished request from the unfinished ones: its person may be told it was not done'));
  }

  // Registration methods wrap the listener (the last function); middleware before it runs unguarded.
  for (const [method, kind] of [
    ['action', 'action'],
    ['view', 'view'],
    ['command', 'command'],
    ['shortcut', 'shortcut'],
  ] as const) {
    const register = (app[method] as (...args: unknown[]) => unknown).bind(app);
    Object.defineProperty(app, method, {
      configurable: true,
      value: (...args: unknown[]) => {
        const last = args.length - 1;
        if (typeof args[last] === 'function') args[last] = guard(kind, args[last] as Listener);
        return register(...args);
      },
    });
  }

  // Events are acknowledged by Bolt on arrival: one from a team Firebreak is not installed in is dropped.
  const events: Middleware<AnyMiddlewareArgs> = async (args) => {
    const { body, next } = args;
    const envelope = body as Body;
    // Bolt takes any body with an `event` for an event, whatever its `type` says.
    if (envelope['event'] === undefined) {
      // A request no listener matches (an unknown callback_id, a view_closed) is acknowledged once
      // every listener has run: a second ack of one already acknowledged is refused by Bolt, and ignored.
      const ack = (args as { ack?: AckFn }).ack;
      await next();
      await ack?.().catch(() => undefined);
      return;
    }
    const teamId = text(envelope['team_id']);
    if (teamId && (await options.isInstalled(teamId)) !== false) return next();
    options.onRefused?.('event', 'not_installed');
    log.warn({ team: teamId, eventId: text(envelope['event_id']) }, 'dropped an event from a team Firebreak is not installed in');
  };
  app.use(events);
}
