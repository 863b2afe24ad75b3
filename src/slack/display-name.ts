// A person's name as Slack shows it, for text that cannot mention them (modal errors, quotes, exports).
import type { WebClient } from '@slack/web-api';

/** Display name, else real name, else handle (users.info); null when Slack does not say. */
export async function displayNameOf(client: WebClient, userId: string): Promise<string | null> {
  const user = await client.users.info({ user: userId }).catch(() => undefined);
  return user?.user?.profile?.display_name || user?.user?.real_name || user?.user?.name || null;
}
