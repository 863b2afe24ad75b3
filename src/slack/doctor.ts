// `firebreak doctor`: checks a live Slack configuration the way Firebreak will use it, and says what to
// fix, one line per problem: the bot token, its scopes (those manifest.json asks for), the alerts
// channel, the bot's membership of the watched channels, and the Socket Mode connection.
import { readFileSync } from 'node:fs';
import { WebClient } from '@slack/web-api';
import WebSocket from 'ws';
import { channelNamed } from './channel-lookup.js';
import { describeSlackFailure } from './link.js';

export interface DoctorInput {
  botToken: string;
  appToken?: string;
  apiUrl?: string;
  alertsChannel?: string;
  /** Channel IDs Firebreak watches (from the database), with their names when known. */
  watchedChannels: { id: string; name?: string | null }[];
  /** Bot scopes the app needs (manifest.json's oauth_config.scopes.bot). */
  requiredScopes: readonly string[];
  /** How long the Socket Mode check waits for `hello`. */
  socketTimeoutMs?: number;
  /** OAuth installs: the workspace whose stored token this is (the lines name it and say to reinstall). */
  workspace?: string;
  /** Playbooks that name their own alerts channel (ID or name). */
  playbookAlertsChannels?: { playbookId: string; channel: string }[];
  /**
   * Whether a channel is one Firebreak watches as a community channel (the domain's rule, given the
   * database's watched rows and the playbooks): such a channel may never be an alerts channel.
   */
  isWatched?(channel: { id: string; name: string | null }): Promise<boolean>;
  /** The channel a name given as alertsChannel was bound to when Firebreak first resolved it (the database's NamedChannel row). */
  namedChannel?(name: string): Promise<{ channelId: string; currentName: string; deletedAt?: number | null } | null>;
}

export interface DoctorReport {
  /** What to fix, one line each. Empty when everything checked is fine. */
  problems: string[];
  /** What was checked and found fine. */
  fine: string[];
}

/** The bot scopes manifest.json declares: what `firebreak doctor` expects the token to have. */
export function manifestBotScopes(manifestPath = new URL('../../manifest.json', import.meta.url)): string[] {
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { oauth_config?: { scopes?: { bot?: string[] } } };
  return manifest.oauth_config?.scopes?.bot ?? [];
}

