// Negative member messages nobody on staff answered: what the unanswered-message reminder reads and marks,
// and how the reminder looks in Slack.
import type { Locale } from '../../i18n/index.js';
import type { SlackMessage } from './views.js';

export interface WaitingMessage {
  id: string;
  ts: string;
  text: string | null;
  permalink: string | null;
}

export interface UnansweredMessages {
  /** Negative top-level member messages posted from `posted.from` to before `posted.before`, unanswered, not deleted, not yet reminded; oldest first. */
  waiting(channelRef: string, posted: { from: number; before: number }, limit: number): Promise<WaitingMessage[]>;
  markReminded(messageIds: readonly string[], at: number): Promise<void>;
}

export interface UnansweredReminder {
  locale: Locale;
  recipientUserIds: readonly string[];
  /** `#name`, or the channel id when the name is unknown. */
  channelName: string;
  afterMinutes: number;
  /** The messages to quote (the first few of `total`). */
  messages: readonly WaitingMessage[];
  total: number;
}

export interface UnansweredViews {
  reminder(reminder: UnansweredReminder): SlackMessage;
}
