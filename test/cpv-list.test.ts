import { randomUUID } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

import { createDb, type Db } from '../db/database.js';
import { migrateToLatest } from '../db/migrate.js';
import { needReferenceLookups } from '../db/reference-data.js';
import {
  loadReferenceLists,
  locateReferenceData,
  ReferenceDataError,
  requireReferenceLists,
} from '../db/reference-data-files.js';
import { validateNeedLines } from '../domain/need-lines.js';
import { countStatements, type Harness, makeActor, startHarness, statementDetails } from './support/harness.js';
import { needLine } from './support/sample-input.js';

/**
 * Issue 17, point 6: CPV codes are always checked against the CPV 2008 list (Regulation (EC)
 * No 213/2008, Annex I), check digit included. The list is loaded by every start and by the test
 * setup; a database without it passes no code on its structure alone, and the API and worker
 * refuse to start on it.
 */
const source = '(CPV 2008, Regulation (EC) No 213/2008, Annex I)';

describe('a database without the reference lists', () => {
  let db: Db;
  beforeAll(async () => {
    const url = new URL(inject('databaseUrl'));
    // Named after the run's database, so the run's teardown drops it.
    url.pathname = `${url.pathname}_nolists_${randomUUID().slice(0, 8)}`;
    await migrateToLatest(url.toString());
    db = createDb(url.toString(), 2);
  });
  afterAll(async () => db?.destroy());

  it('passes no need line on its structure alone: every code reads as not in the list', async () => {
    const lookups = await needReferenceLookups(db, { cpvCodes: ['34144900'], unitCodes: ['H87'] });
    expect(lookups.cpv('34144900')).toBeUndefined();
    const checked = validateNeedLines([needLine({ cpvCode: '34144900-7', unit: 'H87' })], {
      horizon: { fromYear: 2000, toYear: 2100 },
      ...lookups,
    });
    expect(checked).toEqual({
      problems: expect.arrayContaining([
        { field: 'lines[0].cpvCode', rule: `must be a code of the CPV 2008 list ${source}` },
      ]),
    });
  });

  it('stops the API and the worker at start', async () => {
    await expect(requireReferenceLists(db)).rejects.toThrow(ReferenceDataError);
    await expect(requireReferenceLists(db)).rejects.toThrow(
      /CPV 2008 and UN\/CEFACT Rec 20 lists are not in the database/,
    );
  });

  it('stops the start when the lists cannot be found, and loads them when they can', async () => {
    await expect(loadReferenceLists(db, undefined)).rejects.toThrow(/set REFERENCE_DATA_DIR/);
    const counts = await loadReferenceLists(db, locateReferenceData());
    expect(counts).toMatchObject({ cpv: 9454 });
    await expect(requireReferenceLists(db)).resolves.toBeUndefined();
    // Loading again, as every start does, changes nothing.
    expect(await loadReferenceLists(db, locateReferenceData())).toEqual(counts);
    const n = await db
      .selectFrom('cpv_codes')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(n.n)).toBe(9454);
  });
});

describe("a statement's own CPV codes are checked against the list (400 naming the field and rule)", () => {
  let h: Harness;
  let lead: Awaited<ReturnType<typeof makeActor>>;

  beforeAll(async () => {
    h = await startHarness();
    lead = await makeActor(h, { kind: 'buyer', country: 'FI' });
  });
  afterAll(async () => h?.close());

  it('refuses an unknown code and a wrong check digit, in the subject and in a quantity rule', async () => {
    const before = await countStatements(h.db, lead.org.id);
    // Another lead's statement created meanwhile, as other files do in the same database.
    const otherLead = await makeActor(h, { kind: 'buyer', country: 'EE' });
    expect((await otherLead.api.post('/api/statements', statementDetails())).status).toBe(201);
    const res = await lead.api.post(
      '/api/statements',
      statementDetails({
        cpvCodes: ['43260000-4', '43269999', '34144710-8'],
        criticalMass: {
          minBuyers: 3,
          minQuantityPerCpv: [
            { cpvCode: '34144700-1', unit: 'H87', minQuantity: '7' },
            { cpvCode: '34144700-5', unit: 'H87', minQuantity: '7' },
          ],
        },
      }),
    );
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('invalid_input');
    expect(res.body.errors).toEqual([
      { field: 'cpvCodes[0]', rule: `has the wrong check digit: the CPV 2008 list gives 43260000-3 ${source}` },
      { field: 'cpvCodes[1]', rule: `must be a code of the CPV 2008 list ${source}` },
      {
        field: 'criticalMass.minQuantityPerCpv[0].cpvCode',
        rule: `has the wrong check digit: the CPV 2008 list gives 34144700-5 ${source}`,
      },
    ]);
    expect(await countStatements(h.db, lead.org.id)).toBe(before);
  });

  it('accepts listed codes with or without their check digit, and checks a change the same way', async () => {
    const created = await lead.api.post('/api/statements', statementDetails({ cpvCodes: ['43260000-3', '34144710'] }));
    expect(created.status).toBe(201);
    expect(created.body.cpvCodes).toEqual(['43260000', '34144710']);
    const edited = await lead.api.patch(`/api/statements/${created.body.id}`, { cpvCodes: ['34144900-1'] });
    expect(edited.status).toBe(400);
    expect(edited.body.errors).toEqual([
      { field: 'cpvCodes[0]', rule: `has the wrong check digit: the CPV 2008 list gives 34144900-7 ${source}` },
    ]);
    const fixed = await lead.api.patch(`/api/statements/${created.body.id}`, { cpvCodes: ['34144900-7'] });
    expect(fixed.status).toBe(200);
    expect(fixed.body.cpvCodes).toEqual(['34144900']);
  });
});
