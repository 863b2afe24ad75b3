// The language of an answer only one person reads (slash command replies, ephemeral notices): the one
// the workspace chose in App Home (OAuth installs), a deliberate choice for its team; else the language
// that person uses Slack in (users.info with include_locale), when Firebreak speaks it; else LOCALE, the
// server's default. Slack is asked through the admin check's users.info (workspace-admins.ts): one
// answer per person, kept briefly, serves both.
import type { WebClient } from '@slack/web-api';
import { localeFromTag, type Locale } from '../i18n/index.js';

export interface PersonLanguageOptions {
  /** The language a workspace chose itself (App Home, OAuth installs); undefined when it chose none. */
  chosenByWorkspace(teamId: string | undefined): Promise<Locale | undefined>;
  /** The person's Slack locale (es-ES…), undefined when Slack did not say in time. */
  slackLocale(teamId: string | undefined, userId: string, client: WebClient): Promise<string | undefined>;
  /** LOCALE. */
  fallback: Locale;
}

export function personLanguage({ chosenByWorkspace, slackLocale, fallback }: PersonLanguageOptions) {
  return async (teamId: string | undefined, userId: string, client: WebClient): Promise<Locale> => {
    const chosen = await chosenByWorkspace(teamId).catch(() => undefined);
    if (chosen) return chosen;
    return localeFromTag(await slackLocale(teamId, userId, client).catch(() => undefined)) ?? fallback;
  };
}
