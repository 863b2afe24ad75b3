// The language of an answer only one person reads (slash command replies, ephemeral notices): the one
// the workspace chose in App Home (OAuth installs), a deliberate choice for its team; else the language
// that person uses Slack in (users.info with include_locale), when Firebreak speaks it; else LOCALE, the
// server's default. Slack is asked once a minute per person.
import type { WebClient } from '@slack/web-api';
import type { Clock } from '../domain/clock.js';
import { localeFromTag, type Locale } from '../i18n/index.js';

/** Slack answers users.info in well under a second; an answer is due within 3 s, so a slow one is not awaited. */
const LOOKUP_TIMEOUT_MS = 1_200;
const CACHE_MS = 60_000;
const MAX_ENTRIES = 5_000;

export interface PersonLanguageOptions {
  clock: Clock;
  /** The language a workspace chose itself (App Home, OAuth installs); undefined when it chose none. */
  chosenByWorkspace(teamId: string | undefined): Promise<Locale | undefined>;
  /** LOCALE. */
  fallback: Locale;
}

export function personLanguage({ clock, chosenByWorkspace, fallback }: PersonLanguageOptions) {
  const known = new Map<string, { at: number; value: Promise<Locale | undefined> }>();
  const slackLanguage = (client: WebClient, userId: string): Promise<Locale | undefined> =>
    client.users
      .info({ user: userId, include_locale: true })
      .then((answer) => localeFromTag((answer.user as { locale?: unknown } | undefined)?.locale))
      .catch(() => undefined);
  /** The answer if it comes in time; it stays cached for the next request either way. */
  const inTime = (answer: Promise<Locale | undefined>): Promise<Locale | undefined> => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), LOOKUP_TIMEOUT_MS);
      timer.unref();
    });
    return Promise.race([answer, timeout]).finally(() => clearTimeout(timer));
  };
  return async (teamId: string | undefined, userId: string, client: WebClient): Promise<Locale> => {
    const chosen = await chosenByWorkspace(teamId).catch(() => undefined);
    if (chosen) return chosen;
    const key = `${teamId ?? ''}:${userId}`;
    let entry = known.get(key);
    if (!entry || clock.now() - entry.at >= CACHE_MS) {
      entry = { at: clock.now(), value: slackLanguage(client, userId) };
      known.delete(key);
      if (known.size >= MAX_ENTRIES) known.delete(known.keys().next().value as string);
      known.set(key, entry);
    }
    return (await inTime(entry.value)) ?? fallback;
  };
}
