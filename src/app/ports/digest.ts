// What the digest reads (each watched channel's volume over the period, and what is still open) and
// how it looks in Slack.
import type { DetectorState } from '../../domain/detection/detector.js';
import type { Locale } from '../../i18n/index.js';
import type { MetricsAggregate } from '../../domain/incidents/index.js';
import type { OutboxWriter } from './outbox.js';
import type { SlackMessage } from './views.js';

export interface DigestChannel {
  /** The channel's row id: what its buckets hang from. */
  ref: string;
  channelId: string;
  name: string | null;
  detector: DetectorState | null;
}

/** What is still open, drills left out (they are practice). */
export interface OpenWork {
  openIncidents: number;
  draftsInReview: number;
  overdueSteps: number;
  postMortemsDue: number;
}

export interface DigestReads {
  /** Active watched channels, by name (of one workspace when `workspaceId` is given). */
  activeChannels(workspaceId?: string): Promise<DigestChannel[]>;
  /** Messages and negatives of the channel's buckets starting in [from, to). */
  channelTotals(channelRef: string, from: number, to: number): Promise<{ messages: number; negatives: number }>;
  /** Open incidents, drafts waiting for review, steps overdue at `now`, post-mortems not yet published (of one workspace when given). */
  openWork(now: number, workspaceId?: string): Promise<OpenWork>;
}

export interface DigestChannelLine {
  name: string;
  messages: number;
  negatives: number;
  usualShare: number | null;
}

/** Everything a digest shows. */
export interface DigestInput extends OpenWork {
  locale: Locale;
  periodDays: number;
  channels: DigestChannelLine[];
  metrics: MetricsAggregate;
}

export interface DigestViews {
  digest(input: DigestInput): SlackMessage;
}

/** What the digest touches. */
export interface DigestRepositories {
  readonly digest: DigestReads;
  readonly outbox: Pick<OutboxWriter, 'enqueue'>;
}
