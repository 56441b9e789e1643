import {
  isProblemCode,
  type ProblemCode as ServerProblemCode,
  problemCodes as serverProblemCodes,
} from '@jointdemand/rules/problem-codes';
import createClient from 'openapi-fetch';

import type { components, paths } from './schema';

/**
 * The one way the web application talks to the server: a client typed from the OpenAPI
 * document the server generates from its own zod schemas (`npm run build:web` regenerates
 * `schema.d.ts`), so a changed request or response shape breaks the web build, not the user.
 */
export const api = createClient<paths>({
  baseUrl: '',
  credentials: 'include',
  headers: { Accept: 'application/json, application/problem+json' },
  fetch: retryingFetch((request) => globalThis.fetch(request)),
});

export type Schemas = components['schemas'];
export type Me = Schemas['Me'];
export type Organisation = Schemas['Organisation'];
export type Statement = Schemas['Statement'];
export type StatementSummary = Schemas['StatementSummary'];
export type StatementDetails = Schemas['StatementDetails'];
export type StatementDetailsPatch = Schemas['StatementDetailsPatch'];
export type Participant = Schemas['Participant'];
/** What a viewer may do now on a statement, as the server lists it in `Statement.allowedActions`. */
export type ViewerAction = Schemas['ViewerAction'];
export type Stage = Statement['stage'];
export type ParticipantStatus = Participant['status'];
export type FieldProblem = NonNullable<Schemas['Problem']['errors']>[number];

/**
 * The problem codes the server sends: the shared list (`@jointdemand/rules/problem-codes`, one
 * comment per code), plus `network` for a request that never got an answer. Each has a translated
 * title and help in the catalogues (`problem.<code>`).
 */
export const problemCodes = [...serverProblemCodes, 'network'] as const;
export type ProblemCode = ServerProblemCode | 'network';

/** An RFC 9457 problem from the server, or a network failure, as one error type the pages can show. */
export class ApiProblem extends Error {
  readonly status: number;
  readonly code: ProblemCode;
  /** The server's explanation (English); pages show it beneath a translated summary. */
  readonly detail: string | undefined;
  readonly errors: FieldProblem[];

  constructor(status: number, code: ProblemCode, detail: string | undefined, errors: FieldProblem[] = []) {
    super(detail ?? code);
    this.name = 'ApiProblem';
    this.status = status;
    this.code = code;
    this.detail = detail;
    this.errors = errors;
  }

  static fromResponse(status: number, body: unknown): ApiProblem {
    const p = (typeof body === 'object' && body !== null ? body : {}) as Partial<Schemas['Problem']>;
    const code = isProblemCode(p.code) ? p.code : codeForStatus(status);
    const errors = Array.isArray(p.errors)
      ? p.errors.filter((e) => typeof e?.field === 'string' && typeof e.rule === 'string')
      : [];
    return new ApiProblem(status, code, typeof p.detail === 'string' ? p.detail : undefined, errors);
  }
}

/** A problem without a code the server knows (a proxy's answer, an older server): the code its status usually carries. */
function codeForStatus(status: number): ServerProblemCode {
  switch (status) {
    case 400:
      return 'invalid_input';
    case 401:
      return 'unauthenticated';
    case 403:
      return 'forbidden';
    case 404:
      return 'not_found';
    case 409:
      return 'conflict';
    case 413:
      return 'payload_too_large';
    case 422:
      return 'unprocessable';
    case 429:
      return 'rate_limited';
    case 503:
      return 'unavailable';
    default:
      return 'internal';
  }
}

interface ClientResult<D> {
  data?: D;
  error?: unknown;
  response: Response;
}

/**
 * Awaits an openapi-fetch call and returns its data, or throws an ApiProblem. Pages catch the
 * problem and show it; nothing else in the application looks at raw responses.
 */
export async function call<D>(request: Promise<ClientResult<D>>): Promise<D> {
  let result: ClientResult<D>;
  try {
    result = await request;
  } catch (error) {
    throw new ApiProblem(0, 'network', error instanceof Error ? error.message : undefined);
  }
  if (!result.response.ok) throw ApiProblem.fromResponse(result.response.status, result.error);
  return result.data as D;
}

export function asProblem(error: unknown): ApiProblem {
  if (error instanceof ApiProblem) return error;
  return new ApiProblem(0, 'internal', error instanceof Error ? error.message : undefined);
}

/**
 * Whether the server allows the signed-in viewer `action` on the statement now. The pages show an
 * action exactly when this says so and work out nothing from stages and statuses; the server
 * still refuses a request the state has overtaken meanwhile.
 */
export function allows(statement: Pick<Statement, 'allowedActions'>, action: ViewerAction): boolean {
  return statement.allowedActions.includes(action);
}

/** A random key for the Idempotency-Key header: a UUID, or 32 random hex digits where `randomUUID` needs a secure context. */
export function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** How many times a request the server shed (503 with Retry-After) is repeated before its answer is shown. */
export const maxRetriesAfter503 = 3;

/** The pause a `Retry-After` header asks for, in milliseconds (seconds, or an HTTP date); undefined without a readable one. */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

export interface RetryOptions {
  /** Waits `ms` milliseconds; tests pass one that does not. */
  wait?: (ms: number) => Promise<void>;
  newKey?: () => string;
}

/**
 * The fetch the generated client sends through. Every request that changes something carries an
 * `Idempotency-Key` (a new UUID unless the caller set one), so the server can answer a repeat with
 * what it did the first time. When the server sheds load (503 with `Retry-After`, issue 23), the
 * same request, with the same key, is sent again after that pause, at most
 * `maxRetriesAfter503` times; then the 503 is answered to the page, which shows the problem.
 */
export function retryingFetch(
  send: (request: Request) => Promise<Response>,
  options: RetryOptions = {},
): (request: Request) => Promise<Response> {
  const wait = options.wait ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const newKey = options.newKey ?? newIdempotencyKey;
  return async (input: Request) => {
    let request = input;
    if (request.method !== 'GET' && request.method !== 'HEAD' && !request.headers.has('Idempotency-Key')) {
      const headers = new Headers(request.headers);
      headers.set('Idempotency-Key', newKey());
      request = new Request(request, { headers });
    }
    for (let retry = 0; ; retry += 1) {
      // Each attempt sends a copy: a body can be read only once.
      const response = await send(request.clone());
      const pause = response.status === 503 ? retryAfterMs(response.headers.get('Retry-After')) : undefined;
      if (pause === undefined || retry >= maxRetriesAfter503) return response;
      await response.body?.cancel();
      await wait(pause);
    }
  };
}
