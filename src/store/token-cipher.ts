// Bot tokens at rest: AES-256-GCM (node:crypto) with keys from TOKEN_ENCRYPTION_KEYS. The first key
// seals; every key opens, so a key is rotated by putting the new one first, running
// `firebreak tokens rekey`, then dropping the old one. The team id is bound in as associated data:
// a sealed token copied onto another workspace's row does not open.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { FirebreakError } from '../errors.js';

const VERSION = 'v1';
const IV_BYTES = 12;

export interface TokenCipher {
  seal(token: string, teamId: string): string;
  open(sealed: string, teamId: string): string;
  /** True when `sealed` was sealed with the first (current) key. */
  isCurrent(sealed: string): boolean;
}

/** A short, stable name for a key (not secret): which key sealed a value. */
export function keyId(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 8);
}

/** Keys as 32 raw bytes each (config.ts has checked and decoded them). */
export function createTokenCipher(keys: readonly Buffer[]): TokenCipher {
  if (keys.length === 0) throw new FirebreakError('token_key_missing', 'TOKEN_ENCRYPTION_KEYS is empty: bot tokens cannot be stored or read.');
  for (const key of keys) if (key.length !== 32) throw new FirebreakError('config_invalid', 'every TOKEN_ENCRYPTION_KEYS key must be 32 bytes');
  const byId = new Map(keys.map((key) => [keyId(key), key]));
  const current = keys[0]!;
  const currentId = keyId(current);
  return {
    seal(token, teamId) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', current, iv);
      cipher.setAAD(Buffer.from(teamId, 'utf8'));
      const data = Buffer.concat([cipher.update(token, 'utf8'), cipher.final()]);
      return [VERSION, currentId, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), data.toString('base64url')].join('.');
    },
    open(sealed, teamId) {
      const [version, id, iv, tag, data] = sealed.split('.');
      if (version !== VERSION || !id || !iv || !tag || data === undefined) throw new FirebreakError('token_undecryptable', `The stored token of ${teamId} is not in a format this Firebreak reads.`);
      const key = byId.get(id);
      if (!key) throw new FirebreakError('token_undecryptable', `The stored token of ${teamId} was sealed with key ${id}, which is not in TOKEN_ENCRYPTION_KEYS: add it back (after the new key) and run \`firebreak tokens rekey\`.`);
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
        decipher.setAAD(Buffer.from(teamId, 'utf8'));
        decipher.setAuthTag(Buffer.from(tag, 'base64url'));
        return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
      } catch (error) {
        throw new FirebreakError('token_undecryptable', `The stored token of ${teamId} does not decrypt with key ${id} (altered, or not this workspace's).`, { cause: error });
      }
    },
    isCurrent: (sealed) => sealed.split('.')[1] === currentId,
  };
}

/**
 * The cipher for TOKEN_ENCRYPTION_KEYS, or none when the variable is empty (no OAuth installs): what
 * `firebreak start` and the commands that read stored tokens open the store with.
 */
export function tokenCipherFor(keys: readonly Buffer[]): TokenCipher | undefined {
  return keys.length > 0 ? createTokenCipher(keys) : undefined;
}
