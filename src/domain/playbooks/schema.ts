import * as z from 'zod';
import { CHANNEL_ID, CHANNEL_NAME, CHANNEL_PATTERN } from './ref-syntax.js';
import { STEP_TRIGGERS } from '../incidents/checklist.js';

// Written out (not composed) so the JSON Schema carries them as plain `pattern`s editors understand.
const PERSON_REF = /^(?:[UW][A-Z0-9]{6,}|S[A-Z0-9]{6,}|@[a-z0-9][a-z0-9._-]{0,79})$/;
const TEAM_ID = /^T[A-Z0-9]{6,}$/;
const AUDIENCE_ENTRY = /^(?:[a-z0-9][a-z0-9-]{0,62}|[UW][A-Z0-9]{6,}|S[A-Z0-9]{6,}|@[a-z0-9][a-z0-9._-]{0,79})$/;

/**
 * The playbook file format, version 1. This one schema validates files, types the code and
 * produces `playbooks/playbook.schema.json` for editors. Unknown keys are refused everywhere
 * (strict objects) so a misspelt key is reported instead of silently ignored.
 * Rules that span several keys (roles that exist, quorum ≤ approvers, template variables)
 * live in semantics.ts.
 */

export const LANGUAGES = ['es', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];
export const SEVERITY_LEVELS = ['sev1', 'sev2', 'sev3', 'sev4'] as const;
export type SeverityLevel = (typeof SEVERITY_LEVELS)[number];
/** Roles every playbook has; `roles.extra` adds named ones. */
export const BUILT_IN_ROLES = ['lead', 'approvers'] as const;

const text = z.string().trim().min(1, 'must not be empty');
// A schema-level message would also replace the messages of .min()/.max(); scope it to the type error.
const wholeNumber = () => z.int({ error: (issue) => (issue.code === 'invalid_type' ? 'must be a whole number' : undefined) });

const localizedText = z
  .strictObject({
    es: text.meta({ description: 'Spanish text.' }),
    en: text.meta({ description: 'English text.' }),
  })
  .meta({ description: 'The same text in Spanish (es) and English (en).' });

const minutes = (description: string) =>
  z.int('must be a whole number of minutes').min(0, 'must not be negative').max(10_080, 'must be at most 10080 (one week)').meta({ description });
const positiveMinutes = (description: string) =>
  z.int('must be a whole number of minutes').min(1, 'must be at least 1').max(10_080, 'must be at most 10080 (one week)').meta({ description });

const identifier = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be lower-case letters, digits and dashes, e.g. `first-response`');

const channelRef = z
  .string()
  .refine((value) => CHANNEL_ID.test(value) || CHANNEL_NAME.test(value) || CHANNEL_PATTERN.test(value), {
    message: 'must be a channel ID (C0123ABCD), a channel name (support) or a pattern (support-*)',
  })
  .meta({ description: 'A channel ID (C0123ABCD), a channel name without `#` (support) or a pattern (support-*).' });

const personRef = z
  .string()
  .regex(PERSON_REF, 'must be a Slack user ID (U0123ABCD), a user-group ID (S0123ABCD) or a user-group handle (@community-leads)')
  .meta({ description: 'A Slack user ID (U0123ABCD), a user-group ID (S0123ABCD) or a user-group handle (@community-leads).' });

/** A role name (`lead`, `approvers`, or one from `roles.extra`) or a person/group. */
const audienceEntry = z
  .string()
  .regex(AUDIENCE_ENTRY, 'must be a role name (lead, approvers, …), a Slack user ID (U…), a user-group ID (S…) or a handle (@team)')
  .meta({ description: 'A role name (lead, approvers or one of roles.extra), a user ID (U…), a user-group ID (S…) or a handle (@team).' });
const audience = z.array(audienceEntry).min(1, 'must name at least one role, person or group');

const detectorOverrides = z
  .strictObject({
    sensitivity: z.enum(['low', 'medium', 'high']).optional().meta({ description: 'How easily a spike opens an incident; high reacts to smaller spikes.' }),
    minimumVolume: wholeNumber().min(1, 'must be at least 1').optional().meta({ description: 'Fewest negative messages in the window before an incident can open.' }),
    cooldownMinutes: minutes('Quiet time after an incident closes before another opens for the same channel.').optional(),
  })
  .meta({ description: 'Optional overrides of the detector defaults for channels this playbook covers.' });

