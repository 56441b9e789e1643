import { type BenchEnvironment, createBuyers } from './environment.js';

export type BenchBuyer = Awaited<ReturnType<typeof createBuyers>>[number];

/** Polls `fn` until `ok`, or fails naming `what`. */
export async function until<T>(
  what: string,
  fn: () => Promise<T> | T,
  ok: (v: T) => boolean,
  timeoutMs = 600_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The response, or an error naming the step: a benchmark that fails a request stops rather than measure it. */
export function must<T extends { status: number; body: unknown }>(what: string, res: T): T {
  if (res.status >= 300) throw new Error(`${what} answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res;
}

/**
 * A lead buyer in Finland and a partner in Sweden. Approving the statement text binds the
 * organisation, so their users hold the signatory role.
 */
export async function leadAndPartner(env: BenchEnvironment, label = ''): Promise<[BenchBuyer, BenchBuyer]> {
  const [lead] = await createBuyers(env, 1, { prefix: `Lead${label}`, countries: ['FI'] });
  const [partner] = await createBuyers(env, 1, { prefix: `Other${label}`, countries: ['SE'] });
  await env.db
    .updateTable('users')
    .set({ roles: ['signatory'] })
    .where('id', 'in', [lead!.userId, partner!.userId])
    .execute();
  return [lead!, partner!];
}

export const waitForStage = (lead: BenchBuyer, statementId: string, stage: string) =>
  until(
    `stage ${stage}`,
    () => lead.api.get(`/api/statements/${statementId}/live`),
    (r) => r.body.stage === stage,
  );

/** A statement of electric excavators the benchmarks create: long stages, no reminders, two buyers from two countries make the critical mass. */
export function benchStatementDetails(title: string) {
  const year = new Date().getUTCFullYear();
  return {
    title,
    description: 'Electric excavators and wheel loaders for city construction sites, delivered over two years.',
    cpvCodes: ['43260000-3'],
    schedule: {
      needsAssessment: 'P30D',
      confirmation: 'P14D',
      marketEngagement: 'P30D',
      approval: 'P14D',
      reminderOffsets: [],
      deliveryFromYear: year + 1,
      deliveryToYear: year + 2,
      expectedProcurementStart: `${year + 1}-03-01`,
    },
    criticalMass: { minBuyers: 2, minCountries: 2 },
  };
}

/**
 * One statement from creation to its market consultation through the real workflow: both buyers
 * submit and confirm one line of electric excavators, so the critical mass (two buyers, two
 * countries) is met.
 */
export async function driveToMarketEngagement(lead: BenchBuyer, partner: BenchBuyer, title: string): Promise<string> {
  const id = must('create', await lead.api.post('/api/statements', benchStatementDetails(title))).body.id as string;
  must('invite', await lead.api.post(`/api/statements/${id}/invitations`, { organisationIds: [partner.orgId] }));
  must('accept', await partner.api.post(`/api/statements/${id}/invitation/accept`));
  must('open', await lead.api.post(`/api/statements/${id}/needs-assessment/open`));
  const versions: string[] = [];
  for (const b of [lead, partner]) {
    const line = {
      cpvCode: '43260000-3',
      description: 'Electric excavator',
      quantity: '4',
      unit: 'H87',
      unitPrice: '450000',
      currency: 'EUR',
      delivery: { year: new Date().getUTCFullYear() + 1 },
    };
    must('draft', await b.api.put(`/api/statements/${id}/needs/draft`, { lines: [line], answers: {} }));
    versions.push(must('submit', await b.api.post(`/api/statements/${id}/needs/submit`)).body.versionId as string);
  }
  must('close', await lead.api.post(`/api/statements/${id}/close-stage`));
  must('confirm', await lead.api.post(`/api/statements/${id}/needs/confirm`, { versionId: versions[0] }));
  must('confirm', await partner.api.post(`/api/statements/${id}/needs/confirm`, { versionId: versions[1] }));
  await waitForStage(lead, id, 'market_engagement');
  return id;
}
