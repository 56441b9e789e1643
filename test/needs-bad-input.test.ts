import { randomUUID } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { insertApiToken, newSecret } from '../db/credentials.js';
import { currencyRule } from '../domain/currency.js';
import {
  ApiClient,
  type Harness,
  makeActor,
  makeUser,
  needLine,
  startHarness,
  statementDetails,
  until,
} from './support/harness.js';

type Actor = Awaited<ReturnType<typeof makeActor>>;

const year = new Date().getUTCFullYear();
const horizon = { from: year + 1, to: year + 3 };
const horizonRule = `must be within the statement's delivery horizon (${horizon.from} to ${horizon.to})`;
const decimalFormatRule = 'must be a number written with digits and an optional "." (e.g. 1250.50)';
const unknownUnitRule = 'must be a code of UN/CEFACT Recommendation 20 (e.g. H87 for piece, KGM for kilogram)';
const questionTypeRule = 'must be one of: text, number, single_choice, multiple_choice, date, yes_no';

const survey = [
  { id: 'charging', label: 'Do you need charging infrastructure?', type: 'yes_no', required: true },
  { id: 'notes', label: 'Anything else?', type: 'text', required: false },
];

/**
 * Every bad input on the needs assessment routes gets a 4xx that names the line and the field
 * (or, for access, the right refusal), and a rejected request stores nothing: no version, no
 * line, no mail, and the participant's status is what it was.
 */
