// `/firebreak help|status|declare|list|watch|unwatch|alerts|resolve`, or their Spanish words (command-words.ts)
// in any language. Answers are ephemeral (in the ack).
// help is open to everyone; the rest only to the people who operate Firebreak here (runtime.ts mayOperate).
import type { App, RespondArguments, SlashCommand } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { t, type Locale } from '../../i18n/index.js';
import { incidentNumberWritten, resolve, SEVERITIES } from '../../domain/incidents/index.js';
import { declareUsageMessage, helpMessage, incidentListMessage, unknownCommandMessage } from '../blocks/commands.js';
import { refusalMessage } from '../blocks/commands.js';
import { parseChannelArg, parseDeclareArgs, type ChannelArg } from './command-args.js';
import { answerLocale, operatorRefusalText, type SettingsChangeOutcome, type SlackServices } from './services.js';
import { ACK_DEADLINE_MS, interimAnswer } from '../listener-guard.js';
import { closestCommandWord, commandAtStart, COMMAND_NAMES, type CommandName } from '../command-words.js';
import { typedFromCommandText } from '../text.js';
import { channelVisibleToBot } from '../channel-lookup.js';

function ephemeral(message: { text: string; blocks?: unknown[] }): RespondArguments {
  return { response_type: 'ephemeral', text: message.text, ...(message.blocks ? { blocks: message.blocks as never } : {}) };
}

function plain(text: string): RespondArguments {
  return { response_type: 'ephemeral', text };
}

/**
 * How long any command may take before an interim answer goes ("Declaring…", "Slack is slow… still
 * working on it") and the result follows through response_url: just under the listener guard's 2 s
 * (ACK_DEADLINE_MS), counted from when the command reached the listener, so an answer that waited out
 * the admin check's 1.5 s (a refusal saying Slack did not confirm) still goes in the ack. The guard's
 * own ack at its deadline says nothing, and an answer after it would be lost: the person would not
 * know what was done.
 */
const INTERIM_ANSWER_AFTER_MS = ACK_DEADLINE_MS - 250;

/** One command's answer: in its ack while Slack still waits for it, else after an interim answer. */
interface CommandAnswer {
  /** The result: in the ack, or through response_url once the interim answer has gone. */
  send(response: RespondArguments): Promise<void>;
  /** What the interim answer says from now on (in the person's language once it is known). */
  interim(text: string): void;
  /** The command is over (answered, or failed for the listener guard to explain): no interim answer any more. */
  stop(): void;
}

/**
 * Acknowledged means the answer is final, or said to follow: Slack never sends an acknowledged command
 * again, and what a command waits on (Slack saying who the person is or whether a channel is usable,
 * a commit) may take longer than Slack waits. `fallbackInterim` words the interim answer while the
 * person's language is not known yet (Slack has not said who they are).
 */
function commandAnswer(
  io: { ack: (response: RespondArguments) => Promise<void>; respond: (response: RespondArguments) => Promise<unknown>; receivedAt: number },
  fallbackInterim: () => Promise<string>,
): CommandAnswer {
  let interimText: string | undefined;
  let interimSent: Promise<void> | undefined;
  const timer = setTimeout(
    () => {
      // Interim: the guard keeps the request first, so a death before the result is told, never silent.
      interimSent = (async () => io.ack(interimAnswer(plain(interimText ?? (await fallbackInterim())))))().catch(() => undefined);
    },
    Math.max(0, INTERIM_ANSWER_AFTER_MS - (performance.now() - io.receivedAt)),
  );
  return {
    async send(response) {
      clearTimeout(timer);
      if (!interimSent) return io.ack(response);
      // After the interim answer, never before it: the result is the last thing the person reads.
      await interimSent;
      await io.respond(response);
    },
    interim: (text) => void (interimText = text),
    stop: () => clearTimeout(timer),
  };
}

/** How long declare, watch and alerts wait for Slack to say whether the bot can see the channel: the rest of the 3 s is the declaring's. */
const VISIBILITY_WAIT_MS = 800;

/** Every subcommand that changes what Firebreak does or shows incidents (all but help and unknown words), by its English name: an alias is refused the same. */
const OPERATOR_ONLY: ReadonlySet<CommandName> = new Set(['status', 'list', 'declare', 'watch', 'unwatch', 'alerts', 'resolve']);

