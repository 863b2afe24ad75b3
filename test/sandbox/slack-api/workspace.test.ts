import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/domain/clock.js';
import { SlackApiError, SlackWorkspace } from '../../../src/sandbox/slack-api/index.js';
import { seedCommunity } from '../../support/fake-slack.js';

function setup() {
  const clock = new ManualClock(Date.UTC(2026, 10, 21, 12));
  const workspace = new SlackWorkspace({ clock });
  const ids = seedCommunity(workspace);
  const bot = workspace.grantFor(workspace.bot.token)!;
  return { clock, workspace, ids, bot };
}

function errorOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof SlackApiError) return error.error;
    throw error;
  }
  throw new Error('expected a SlackApiError');
}

describe('SlackWorkspace', () => {
  it('keeps a deleted thread parent as a tombstone so its replies stay reachable', () => {
    const { workspace, ids } = setup();
    const alice = { user_id: ids.alice };
    const parent = workspace.postMessage(alice, ids.community, { text: 'root' });
    workspace.postMessage({ user_id: ids.bob }, ids.community, { text: 'reply', thread_ts: parent.ts });
    workspace.deleteMessage(alice, ids.community, parent.ts);
    expect(workspace.findMessage(ids.community, parent.ts)).toMatchObject({ subtype: 'tombstone', reply_count: 1 });
    expect(workspace.replies(alice, ids.community, parent.ts).map((m) => m.text)).toEqual(['This message was deleted.', 'reply']);
  });

  it('lets an admin delete a member\'s message, and recounts the thread', () => {
    const { workspace, ids } = setup();
    const parent = workspace.postMessage({ user_id: ids.alice }, ids.community, { text: 'root' });
    const reply = workspace.postMessage({ user_id: ids.bob }, ids.community, { text: 'spam', thread_ts: parent.ts });
    expect(errorOf(() => workspace.deleteMessage({ user_id: ids.alice }, ids.community, reply.ts))).toBe('cant_delete_message');
    workspace.deleteMessage({ user_id: ids.carol }, ids.community, reply.ts);
    expect(workspace.findMessage(ids.community, parent.ts)?.reply_count).toBeUndefined();
  });

  it('expires response_urls after 30 minutes and deletes an ephemeral original', () => {
    const { workspace, ids, clock, bot } = setup();
    const ephemeral = workspace.postEphemeral(bot, ids.community, ids.carol, { text: 'Confirm?' });
    const url = workspace.issueResponseUrl(ids.carol, ids.community, { message_ts: ephemeral.ts, ephemeral: true });
    workspace.respond(url, { delete_original: true });
    expect(workspace.ephemeralFor(ids.carol)).toEqual([]);
    const late = workspace.issueResponseUrl(ids.carol, ids.community);
    clock.advance(30 * 60_000 + 1);
    expect(errorOf(() => workspace.respond(late, { text: 'too late' }))).toBe('expired_url');
    expect(errorOf(() => workspace.respond('T0/1/forged', { text: 'x' }))).toBe('invalid_url');
    expect(errorOf(() => workspace.respond(workspace.issueResponseUrl(ids.carol, ids.community), { replace_original: true, text: 'x' }))).toBe('no_original_message');
  });

  it('refuses bad channel names and unknown members when seeding', () => {
    const { workspace, ids } = setup();
    expect(errorOf(() => workspace.addChannel({ name: 'Has Spaces' }))).toBe('invalid_name_specials');
    expect(errorOf(() => workspace.addChannel({ name: 'community' }))).toBe('name_taken');
    expect(errorOf(() => workspace.addChannel({ name: 'new', members: ['U0NOBODY'] }))).toBe('user_not_found');
    expect(errorOf(() => workspace.setUserGroupMembers(ids.staffGroup, ['U0NOBODY']))).toBe('user_not_found');
  });
});
