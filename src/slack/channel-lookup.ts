// Which channel of the workspace (of the token in scope) has a name now: Slack's conversations.list,
// archived channels included (an archived alerts channel is still the one meant; its writes wait).
import type { WebClient } from '@slack/web-api';

export async function channelNamed(client: WebClient, name: string): Promise<{ id: string; name: string } | null> {
  for await (const page of client.paginate('conversations.list', { types: 'public_channel,private_channel', limit: 200 })) {
    const found = ((page as { channels?: { id?: string; name?: string }[] }).channels ?? []).find((channel) => channel.name === name && typeof channel.id === 'string');
    if (found) return { id: found.id!, name };
  }
  return null;
}

/**
 * Slack's channel now (conversations.info): its name and whether it is archived; null when Slack does not
 * know it (deleted, another workspace's, private without the bot). Other failures throw.
 */
export async function channelNow(client: WebClient, channelId: string): Promise<{ name: string; archived: boolean } | null> {
  try {
    const answer = await client.conversations.info({ channel: channelId });
    const name = answer.channel?.name;
    return typeof name === 'string' ? { name, archived: answer.channel?.is_archived === true } : null;
  } catch (error) {
    if ((error as { data?: { error?: string } }).data?.error === 'channel_not_found') return null;
    throw error;
  }
}

/**
 * Whether the bot can see a channel (conversations.info): `not_visible` only on Slack's definite
 * channel_not_found (a private channel it was not invited to, another workspace's, a mistyped id);
 * `archived` when it can see it but nothing can be posted there until it is unarchived; `unanswered` when
 * Slack failed or did not answer within `waitMs`, which must never refuse.
 */
export async function channelVisibleToBot(client: WebClient, channelId: string, waitMs?: number): Promise<'visible' | 'archived' | 'not_visible' | 'unanswered'> {
  const asked = channelNow(client, channelId).then(
    (channel) => (channel ? (channel.archived ? ('archived' as const) : ('visible' as const)) : ('not_visible' as const)),
    () => 'unanswered' as const,
  );
  if (waitMs === undefined) return asked;
  let timer: NodeJS.Timeout | undefined;
  const waited = new Promise<'unanswered'>((resolve) => {
    timer = setTimeout(() => resolve('unanswered'), waitMs);
    timer.unref();
  });
  try {
    return await Promise.race([asked, waited]);
  } finally {
    clearTimeout(timer);
  }
}
