// The sandbox page's own texts in one language, as templates the page fills itself ({name} where a
// param goes): the catalog's `sandbox.*` messages, so the page speaks the team's language like Firebreak.
import { en } from '../i18n/en.js';
import { t, type Locale, type MessageKey } from '../i18n/index.js';

const SANDBOX_KEYS = Object.keys(en).filter((key) => key.startsWith('sandbox.')) as MessageKey[];

export function sandboxTexts(locale: Locale): Record<string, string> {
  // Every sandbox message takes string params only: a param read becomes its {placeholder}.
  const placeholders = new Proxy({}, { get: (_target, name) => (typeof name === 'string' ? `{${name}}` : undefined) });
  return Object.fromEntries(SANDBOX_KEYS.map((key) => [key, t(locale, key, placeholders as never)]));
}