/** What `/firebreak declare` answers: declared (a drill, a real one, one whose "drill" came too late), or continued. */
function declareAnswer(
  locale: Locale,
  p: { opened: boolean; drill: boolean; drillWordInSummary: boolean; openIsReal: boolean; number: string; channel: string; command: string },
): string {
  const { number, channel } = p;
  if (p.opened && p.drill) return t(locale, 'ui.declare.drill_declared', { number, channel });
  if (p.opened && p.drillWordInSummary) return t(locale, 'ui.declare.declared_real_not_drill', { number, channel, command: p.command });
  if (p.opened) return t(locale, 'ui.declare.declared', { number, channel });
  // A real declaration opens beside an open drill; a drill is never declared over a real incident.
  if (p.drill && p.openIsReal) return t(locale, 'ui.declare.open_is_real', { number, channel });
  return t(locale, 'ui.declare.already_open', { number, channel });
}

export function registerCommandListeners(app: App, services: SlackServices): void {
  /** A channel typed as `#name` is looked up among the watched channels, then in Slack's list. */
  async function resolveChannel(arg: ChannelArg, workspaceId: string, client: WebClient): Promise<{ id: string; name: string | null } | null> {
    if (arg.id !== null) return { id: arg.id, name: arg.name };
    const watched = await services.watcher.channelIdNamed(workspaceId, arg.name);
    if (watched) return { id: watched, name: arg.name };
    for await (const page of client.paginate('conversations.list', { types: 'public_channel,private_channel', exclude_archived: true, limit: 200 })) {
      const found = ((page as { channels?: { id?: string; name?: string }[] }).channels ?? []).find((channel) => channel.name === arg.name);
      if (found?.id) return { id: found.id, name: arg.name };
    }
    return null;
  }

  const unknownChannel = (locale: Locale, name: string) => t(locale, 'ui.declare.unknown_channel', { name });

  app.command('/firebreak', async ({ command, ack, respond, client }) => {
    // `estado` is `status`: the Spanish word is checked, refused and audited as the English one.
    const { word: subcommand, name, rest } = commandAtStart(command.text.trim().split(/\s+/).filter(Boolean));
    const running = `${command.command} ${name ?? subcommand}`.trim();
    const answer = commandAnswer({ ack, respond, receivedAt: performance.now() }, async () =>
      t(await services.localeFor(command.team_id).catch(() => services.locale), 'ui.command.working', { command: running }),
    );
    try {
      await answerCommand(command, client, answer, { subcommand, name, rest, running });
    } finally {
      answer.stop();
    }
  });

  async function answerCommand(
    command: SlashCommand,
    client: WebClient,
    answer: CommandAnswer,
    { subcommand, name, rest, running }: { subcommand: string; name: CommandName | null; rest: string[]; running: string },
  ): Promise<void> {
    const ack = (response: RespondArguments) => answer.send(response);
    const workspaceId = await services.workspaceId(command.team_id);
    // Only the community team operates Firebreak: a member is refused before anything is read or changed.
    const refused = name !== null && OPERATOR_ONLY.has(name) ? await services.refuseNonOperator(command.team_id, command.user_id, `command:${command.command} ${name}`, client) : null;
    // Only this person reads the answer (the admin check's users.info answer gives their language).
    const locale = await answerLocale(services, { teamId: command.team_id, userId: command.user_id, client }, refused);
    answer.interim(t(locale, 'ui.command.working', { command: running }));
    if (refused) {
      await ack(plain(operatorRefusalText(locale, refused)));
      return;
    }
    switch (name) {
      case 'help':
        await ack(ephemeral(helpMessage(locale, command.command)));
        return;
      case 'status':
        await ack(ephemeral(incidentListMessage(await services.incidents.overviews(workspaceId, true), locale, services.clock.now())));
        return;
      case 'list':
        // The latest incidents, resolved ones too (`status` shows every open one).
        await ack(ephemeral(incidentListMessage(await services.incidents.overviews(workspaceId, false), locale, services.clock.now(), 'recent')));
        return;
      case 'declare': {
        const args = parseDeclareArgs(rest);
        const channel = args.channel ? await resolveChannel(args.channel, workspaceId, client) : null;
        // Where incidents are posted is staff's channel, never a community one: no incident is declared on it.
        // (An alerts channel that is watched by mistake is a community channel: declaring there is allowed.)
        const onAlertsChannel = channel !== null && (await services.isStaffAlertsChannel?.(command.team_id, channel.id)) === true;
        const problem =
          args.channel?.id === null && !channel
            ? unknownChannel(locale, args.channel.name)
            : !channel
              ? t(locale, 'ui.declare.channel_missing', {})
              : onAlertsChannel
                ? t(locale, 'ui.declare.alerts_channel', { channel: `<#${channel.id}>` })
                : args.badSeverity
                  ? t(locale, 'ui.declare.bad_severity', { severities: SEVERITIES.join(', ') })
                  : !args.summary
                    ? t(locale, 'ui.declare.summary_missing', {})
                    : null;
        if (problem || !channel) {
          await ack(ephemeral(declareUsageMessage(locale, problem ?? undefined, command.command)));
          return;
        }
        // A channel the bot cannot see would take no reply: refused now, as `watch` refuses it, not when
        // the first reply fails. A Slack that does not answer never stops a team declaring a crisis.
        const visibility = await channelVisibleToBot(client, channel.id, VISIBILITY_WAIT_MS);
        if (visibility === 'not_visible' || visibility === 'archived') {
          await ack(plain(t(locale, visibility === 'archived' ? 'ui.declare.archived' : 'ui.declare.not_visible', { channel: `<#${channel.id}>` })));
          return;
        }
        if (visibility === 'unanswered') services.logger.warn({ channel: channel.id }, 'Slack did not say whether the bot can see the declared channel; declaring anyway');
        const { severity, drill } = args;
        // Stored as typed (as the resolve modal stores its summary): escaped only where it is rendered.
        const summary = typedFromCommandText(args.summary);
        // Acknowledged means declared: Slack never sends an acknowledged command again, so the answer
        // waits for the commit. Only when that takes longer than Slack waits does "Declaring…" go first.
        answer.interim(t(locale, 'ui.declare.declaring', {}));
        const channelName = channel.name ?? (await services.channelName(channel.id));
        const { incidentId, opened } = await services.incidents.declare({ workspaceId, channelId: channel.id, channelName, severity, summary, actorUserId: command.user_id, drill });
        const record = await services.incidents.find(incidentId);
        const number = record?.state.incident.number ?? '?';
        services.logger.info({ incidentId, opened, drill, user: command.user_id }, 'incident declared');
        const declaredText = declareAnswer(locale, {
            opened,
            drill,
            drillWordInSummary: args.drillWordInSummary,
            openIsReal: record ? !record.state.incident.drill : false,
            number: String(number),
            channel: `<#${channel.id}>`,
            command: command.command,
          });
        await ack(plain(visibility === 'unanswered' ? `${declaredText}\n:warning: ${t(locale, 'ui.declare.visibility_unchecked', { channel: `<#${channel.id}>` })}` : declaredText));
        return;
      }
      case 'watch':
      case 'unwatch': {
        const arg = parseChannelArg(rest[0]);
        const channel = arg ? await resolveChannel(arg, workspaceId, client) : null;
        if (!channel) {
          const usage = t(locale, 'ui.watch.usage', { command: command.command, subcommand });
          await ack(plain(arg?.id === null ? `${unknownChannel(locale, arg.name)}\n${usage}` : usage));
          return;
        }
        const active = name === 'watch';
        // Watched but unseen, or archived (nobody can post there), a channel would never deliver a message:
        // refused, saying what to do, and audited. Unwatching is always allowed (cleaning up after a channel
        // the bot has left). As for declare, a Slack that does not answer in time never stops it: watched, with a warning.
        const visibility = active ? await channelVisibleToBot(client, channel.id, VISIBILITY_WAIT_MS) : 'visible';
        if (visibility === 'not_visible' || visibility === 'archived') {
          await services.watcher.recordWatchRefused({ workspaceId, channelId: channel.id, name: channel.name }, command.user_id, visibility);
          await ack(plain(t(locale, visibility === 'archived' ? 'ui.watch.archived' : 'ui.watch.not_visible', { channel: `<#${channel.id}>` })));
          return;
        }
        if (visibility === 'unanswered') services.logger.warn({ channel: channel.id }, 'Slack did not say whether the bot can see the watched channel; watching anyway');
        await services.watcher.setWatched({ workspaceId, channelId: channel.id, name: channel.name, active }, command.user_id);
        // Watching the alerts channel makes it a community channel: nothing internal is posted there any more.
        const alsoAlerts = active && (await services.isAlertsChannel?.(command.team_id, channel.id));
        const lines = [t(locale, active ? 'ui.watch.started' : 'ui.watch.stopped', { channel: `<#${channel.id}>` })];
        if (alsoAlerts) lines.push(`:no_entry: ${t(locale, 'ui.watch.alerts_channel', { channel: `<#${channel.id}>` })}`);
        if (visibility === 'unanswered') lines.push(`:warning: ${t(locale, 'ui.watch.visibility_unchecked', { channel: `<#${channel.id}>` })}`);
        await ack(plain(lines.join('\n')));
        if (active && channel.id.startsWith('C')) {
          // Public channels can be joined by the bot itself; private ones need an invitation.
          await client.conversations.join({ channel: channel.id }).catch((error: unknown) => services.logger.warn({ err: error, channel: channel.id }, 'could not join channel'));
        }
        // No longer watched, an alerts channel is safe again: incidents held there are raised now.
        if (!active) {
          await services.incidents
            .raiseHeldIncidents(workspaceId)
            .catch((error: unknown) => services.logger.error({ err: error, channel: channel.id }, 'could not raise held incidents after a channel was unwatched'));
        }
        return;
      }
      case 'alerts': {
        const arg = parseChannelArg(rest[0]);
        const channel = arg && services.updateWorkspaceSettings ? await resolveChannel(arg, workspaceId, client) : null;
        if (!channel || !services.updateWorkspaceSettings) {
          await ack(plain(t(locale, 'ui.alerts.usage', { command: command.command })));
          return;
        }
        // A channel the bot cannot see would take every alert without a word, and nothing can be posted in an
        // archived one: refused (and audited) by the settings change, saying what to do. As for watch, a Slack
        // that does not answer in time never stops it (past Slack's 3 s the person would get no answer at all): set, with a warning.
        const visibility = await channelVisibleToBot(client, channel.id, VISIBILITY_WAIT_MS);
        if (visibility === 'unanswered') services.logger.warn({ channel: channel.id }, 'Slack did not say whether the bot can post in the chosen alerts channel; set anyway');
        const unusable = visibility === 'not_visible' || visibility === 'archived' ? visibility : undefined;
        const outcome = await services.updateWorkspaceSettings(command.team_id, command.user_id, { alertsChannel: channel.id }, client, unusable);
        if (outcome !== 'accepted') {
          const refusals: Record<Exclude<SettingsChangeOutcome, 'accepted'>, string> = {
            'refused:not_admin': t(locale, 'ui.settings.refused', {}),
            'refused:slack_unavailable': t(locale, 'ui.settings.unconfirmed', {}),
            'refused:watched_community_channel': t(locale, 'ui.alerts.refused_watched', { channel: `<#${channel.id}>` }),
            'refused:archived': t(locale, 'ui.alerts.archived', { channel: `<#${channel.id}>` }),
            'refused:not_visible': t(locale, 'ui.alerts.not_visible', { channel: `<#${channel.id}>` }),
          };
          await ack(plain(refusals[outcome]));
          return;
        }
        const set = t(locale, 'ui.alerts.set', { channel: `<#${channel.id}>` });
        await ack(plain(visibility === 'unanswered' ? `${set}\n:warning: ${t(locale, 'ui.alerts.visibility_unchecked', { channel: `<#${channel.id}>` })}` : set));
        if (channel.id.startsWith('C')) await client.conversations.join({ channel: channel.id }).catch((error: unknown) => services.logger.warn({ err: error, channel: channel.id }, 'could not join the alerts channel'));
        return;
      }
      case 'resolve': {
        // Digits only ("3" or "#3"): Number() also reads "0x3", "3e0" and "3.0", which name no incident as written.
        const number = incidentNumberWritten(rest[0] ?? '');
        const summary = typedFromCommandText(rest.slice(1).join(' ')).trim();
        const incidentId = number !== null ? await services.incidents.idNumbered(workspaceId, number) : null;
        if (number !== null && !incidentId) {
          await ack(plain(t(locale, 'ui.resolve.unknown', { number })));
          return;
        }
        if (number === null || !incidentId || !summary) {
          await ack(plain(t(locale, 'ui.resolve.usage', { command: command.command })));
          return;
        }
        const outcome = await services.incidents.decide(incidentId, (state, policy, clock) => resolve(state, { actorUserId: command.user_id, summary }, policy, clock));
        // A refusal is worded in the incident's language (as in its thread and audit): its footer too.
        await ack(outcome.ok ? plain(t(locale, 'ui.resolve.done', { number })) : ephemeral(refusalMessage(outcome.refusal, outcome.incident?.locale ?? locale)));
        return;
      }
      default: {
        // Only a command this person may run is suggested: a member is never pointed at one they would be refused.
        const runnable = (await services.mayOperate(command.team_id, command.user_id, client)) ? COMMAND_NAMES : COMMAND_NAMES.filter((candidate) => !OPERATOR_ONLY.has(candidate));
        await ack(ephemeral(unknownCommandMessage(locale, subcommand, command.command, closestCommandWord(subcommand, locale, runnable))));
      }
    }
  }
}
