// FeedbackViews over the Block Kit builders: feedback on an incident is a line in its thread.
import type { FeedbackViews } from '../app/ports/index.js';
import { threadEventMessage } from './blocks/incident.js';
import { mention } from './blocks/kit.js';

export const slackFeedbackViews: FeedbackViews = {
  threadEvent: (event, locale) => threadEventMessage(event, locale, { formatUser: mention }),
};
