/**
 * Test helpers around the loopback Slack: a seeded community workspace and a real @slack/web-api
 * WebClient pointed at it. Import from e2e tests as well as unit tests.
 */
import { webApi } from '@slack/bolt';
import type { FakeSlack, FakeSlackOptions } from '../../src/sandbox/slack-api/index.js';
import { startFakeSlack } from '../../src/sandbox/slack-api/index.js';
import type { SlackWorkspace } from '../../src/sandbox/slack-api/index.js';

export interface CommunityIds {
  /** Members who post in #community. */
  alice: string;
  bob: string;
  /** Community staff (in the @community-team group), both in #community and #staff-room. */
  carol: string;
  dave: string;
  /** Public channel the bot is in. */
  community: string;
  /** Public channel the bot is not in. */
  random: string;
  /** Private staff channel the bot is in. */
  staffRoom: string;
  /** Private channel the bot is not in. */
  secret: string;
  staffGroup: string;
}

/** Members, staff, channels and a user group shaped like a small community workspace. */
export function seedCommunity(workspace: SlackWorkspace): CommunityIds {
  const bot = workspace.bot.user_id;
  const alice = workspace.addUser({ name: 'alice', real_name: 'Alice Member' }).id;
  const bob = workspace.addUser({ name: 'bob', real_name: 'Bob Member' }).id;
  const carol = workspace.addUser({ name: 'carol', real_name: 'Carol Staff', is_admin: true }).id;
  const dave = workspace.addUser({ name: 'dave', real_name: 'Dave Staff' }).id;
  const community = workspace.addChannel({ name: 'community', members: [alice, bob, carol, dave, bot], topic: 'Say hi' }).id;
  const random = workspace.addChannel({ name: 'random', members: [alice, bob] }).id;
  const staffRoom = workspace.addChannel({ name: 'staff-room', is_private: true, members: [carol, dave, bot] }).id;
  const secret = workspace.addChannel({ name: 'secret', is_private: true, members: [carol] }).id;
  const staffGroup = workspace.addUserGroup({ handle: 'community-team', name: 'Community team', users: [carol, dave] }).id;
  return { alice, bob, carol, dave, community, random, staffRoom, secret, staffGroup };
}

export interface SeededFakeSlack extends FakeSlack {
  ids: CommunityIds;
}

export async function startSeededFakeSlack(options: FakeSlackOptions = {}): Promise<SeededFakeSlack> {
  const fake = await startFakeSlack(options);
  return Object.assign(fake, { ids: seedCommunity(fake.workspace) });
}

/** A real WebClient on the loopback Slack; retries off unless asked, so failures show at once. */
export function webClientFor(
  fake: Pick<FakeSlack, 'apiUrl' | 'botToken'>,
  options: { token?: string; retries?: number; rejectRateLimitedCalls?: boolean } = {},
): webApi.WebClient {
  return new webApi.WebClient(options.token ?? fake.botToken, {
    slackApiUrl: fake.apiUrl,
    retryConfig: { retries: options.retries ?? 0, factor: 1, minTimeout: 5, maxTimeout: 5 },
    rejectRateLimitedCalls: options.rejectRateLimitedCalls ?? false,
    logLevel: webApi.LogLevel.ERROR,
  });
}
