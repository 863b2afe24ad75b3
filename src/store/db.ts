// What every repository works on: the Prisma client or one interactive transaction's client, and
// the one database error repositories recover from.
import type { Prisma } from './generated/sqlite/client.js';

/** A Prisma client or an interactive transaction's client: repositories work inside either. */
export type Db = Prisma.TransactionClient;

/** A unique constraint refused a write: another request or instance wrote the same row first. */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: string })?.code;
  return code === 'P2002' || /Unique constraint/i.test(String((error as Error)?.message ?? ''));
}
