// How a posted message is found again: the outbox puts its key in the message metadata of every
// chat.postMessage (the writes themselves are enqueued through the app's OutboxWriter port).

/** event_type of the message metadata that carries an outbox key, so a posted message can be found again. */
export const OUTBOX_METADATA_EVENT_TYPE = 'firebreak_outbox';
