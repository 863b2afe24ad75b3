/**
 * The one catalog of every text Firebreak shows people in Slack, in English and Spanish: the domain's
 * refusals and timeline, the app's notices, the Slack surfaces' labels. A leaf module (it imports nothing
 * else from src/), so domain/, app/ and slack/ all use the same `t()` and the same key space.
 * A message is a function of typed params, so a missing or misspelt param is a compile error, and
 * Spanish must cover every English key.
 *
 * Files: en.ts/es.ts hold the incident and post-mortem texts (refusals, timeline, exports, notices) and
 * compose the others; ui-*.ts the Slack surfaces (buttons, modals, App Home, commands, digest, chart);
 * feedback-*.ts staff feedback; sandbox-*.ts the sandbox page; drill-cli-*.ts `firebreak drill`.
 * test/i18n checks that both languages have the same keys and use the same params, and that src/slack,
 * src/app, src/jobs and the composition roots write no user-visible literal outside here.
 */
import { en, type Catalog } from './en.js';
import { es } from './es.js';

export type Locale = 'en' | 'es';
export const LOCALES: readonly Locale[] = ['en', 'es'];

export type MessageKey = keyof Catalog;
export type MessageParams<K extends MessageKey> = Parameters<Catalog[K]>[0];

const catalogs: Record<Locale, Catalog> = { en, es };

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

export function t<K extends MessageKey>(locale: Locale, key: K, params: MessageParams<K>): string {
  // A locale read back from storage may be one we no longer ship; English beats a crash.
  const catalog = catalogs[locale] ?? catalogs.en;
  const message = (Object.hasOwn(catalog, key) ? catalog[key] : undefined) as ((p: MessageParams<K>) => string) | undefined;
  // Keys are checked at compile time; a key forced past the types is a bug, named rather than rendered.
  if (typeof message !== 'function') throw new RangeError(`no message "${String(key)}" in the ${locale} catalog`);
  return message(params);
}

/** The catalog language for an IETF tag as Slack and browsers give it (es-ES, es-419, en-GB, "es,en;q=0.8"); undefined when we do not ship it. */
export function localeFromTag(tag: unknown): Locale | undefined {
  if (typeof tag !== 'string') return undefined;
  const language = tag.trim().toLowerCase().split(/[-_,;]/)[0];
  return isLocale(language) ? language : undefined;
}
