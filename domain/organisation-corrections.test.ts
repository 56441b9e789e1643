import { describe, expect, it } from 'vitest';

import { canAdministerOrganisations, type Principal } from './authorization.js';
import {
  affectsFigures,
  applyChanges,
  type CorrectableOrganisation,
  correctionChanges,
  correctionProblems,
  organisationCorrectionSchema,
  userCorrectionChanges,
  userCorrectionSchema,
} from './organisation-corrections.js';

const oslo: CorrectableOrganisation = {
  kind: 'buyer',
  name: 'City of Oslo',
  country: 'NO',
  buyerLegalType: 'cga',
  nuts: null,
  sme: null,
};

const principal = (over: Partial<Principal>): Principal => ({
  userId: 'u',
  orgId: 'o',
  orgKind: 'buyer',
  isAdmin: false,
  roles: [],
  via: 'session',
  ...over,
});

describe('organisation corrections', () => {
  it('requires a reason, naming the field', () => {
    const missing = organisationCorrectionSchema.safeParse({ buyerLegalType: 'la' });
    expect(missing.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([['reason', 'is required']]);
    const blank = organisationCorrectionSchema.safeParse({ buyerLegalType: 'la', reason: '  ' });
    expect(blank.error?.issues[0]?.path).toEqual(['reason']);
    expect(blank.error?.issues[0]?.message).toContain('must say why');
  });

  it('refuses an unknown legal type or a malformed country at the schema, naming each field', () => {
    const bad = organisationCorrectionSchema.safeParse({ buyerLegalType: 'city', country: 'Norway', reason: 'x' });
    expect(bad.error?.issues.map((i) => i.path.join('.')).sort()).toEqual(['buyerLegalType', 'country']);
  });

  it('lists only the fields that really change, and applies them', () => {
    const input = organisationCorrectionSchema.parse({
      name: 'City of Oslo',
      buyerLegalType: 'la',
      country: 'no',
      reason: 'Oslo is a municipality, registered as a ministry by mistake',
    });
    const changes = correctionChanges(oslo, input);
    expect(changes).toEqual([{ field: 'buyerLegalType', from: 'cga', to: 'la' }]);
    expect(applyChanges(oslo, changes)).toEqual({ ...oslo, buyerLegalType: 'la' });
  });

  it('says the threshold and country count change with the legal type or the country, not with the name', () => {
    expect(affectsFigures([{ field: 'buyerLegalType', from: 'cga', to: 'la' }])).toBe(true);
    expect(affectsFigures([{ field: 'country', from: 'NO', to: 'SE' }])).toBe(true);
    expect(affectsFigures([{ field: 'name', from: 'Oslo', to: 'City of Oslo' }])).toBe(false);
  });

  it('keeps a buyer in the EU or EEA, with its legal type only on buyers and SME only on suppliers', () => {
    const to = (field: 'country' | 'buyerLegalType' | 'sme', value: string | boolean) => [
      { field, from: null, to: value },
    ];
    expect(correctionProblems(oslo, to('country', 'US'))).toEqual([
      { field: 'country', rule: expect.stringContaining('must be an EU or EEA country') },
    ]);
    expect(correctionProblems(oslo, to('country', 'SE'))).toEqual([]);
    const supplier: CorrectableOrganisation = { ...oslo, kind: 'supplier', buyerLegalType: null, sme: true };
    expect(correctionProblems(supplier, to('country', 'US'))).toEqual([]);
    expect(correctionProblems(supplier, to('buyerLegalType', 'la')).map((p) => p.field)).toEqual(['buyerLegalType']);
    expect(correctionProblems(oslo, to('sme', true)).map((p) => p.field)).toEqual(['sme']);
  });

  it('refuses a correction that changes nothing', () => {
    expect(correctionProblems(oslo, [])).toEqual([{ field: 'body', rule: expect.stringContaining('must change') }]);
  });

  it('lets administrators correct organisations, and no buyer, supplier or Commission user', () => {
    expect(canAdministerOrganisations(principal({ orgKind: 'operator', isAdmin: true }))).toEqual({ allowed: true });
    for (const orgKind of ['buyer', 'supplier', 'commission', 'operator'] as const)
      expect(canAdministerOrganisations(principal({ orgKind }))).toMatchObject({ allowed: false, code: 'forbidden' });
  });

  it('corrects a user: a reason is required, and only real changes count (roles as a set)', () => {
    expect(userCorrectionSchema.safeParse({ roles: ['signatory'] }).error?.issues[0]?.path).toEqual(['reason']);
    expect(userCorrectionSchema.safeParse({ roles: ['admin'], reason: 'x' }).error?.issues[0]?.path).toEqual([
      'roles',
      0,
    ]);
    const current = { name: 'Kari', locale: 'en', roles: [] };
    const input = userCorrectionSchema.parse({
      name: 'Kari',
      roles: ['signatory', 'signatory'],
      reason: 'signs for Oslo',
    });
    expect(userCorrectionChanges(current, input)).toEqual([{ field: 'roles', from: [], to: ['signatory'] }]);
    expect(userCorrectionChanges({ ...current, roles: ['signatory'] }, input)).toEqual([]);
  });
});
