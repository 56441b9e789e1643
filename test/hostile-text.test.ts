import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  ApiClient,
  type Harness,
  makeActor,
  needLine,
  startHarness,
  statementDetails,
  uniqueEmail,
} from './support/harness.js';

type Actor = Awaited<ReturnType<typeof makeActor>>;

const controlRule = 'must not contain control characters';
const surrogateRule = 'must be well-formed Unicode (no lone surrogates)';
const bidiRule = 'must not contain bidirectional control characters';

/** A request that reached PostgreSQL with a NUL once hung for ever (the activity retried); none may take this long. */
const timeout = { timeout: 15_000 };

/**
 * Hostile and broken text (issue 14): NUL, lone surrogates, bidi overrides, text nested 5,000
 * levels deep, a 1.9 MB string, prototype keys, 1e309. Each is a 400 (or 413) naming the field and
 * the rule before anything is written or any workflow is asked, and the statement it aimed at
 * still takes the lead's next decision.
 */
describe('hostile text: refused at the door with the field and the rule, nothing written, nothing stuck', () => {
  let h: Harness;
  let lead: Actor;
  let north: Actor;
  let south: Actor;
  let id: string;
  const base = (statementId = id) => `/api/statements/${statementId}`;

  const count = async (table: 'statements' | 'need_drafts' | 'free_texts' | 'surveys' | 'outbox') =>
    Number((await sql<{ n: string }>`select count(*) as n from ${sql.table(table)}`.execute(h.db)).rows[0]!.n);
  const counts = async () => ({
    statements: await count('statements'),
    drafts: await count('need_drafts'),
    freeTexts: await count('free_texts'),
    surveys: await count('surveys'),
    outbox: await count('outbox'),
  });
  const draftOf = async (orgId: string) =>
    h.db
      .selectFrom('need_drafts')
      .select(['lines', 'answers'])
      .where('statement_id', '=', id)
      .where('organisation_id', '=', orgId)
      .executeTakeFirst();

  beforeAll(async () => {
    // A database of its own: the checks that nothing was written count whole tables, which other
    // test files write to meanwhile.
    h = await startHarness({ freshDatabase: true });
    lead = await makeActor(h, { kind: 'buyer', name: 'Vantaa', country: 'FI' }, { label: 'lead' });
    north = await makeActor(h, { kind: 'buyer', name: 'Hamburg', country: 'DE' }, { label: 'hamburg' });
    south = await makeActor(h, { kind: 'buyer', name: 'Lyon', country: 'FR' }, { label: 'lyon' });
    const created = await lead.api.post('/api/statements', statementDetails());
    expect(created.status).toBe(201);
    id = created.body.id;
    expect(
      (await lead.api.put(`${base()}/survey`, { questions: [{ id: 'notes', label: 'Anything else?', type: 'text' }] }))
        .status,
    ).toBe(200);
    expect(
      (await lead.api.post(`${base()}/invitations`, { organisationIds: [north.org.id, south.org.id] })).status,
    ).toBe(200);
    expect((await north.api.post(`${base()}/invitation/accept`)).status).toBe(200);
  }, 60_000);
  afterAll(async () => h?.close());

  describe('a statement title', () => {
    for (const [what, title, rule] of [
      ['a NUL', 'Excavators\u0000 for Oslo', controlRule],
      ['a lone surrogate', 'Excavators \ud800 for Oslo', surrogateRule],
      ['a bidi override', 'Excavators \u202Efor Oslo', bidiRule],
    ] as const) {
      it(
        `with ${what} is a 400 naming title, on create and on edit, and the statement still takes the lead's decisions`,
        timeout,
        async () => {
          const before = await counts();
          const created = await lead.api.post('/api/statements', statementDetails({ title }));
          expect(created.status).toBe(400);
          expect(created.body.errors).toEqual([{ field: 'title', rule }]);
          const draft = (await lead.api.post('/api/statements', statementDetails())).body.id as string;
          const edited = await lead.api.patch(base(draft), { title });
          expect(edited.status).toBe(400);
          expect(edited.body.errors).toEqual([{ field: 'title', rule }]);
          expect((await lead.api.get(base(draft))).body.title).toBe(statementDetails().title);
          expect(await count('statements')).toBe(before.statements + 1);
          // Not frozen: the lead edits it and then cancels it.
          expect((await lead.api.patch(base(draft), { title: 'Electric wheel loaders' })).status).toBe(200);
          const cancelled = await lead.api.post(`${base(draft)}/cancel`, { reason: 'Merged into another statement' });
          expect(cancelled.status).toBe(200);
          expect(cancelled.body.stage).toBe('cancelled');
        },
      );
    }

    it('typed in decomposed form (NFD) is stored composed (NFC), trimmed', timeout, async () => {
      const created = await lead.api.post(
        '/api/statements',
        statementDetails({ title: '  Cafe\u0301 and Sa\u0303o Paulo  ' }),
      );
      expect(created.status).toBe(201);
      expect(created.body.title).toBe('Café and São Paulo');
      const stored = await h.db
        .selectFrom('statements')
        .select('title')
        .where('id', '=', created.body.id)
        .executeTakeFirstOrThrow();
      expect(stored.title).toBe('Caf\u00e9 and S\u00e3o Paulo');
    });

    it(
      'on one line: a line break in a title is refused, in a description it is kept (CR LF becomes LF)',
      timeout,
      async () => {
        const broken = await lead.api.post('/api/statements', statementDetails({ title: 'Excavators\nBcc: everyone' }));
        expect(broken.status).toBe(400);
        expect(broken.body.errors).toEqual([
          { field: 'title', rule: 'must be a single line (no line breaks or tabs)' },
        ]);
        const multi = await lead.api.post(
          '/api/statements',
          statementDetails({ description: 'First line\r\nSecond line' }),
        );
        expect(multi.status).toBe(201);
        expect(multi.body.description).toBe('First line\nSecond line');
      },
    );
  });

  it(
    'a decline reason with a NUL or a lone surrogate is a 400 naming reason; the invitation can still be declined',
    timeout,
    async () => {
      const before = await counts();
      for (const [reason, rule] of [
        ['No budget\u0000 this year', controlRule],
        ['No budget \udc00 this year', surrogateRule],
      ] as const) {
        const res = await south.api.post(`${base()}/invitation/decline`, { reason });
        expect(res.status).toBe(400);
        expect(res.body.errors).toEqual([{ field: 'reason', rule }]);
      }
      expect(await counts()).toEqual(before);
      const participant = await h.db
        .selectFrom('participants')
        .select('status')
        .where('statement_id', '=', id)
        .where('organisation_id', '=', south.org.id)
        .executeTakeFirstOrThrow();
      expect(participant.status).toBe('invited');
      const declined = await south.api.post(`${base()}/invitation/decline`, { reason: 'No budget this year' });
      expect(declined.status).toBe(200);
    },
  );

  it(
    'a survey question label with a NUL or a lone surrogate is a 400 naming questions[i].label; the survey is unchanged',
    timeout,
    async () => {
      const before = await counts();
      for (const [label, rule] of [
        ['Fleet\u0000 size', controlRule],
        ['Fleet \ud800 size', surrogateRule],
      ] as const) {
        const res = await lead.api.put(`${base()}/survey`, {
          questions: [
            { id: 'notes', label: 'Anything else?', type: 'text' },
            {
              id: 'fuel',
              label: 'Fuel',
              type: 'single_choice',
              options: [
                { id: 'ev', label: 'Electric' },
                { id: 'h2', label },
              ],
            },
            { id: 'fleet', label, type: 'text' },
          ],
        });
        expect(res.status).toBe(400);
        expect(res.body.errors).toEqual([
          { field: 'questions[1].options[1].label', rule },
          { field: 'questions[2].label', rule },
        ]);
      }
      expect(await counts()).toEqual(before);
      const survey = await lead.api.get(`${base()}/survey`);
      expect(survey.body.questions.map((q: any) => q.id)).toEqual(['notes']);
    },
  );

  describe('drafts, while the needs assessment is open', () => {
    beforeAll(async () => {
      const opened = await lead.api.post(`${base()}/needs-assessment/open`, {});
      expect(opened.status).toBe(200);
    }, 30_000);

    it(
      'NUL or a lone surrogate in answers or in a line description is a 400 naming answers.<id> or lines[i].description',
      timeout,
      async () => {
        const before = await counts();
        for (const [bad, rule] of [
          ['Charging\u0000 points', controlRule],
          ['Charging \ud800 points', surrogateRule],
        ] as const) {
          const inAnswers = await north.api.put(`${base()}/needs/draft`, {
            lines: [needLine()],
            answers: { notes: bad },
          });
          expect(inAnswers.status).toBe(400);
          expect(inAnswers.body.errors).toEqual([{ field: 'answers.notes', rule }]);
          const inLines = await north.api.put(`${base()}/needs/draft`, {
            lines: [needLine(), needLine(), needLine(), needLine({ description: bad })],
            answers: {},
          });
          expect(inLines.status).toBe(400);
          expect(inLines.body.errors).toEqual([{ field: 'lines[3].description', rule }]);
        }
        expect(await counts()).toEqual(before);
        expect(await draftOf(north.org.id)).toBeUndefined();
      },
    );

    it('answers nested 5,000 levels deep are a 400 naming where the limit is crossed', timeout, async () => {
      // Written as text: JSON.stringify itself recurses and may overflow on 5,000 levels.
      const nested = `${'{"a":'.repeat(5000)}"deep"${'}'.repeat(5000)}`;
      const res = await north.api.put(`${base()}/needs/draft`, `{"lines":[],"answers":{"notes":${nested}}}`, {
        'content-type': 'application/json',
      });
      expect(res.status).toBe(400);
      expect(res.body.errors).toHaveLength(1);
      expect(res.body.errors[0].field).toMatch(/^answers\.notes(\.a)+$/);
      expect(res.body.errors[0].rule).toBe('must not be nested more than 32 levels deep');
      expect(await draftOf(north.org.id)).toBeUndefined();
    });

    it('a 1.9 MB string in a draft is a 400 naming the field and its length limit', timeout, async () => {
      const huge = 'x'.repeat(1_900_000);
      const inAnswers = await north.api.put(`${base()}/needs/draft`, { lines: [], answers: { notes: huge } });
      expect(inAnswers.status).toBe(400);
      expect(inAnswers.body.errors).toEqual([{ field: 'answers.notes', rule: 'must be at most 10000 characters' }]);
      const inLines = await north.api.put(`${base()}/needs/draft`, {
        lines: [needLine({ description: huge })],
        answers: {},
      });
      expect(inLines.status).toBe(400);
      expect(inLines.body.errors).toEqual([{ field: 'lines[0].description', rule: 'must be at most 2000 characters' }]);
      expect(await draftOf(north.org.id)).toBeUndefined();
    });

    it('after all that, the same buyer saves a valid draft and the lead can still cancel', timeout, async () => {
      const saved = await north.api.put(`${base()}/needs/draft`, {
        lines: [needLine({ description: 'Cafe\u0301 trucks' })],
        answers: { notes: 'Line one\r\nline two' },
      });
      expect(saved.status).toBe(200);
      const draft = await draftOf(north.org.id);
      expect((draft!.lines as any[])[0].description).toBe('Café trucks');
      expect((draft!.answers as any).notes).toBe('Line one\nline two');
    });
  });

  it(
    'an Idempotency-Key header that is too long or holds a control character is a 400 naming the header, and creates nothing',
    timeout,
    async () => {
      const before = await count('statements');
      for (const [key, rule] of [
        ['k'.repeat(201), 'must be at most 200 characters'],
        // Header values reach Node as Latin-1: U+0085 (NEL) is a C1 control.
        ['retry\u0085one', controlRule],
        ['retry\tone', 'must be a single line (no line breaks or tabs)'],
      ] as const) {
        const res = await lead.api.post('/api/statements', statementDetails(), { 'idempotency-key': key });
        expect(res.status, key).toBe(400);
        expect(res.body.errors).toEqual([{ field: 'Idempotency-Key', rule }]);
      }
      expect(await count('statements')).toBe(before);
    },
  );

  describe('the shape of any JSON body', () => {
    it('a prototype key is a 400 naming it', timeout, async () => {
      const before = await counts();
      for (const key of ['__proto__', 'constructor', 'prototype']) {
        const body = `{"title":"Excavators","${key}":{"isAdmin":true}}`;
        const res = await lead.api.patch(base(), body, { 'content-type': 'application/json' });
        expect(res.status).toBe(400);
        expect(res.body.errors).toEqual([
          { field: key, rule: 'must not be a prototype key (__proto__, constructor, prototype)' },
        ]);
      }
      expect(await counts()).toEqual(before);
    });

    it('1e309 (Infinity once parsed) is a 400 naming the field', timeout, async () => {
      const details = JSON.stringify(statementDetails()).replace('"minBuyers":3', '"minBuyers":1e309');
      const res = await lead.api.post('/api/statements', details, { 'content-type': 'application/json' });
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual([{ field: 'criticalMass.minBuyers', rule: 'must be a finite number' }]);
    });

    it('an array longer than the limit is a 400 naming it', timeout, async () => {
      const res = await lead.api.post(`${base()}/invitations`, {
        organisationIds: Array.from({ length: 10_001 }, () => lead.org.id),
      });
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual([{ field: 'organisationIds', rule: 'must have at most 10000 items' }]);
    });

    it('a body over 2 MB is a 413 problem naming (body)', timeout, async () => {
      const res = await north.api.put(`${base()}/needs/draft`, {
        lines: [],
        answers: { notes: 'x'.repeat(2_200_000) },
      });
      expect(res.status).toBe(413);
      expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
      expect(res.body.errors).toEqual([{ field: '(body)', rule: 'must be at most 2 MB' }]);
    });
  });

  it(
    'the organisation name of an anonymous supplier registration with a NUL or a lone surrogate is a 400; no mail goes out',
    timeout,
    async () => {
      const anonymous = new ApiClient(h.baseUrl);
      const email = uniqueEmail('hostile');
      for (const [name, rule] of [
        ['Excavators\u0000 Oy', controlRule],
        ['Excavators \ud800 Oy', surrogateRule],
      ] as const) {
        const res = await anonymous.post('/api/suppliers', {
          organisation: { name, country: 'FI', sme: true },
          user: { email, name: 'Pekka' },
        });
        expect(res.status).toBe(400);
        expect(res.body.errors).toEqual([{ field: 'organisation.name', rule }]);
      }
      await new Promise((r) => setTimeout(r, 500));
      expect(h.mail.messages.filter((m) => m.to.includes(email))).toEqual([]);
    },
  );

  it('the statement all of this was aimed at still takes the lead’s decision to cancel', timeout, async () => {
    const cancelled = await lead.api.post(`${base()}/cancel`, { reason: 'Tested enough' });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.stage).toBe('cancelled');
  });
});
