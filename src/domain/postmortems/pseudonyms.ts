/**
 * Community members quoted in an export become "Member A", "Member B"… (stable within one export, in
 * order of first appearance) unless the team opted in to show identities. Staff stay named: they acted
 * on behalf of the team. Anyone mentioned who is not staff is treated as a member.
 */
import { t, type Locale } from '../../i18n/index.js';

const MENTION = /<@([UW][A-Z0-9]+)(?:\|[^>]*)?>/g;

function letters(index: number): string {
  // 0 → A, 25 → Z, 26 → AA, like spreadsheet columns.
  let label = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) label = String.fromCharCode(65 + ((n - 1) % 26)) + label;
  return label;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export class MemberPseudonyms {
  private readonly labels = new Map<string, string>();
  private readonly names = new Map<string, string>();

  constructor(
    private readonly locale: Locale,
    private readonly staffUserIds: ReadonlySet<string>,
    /** Display names the edge resolved (staff and, when opted in, members). */
    private readonly userNames: Readonly<Record<string, string>>,
    /** True when the team opted in to show member identities in exports. */
    readonly reveal: boolean,
  ) {}

  /** Registers a quoted message's author and mentions; call in timeline order so letters follow it. */
  observe(authorUserId: string | null, authorName: string | null, text: string | null): void {
    if (authorUserId) this.label(authorUserId);
    if (authorUserId && authorName) this.names.set(authorUserId, authorName);
    for (const match of (text ?? '').matchAll(MENTION)) {
      const id = match[1] as string;
      if (!this.staffUserIds.has(id)) this.label(id);
    }
  }

  private label(userId: string): string {
    let label = this.labels.get(userId);
    if (!label) {
      label = t(this.locale, 'export.member', { letter: letters(this.labels.size) });
      this.labels.set(userId, label);
    }
    return label;
  }

  /** How to show a staff member or a member by id. */
  user(userId: string): string {
    if (!this.staffUserIds.has(userId) && !this.reveal) return this.label(userId);
    return this.userNames[userId] ?? this.names.get(userId) ?? userId;
  }

  /** How to show a quoted message's author. */
  member(userId: string | null, name: string | null): string {
    if (!userId) return this.reveal && name ? name : t(this.locale, 'timeline.unknown_member', {});
    if (!this.reveal) return this.label(userId);
    return name ?? this.userNames[userId] ?? userId;
  }

  /** Rewrites mentions as @names and, unless revealing, member names as their pseudonyms. */
  scrub(text: string): string {
    let result = text.replace(MENTION, (_, id: string) => `@${this.user(id)}`);
    if (this.reveal) return result;
    for (const [userId, name] of this.names) {
      const pattern = new RegExp(`(?<![\\p{L}\\p{N}_])@?${escapeRegExp(name)}(?![\\p{L}\\p{N}_])`, 'giu');
      result = result.replace(pattern, this.label(userId));
    }
    return result;
  }
}
