import { apiTokenScopes, insertApiToken, newSecret } from '../../../db/credentials.js';
import type { Db } from '../../../db/database.js';
import { type Cast, makeCast, type Role, roles, type SignedInRole } from '../cast.js';
import { agreementTerms, needLine, statementDetails } from '../sample-input.js';
import type { KnownGood, ParameterPool } from './requests.js';

/**
 * Real rows for the fuzzer to hit: the cast of every role, and one statement in each stage
 * (draft, needs assessment, market engagement, approval, published with an agreement and its
 * first proposed terms), so that routes taking ids meet real statements rather than 404s only.
 * Callers use API tokens (no vitest import, no mail round trip: `npm run fuzz` uses it too).
 */
export interface Scene {
  cast: Cast;
  /** The `authorization` header of each role (none for anon). */
  credentials: Record<Role, Record<string, string>>;
  statements: Record<'draft' | 'needs' | 'market' | 'approval' | 'published', string>;
  pool: ParameterPool;
  /** A body each of these operations accepts (from the right caller at the right stage), by operation key. */
  knownGoodBodies: Record<string, KnownGood>;
  /** Issues every role a new token: the fuzzer may have revoked them (sign out everywhere). */
  renewCredentials(): Promise<void>;
}

type Call = (method: string, path: string, body?: unknown) => Promise<{ status: number; body: any }>;

