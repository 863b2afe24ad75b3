// `/firebreak help|status|declare|list|watch|unwatch|resolve`. Answers are ephemeral (in the ack).
import type { App, RespondArguments } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { t } from '../../i18n/index.js';
import { overviewOf, resolve, SEVERITIES } from '../../domain/incidents/index.js';
import { loadIncident } from '../../store/repositories/incidents.js';
import { declareUsageMessage, helpMessage, incidentListMessage, unknownCommandMessage, type IncidentListItem } from '../blocks/commands.js';
import { refusalMessage } from '../blocks/commands.js';
import { parseChannelArg, parseDeclareArgs, type ChannelArg } from './command-args.js';
import type { SlackServices } from './services.js';

function ephemeral(message: { text: string; blocks?: unknown[] }): RespondArguments {
  return { response_type: 'ephemeral', text: message.text, ...(message.blocks ? { blocks: message.blocks as never } : {}) };
}

function plain(text: string): RespondArguments {
  return { response_type: 'ephemeral', text };
}

export function registerCommandListeners(app: App, services: SlackServices): void {
  const { locale } = services;

  /** A channel typed as `#name` is looked up among the watched channels, then in Slack's list. */
  async function resolveChannel(arg: ChannelArg, workspaceId: string, client: WebClient): Promise<{ id: string; name: string | null } | null> {
    if (arg.id !== null) return { id: arg.id, name: arg.name };
    const watched = await services.prisma.watchedChannel.findFirst({ where: { workspaceId, name: arg.name }, select: { channelId: true } });
    if (watched) return { id: watched.channelId, name: arg.name };
    for await (const page of client.paginate('conversations.list', { types: 'public_channel,private_channel', exclude_archived: true, limit: 200 })) {
      const found = ((page as { channels?: { id?: string; name?: string }[] }).channels ?? []).find((channel) => channel.name === arg.name);
      if (found?.id) return { id: found.id, name: arg.name };
    }
    return null;
  }

  const unknownChannel = (name: string) => t(locale, 'ui.declare.unknown_channel', { name });

  async function listIncidents(workspaceId: string, onlyOpen: boolean): Promise<IncidentListItem[]> {
    const rows = await services.prisma.incident.findMany({
      where: { workspaceId, ...(onlyOpen ? { status: { not: 'resolved' } } : {}) },
      orderBy: { openedAt: 'desc' },
      take: onlyOpen ? 45 : 20,
      select: { id: true },
    });
    const items: IncidentListItem[] = [];
    for (const row of rows) {
      const record = await loadIncident(services.prisma, row.id);
      if (!record) continue;
      const { state } = record;
      const { policy } = await services.incidents.policyFor(state.incident.playbookId);
      const overview = overviewOf(state, policy, services.clock);
      items.push({
        number: state.incident.number,
        severity: state.incident.severity,
        status: state.incident.status,
        channelId: state.incident.channelId,
        channelName: (await services.channelName(state.incident.channelId)) ?? state.incident.channelId,
        leadUserId: state.incident.leadUserId,
        openedAt: state.incident.openedAt,
        drill: state.incident.drill,
        checklistDone: overview.checklistDone,
        checklistTotal: overview.checklistTotal,
        overdueSteps: overview.overdueSteps.length,
        draftsInReview: overview.draftsInReview.length,
      });
    }
    return items;
  }

  app.command('/firebreak', async ({ command, ack, respond, client }) => {
    const [subcommand = 'help', ...rest] = command.text.trim().split(/\s+/).filter(Boolean);
    const workspaceId = await services.workspaceId(command.team_id);
    switch (subcommand.toLowerCase()) {
      case 'help':
        await ack(ephemeral(helpMessage(locale, command.command)));
        return;
      case 'status':
        await ack(ephemeral(incidentListMessage(await listIncidents(workspaceId, true), locale, services.clock.now())));
        return;
      case 'list':
        await ack(ephemeral(incidentListMessage(await listIncidents(workspaceId, false), locale, services.clock.now())));
        return;
      case 'declare': {
        const args = parseDeclareArgs(rest);
        const channel = args.channel ? await resolveChannel(args.channel, workspaceId, client) : null;
        const problem =
          args.channel?.id === null && !channel
            ? unknownChannel(args.channel.name)
            : !channel
              ? t(locale, 'ui.declare.channel_missing', {})
              : args.badSeverity
                ? t(locale, 'ui.declare.bad_severity', { severities: SEVERITIES.join(', ') })
                : !args.summary
                  ? t(locale, 'ui.declare.summary_missing', {})
                  : null;
        if (problem || !channel) {
          await ack(ephemeral(declareUsageMessage(locale, problem ?? undefined, command.command)));
          return;
        }
        const { severity, summary, drill } = args;
        await ack(plain(t(locale, 'ui.declare.declaring', {})));
        const channelName = channel.name ?? (await services.channelName(channel.id));
        const { incidentId, opened } = await services.incidents.declare({ workspaceId, channelId: channel.id, channelName, severity, summary, actorUserId: command.user_id, drill });
        const record = await loadIncident(services.prisma, incidentId);
        const number = record?.state.incident.number ?? '?';
        services.logger.info({ incidentId, opened, drill, user: command.user_id }, 'incident declared');
        await respond(
          plain(
            opened
              ? drill
                ? t(locale, 'ui.declare.drill_declared', { number: String(number), channel: `<#${channel.id}>` })
                : t(locale, 'ui.declare.declared', { number: String(number), channel: `<#${channel.id}>` })
              : t(locale, 'ui.declare.already_open', { number: String(number), channel: `<#${channel.id}>` }),
          ),
        );
        return;
      }
      case 'watch':
      case 'unwatch': {
        const arg = parseChannelArg(rest[0]);
        const channel = arg ? await resolveChannel(arg, workspaceId, client) : null;
        if (!channel) {
          const usage = t(locale, 'ui.watch.usage', { command: command.command, subcommand });
          await ack(plain(arg?.id === null ? `${unknownChannel(arg.name)}\n${usage}` : usage));
          return;
        }
        const active = subcommand === 'watch';
        await services.prisma.watchedChannel.upsert({
          where: { workspaceId_channelId: { workspaceId, channelId: channel.id } },
          create: { workspaceId, channelId: channel.id, name: channel.name, watchedBy: 'command', active },
          update: { active, ...(channel.name ? { name: channel.name } : {}) },
        });
        services.watcher.forgetChannels();
        await ack(plain(t(locale, active ? 'ui.watch.started' : 'ui.watch.stopped', { channel: `<#${channel.id}>` })));
        if (active && channel.id.startsWith('C')) {
          // Public channels can be joined by the bot itself; private ones need an invitation.
          await client.conversations.join({ channel: channel.id }).catch((error: unknown) => services.logger.warn({ err: error, channel: channel.id }, 'could not join channel'));
        }
        return;
      }
      case 'resolve': {
        const number = Number((rest[0] ?? '').replace(/^#/, ''));
        const summary = rest.slice(1).join(' ').trim();
        const row = Number.isInteger(number) ? await services.prisma.incident.findFirst({ where: { workspaceId, number }, select: { id: true } }) : null;
        if (!row || !summary) {
          await ack(plain(t(locale, 'ui.resolve.usage', { command: command.command })));
          return;
        }
        const outcome = await services.incidents.decide(row.id, (state, policy, clock) => resolve(state, { actorUserId: command.user_id, summary }, policy, clock));
        await ack(outcome.ok ? plain(t(locale, 'ui.resolve.done', { number })) : ephemeral(refusalMessage(outcome.refusal, locale)));
        return;
      }
      default:
        await ack(ephemeral(unknownCommandMessage(locale, subcommand, command.command)));
    }
  });
}
