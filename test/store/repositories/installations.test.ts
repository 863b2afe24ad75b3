// OAuth installs on both databases: the bot token is stored sealed (never in clear), bound to its team,
// replaced on reinstall, erased on uninstall with that workspace's writes and reminders stopped and no
// other workspace touched; an OAuth state is consumed once; `firebreak tokens rekey` rotates the key.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InstallService } from '../../../src/app/installs.js';
import type { Store, WorkspaceInstallation } from '../../../src/app/ports/index.js';
import { ManualClock } from '../../../src/domain/clock.js';
import { createLogger } from '../../../src/logger.js';
import { createStore } from '../../../src/store/store.js';
import { createTokenCipher } from '../../../src/store/token-cipher.js';
import { availableProviders } from '../../support/databases.js';
import { runCli, testEnvironment } from '../../support/cli.js';
import { openMigratedDatabase, type MigratedDatabase } from './migrated-database.js';

const T0 = Date.UTC(2026, 11, 3, 9, 0, 0);
const oldKey = randomBytes(32);
const newKey = randomBytes(32);

function install(teamId: string, token: string): WorkspaceInstallation {
  return { teamId, teamName: `Team ${teamId}`, enterpriseId: null, botToken: token, botUserId: `U${teamId}BOT`, botId: `B${teamId}`, scopes: ['chat:write', 'commands'], appId: 'A0FIREBRK', installerUserId: 'U0ADMIN', installedAt: T0 };
}

