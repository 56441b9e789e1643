/**
 * Benchmark (not a test): publishing a joint statement to BENCH_SUPPLIERS subscribed suppliers
 * (default 10,000, plus a tenth as many whose subscription does not match), on real services
 * started here. One statement is driven through the real process (needs, aggregation, market
 * engagement, approval); the suppliers subscribe after the consultation notice, so the figures
 * are the publication fan-out alone: from the last approval to the last notice received by the
 * SMTP capture. The baseline, in the same run: raw nodemailer (the same pooled transport settings)
 * sending as many messages of the same size to the same SMTP server, 100 in flight.
 * Prints figures; asserts nothing about time.
 *
 *   npm run bench -- publication                (BENCH_SUPPLIERS=10000)
 */
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { createSmtpMailer } from '../mail/mailer.js';
import { startBenchEnvironment, type BenchEnvironment } from './support/environment.js';
import { driveToMarketEngagement, leadAndPartner, must, until, waitForStage } from './support/statement-journey.js';

const supplierCount = Number(process.env.BENCH_SUPPLIERS ?? 10_000);
const nonMatching = Math.ceil(supplierCount / 10);

const out = (line = '') => process.stdout.write(`${line}\n`);
const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const int = (n: number) => n.toLocaleString('en-US');

async function createSuppliers(env: BenchEnvironment, count: number, cpvPrefix: string, label: string): Promise<string[]> {
  const emails: string[] = [];
  const tag = randomUUID().slice(0, 6);
  for (let start = 0; start < count; start += 1000) {
    const n = Math.min(1000, count - start);
    await env.db.transaction().execute(async (trx) => {
      const orgs = await trx
        .insertInto('organisations')
        .values(Array.from({ length: n }, (_, k) => ({ kind: 'supplier' as const, name: `${label} ${tag} ${start + k}`, country: ['DE', 'FR', 'PL', 'IT'][k % 4]!, sme: k % 3 !== 0 })))
        .returning('id')
        .execute();
      const users = await trx
        .insertInto('users')
        .values(orgs.map((o, k) => ({ organisation_id: o.id, email: `${label.toLowerCase()}-${tag}-${start + k}@suppliers.example`, name: `Supplier ${start + k}`, roles: [], email_verified_at: new Date() })))
        .returning(['id', 'organisation_id', 'email'])
        .execute();
      await trx.insertInto('supplier_subscriptions').values(users.map((u) => ({ user_id: u.id, organisation_id: u.organisation_id, cpv_prefixes: [cpvPrefix], countries: [] }))).execute();
      emails.push(...users.map((u) => u.email.toLowerCase()));
    });
  }
  return emails;
}

async function main() {
  out(`publication fan-out benchmark: ${int(supplierCount)} matching suppliers, ${int(nonMatching)} not matching`);
  out(`machine: ${os.cpus().length} CPU(s), ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}`);
  const env = await startBenchEnvironment((line) => out(line));
  try {
    out(`  Temporal ${env.versions.temporal}, PostgreSQL ${env.versions.postgres}`);
    const [lead, other] = await leadAndPartner(env);

    out('driving one statement to approval');
    const id = await driveToMarketEngagement(lead, other, 'Benchmark: zero-emission construction machinery');

    let t = performance.now();
    const matching = new Set(await createSuppliers(env, supplierCount, '43', 'Matching'));
    const others = new Set(await createSuppliers(env, nonMatching, '45', 'Other'));
    out(`  ${int(supplierCount + nonMatching)} suppliers with subscriptions written in ${secs(performance.now() - t)} (direct inserts, not counted)`);

    must('close consultation', await lead.api.post(`/api/statements/${id}/close-stage`));
    await waitForStage(lead, id, 'approval');
    const version = (await lead.api.get(`/api/statements/${id}/text`)).body.version as number;
    must('approve', await lead.api.post(`/api/statements/${id}/approval`, { version, decision: 'approve' }));

    out();
    out('publication');
    const subject = /^Joint statement of demand published/;
    const before = env.delivered.length;
    const notices = () => env.delivered.slice(before).filter((m) => subject.test(m.subject));
    t = performance.now();
    must('last approval', await other.api.post(`/api/statements/${id}/approval`, { version, decision: 'approve' }));
    await waitForStage(lead, id, 'published');
    const publishedMs = performance.now() - t;
    await until('every notice', () => notices().length, (n) => n >= supplierCount);
    const fanoutMs = performance.now() - t;
    await new Promise((r) => setTimeout(r, 2000));
    const got = notices();
    const recipients = new Set(got.map((m) => m.to[0]!));
    const wrong = got.filter((m) => others.has(m.to[0]!)).length;
    out(`  approval → stage published         ${secs(publishedMs)}`);
    out(`  approval → last of ${int(supplierCount)} notices  ${secs(fanoutMs)}  (${(supplierCount / (fanoutMs / 1000)).toFixed(0)} e-mails/s)`);
    out(`  notices received ${int(got.length)}, distinct matching recipients ${int([...recipients].filter((r) => matching.has(r)).length)}, duplicates ${int(got.length - recipients.size)}, to non-matching suppliers ${wrong}`);

    out();
    out(`baseline: raw nodemailer, ${int(supplierCount)} messages to the same SMTP server`);
    const mailer = createSmtpMailer(`smtp://127.0.0.1:${env.mail.port}`, 'jointdemand bench <bench@jointdemand.localhost>');
    const sample = got.length > 0 ? 'x'.repeat(900) : '';
    const baseBefore = env.delivered.length;
    t = performance.now();
    for (let i = 0; i < supplierCount; i += 100) {
      await Promise.all(
        Array.from({ length: Math.min(100, supplierCount - i) }, (_, k) =>
          mailer.send({ to: `raw-${i + k}@suppliers.example`, subject: 'Raw baseline', text: sample, messageId: `<raw-${i + k}-${randomUUID()}@bench>`, headers: { 'List-Unsubscribe': '<http://localhost/x>' } }),
        ),
      );
    }
    await until('the baseline to arrive', () => env.delivered.length - baseBefore, (n) => n >= supplierCount);
    const rawMs = performance.now() - t;
    mailer.close();
    out(`  ${secs(rawMs)}  (${(supplierCount / (rawMs / 1000)).toFixed(0)} e-mails/s)`);
    out();
    out('ratio');
    out(`  the publication fan-out took ${(fanoutMs / rawMs).toFixed(2)} × the time of raw nodemailer sending (${((rawMs / fanoutMs) * 100).toFixed(0)} % of its rate)`);
  } finally {
    out();
    out('stopping the services');
    await env.close();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
