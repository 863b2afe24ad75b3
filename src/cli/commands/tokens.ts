// `firebreak tokens list|rekey`: the OAuth installs whose bot tokens are stored (encrypted), and
// re-encryption with the first TOKEN_ENCRYPTION_KEYS key after a rotation (docs/operations.md).
import type { Command } from 'commander';

export function registerTokensCommand(program: Command): void {
  const tokens = program.command('tokens').description('Stored OAuth bot tokens (encrypted with TOKEN_ENCRYPTION_KEYS)');

  const open = async () => {
    const [{ openRecordedDatabase }, { createStore }, { createTokenCipher }, { FirebreakError }] = await Promise.all([
      import('../database.js'),
      import('../../store/store.js'),
      import('../../store/token-cipher.js'),
      import('../../errors.js'),
    ]);
    const { database, config } = await openRecordedDatabase();
    if (config.tokenEncryptionKeys.length === 0) {
      await database.close();
      throw new FirebreakError('token_key_missing', 'TOKEN_ENCRYPTION_KEYS is not set: give the new key first, then the old one(s), comma-separated.');
    }
    return { database, installations: createStore(database.prisma, database.target.provider, createTokenCipher(config.tokenEncryptionKeys)).direct.installations };
  };

  tokens
    .command('list')
    .description('Workspaces with a stored bot token (no token is printed)')
    .action(async () => {
      const { database, installations } = await open();
      try {
        const teams = await installations.installedTeams();
        if (teams.length === 0) process.stdout.write('No workspace has installed Firebreak through OAuth.\n');
        for (const team of teams) process.stdout.write(`${team.teamId}\t${team.teamName ?? ''}\tinstalled ${new Date(team.installedAt).toISOString()}\n`);
      } finally {
        await database.close();
      }
    });

  tokens
    .command('rekey')
    .description('Re-encrypt every stored bot token with the first TOKEN_ENCRYPTION_KEYS key (run after putting a new key first)')
    .action(async () => {
      const { database, installations } = await open();
      try {
        const { resealed, current, unreadable } = await installations.rekey();
        process.stdout.write(`Re-encrypted ${resealed} token(s) with the first key; ${current} already used it.${unreadable.length === 0 ? ' The other keys can now be removed from TOKEN_ENCRYPTION_KEYS.' : ''}\n`);
        for (const { reason } of unreadable) process.stderr.write(`firebreak: ${reason}\n`);
        if (unreadable.length > 0) {
          process.stderr.write(`firebreak: ${unreadable.length} token(s) left as they were: add their key to TOKEN_ENCRYPTION_KEYS and run this again, or reinstall Firebreak in those workspaces from /slack/install.\n`);
          process.exitCode = 1;
        }
      } finally {
        await database.close();
      }
    });
}
