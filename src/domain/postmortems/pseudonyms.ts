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
  /** Every name each member is known by here: the one shown when revealing comes first. */
  private readonly names = new Map<string, string[]>();

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
    if (authorUserId && authorName) this.addName(authorUserId, authorName);
    for (const match of (text ?? '').matchAll(MENTION)) {
      const id = match[1] as string;
      if (!this.staffUserIds.has(id)) this.label(id);
    }
  }

  /**
   * Names a member may be called by in texts Firebreak itself wrote (a reply template's `{{member}}`),
   * as the edge looked them up: they are removed from every text like a quoted author's name. Staff
   * stay named, so their names are not learnt here. Does not assign a letter: `observe` does, in order.
   */
  knowNames(userId: string, names: readonly string[]): void {
    if (this.staffUserIds.has(userId)) return;
    for (const name of names) this.addName(userId, name);
  }

  private addName(userId: string, name: string): void {
    const trimmed = name.trim();
    if (!trimmed) return;
    const known = this.names.get(userId);
    if (!known) this.names.set(userId, [trimmed]);
    else if (!known.some((other) => other.toLowerCase() === trimmed.toLowerCase())) known.push(trimmed);
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
    return this.userNames[userId] ?? this.names.get(userId)?.[0] ?? userId;
  }

  /** How to show a quoted message's author. */
  member(userId: string | null, name: string | null): string {
    if (!userId) return this.reveal && name ? name : t(this.locale, 'timeline.unknown_member', {});
    if (!this.reveal) return this.label(userId);
    return name ?? this.userNames[userId] ?? userId;
  }

  /** Rewrites mentions as @names and, unless revealing, member names as their pseudonyms. */
  scrub(text: string): string {
    const result = text.replace(MENTION, (_, id: string) => `@${this.user(id)}`);
    if (this.reveal || this.names.size === 0) return result;
    // One pass, longest name first: "Farid Haddad" goes whole, never leaving "Member A Haddad" behind.
    const owners = new Map<string, string>();
    for (const [userId, names] of this.names) for (const name of names) if (!owners.has(name.toLowerCase())) owners.set(name.toLowerCase(), userId);
    const alternatives = [...owners.keys()].sort((a, b) => b.length - a.length).map(escapeRegExp);
    const pattern = new RegExp(`(?<![\\p{L}\\p{N}_])@?(${alternatives.join('|')})(?![\\p{L}\\p{N}_])`, 'giu');
    const ownerOf = (found: string) =>
      owners.get(found.toLowerCase()) ?? [...owners].find(([name]) => new RegExp(`^${escapeRegExp(name)}$`, 'iu').test(found))?.[1];
    return result.replace(pattern, (found: string, name: string) => {
      const owner = ownerOf(name);
      return owner ? this.label(owner) : found;
    });
  }
}
