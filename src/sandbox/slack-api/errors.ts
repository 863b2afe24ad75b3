/**
 * An error the loopback Slack answers with `{ ok: false, error }`, using Slack's own error codes
 * (`channel_not_found`, `not_in_channel`, …). `messages` go to `response_metadata.messages` the way
 * Slack explains `invalid_arguments` and `invalid_blocks`.
 */
export class SlackApiError extends Error {
  readonly error: string;
  readonly messages: string[];
  /** The figures behind `messages` (msg_too_long: length, limit), for the sandbox page to say them in its language. */
  readonly facts: Readonly<Record<string, string>>;
  constructor(error: string, messages: string[] = [], facts: Record<string, string> = {}) {
    super(messages.length > 0 ? `${error}: ${messages.join('; ')}` : error);
    this.name = 'SlackApiError';
    this.error = error;
    this.messages = messages;
    this.facts = facts;
  }
}