describe.each(availableProviders)('installations on %s', (provider) => {
  let database: MigratedDatabase;
  let store: Store;
  let service: InstallService;
  const clock = new ManualClock(T0);
  beforeAll(async () => {
    database = await openMigratedDatabase(provider);
    store = createStore(database.prisma, provider, createTokenCipher([oldKey]));
    service = new InstallService({ store, clock, logger: createLogger('silent', { pretty: false }), cacheMs: 0 });
  });
  afterAll(async () => {
    await database?.dispose();
  });

  it('stores the bot token sealed, bound to its team, and gives it back', async () => {
    expect(await service.installed(install('T0AAA', 'xoxb-aaa-secret-token'))).toMatchObject({ reinstalled: false });
    const row = await database.prisma.workspace.findUniqueOrThrow({ where: { teamId: 'T0AAA' } });
    expect(row.botTokenSealed).toMatch(/^v1\.[0-9a-f]{8}\./);
    expect(JSON.stringify(row)).not.toContain('xoxb-aaa-secret-token');
    expect((await service.installation('T0AAA'))?.botToken).toBe('xoxb-aaa-secret-token');
    // Copied onto another workspace's row, the sealed token does not open.
    await database.prisma.workspace.create({ data: { teamId: 'T0COPY', botUserId: 'U0COPY', botTokenSealed: row.botTokenSealed } });
    await expect(service.installation('T0COPY')).rejects.toThrow(/does not decrypt/);
    await database.prisma.workspace.delete({ where: { teamId: 'T0COPY' } });
  });

  it('a reinstall replaces the token and is audited as such', async () => {
    expect(await service.installed(install('T0AAA', 'xoxb-aaa-second-token'))).toMatchObject({ reinstalled: true });
    expect(await service.botToken('T0AAA')).toBe('xoxb-aaa-second-token');
    expect(await database.prisma.auditLog.count({ where: { action: 'workspace.reinstalled' } })).toBe(1);
  });

  it('uninstalling erases only that team: its pending writes are failed and its reminders cancelled with the reason', async () => {
    await service.installed(install('T0BBB', 'xoxb-bbb-token'));
    const workspaces = await database.prisma.workspace.findMany({ where: { teamId: { in: ['T0AAA', 'T0BBB'] } } });
    const incidentOf: Record<string, string> = {};
    for (const workspace of workspaces) {
      const id = `inc-${workspace.teamId}`;
      incidentOf[workspace.teamId] = id;
      await database.prisma.incident.create({
        data: { id, workspaceId: workspace.id, number: 1, channelId: 'C0X', status: 'open', severity: 'sev2', playbookId: 'p', playbookHash: 'h', title: 't', locale: 'en', alertChannelId: 'C0ALERTS', detection: {}, openedAt: new Date(T0), detectedAt: new Date(T0) },
      });
      await store.transaction(async (tx) => {
        await tx.outbox.enqueue({ key: `root:${workspace.teamId}`, method: 'chat.postMessage', payload: { channel: `C0ALERTS${workspace.teamId}`, text: 'hi' }, incidentId: id, now: T0 });
        await tx.reminders.schedule({ key: `remind:${workspace.teamId}`, kind: 'incident', dueAt: T0 + 60_000, incidentId: id });
      });
    }
    // The team is derived from the incident's workspace when the caller does not say it.
    expect((await database.prisma.outboxItem.findUniqueOrThrow({ where: { key: 'root:T0BBB' } })).teamId).toBe('T0BBB');

    expect(await service.uninstalled('T0BBB', 'app_uninstalled')).toEqual({ erased: true, writesStopped: 1, remindersStopped: 1 });
    expect(await service.installation('T0BBB')).toBeNull();
    expect(await database.prisma.outboxItem.findUniqueOrThrow({ where: { key: 'root:T0BBB' } })).toMatchObject({ status: 'failed', lastError: 'workspace_uninstalled:app_uninstalled' });
    expect(await database.prisma.reminder.findUniqueOrThrow({ where: { key: 'remind:T0BBB' } })).toMatchObject({ status: 'cancelled', lastError: 'workspace_uninstalled:app_uninstalled' });
    expect((await database.prisma.workspace.findUniqueOrThrow({ where: { teamId: 'T0BBB' } })).botTokenSealed).toBeNull();
    // The other workspace keeps its token, its write and its reminder.
    expect(await service.botToken('T0AAA')).toBe('xoxb-aaa-second-token');
    expect((await database.prisma.outboxItem.findUniqueOrThrow({ where: { key: 'root:T0AAA' } })).status).toBe('pending');
    expect((await database.prisma.reminder.findUniqueOrThrow({ where: { key: 'remind:T0AAA' } })).status).toBe('pending');
    // tokens_revoked after app_uninstalled (Slack does not order them) changes nothing more.
    expect(await service.uninstalled('T0BBB', 'tokens_revoked')).toEqual({ erased: false, writesStopped: 0, remindersStopped: 0 });
  });

  it('an OAuth state is consumed once, and never after it expired', async () => {
    await service.states.issue('state-1', { scopes: ['chat:write'] }, T0 + 600_000);
    const both = await Promise.all([service.states.consume('state-1', T0 + 1_000), service.states.consume('state-1', T0 + 1_000)]);
    expect(both.filter(Boolean)).toEqual([{ scopes: ['chat:write'] }]);
    await service.states.issue('state-2', {}, T0 + 600_000);
    expect(await service.states.consume('state-2', T0 + 600_001)).toBeNull();
    expect(await service.states.consume('never-issued', T0)).toBeNull();
  });

  it('firebreak tokens rekey re-seals with the first key; then the old key can go', async () => {
    const keys = (...list: Buffer[]) => list.map((key) => key.toString('base64')).join(',');
    const env = (tokenKeys: string) => testEnvironment({ DATABASE_URL: database.url, TOKEN_ENCRYPTION_KEYS: tokenKeys });
    // Only the new key: the stored token cannot be read, and the error says what to do.
    expect((await runCli(['tokens', 'rekey'], { env: env(keys(newKey)) })).stderr).toMatch(/not in TOKEN_ENCRYPTION_KEYS: add it back/);
    const rotated = await runCli(['tokens', 'rekey'], { env: env(keys(newKey, oldKey)) });
    expect(rotated.stderr).toBe('');
    expect(rotated.stdout).toContain('Re-encrypted 1 token(s) with the first key; 0 already used it');
    const fresh = new InstallService({ store: createStore(database.prisma, provider, createTokenCipher([newKey])), clock, logger: createLogger('silent', { pretty: false }), cacheMs: 0 });
    expect(await fresh.botToken('T0AAA')).toBe('xoxb-aaa-second-token');
    expect((await runCli(['tokens', 'rekey'], { env: env(keys(newKey)) })).stdout).toContain('Re-encrypted 0 token(s) with the first key; 1 already used it');
    expect((await runCli(['tokens', 'list'], { env: env(keys(newKey)) })).stdout).toMatch(/^T0AAA\tTeam T0AAA\tinstalled /m);
  }, 60_000);

  it('firebreak tokens rekey with a token no listed key opens: the others are still re-sealed, and that workspace is named', async () => {
    const keys = (...list: Buffer[]) => list.map((key) => key.toString('base64')).join(',');
    const env = (tokenKeys: string) => testEnvironment({ DATABASE_URL: database.url, TOKEN_ENCRYPTION_KEYS: tokenKeys });
    // Bravo installed while Firebreak ran with a key since lost; Acme's token is under the old key.
    const lostKey = randomBytes(32);
    await createStore(database.prisma, provider, createTokenCipher([lostKey])).direct.installations.save(install('T0RKBRAVO', 'xoxb-bravo-token'));
    await createStore(database.prisma, provider, createTokenCipher([oldKey])).direct.installations.save(install('T0RKACME', 'xoxb-acme-token'));
    const rotated = await runCli(['tokens', 'rekey'], { env: env(keys(newKey, oldKey)) });
    expect(rotated.stdout).toMatch(/Re-encrypted [1-9]\d* token\(s\) with the first key/);
    expect(rotated.stderr).toContain('T0RKBRAVO');
    expect(rotated.stderr).toMatch(/not in TOKEN_ENCRYPTION_KEYS/);
    expect(rotated.stderr).not.toContain('T0RKACME');
    expect(rotated.code).toBe(1);
    // Acme's token now opens with the new key alone: dropping the old key loses nothing but Bravo's.
    const onlyNew = createStore(database.prisma, provider, createTokenCipher([newKey])).direct.installations;
    expect((await onlyNew.find('T0RKACME'))?.botToken).toBe('xoxb-acme-token');
  }, 60_000);
});