export async function runDoctor(input: DoctorInput): Promise<DoctorReport> {
  const problems: string[] = [];
  const fine: string[] = [];
  const client = new WebClient(input.botToken, { ...(input.apiUrl ? { slackApiUrl: input.apiUrl } : {}), retryConfig: { retries: 0 } });

  let auth: Awaited<ReturnType<WebClient['auth']['test']>>;
  try {
    auth = await client.auth.test();
  } catch (error) {
    const code = (error as { data?: { error?: string } }).data?.error;
    if (input.workspace) problems.push(`${input.workspace}: its stored bot token does not work (${code ?? describeSlackFailure(error)}); reinstall Firebreak there from /slack/install.`);
    else problems.push(`SLACK_BOT_TOKEN: ${describeSlackFailure(error)}; copy the Bot User OAuth Token (xoxb-…) from the app's OAuth & Permissions page.`);
    if (input.appToken) await checkSocketMode(input, problems, fine);
    return { problems, fine };
  }
  fine.push(`${input.workspace ? `${input.workspace}: ` : ''}bot token works: ${auth.user ?? auth.user_id} in ${auth.team ?? auth.team_id}`);

  const granted = auth.response_metadata?.scopes;
  if (!granted) {
    problems.push('scopes: Slack did not say which scopes the bot token has (no x-oauth-scopes header); compare OAuth & Permissions with manifest.json by hand.');
  } else {
    const missing = input.requiredScopes.filter((scope) => !granted.includes(scope));
    if (missing.length > 0) problems.push(`scopes: the bot token lacks ${missing.join(', ')}; add them under OAuth & Permissions (or re-create the app from manifest.json) and reinstall the app.`);
    else fine.push(`all ${input.requiredScopes.length} scopes of manifest.json are granted`);
  }

  if (!input.alertsChannel) {
    problems.push(
      input.workspace
        ? `${input.workspace}: no alerts channel; choose one in Firebreak's App Home (or /firebreak alerts #channel), unless every playbook names its own.`
        : 'ALERTS_CHANNEL is empty: set it to the ID (C…) of the channel where incident threads go, unless every playbook names its own.',
    );
  } else {
    const what = input.workspace ? `${input.workspace}: alerts channel` : 'ALERTS_CHANNEL';
    const name = await checkChannel(client, input.alertsChannel, what, problems, fine);
    const fix = input.workspace ? 'choose a channel only staff can read in App Home (or /firebreak alerts #channel)' : 'set ALERTS_CHANNEL to a channel only staff can read';
    await checkNotWatched(input, { id: input.alertsChannel, name }, what, fix, problems);
  }
  for (const { playbookId, channel } of input.playbookAlertsChannels ?? []) {
    const byId = /^[CG][A-Z0-9]{2,}$/.test(channel);
    const meant = byId ? { id: channel, name: await channelName(client, channel) } : await checkChannelName(client, input, playbookId, channel.replace(/^#/, ''), problems);
    await checkNotWatched(input, meant, `${input.workspace ? `${input.workspace}: ` : ''}playbook ${playbookId}: alertsChannel`, 'set the playbook\'s alertsChannel to a channel only staff can read, or remove it', problems);
  }
  for (const channel of input.watchedChannels) await checkChannel(client, channel.id, `${input.workspace ? `${input.workspace}: ` : ''}watched channel${channel.name ? ` #${channel.name}` : ''}`, problems, fine);

  if (input.appToken) await checkSocketMode(input, problems, fine);
  return { problems, fine };
}

/** The trust rule: incident threads are internal, so an alerts channel the community reads is a problem. */
async function checkNotWatched(input: DoctorInput, channel: { id: string; name: string | null }, what: string, fix: string, problems: string[]): Promise<void> {
  if (!input.isWatched || !(await input.isWatched(channel))) return;
  problems.push(`${what} (${channel.name ? `#${channel.name}` : channel.id}) is a community channel Firebreak watches: incident threads are internal and are not posted there; ${fix}.`);
}

/**
 * A playbook's alertsChannel given by name (app/named-channels.ts): a name Firebreak bound to a channel
 * Slack has renamed since (incidents still go there, but the playbook says another name), and a name
 * Slack knows no channel by (its incidents wait for a channel). Returns the channel meant, as far as known.
 */
async function checkChannelName(client: WebClient, input: DoctorInput, playbookId: string, name: string, problems: string[]): Promise<{ id: string; name: string | null }> {
  const what = `${input.workspace ? `${input.workspace}: ` : ''}playbook ${playbookId}`;
  const bound = await input.namedChannel?.(name).catch(() => null);
  if (bound?.deletedAt) {
    // Slack deleted the channel the name meant: fine again once a channel has the name (asked below).
    const taken = await channelNamed(client, name).catch(() => null);
    if (taken) return { id: taken.id, name };
    problems.push(`${what} names its alerts channel #${name}, which was deleted in Slack: its incidents wait; create a channel named #${name} (they are posted there) or set alertsChannel to another channel.`);
    return { id: name, name };
  }
  if (bound) {
    // Slack's name now, in case the rename happened while Firebreak was not running; else the one recorded.
    const currentName = (await channelName(client, bound.channelId)) ?? bound.currentName;
    if (currentName !== name)
      problems.push(`${what} names its alerts channel #${name}, which was renamed in Slack to #${currentName}: its incidents still go there; change its alertsChannel to ${currentName} (or the channel ID ${bound.channelId}).`);
    return { id: bound.channelId, name: currentName };
  }
  try {
    const found = await channelNamed(client, name);
    if (found) return { id: found.id, name };
    problems.push(`${what}: alertsChannel #${name}: Slack knows no channel of that name the bot can see, so its incidents wait for one; set alertsChannel to the channel's current name or its ID (C…), and for a private channel invite the bot first.`);
  } catch (error) {
    const code = (error as { data?: { error?: string } }).data?.error;
    problems.push(`${what}: alertsChannel #${name}: could not ask Slack which channel has that name (${code ?? describeSlackFailure(error)})${code === 'missing_scope' ? '; add channels:read and groups:read' : ''}.`);
  }
  return { id: name, name };
}

async function channelName(client: WebClient, channelId: string): Promise<string | null> {
  return (await client.conversations.info({ channel: channelId }).catch(() => undefined))?.channel?.name ?? null;
}

/** Checks a channel the bot must post in; returns its name when Slack told it. */
async function checkChannel(client: WebClient, channelId: string, what: string, problems: string[], fine: string[]): Promise<string | null> {
  try {
    const answer = await client.conversations.info({ channel: channelId });
    const name = answer.channel?.name ? `#${answer.channel.name}` : channelId;
    if (answer.channel?.is_archived) problems.push(`${what} (${name}) is archived: unarchive it or choose another channel.`);
    else if (!answer.channel?.is_member) problems.push(`${what} (${name}): the bot is not a member; invite it there with /invite @Firebreak.`);
    else fine.push(`${what} (${name}) is reachable and the bot is in it`);
    return answer.channel?.name ?? null;
  } catch (error) {
    const code = (error as { data?: { error?: string } }).data?.error;
    if (code === 'channel_not_found') problems.push(`${what} (${channelId}): no such channel the bot can see (channel_not_found); use the channel ID (C…), and for a private channel invite the bot first.`);
    else if (code === 'missing_scope') problems.push(`${what} (${channelId}): the bot token cannot read channels (missing_scope); add channels:read and groups:read.`);
    else problems.push(`${what} (${channelId}): ${describeSlackFailure(error)}.`);
    return null;
  }
}

/** The Socket Mode check alone: with OAuth installs it is run once, not per workspace (the app token is the app's). */
export async function runSocketModeDoctor(input: Pick<DoctorInput, 'appToken' | 'apiUrl' | 'socketTimeoutMs'>): Promise<DoctorReport> {
  const problems: string[] = [];
  const fine: string[] = [];
  if (input.appToken) await checkSocketMode(input, problems, fine);
  return { problems, fine };
}

async function checkSocketMode(input: Pick<DoctorInput, 'appToken' | 'apiUrl' | 'socketTimeoutMs'>, problems: string[], fine: string[]): Promise<void> {
  const client = new WebClient(undefined, { ...(input.apiUrl ? { slackApiUrl: input.apiUrl } : {}), retryConfig: { retries: 0 }, headers: { Authorization: `Bearer ${input.appToken}` } });
  let url: string | undefined;
  try {
    url = (await client.apps.connections.open({})).url;
  } catch (error) {
    const code = (error as { data?: { error?: string } }).data?.error;
    if (code === 'invalid_auth' || code === 'not_authed') problems.push(`SLACK_APP_TOKEN: Slack refused it (${code}); create an app-level token with connections:write under Basic Information → App-Level Tokens.`);
    else if (code === 'not_allowed_token_type') problems.push('SLACK_APP_TOKEN: this is not an app-level token; it must start with xapp- and have connections:write.');
    else problems.push(`SLACK_APP_TOKEN: Socket Mode could not connect (${code ?? describeSlackFailure(error)}); turn Socket Mode on in the app settings, or leave SLACK_APP_TOKEN empty to use HTTP.`);
    return;
  }
  if (!url) {
    problems.push('SLACK_APP_TOKEN: apps.connections.open gave no WebSocket URL.');
    return;
  }
  const outcome = await new Promise<string | undefined>((resolve) => {
    const socket = new WebSocket(url);
    const done = (result: string | undefined) => {
      clearTimeout(timer);
      socket.removeAllListeners();
      socket.on('error', () => undefined);
      socket.terminate();
      resolve(result);
    };
    const timer = setTimeout(() => done(`no hello within ${input.socketTimeoutMs ?? 10_000} ms`), input.socketTimeoutMs ?? 10_000);
    socket.on('message', (data) => {
      const message = JSON.parse(String(data)) as { type?: string };
      if (message.type === 'hello') done(undefined);
    });
    socket.on('error', (error) => done(error.message));
    socket.on('close', () => done('the connection closed before hello'));
  });
  if (outcome) problems.push(`Socket Mode: the WebSocket did not connect (${outcome}); check that outbound WebSocket (wss://) traffic to Slack is allowed.`);
  else fine.push('Socket Mode connects (hello received)');
}
