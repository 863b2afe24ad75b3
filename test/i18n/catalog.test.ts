import { describe, expect, it } from 'vitest';
import { en } from '../../src/i18n/en.js';
import { es } from '../../src/i18n/es.js';
import { isLocale, t } from '../../src/i18n/index.js';

describe('i18n', () => {
  it('has the same keys in Spanish as in English', () => {
    expect(Object.keys(es).sort()).toEqual(Object.keys(en).sort());
  });

  it('renders typed params in both languages', () => {
    expect(t('en', 'refusal.text_too_long', { field: 'summary', length: 3200, max: 3000 })).toBe(
      'The resolution summary is 3200 characters long; Slack allows at most 3000.',
    );
    expect(t('es', 'refusal.text_too_long', { field: 'summary', length: 3200, max: 3000 })).toBe(
      'El resumen de la resolución tiene 3200 caracteres; Slack admite como máximo 3000.',
    );
    expect(t('es', 'refusal.quorum_unreachable', { required: 2, eligible: 1 })).toBe(
      'Esta respuesta necesita 2 aprobaciones, pero solo 1 persona puede darla, así que nunca podría publicarse.',
    );
    expect(t('en', 'refusal.quorum_unreachable', { required: 1, eligible: 0 })).toBe(
      'This reply needs 1 approval but only 0 approvers are allowed to give one, so it could never be posted.',
    );
  });

  it('translates rather than copies: no Spanish text equals its English one', () => {
    // Words Spanish-speaking teams use as they are.
    const sameInBoth = ['timeline.firebreak', 'export.header.playbook', 'export.no'];
    const sameAsEnglish = Object.keys(en).filter((key) => {
      const params = { number: 1, draftNumber: 1, user: 'U', field: 'text', step: 's', steps: ['s'], severity: 'sev1', from: 'sev2', to: 'sev1' };
      const render = (catalog: Record<string, (p: never) => string>) => catalog[key]?.(params as never);
      return render(en as never) === render(es as never) && !sameInBoth.includes(key);
    });
    expect(sameAsEnglish).toEqual([]);
  });

  it('recognises supported locales only', () => {
    expect(isLocale('es')).toBe(true);
    expect(isLocale('fr')).toBe(false);
    expect(isLocale(undefined)).toBe(false);
  });
});
