import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

import { type Harness, signIn, startHarness, uniqueEmail } from './support/harness.js';

const run = promisify(execFile);

/** The first administrator of a new installation, created from the command line as an operator would. */
describe('create-admin', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => h?.close());

  const createAdmin = (...args: string[]) =>
    run(process.execPath, ['--import', 'tsx', 'bin/create-admin.ts', ...args], {
      env: { ...process.env, DATABASE_URL: inject('databaseUrl'), LOG_LEVEL: 'error' },
    }).then(
      (r) => ({ code: 0, out: r.stdout + r.stderr }),
      (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout + e.stderr }),
    );

  it('creates an administrator who can sign in and register organisations; running it again changes nothing', async () => {
    const email = uniqueEmail('ops');
    const first = await createAdmin('--email', email, '--name', 'Operations');
    expect(first).toMatchObject({ code: 0 });
    expect(first.out).toContain(`Administrator ${email} created`);
    const again = await createAdmin('--email', email, '--name', 'Operations');
    expect(again.out).toContain('is an administrator already');
    const users = await h.db.selectFrom('users').select(['is_admin']).where('email', '=', email).execute();
    expect(users).toEqual([{ is_admin: true }]);
    const audit = await h.db
      .selectFrom('audit_events')
      .select('action')
      .where('event_key', '=', `first-administrator:${email}`)
      .execute();
    expect(audit).toEqual([{ action: 'first_administrator_created' }]);

    const admin = await signIn(h, email);
    const org = await admin.post('/api/organisations', {
      kind: 'buyer',
      name: 'City of Tartu',
      country: 'EE',
      buyerLegalType: 'ra',
    });
    expect(org.status).toBe(201);
  });

  it('refuses bad arguments, naming them, and an address that belongs to a non-administrator', async () => {
    const bad = await createAdmin('--email', 'not-an-address', '--name', 'X', '--country', 'Belgium');
    expect(bad.code).toBe(2);
    expect(bad.out).toContain('--email');
    expect(bad.out).toContain('--country: must be an ISO 3166-1 alpha-2 code');

    const email = uniqueEmail('buyer');
    const ops = await createAdmin('--email', uniqueEmail('ops2'), '--name', 'Ops');
    expect(ops.code).toBe(0);
    const org = await h.db
      .insertInto('organisations')
      .values({ kind: 'buyer', name: 'Tallinn', country: 'EE', buyer_legal_type: 'ra', nuts: null, sme: null })
      .returning('id')
      .executeTakeFirstOrThrow();
    await h.db
      .insertInto('users')
      .values({ organisation_id: org.id, email, name: 'Buyer', locale: 'en', roles: [], is_admin: false })
      .execute();
    const refused = await createAdmin('--email', email, '--name', 'Buyer');
    expect(refused.code).toBe(1);
    expect(refused.out).toContain('is not an administrator');
    const users = await h.db.selectFrom('users').select(['is_admin']).where('email', '=', email).execute();
    expect(users).toEqual([{ is_admin: false }]);
  });
});