describe('needs assessment: bad input is refused with the line and field named, and nothing is stored', () => {
  let h: Harness;
  let lead: Actor;
  let north: Actor;
  let south: Actor;
  let outsider: Actor;
  let supplier: Actor;
  let id: string;

  const base = (statementId = id) => `/api/statements/${statementId}`;

  /** What a rejected request must leave untouched, for one statement. */
  async function snapshot(statementId = id) {
    const count = async (table: 'need_versions' | 'need_lines' | 'outbox') =>
      Number(
        (
          await h.db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll().as('n'))
            .where('statement_id', '=', statementId)
            .executeTakeFirstOrThrow()
        ).n,
      );
    const participants = await h.db
      .selectFrom('participants')
      .select(['organisation_id', 'status'])
      .where('statement_id', '=', statementId)
      .orderBy('organisation_id')
      .execute();
    const statement = await h.db
      .selectFrom('statements')
      .select(['stage'])
      .where('id', '=', statementId)
      .executeTakeFirstOrThrow();
    return {
      versions: await count('need_versions'),
      lines: await count('need_lines'),
      mail: await count('outbox'),
      stage: statement.stage,
      statuses: Object.fromEntries(participants.map((p) => [p.organisation_id, p.status])),
    };
  }

  /** The workflow's own view of the participants agrees with the database's. */
  async function liveStatuses(statementId = id) {
    const live = await lead.api.get(`${base(statementId)}/live`);
    expect(live.status).toBe(200);
    return Object.fromEntries(live.body.participants.map((p: any) => [p.orgId, p.status]));
  }

  beforeAll(async () => {
    h = await startHarness();
    lead = await makeActor(h, { kind: 'buyer', name: 'Vantaa', country: 'FI' }, { label: 'lead' });
    north = await makeActor(h, { kind: 'buyer', name: 'Hamburg', country: 'DE' }, { label: 'hamburg' });
    south = await makeActor(h, { kind: 'buyer', name: 'Lyon', country: 'FR', buyerLegalType: 'ra' }, { label: 'lyon' });
    outsider = await makeActor(h, { kind: 'buyer', name: 'Porto', country: 'PT' }, { label: 'porto' });
    supplier = await makeActor(h, { kind: 'supplier', country: 'SE' }, { label: 'supplier' });
    const created = await lead.api.post('/api/statements', statementDetails());
    expect(created.status).toBe(201);
    id = created.body.id;
    expect((await lead.api.put(`${base()}/survey`, { questions: survey })).status).toBe(200);
    expect(
      (await lead.api.post(`${base()}/invitations`, { organisationIds: [north.org.id, south.org.id] })).status,
    ).toBe(200);
  });
  afterAll(async () => h?.close());

  describe('the survey definition, in draft', () => {
    async function surveyIsUnchanged() {
      const current = await lead.api.get(`${base()}/survey`);
      expect(current.status).toBe(200);
      expect(current.body.version).toBe(1);
      expect(current.body.questions.map((q: any) => [q.id, q.type, q.required])).toEqual([
        ['charging', 'yes_no', true],
        ['notes', 'text', false],
      ]);
    }

    it('refuses duplicate question ids, a choice with one option and an unknown type, naming questions[i]', async () => {
      const cases: [unknown, { field: string; rule: string }[]][] = [
        [
          [
            { id: 'fleet', type: 'text', label: 'Fleet today' },
            { id: 'fleet', type: 'yes_no', label: 'Fleet electric?' },
          ],
          [{ field: 'questions[1].id', rule: 'must be unique within the survey' }],
        ],
        [
          [{ id: 'fuel', type: 'single_choice', label: 'Fuel', options: [{ id: 'electric', label: 'Electric' }] }],
          [{ field: 'questions[0].options', rule: 'must offer at least 2 options' }],
        ],
        [
          [
            {
              id: 'fuel',
              type: 'multiple_choice',
              label: 'Fuel',
              options: [
                { id: 'electric', label: 'Electric' },
                { id: 'hydrogen', label: 'Hydrogen' },
              ],
            },
            { id: 'fleet', type: 'slider', label: 'Fleet size' },
          ],
          [{ field: 'questions[1].type', rule: questionTypeRule }],
        ],
        [[{ id: 'fleet', label: 'Fleet size' }], [{ field: 'questions[0].type', rule: questionTypeRule }]],
        [
          [{ id: 'Fleet Size', type: 'number', label: '', unit: 'C62', min: '10', max: '1' }],
          [
            {
              field: 'questions[0].id',
              rule: 'must be a short slug: a lower-case letter, then up to 39 lower-case letters, digits, "-" or "_"',
            },
            { field: 'questions[0].label', rule: 'must not be empty' },
            { field: 'questions[0].max', rule: 'must not be less than min' },
          ],
        ],
      ];
      for (const [questions, errors] of cases) {
        const res = await lead.api.put(`${base()}/survey`, { questions });
        expect(res.status, JSON.stringify(questions)).toBe(400);
        expect(res.body.code).toBe('invalid_input');
        expect(res.body.errors).toEqual(errors);
      }
      const noList = await lead.api.put(`${base()}/survey`, { questions: 'charging?' });
      expect(noList.status).toBe(400);
      expect(noList.body.errors.map((e: any) => e.field)).toEqual(['questions']);
      const missing = await lead.api.put(`${base()}/survey`, {});
      expect(missing.status).toBe(400);
      expect(missing.body.errors).toEqual([{ field: 'questions', rule: 'is required' }]);
      await surveyIsUnchanged();
    });

    it('lets only the lead buyer define the survey: a participant gets 403, an outsider and a supplier 404', async () => {
      const changed = [{ id: 'depot', label: 'Do you have a depot?', type: 'yes_no', required: true }];
      const byParticipant = await north.api.put(`${base()}/survey`, { questions: changed });
      expect(byParticipant.status).toBe(403);
      expect(byParticipant.body.code).toBe('forbidden');
      expect((await outsider.api.put(`${base()}/survey`, { questions: changed })).status).toBe(404);
      expect((await supplier.api.put(`${base()}/survey`, { questions: changed })).status).toBe(404);
      await surveyIsUnchanged();
    });
  });

  describe('need lines and answers, while the needs assessment is open', () => {
    beforeAll(async () => {
      for (const a of [north, south]) expect((await a.api.post(`${base()}/invitation/accept`)).status).toBe(200);
      const opened = await lead.api.post(`${base()}/needs-assessment/open`, {});
      expect(opened.status).toBe(200);
      expect(opened.body.stage).toBe('needs_assessment');
    });

    it('names every problem of every line at once (422), and submitting stores nothing', async () => {
      const lines = [
        needLine(),
        needLine({ cpvCode: '43269999' }),
        needLine({ quantity: '0' }),
        needLine({ cpvCode: '43260000-4' }),
        needLine({ unit: 'QQQ' }),
        needLine({ quantity: '-3' }),
        needLine({ unitPrice: 'about 450k' }),
        needLine({ currency: 'EUX' }),
        needLine({ delivery: { year: horizon.to + 1 } }),
      ];
      const expected = [
        {
          field: 'lines[1].cpvCode',
          rule: 'must be a code of the CPV 2008 list (CPV 2008, Regulation (EC) No 213/2008, Annex I)',
        },
        { field: 'lines[2].quantity', rule: 'must be greater than 0' },
        {
          field: 'lines[3].cpvCode',
          rule: 'has the wrong check digit: the CPV 2008 list gives 43260000-3 (CPV 2008, Regulation (EC) No 213/2008, Annex I)',
        },
        { field: 'lines[4].unit', rule: unknownUnitRule },
        { field: 'lines[5].quantity', rule: 'must be greater than 0' },
        { field: 'lines[6].unitPrice', rule: decimalFormatRule },
        { field: 'lines[7].currency', rule: currencyRule },
        { field: 'lines[8].delivery.year', rule: horizonRule },
        { field: 'answers.charging', rule: 'is required' },
      ];
      // A draft is saved whatever it holds; the answer says what would stop a submission.
      const saved = await north.api.put(`${base()}/needs/draft`, { lines, answers: {} });
      expect(saved.status).toBe(200);
      expect(saved.body.readyToSubmit).toBe(false);
      expect(saved.body.problems).toEqual(expected);

      const before = await snapshot();
      const res = await north.api.post(`${base()}/needs/submit`);
      expect(res.status).toBe(422);
      expect(res.body.code).toBe('unprocessable');
      expect(res.body.errors).toEqual(expected);
      expect(await snapshot()).toEqual(before);
      expect(before).toMatchObject({ versions: 0, lines: 0, stage: 'needs_assessment' });
      expect(before.statuses[north.org.id]).toBe('joined');
      expect((await liveStatuses())[north.org.id]).toBe('joined');
    });

    it('refuses each bad input on its own with exactly that line and field', async () => {
      const cases: [
        string,
        Record<string, unknown> | null,
        Record<string, unknown>,
        { field: string; rule: string },
      ][] = [
        [
          'unknown CPV code',
          { cpvCode: '43269999-1' },
          { charging: true },
          {
            field: 'lines[1].cpvCode',
            rule: 'must be a code of the CPV 2008 list (CPV 2008, Regulation (EC) No 213/2008, Annex I)',
          },
        ],
        [
          'wrong check digit',
          { cpvCode: '34144900-2' },
          { charging: true },
          {
            field: 'lines[1].cpvCode',
            rule: 'has the wrong check digit: the CPV 2008 list gives 34144900-7 (CPV 2008, Regulation (EC) No 213/2008, Annex I)',
          },
        ],
        [
          'wrong separate check digit',
          { cpvCode: '43260000', cpvCheckDigit: '5' },
          { charging: true },
          {
            field: 'lines[1].cpvCheckDigit',
            rule: 'has the wrong check digit: the CPV 2008 list gives 43260000-3 (CPV 2008, Regulation (EC) No 213/2008, Annex I)',
          },
        ],
        ['unknown unit', { unit: 'QQQ' }, { charging: true }, { field: 'lines[1].unit', rule: unknownUnitRule }],
        [
          'zero quantity',
          { quantity: '0.000' },
          { charging: true },
          { field: 'lines[1].quantity', rule: 'must be greater than 0' },
        ],
        [
          'negative quantity',
          { quantity: '-1' },
          { charging: true },
          { field: 'lines[1].quantity', rule: 'must be greater than 0' },
        ],
        [
          'non-numeric price',
          { unitPrice: 'twelve' },
          { charging: true },
          { field: 'lines[1].unitPrice', rule: decimalFormatRule },
        ],
        [
          'price with a decimal comma',
          { unitPrice: '1250,50' },
          { charging: true },
          { field: 'lines[1].unitPrice', rule: 'must use "." as the decimal separator, not "," (e.g. 1250.50)' },
        ],
        [
          'price as a binary float',
          { unitPrice: 1250.5 },
          { charging: true },
          { field: 'lines[1].unitPrice', rule: 'must be a decimal number written as a string (e.g. "1250.50")' },
        ],
        [
          'negative price',
          { unitPrice: '-5' },
          { charging: true },
          { field: 'lines[1].unitPrice', rule: 'must not be negative' },
        ],
        [
          'unknown currency',
          { currency: 'XYZ' },
          { charging: true },
          { field: 'lines[1].currency', rule: currencyRule },
        ],
        [
          'delivery before the horizon',
          { delivery: { year: horizon.from - 1 } },
          { charging: true },
          { field: 'lines[1].delivery.year', rule: horizonRule },
        ],
        [
          'delivery window ending after the horizon',
          { delivery: { fromYear: horizon.from, toYear: horizon.to + 2 } },
          { charging: true },
          { field: 'lines[1].delivery.toYear', rule: horizonRule },
        ],
        [
          'framework agreement of ten years without a justification',
          { frameworkMonths: 120 },
          { charging: true },
          {
            field: 'lines[1].frameworkJustification',
            rule: 'is required when frameworkMonths is more than 48: the term of a framework agreement shall not exceed four years, save in exceptional cases duly justified (Directive 2014/24/EU Art. 33(1))',
          },
        ],
        ['missing required answer', null, {}, { field: 'answers.charging', rule: 'is required' }],
        [
          'answer of the wrong type',
          null,
          { charging: 'yes' },
          { field: 'answers.charging', rule: 'must be true or false' },
        ],
        [
          'answer to a question not asked',
          null,
          { charging: true, colour: 'green' },
          { field: 'answers.colour', rule: 'is not a question of this survey' },
        ],
        [
          'missing quantity',
          { quantity: undefined },
          { charging: true },
          { field: 'lines[1].quantity', rule: 'is required' },
        ],
      ];
      const before = await snapshot();
      for (const [what, overrides, answers, problem] of cases) {
        const lines = overrides ? [needLine({ quantity: '2' }), needLine(overrides)] : [needLine({ quantity: '2' })];
        const saved = await north.api.put(`${base()}/needs/draft`, { lines, answers });
        expect(saved.status, what).toBe(200);
        expect(saved.body.problems, what).toEqual([problem]);
        const res = await north.api.post(`${base()}/needs/submit`);
        expect(res.status, what).toBe(422);
        expect(res.body.errors, what).toEqual([problem]);
      }
      expect(await snapshot()).toEqual(before);
      expect((await liveStatuses())[north.org.id]).toBe('joined');
    });

    it('refuses to submit before any draft was saved (422 naming the draft)', async () => {
      const before = await snapshot();
      const res = await south.api.post(`${base()}/needs/submit`);
      expect(res.status).toBe(422);
      expect(res.body.errors).toEqual([{ field: 'draft', rule: 'must be saved before it can be submitted' }]);
      expect(await snapshot()).toEqual(before);
    });

    it('answers malformed JSON and wrong types with 400 naming the field, on every needs route', async () => {
      const before = await snapshot();
      const other = north.org.id;
      const malformed = '{"lines": [';
      const json = { 'content-type': 'application/json' };
      const routes: [string, string][] = [
        ['PUT', `${base()}/survey`],
        ['PUT', `${base()}/needs/draft`],
        ['POST', `${base()}/needs/submit`],
        ['POST', `${base()}/needs/withdraw`],
        ['POST', `${base()}/needs/confirm`],
        ['POST', `${base()}/deadline`],
        ['POST', `${base()}/close-stage`],
      ];
      for (const [method, path] of routes) {
        const res = await north.api.request(method, path, malformed, json);
        expect(res.status, `${method} ${path}`).toBe(400);
        expect(res.body, `${method} ${path}`).toMatchObject({
          code: 'invalid_input',
          errors: [{ field: '(body)', rule: 'must be valid JSON' }],
        });
      }

      const wrong: [string, string, unknown, string[]][] = [
        ['PUT', `${base()}/survey`, { questions: { charging: 'yes_no' } }, ['questions']],
        [
          'PUT',
          `${base()}/survey`,
          { questions: [{ id: 'charging', type: 'yes_no', label: 'Charging?', required: 'yes' }] },
          ['questions[0].required'],
        ],
        ['PUT', `${base()}/needs/draft`, { lines: 'one excavator' }, ['lines']],
        ['PUT', `${base()}/needs/draft`, { lines: [needLine()], answers: ['yes'] }, ['answers']],
        ['PUT', `${base()}/needs/draft`, {}, ['lines']],
        ['PUT', `${base()}/needs/draft`, [needLine()], ['(body)']],
        ['PUT', `${base()}/needs/draft`, { lines: Array.from({ length: 501 }, () => ({})) }, ['lines']],
        ['POST', `${base()}/needs/withdraw`, { reason: 42 }, ['reason']],
        ['POST', `${base()}/needs/withdraw`, { reason: ' ' }, ['reason']],
        ['POST', `${base()}/needs/withdraw`, {}, ['reason']],
        ['POST', `${base()}/needs/confirm`, { versionId: 'v1' }, ['versionId']],
        ['POST', `${base()}/needs/confirm`, { versionId: 7 }, ['versionId']],
        ['POST', `${base()}/needs/confirm`, {}, ['versionId']],
        ['POST', `${base()}/deadline`, { deadline: 'next week' }, ['deadline']],
        ['POST', `${base()}/deadline`, { deadline: 1767225600000 }, ['deadline']],
        ['GET', `${base()}/survey?version=first`, undefined, ['version']],
        ['GET', `${base()}/survey?version=0`, undefined, ['version']],
        ['GET', `${base()}/needs/hamburg`, undefined, ['organisationId']],
      ];
      for (const [method, path, body, fields] of wrong) {
        const res = await north.api.request(method, path, body);
        const what = `${method} ${path} ${JSON.stringify(body)?.slice(0, 60)}`;
        expect(res.status, what).toBe(400);
        expect(res.body.code, what).toBe('invalid_input');
        expect(
          res.body.errors.map((e: any) => e.field),
          what,
        ).toEqual(fields);
        expect(
          res.body.errors.every((e: any) => typeof e.rule === 'string' && e.rule.length > 0),
          what,
        ).toBe(true);
      }

      // A path id that is not a UUID is named too, on every route.
      const paths: [string, string][] = [
        ['GET', '/survey'],
        ['PUT', '/survey'],
        ['PUT', '/needs/draft'],
        ['POST', '/needs/submit'],
        ['POST', '/needs/withdraw'],
        ['POST', '/needs/confirm'],
        ['GET', `/needs/${other}`],
        ['GET', '/needs-overview'],
        ['POST', '/deadline'],
        ['POST', '/close-stage'],
      ];
      for (const [method, suffix] of paths) {
        const res = await north.api.request(
          method,
          `/api/statements/statement-1${suffix}`,
          method === 'GET' ? undefined : {},
        );
        expect(res.status, `${method} ${suffix}`).toBe(400);
        expect(
          res.body.errors.map((e: any) => e.field),
          `${method} ${suffix}`,
        ).toContain('statementId');
      }
      expect(await snapshot()).toEqual(before);
      expect((await liveStatuses())[north.org.id]).toBe('joined');
    });

    it('is 404 to a buyer that does not take part and to a supplier: they cannot see the statement', async () => {
      await north.api.put(`${base()}/needs/draft`, { lines: [needLine()], answers: { charging: true } });
      const before = await snapshot();
      for (const stranger of [outsider, supplier]) {
        const attempts = [
          await stranger.api.put(`${base()}/needs/draft`, { lines: [needLine()], answers: { charging: true } }),
          await stranger.api.post(`${base()}/needs/submit`),
          await stranger.api.post(`${base()}/needs/withdraw`, { reason: 'not interested' }),
          await stranger.api.get(`${base()}/needs/${north.org.id}`),
          await stranger.api.get(`${base()}/needs/${stranger.org.id}`),
          await stranger.api.get(`${base()}/survey`),
        ];
        expect(attempts.map((r) => r.status)).toEqual([404, 404, 404, 404, 404, 404]);
        expect(attempts.every((r) => r.body.code === 'not_found')).toBe(true);
      }
      expect(await snapshot()).toEqual(before);
      expect(
        await h.db
          .selectFrom('need_drafts')
          .select('organisation_id')
          .where('statement_id', '=', id)
          .where('organisation_id', 'in', [outsider.org.id, supplier.org.id])
          .execute(),
      ).toEqual([]);
    });

    it('is 403 to a participant reading another participant’s needs; its own organisation and the lead may', async () => {
      const res = await south.api.get(`${base()}/needs/${north.org.id}`);
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('forbidden');
      expect(JSON.stringify(res.body)).not.toContain('Electric excavator');
      // Another user of the same organisation reads them; so does the lead buyer (without the draft).
      const colleague = await makeUser(h, north.org.id, { label: 'hamburg-colleague' });
      const secret = newSecret('jd_');
      await insertApiToken(h.db, { userId: colleague.id, name: 'test', secret, expiresAt: null });
      const asColleague = await new ApiClient(h.baseUrl, { bearer: secret }).get(`${base()}/needs/${north.org.id}`);
      expect(asColleague.status).toBe(200);
      expect(asColleague.body.draft.lines).toHaveLength(1);
      const asLead = await lead.api.get(`${base()}/needs/${north.org.id}`);
      expect(asLead.status).toBe(200);
      expect(asLead.body.draft).toBeNull();
      // The overview of who has done what is the lead's, not a participant's.
      expect((await south.api.get(`${base()}/needs-overview`)).status).toBe(403);
    });
  });

  describe('confirmation', () => {
    let northVersion: string;
    let southVersion: string;

    beforeAll(async () => {
      for (const [a, qty] of [
        [north, '3'],
        [south, '5'],
      ] as const) {
        expect(
          (
            await a.api.put(`${base()}/needs/draft`, {
              lines: [needLine({ quantity: qty })],
              answers: { charging: true },
            })
          ).body.readyToSubmit,
        ).toBe(true);
        const submitted = await a.api.post(`${base()}/needs/submit`);
        expect(submitted.status).toBe(200);
      }
      // Only the lead may close a stage early.
      expect((await north.api.post(`${base()}/close-stage`)).status).toBe(403);
      const closed = await lead.api.post(`${base()}/close-stage`);
      expect(closed.status).toBe(200);
      expect(closed.body.stage).toBe('confirmation');
      northVersion = (await north.api.get(`${base()}/needs/${north.org.id}`)).body.versions[0].id;
      southVersion = (await south.api.get(`${base()}/needs/${south.org.id}`)).body.versions[0].id;
    });

    it('refuses to confirm someone else’s version (409 naming versionId) and changes nothing', async () => {
      const before = await snapshot();
      expect(before).toMatchObject({ versions: 2, lines: 2, stage: 'confirmation' });
      const res = await south.api.post(`${base()}/needs/confirm`, { versionId: northVersion });
      expect(res.status).toBe(409);
      expect(res.body.errors).toEqual([
        { field: 'versionId', rule: 'must be the latest submitted version of your needs' },
      ]);
      const unknown = await south.api.post(`${base()}/needs/confirm`, { versionId: randomUUID() });
      expect(unknown.status).toBe(409);
      expect(unknown.body.errors).toEqual([
        { field: 'versionId', rule: 'must be the latest submitted version of your needs' },
      ]);
      // Whoever cannot see the statement cannot confirm in it either.
      expect((await outsider.api.post(`${base()}/needs/confirm`, { versionId: northVersion })).status).toBe(404);
      expect((await supplier.api.post(`${base()}/needs/confirm`, { versionId: northVersion })).status).toBe(404);
      // The lead never submitted, so it dropped out when the stage closed and has nothing to confirm.
      expect((await lead.api.post(`${base()}/needs/confirm`, { versionId: northVersion })).status).toBe(409);

      expect(await snapshot()).toEqual(before);
      const versions = await h.db
        .selectFrom('need_versions')
        .select(['id', 'status', 'confirmed_at'])
        .where('statement_id', '=', id)
        .execute();
      expect(versions.every((v) => v.status === 'submitted' && v.confirmed_at === null)).toBe(true);
      expect(await liveStatuses()).toMatchObject({
        [north.org.id]: 'submitted',
        [south.org.id]: 'submitted',
        [lead.org.id]: 'dropped',
      });
    });

    it('refuses needs once the stage has closed (409), and a second confirmation (409)', async () => {
      const before = await snapshot();
      expect(
        (await north.api.put(`${base()}/needs/draft`, { lines: [needLine()], answers: { charging: true } })).status,
      ).toBe(409);
      const late = await north.api.post(`${base()}/needs/submit`);
      expect(late.status).toBe(409);
      expect(late.body.code).toBe('wrong_stage');
      expect(await snapshot()).toEqual(before);

      expect((await north.api.post(`${base()}/needs/confirm`, { versionId: northVersion })).status).toBe(200);
      const after = await snapshot();
      const again = await north.api.post(`${base()}/needs/confirm`, { versionId: northVersion });
      expect(again.status).toBe(409);
      expect(await snapshot()).toEqual(after);
      expect(after.statuses[north.org.id]).toBe('confirmed');
      expect(southVersion).not.toBe(northVersion);
    });
  });

  describe('after the needs deadline', () => {
    let late: string;

    it('refuses a submission once the deadline has passed (409), even before the process has closed the stage', async () => {
      const created = await lead.api.post('/api/statements', statementDetails({ title: 'Electric street sweepers' }));
      late = created.body.id;
      expect((await lead.api.post(`${base(late)}/invitations`, { organisationIds: [north.org.id] })).status).toBe(200);
      expect((await north.api.post(`${base(late)}/invitation/accept`)).status).toBe(200);
      const deadline = Date.now() + 15_000;
      expect(
        (await lead.api.post(`${base(late)}/needs-assessment/open`, { deadline: new Date(deadline).toISOString() }))
          .status,
      ).toBe(200);
      const saved = await north.api.put(`${base(late)}/needs/draft`, { lines: [needLine()], answers: {} });
      expect(saved.body.readyToSubmit).toBe(true);

      // With no worker the process cannot close the stage, so the API alone must refuse.
      await h.stopWorker();
      try {
        await new Promise((r) => setTimeout(r, Math.max(0, deadline - Date.now()) + 500));
        const before = await snapshot(late);
        const res = await north.api.post(`${base(late)}/needs/submit`);
        expect(res.status).toBe(409);
        expect(res.body.code).toBe('deadline_passed');
        const draft = await north.api.put(`${base(late)}/needs/draft`, {
          lines: [needLine({ quantity: '9' })],
          answers: {},
        });
        expect(draft.status).toBe(409);
        expect(await snapshot(late)).toEqual(before);
        expect(before).toMatchObject({ versions: 0, lines: 0, stage: 'needs_assessment' });
        expect(before.statuses[north.org.id]).toBe('joined');
      } finally {
        await h.startWorker();
      }
    });

    it('then closes the stage at the deadline: the buyer drops out, and its late submission is refused (403: it left)', async () => {
      // Nobody submitted, so nobody is left to confirm: the confirmation ends at once as well, and
      // an aggregate of no demand is a shortfall.
      const live = await until(
        () => lead.api.get(`${base(late)}/live`),
        (r) => r.body.stage === 'shortfall',
        60_000,
        'shortfall',
      );
      expect(live.body.participants.map((p: any) => p.status)).toEqual(['dropped', 'dropped']);
      expect(
        (await lead.api.get(`${base(late)}`)).body.participants.find((p: any) => p.organisationId === north.org.id)
          .statusReason,
      ).toBe('did not submit before the deadline');
      const before = await snapshot(late);
      // An organisation that dropped out does nothing more on the statement (unless the lead reopens it).
      const res = await north.api.post(`${base(late)}/needs/submit`);
      expect(res.status).toBe(403);
      expect(await snapshot(late)).toEqual(before);
      expect(before).toMatchObject({ versions: 0, lines: 0 });
      expect(before.statuses[north.org.id]).toBe('dropped');
    });
  });
});
