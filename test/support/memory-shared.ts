// Rules every in-memory store shares with the Prisma repositories: the outbox keeps one write per
// idempotency key, and cancelling reminders by key or key prefix touches pending ones only.
import type { OutboxWriter, SlackWrite } from '../../src/app/ports/index.js';

/** An outbox over `writes`: a second write with the same key is refused, as the unique key does. */
export function memoryOutbox(writes: SlackWrite[]): OutboxWriter {
  return {
    enqueue: async (write) => {
      if (writes.some((item) => item.key === write.key)) return false;
      writes.push(structuredClone(write));
      return true;
    },
    has: async (key) => writes.some((item) => item.key === key),
    rewriteCopies: async (messageKey, content) => {
      for (const item of writes.filter((write) => write.key === messageKey || (write.key.startsWith(`${messageKey}:v`) && write.messageOf === messageKey))) {
        const { blocks: _shown, ...args } = item.payload;
        item.payload = structuredClone({ ...args, text: content.text, ...(content.blocks ? { blocks: content.blocks } : {}) });
      }
    },
    // Unsent writes of the team leave the queue (the Prisma outbox fails them with the reason).
    stopTeam: async (teamId) => {
      const kept = writes.filter((item) => item.teamId !== teamId);
      const stopped = writes.length - kept.length;
      writes.splice(0, writes.length, ...kept);
      return stopped;
    },
    // Nothing is ever sent from this outbox, so nothing failed: no held write to find or forget.
    failedWith: async () => [],
    postedMessages: async () => new Map(),
    forgetFailed: async () => false,
    heldWith: async () => [],
    releaseHeld: async () => [],
    releaseWaitingForChannel: async () => [],
    waitingWith: async () => new Map(),
    stopWaiting: async () => 0,
    waitingByKey: async () => [],
    closeWaiting: async () => false,
    takeFailed: async () => 0,
  };
}

export function cancelPendingReminders(reminders: Iterable<{ key: string; status: string }>, which: string | { prefix: string }): number {
  let count = 0;
  for (const reminder of reminders) {
    const matches = typeof which === 'string' ? reminder.key === which : reminder.key.startsWith(which.prefix);
    if (matches && reminder.status === 'pending') {
      reminder.status = 'cancelled';
      count += 1;
    }
  }
  return count;
}
