/** The post-mortem written after an incident is resolved, as plain data. Times are epoch ms. */

/** The fields every post-mortem has, in the order they are shown. */
export const STANDARD_FIELDS = ['summary', 'impact', 'whatHappened', 'whatWentWell', 'whatToImprove'] as const;
export type StandardField = (typeof STANDARD_FIELDS)[number];

export type AnswerKind = 'short_text' | 'long_text' | 'number' | 'yes_no';

/** A playbook's own question ("Did the status page match what we told the community?"). */
export interface PostMortemQuestion {
  readonly id: string;
  /** Already in the incident's language (the playbook layer picks it). */
  readonly label: string;
  readonly required: boolean;
  /** number answers are stored as typed ("12", "3.5"); yes_no answers as "yes" or "no". */
  readonly answer: AnswerKind;
  /** Bounds of a number answer, when the playbook sets them (a count is never negative). */
  readonly min?: number;
  readonly max?: number;
}

/** What the playbook says a post-mortem needs; the playbook layer maps its YAML onto this. */
export interface PostMortemTemplate {
  readonly questions: readonly PostMortemQuestion[];
  /** The post-mortem is due this long after resolution. */
  readonly dueAfterMs: number;
  readonly reviewerUserIds: readonly string[];
  /** Standard fields that must be filled before review. */
  readonly requiredFields: readonly StandardField[];
}


export interface ActionItem {
  /** `${incidentId}/action-${n}`, stable across edits so a done item stays done. */
  readonly id: string;
  readonly text: string;
  readonly ownerUserId: string;
  readonly dueAt: number;
  readonly doneAt: number | null;
  readonly doneByUserId: string | null;
}

export type PostMortemStatus = 'draft' | 'in_review' | 'published';

export interface PostMortemReview {
  readonly reviewerUserId: string;
  readonly decision: 'approve' | 'request_changes';
  readonly comment: string | null;
  readonly at: number;
  /** Which submission this review is about: a new submission starts a new round. */
  readonly round: number;
}

export interface PostMortem {
  readonly incidentId: string;
  readonly status: PostMortemStatus;
  /** Invited to fill it in: the incident lead (or whoever resolved it). */
  readonly ownerUserId: string | null;
  readonly reviewerUserIds: readonly string[];
  readonly requiredFields: readonly StandardField[];
  readonly questions: readonly PostMortemQuestion[];
  readonly fields: Readonly<Record<StandardField, string>>;
  /** Answers by question id; '' when unanswered. */
  readonly answers: Readonly<Record<string, string>>;
  readonly actionItems: readonly ActionItem[];
  readonly reviews: readonly PostMortemReview[];
  /**
   * Everyone whose save changed its text (fields, answers, action items), in any round. With the
   * owner they are its authors, and none of them may approve it (four-eyes, as for replies).
   */
  readonly contributorUserIds: readonly string[];
  /** 0 until first submitted for review. */
  readonly round: number;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly dueAt: number;
  readonly submittedAt: number | null;
  readonly publishedAt: number | null;
}
