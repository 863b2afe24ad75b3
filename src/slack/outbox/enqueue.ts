// The one way a state change asks for a Slack write: inside the caller's transaction, so the change
// and its messages commit (or vanish) together.
import { FirebreakError } from '../../errors.js';
import type { Db } from '../../store/repositories/events.js';
import { insertOutboxItem, type OutboxPayload } from '../../store/repositories/outbox.js';

/** event_type of the message metadata that carries an outbox key, so a posted message can be found again. */
export const OUTBOX_METADATA_EVENT_TYPE = 'firebreak_outbox';

export interface SlackWrite {
  /**
   * Idempotency key, unique across the outbox: one per intended effect (e.g. `incident:<id>:root`,
   * `draft:<id>:r<revision>:public`). Enqueueing a key that exists changes nothing.
   */
  key: string;
  /** Web API method: chat.postMessage, chat.update, chat.delete, reactions.add, views.publish … */
  method: string;
  /** Web API arguments (without token). For chat.postMessage the outbox adds `metadata` itself. */
  payload: Record<string, unknown>;
  /** The channel whose lane orders this write; defaults to `payload.channel`. */
  channelId?: string;
  incidentId?: string;
  /**
   * Not before this time (epoch ms or Date); due at once when absent. The channel's later items wait
   * behind it (order is kept): for a message hours ahead, schedule a reminder that enqueues it.
   */
  after?: Date | number;
  /** Key of an item whose posted ts becomes `thread_ts`: not sendable until that item is sent. */
  threadOf?: string;
  /** Key of an item whose posted ts (and channel) this call acts on (chat.update, chat.delete, reactions.add). */
  messageOf?: string;
  /** Run the afterSend handler registered for `record.kind` in the transaction that marks the item sent. */
  record?: { kind: string } & Record<string, unknown>;
  /** Enqueue time by the caller's clock (defaults to the wall clock); orders the channel's lane. */
  now?: number;
}

/** Enqueues a Slack write in `tx`. True when it was added, false when its key was already there. */
export async function enqueueSlackWrite(tx: Db, write: SlackWrite): Promise<boolean> {
  if (!write.key || write.key.length > 300) throw new FirebreakError('input_invalid', `An outbox key must be 1 to 300 characters, got "${write.key}".`);
  if (!/^[a-z]+\.[a-zA-Z.]+$/.test(write.method)) throw new FirebreakError('input_invalid', `"${write.method}" is not a Slack Web API method name.`);
  if (write.method === 'chat.postMessage' && write.payload['metadata'] !== undefined) {
    throw new FirebreakError('input_invalid', `Outbox item ${write.key}: chat.postMessage metadata is reserved for the outbox's idempotency key.`);
  }
  if (write.threadOf !== undefined && write.threadOf === write.key) throw new FirebreakError('input_invalid', `Outbox item ${write.key} cannot be its own thread.`);
  if (write.messageOf !== undefined && write.messageOf === write.key) throw new FirebreakError('input_invalid', `Outbox item ${write.key} cannot act on itself.`);
  let channel = write.channelId ?? (typeof write.payload['channel'] === 'string' ? write.payload['channel'] : undefined);
  const parentKey = write.messageOf ?? write.threadOf;
  if (channel === undefined && parentKey !== undefined) {
    // Same lane as the message acted on, so two updates of one message keep their order.
    channel = (await tx.outboxItem.findUnique({ where: { key: parentKey }, select: { channelId: true } }))?.channelId ?? undefined;
  }
  const payload: OutboxPayload = {
    args: write.payload,
    ...(write.threadOf !== undefined ? { threadOf: write.threadOf } : {}),
    ...(write.messageOf !== undefined ? { messageOf: write.messageOf } : {}),
    ...(write.record !== undefined ? { record: write.record } : {}),
  };
  return insertOutboxItem(tx, {
    key: write.key,
    method: write.method,
    channelId: channel ?? null,
    payload,
    incidentId: write.incidentId ?? null,
    after: write.after ?? null,
    at: write.now ?? Date.now(),
  });
}