function caller(baseUrl: string, headers: Record<string, string>): Call {
  return async (method, path, body) => {
    const res = await fetch(new URL(path, baseUrl), {
      method,
      headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return {
      status: res.status,
      body: text && (res.headers.get('content-type') ?? '').includes('json') ? JSON.parse(text) : text,
    };
  };
}

async function ok(call: Promise<{ status: number; body: any }>, what: string) {
  const res = await call;
  if (res.status >= 300)
    throw new Error(`setting the fuzz scene: ${what} answered ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

async function waitForStage(call: Call, id: string, stage: string, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const live = await call('GET', `/api/statements/${id}/live`);
    if (live.body?.stage === stage) return;
    if (Date.now() > deadline)
      throw new Error(
        `setting the fuzz scene: statement ${id} did not reach ${stage} (last: ${JSON.stringify(live.body)})`,
      );
    await new Promise((r) => setTimeout(r, 250));
  }
}

export async function buildScene(db: Db, baseUrl: string, log: (line: string) => void = () => {}): Promise<Scene> {
  const cast = await makeCast(db, { prefix: 'Fuzz', userPrefix: 'fuzz' });
  const credentials = { anon: {} } as Record<Role, Record<string, string>>;
  const renewCredentials = async () => {
    for (const role of roles) {
      if (role === 'anon') continue;
      const secret = newSecret('jd_');
      await insertApiToken(db, {
        userId: cast.users[role as SignedInRole].id,
        name: 'fuzz',
        secret,
        expiresAt: null,
        scopes: apiTokenScopes,
      });
      credentials[role] = { authorization: `Bearer ${secret}` };
    }
  };
  await renewCredentials();
  const as = (role: SignedInRole) => caller(baseUrl, credentials[role]);
  const lead = as('lead');
  const participant = as('participant');
  const { orgs } = cast;

  /** One statement taken as far as `to`, the way the authorisation matrix takes its statement. */
  const statementAt = async (to: keyof Scene['statements']): Promise<string> => {
    const details = statementDetails({
      title: `Fuzz statement (${to})`,
      criticalMass: { minBuyers: 2, minCountries: 2, minTotalValueEur: '100000' },
    });
    const id = (await ok(lead('POST', '/api/statements', details), 'create')).id as string;
    await ok(
      lead('POST', `/api/statements/${id}/invitations`, {
        organisationIds: [orgs.participant.id, orgs.declined.id, orgs.withdrawn.id],
      }),
      'invite',
    );
    if (to === 'draft') return id;
    await ok(participant('POST', `/api/statements/${id}/invitation/accept`), 'accept');
    await ok(as('withdrawn')('POST', `/api/statements/${id}/invitation/accept`), 'accept');
    await ok(
      as('declined')('POST', `/api/statements/${id}/invitation/decline`, { reason: 'No budget this year.' }),
      'decline',
    );
    await ok(lead('POST', `/api/statements/${id}/needs-assessment/open`), 'open');
    await ok(
      as('withdrawn')('POST', `/api/statements/${id}/needs/withdraw`, { reason: 'Our council said no.' }),
      'withdraw',
    );
    await ok(
      lead('PUT', `/api/statements/${id}/survey`, {
        questions: [{ id: 'charging', label: 'Do you need charging infrastructure?', type: 'yes_no', required: false }],
      }),
      'survey',
    );
    if (to === 'needs') {
      await ok(participant('PUT', `/api/statements/${id}/needs/draft`, { lines: [needLine()], answers: {} }), 'draft');
      return id;
    }
    const versions: [Call, string][] = [];
    for (const who of [lead, participant]) {
      await ok(who('PUT', `/api/statements/${id}/needs/draft`, { lines: [needLine()], answers: {} }), 'draft');
      versions.push([who, (await ok(who('POST', `/api/statements/${id}/needs/submit`), 'submit')).versionId]);
    }
    await ok(lead('POST', `/api/statements/${id}/close-stage`), 'close needs');
    for (const [who, versionId] of versions)
      await ok(who('POST', `/api/statements/${id}/needs/confirm`, { versionId }), 'confirm');
    await waitForStage(lead, id, 'market_engagement');
    await ok(
      lead('PUT', `/api/statements/${id}/consultation/rfi`, {
        questions: [{ id: 'lead-time', text: 'What delivery lead time do you need?' }],
      }),
      'rfi',
    );
    await ok(
      as('supplier')('PUT', `/api/consultations/${id}/response`, { answers: { 'lead-time': 'Six months.' } }),
      'supplier response',
    );
    await ok(
      as('supplier')('POST', `/api/consultations/${id}/questions`, { question: 'Which charging standard?' }),
      'supplier question',
    );
    if (to === 'market') return id;
    await ok(lead('POST', `/api/statements/${id}/close-stage`), 'close market');
    await waitForStage(lead, id, 'approval');
    if (to === 'approval') return id;
    for (const who of [lead, participant])
      await ok(who('POST', `/api/statements/${id}/approval`, { version: 1, decision: 'approve' }), 'approve');
    await waitForStage(lead, id, 'published');
    await ok(lead('POST', `/api/statements/${id}/agreement`, {}), 'start the agreement');
    await ok(participant('POST', `/api/statements/${id}/agreement/join`, {}), 'join the agreement');
    await ok(
      lead('POST', `/api/statements/${id}/agreement/versions`, agreementTerms(orgs.lead.id, orgs.participant.id)),
      'propose terms',
    );
    return id;
  };

  const started = Date.now();
  const [draft, needs, market, approval, published] = await Promise.all(
    (['draft', 'needs', 'market', 'approval', 'published'] as const).map(statementAt),
  );
  log(`  scene: five statements (draft to published) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  const statements = { draft: draft!, needs: needs!, market: market!, approval: approval!, published: published! };
  const year = new Date().getUTCFullYear();
  const pool: ParameterPool = {
    statementId: Object.values(statements),
    organisationId: Object.values(orgs).map((o) => o.id),
    // Only the victim: an administrator's act on another cast member would end its part in the run.
    userId: [cast.victim.id],
    version: ['1', '2'],
    number: ['1', '2'],
    date: [`${year - 1}-01-02`],
  };
  const survey = {
    questions: [{ id: 'charging', label: 'Do you need charging infrastructure?', type: 'yes_no', required: false }],
  };
  const at = (stage: keyof Scene['statements']) => ({ statementId: statements[stage] });
  const knownGoodBodies: Record<string, KnownGood> = {
    'POST /api/statements': { body: statementDetails({ title: 'Fuzzed statement' }) },
    'PATCH /api/statements/{statementId}': {
      body: { title: 'Zero-emission machinery (revised)', description: 'Changed by the fuzzer.' },
      params: at('draft'),
    },
    'POST /api/statements/{statementId}/invitations': {
      body: { organisationIds: [orgs.outsider.id] },
      params: at('draft'),
    },
    'POST /api/statements/{statementId}/invitation/decline': {
      body: { reason: 'No budget this year.' },
      params: at('draft'),
    },
    'POST /api/statements/{statementId}/cancel': { body: { reason: 'Cancelled by the fuzzer.' }, params: at('draft') },
    'PUT /api/statements/{statementId}/survey': { body: survey, params: at('needs') },
    // The joint route, the default: the draft keeps what every statement of the scene has.
    'PUT /api/statements/{statementId}/procurement-route': { body: { kind: 'joint' }, params: at('draft') },
    'PUT /api/statements/{statementId}/needs/draft': {
      body: { lines: [needLine()], answers: { charging: true } },
      params: at('needs'),
    },
    'POST /api/statements/{statementId}/needs/withdraw': {
      body: { reason: 'Our council said no.' },
      params: at('needs'),
    },
    'POST /api/statements/{statementId}/shortfall-decision': {
      body: { decision: 'abandon', reason: 'Not enough demand.' },
      params: at('market'),
    },
    'PUT /api/statements/{statementId}/consultation/rfi': {
      body: { questions: [{ id: 'lead-time', text: 'What delivery lead time do you need?' }] },
      params: at('market'),
    },
    'PUT /api/consultations/{statementId}/response': {
      body: { answers: { 'lead-time': 'Six months.' } },
      params: at('market'),
    },
    'POST /api/consultations/{statementId}/questions': {
      body: { question: 'Which charging standard?' },
      params: at('market'),
    },
    'POST /api/statements/{statementId}/consultation/questions/{number}/answer': {
      body: { answer: 'CCS2.' },
      params: { ...at('market'), number: '1' },
    },
    'PUT /api/statements/{statementId}/text': {
      body: { text: 'A revised statement text.', expectedVersion: 1 },
      params: at('approval'),
    },
    'POST /api/statements/{statementId}/approval': {
      body: { version: 1, decision: 'approve' },
      params: at('approval'),
    },
    'POST /api/statements/{statementId}/agreement/versions': {
      body: agreementTerms(orgs.lead.id, orgs.participant.id),
      params: at('published'),
    },
    'POST /api/statements/{statementId}/agreement/versions/{version}/comments': {
      body: { text: 'A comment on the terms.' },
      params: { ...at('published'), version: '1' },
    },
    'POST /api/statements/{statementId}/agreement/decline': { body: { reason: 'No.' }, params: at('published') },
    'PUT /api/statements/{statementId}/grouping': {
      body: { kind: 'working_group', name: 'Fuzz group' },
      params: at('published'),
    },
    'POST /api/organisations': { body: { kind: 'buyer', name: 'Fuzz City', country: 'FI' } },
    'POST /api/suppliers': {
      body: {
        organisation: { name: 'Fuzz Supplier Oy', country: 'FI', sme: true },
        user: { email: 'fuzz-supplier@test.example', name: 'Fuzz Supplier' },
      },
    },
    'PUT /api/me/subscription': { body: { cpvPrefixes: ['43'] } },
    'POST /api/tokens': { body: { name: 'fuzz', expiresInDays: 1 } },
  };
  return { cast, credentials, statements, pool, knownGoodBodies, renewCredentials };
}
