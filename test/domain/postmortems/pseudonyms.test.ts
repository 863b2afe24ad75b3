import { describe, expect, it } from 'vitest';
import { MemberPseudonyms } from '../../../src/domain/postmortems/index.js';

describe('member pseudonyms', () => {
  const staff = new Set(['UANA']);
  const names = { UANA: 'Ana Ruiz', UM1: 'dana.k' };

  it('labels members in order of appearance, past Z, and keeps staff named', () => {
    const people = new MemberPseudonyms('en', staff, names, false);
    for (let i = 0; i < 27; i += 1) people.observe(`UM${i}`, null, null);
    expect(people.member('UM0', null)).toBe('Member A');
    expect(people.member('UM25', null)).toBe('Member Z');
    expect(people.member('UM26', null)).toBe('Member AA');
    expect(people.user('UANA')).toBe('Ana Ruiz');
  });

  it('rewrites mentions (also with a display label) and names, whole words only, any case', () => {
    const people = new MemberPseudonyms('es', staff, names, false);
    people.observe('UM1', 'dana.k', 'hola <@UANA>');
    expect(people.scrub('<@UM1|dana.k> y <@UANA>: DANA.K dijo que @dana.k… pero no dana.kim')).toBe(
      '@Miembro A y @Ana Ruiz: Miembro A dijo que Miembro A… pero no dana.kim',
    );
    // Someone mentioned who is not staff is a member too.
    expect(people.scrub('pregunta de <@UM9>')).toBe('pregunta de @Miembro B');
  });

  it('shows names when the team opted in', () => {
    const people = new MemberPseudonyms('en', staff, names, true);
    people.observe('UM1', 'dana.k', null);
    expect(people.scrub('<@UM1> said dana.k')).toBe('@dana.k said dana.k');
    expect(people.member(null, null)).toBe('an unknown member');
  });
});

describe('names learnt for members a reply was drafted to', () => {
  it('removes every name, longest first, and never learns a staff member’s name', () => {
    const people = new MemberPseudonyms('en', new Set(['UANA']), { UANA: 'Ana Ruiz' }, false);
    people.knowNames('UFARID', ['Farid Haddad', 'Farid', 'farid.h']);
    people.knowNames('UANA', ['Ana Ruiz', 'Ana']);
    people.observe('UFARID', null, null);
    expect(people.scrub('Thanks, Farid Haddad (@farid.h). FARID, Ana is on it.')).toBe('Thanks, Member A (Member A). Member A, Ana is on it.');
    expect(people.user('UANA')).toBe('Ana Ruiz');
  });
});