const triggers = z
  .strictObject({
    channels: z.array(channelRef).min(1, 'list at least one channel, or leave `channels` out to cover every watched channel').optional().meta({ description: 'Watched channels this playbook covers. Omit to cover every watched channel.' }),
    languages: z.array(z.enum(LANGUAGES)).min(1).optional().meta({ description: 'Languages of the conversation this playbook covers. Omit for all.' }),
    keywords: z.array(text).min(1, 'list at least one keyword, or leave `keywords` out').optional().meta({ description: 'Words or phrases (any language, case and accents ignored); when given, the playbook applies only if one appears.' }),
    priority: wholeNumber().min(0).max(1000).default(0).meta({ description: 'Higher wins when several playbooks match. Default 0.' }),
    detection: detectorOverrides.optional(),
  })
  .meta({ description: 'When this playbook applies.' });

const severityThresholds = z
  .strictObject({
    negativeRatio: z.number().min(0).max(1, 'is a share between 0 and 1').optional().meta({ description: 'At least this share (0–1) of the messages in the window are negative.' }),
    negativeMessages: wholeNumber().min(1).optional().meta({ description: 'At least this many negative messages in the window.' }),
    distinctAuthors: wholeNumber().min(1).optional().meta({ description: 'At least this many different people wrote them.' }),
  })
  .meta({ description: 'Thresholds, all of which must be reached. The most severe level whose thresholds are reached applies.' });

const severity = z.strictObject({
  meaning: localizedText,
  when: severityThresholds.optional(),
});

const severities = z
  .strictObject({ sev1: severity, sev2: severity, sev3: severity, sev4: severity })
  .meta({ description: 'sev1 is the most serious. sev4 applies when no higher level is reached.' });

const roles = z
  .strictObject({
    lead: personRef.meta({ description: 'Incident lead: a user, or a group whose on-call member leads.' }),
    approvers: z.array(personRef).min(1, 'needs at least one approver').meta({ description: 'Who approves public replies.' }),
    quorum: z
      .union([z.enum(['any', 'all']), wholeNumber().min(1, 'must be at least 1')], {
        error: 'must be `any`, `all` or a number of approvals such as 2',
      })
      .default('any')
      .meta({ description: 'Approvals a reply needs: any (one), all, or a number.' }),
    fourEyes: z.boolean().default(true).meta({ description: 'The person who drafted a reply cannot approve it. On by default.' }),
    extra: z
      .record(identifier, z.array(personRef).min(1))
      .optional()
      .meta({ description: 'More named roles (e.g. legal, support) that checklist steps and escalation can refer to.' }),
    canResolve: audience.default(['lead']).meta({ description: 'Who may resolve the incident. Default: lead.' }),
    canChangeSeverity: audience.default(['lead']).meta({ description: 'Who may change the severity. Default: lead.' }),
  })
  .meta({ description: 'Roles and people.' });

const checklistStep = z.strictObject({
  id: identifier,
  title: localizedText,
  owner: identifier.meta({ description: 'Role that owns the step: lead, approvers or one of roles.extra.' }),
  dueAfterMinutes: minutes('Due this many minutes after the incident opens.'),
  required: z.boolean().default(true).meta({ description: 'Required steps must be done (or skipped with a reason) before resolving.' }),
  doneWhen: z
    .enum(STEP_TRIGGERS)
    .optional()
    .meta({ description: 'Ticks the step by itself: acknowledged (someone takes the lead) or first-reply-posted (the first approved reply is posted).' }),
});

const replyTemplate = z.strictObject({
  id: identifier,
  name: localizedText
    .optional()
    .meta({ description: 'What staff see in the template choice, per language (e.g. { es: Primera respuesta, en: First reply }); the id when absent.' }),
  target: z.enum(['thread', 'channel']).meta({ description: 'thread: reply to the member’s message; channel: post in the channel.' }),
  text: localizedText.meta({ description: 'The reply, per language. Variables: {{member}}, {{channel}}, {{eta}}, … ({{#eta}}…{{/eta}} only when known).' }),
  guidance: localizedText.meta({ description: 'Advice for staff, shown beside the draft.' }),
});

const linkDomain = z
  .string()
  .regex(/^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}$/, 'must be a lower-case domain such as example.com (no scheme, no path)');

const escalation = z
  .strictObject({
    unacknowledged: z.strictObject({
      afterMinutes: positiveMinutes('Ping when nobody has acknowledged the incident after this many minutes.'),
      notify: audience,
      repeatEveryMinutes: positiveMinutes('Ping again every this many minutes.'),
      maxRepeats: wholeNumber().min(0, 'must not be negative').max(100).meta({ description: 'Repeat at most this many times.' }),
    }),
    unansweredNegative: z.strictObject({
      afterMinutes: positiveMinutes('Remind when a negative message has had no answer for this many minutes.'),
      remind: audience,
    }),
  })
  .meta({ description: 'Who is pinged when things wait too long.' });

const postMortemQuestion = z.strictObject({
  id: identifier,
  prompt: localizedText,
  answer: z.enum(['short-text', 'long-text', 'number', 'yes-no']).default('long-text'),
  required: z.boolean().default(true),
  min: z.number().optional().meta({ description: 'With answer: number, the smallest answer accepted (0 for a count or a duration).' }),
  max: z.number().optional().meta({ description: 'With answer: number, the largest answer accepted.' }),
});

const postMortem = z.strictObject({
  dueWithinDays: wholeNumber().min(1, 'must be at least 1').max(90).meta({ description: 'Days after resolution by which the post-mortem is due.' }),
  reviewers: audience,
  questions: z.array(postMortemQuestion).min(1, 'needs at least one question'),
});

export const playbookFileSchema = z
  .strictObject({
    formatVersion: z.literal(1, 'this Firebreak reads format version 1').default(1).meta({ description: 'Version of the playbook format.' }),
    id: identifier.meta({ description: 'Stable identifier, unique across all playbooks.' }),
    name: z
      .union([text, localizedText], { error: 'must be a text, or the same text in Spanish (es) and English (en)' })
      .meta({ description: 'Shown on alerts: one text for every language, or the same text in Spanish (es) and English (en).' }),
    description: text,
    ownerTeam: text.meta({ description: 'Team that owns and maintains this playbook.' }),
    default: z.boolean().default(false).meta({ description: 'Used when no other playbook matches. Exactly one playbook is the default.' }),
    workspaces: z
      .array(z.string().regex(TEAM_ID, 'must be a Slack workspace (team) ID such as T0123ABCD'))
      .min(1, 'list at least one workspace, or leave `workspaces` out to serve every workspace')
      .optional()
      .meta({ description: 'Slack workspaces (team IDs, T…) this playbook serves; omit to serve every workspace Firebreak is installed in.' }),
    locale: z.enum(LANGUAGES).optional().meta({ description: 'Language of staff-facing messages for incidents under this playbook.' }),
    alertsChannel: channelRef.optional().meta({ description: 'Overrides the alerts channel for incidents under this playbook.' }),
    triggers: triggers.default({ priority: 0 }),
    severities,
    roles,
    checklist: z.array(checklistStep).min(1, 'needs at least one step'),
    replies: z.array(replyTemplate).min(1, 'needs at least one reply template'),
    allowedLinkDomains: z
      .array(linkDomain)
      .optional()
      .meta({ description: 'Domains replies may link to (subdomains included) without a preflight warning, e.g. [status.example.com, example.com].' }),
    escalation,
    postMortem,
  })
  .meta({ title: 'Firebreak playbook', description: 'The team’s agreed answer to one kind of crisis.' });

export type PlaybookFile = z.output<typeof playbookFileSchema>;
export type LocalizedText = z.output<typeof localizedText>;
export type ChecklistStep = z.output<typeof checklistStep>;
export type ReplyTemplate = z.output<typeof replyTemplate>;
export type PostMortemQuestion = z.output<typeof postMortemQuestion>;
export type SeverityThresholds = z.output<typeof severityThresholds>;
export type DetectorOverrides = z.output<typeof detectorOverrides>;
export type Quorum = PlaybookFile['roles']['quorum'];

export interface SourcePosition {
  line: number;
  column: number;
}

/** A validated playbook as the rest of Firebreak sees it. */
export interface Playbook extends PlaybookFile {
  /** sha256 of the playbook's content (defaults applied, keys sorted); independent of file path and layout. */
  contentHash: string;
  /** Where it came from; `locations` maps key paths (`roles.approvers[1]`) to their position, for messages. */
  source: { file: string; locations: Record<string, SourcePosition> };
}

/** The playbook's name in `language`: a single `name` serves every language. */
export function playbookName(playbook: Pick<PlaybookFile, 'name'>, language: Language): string {
  return typeof playbook.name === 'string' ? playbook.name : playbook.name[language];
}

/**
 * A text an incident stored from its playbook (a step's title, a post-mortem question), as a reader of
 * `language` reads it: the playbook's wording in that language while the playbook still gives the stored
 * text as one of its translations; otherwise (edited since, or not the playbook's) the stored text.
 */
export function playbookTextFor(translations: Readonly<Record<Language, string>> | undefined, stored: string, language: Language): string {
  return translations && Object.values(translations).includes(stored) ? translations[language] : stored;
}

/** A reply template as staff pick it, in `language`: its name, or its id when the playbook gives none. */
export function replyTemplateName(template: Pick<PlaybookFile['replies'][number], 'id' | 'name'>, language: Language): string {
  return template.name?.[language] ?? template.id;
}
