import { OpenAPIRegistry, type RouteConfig } from '@asteasolutions/zod-to-openapi';
import express, { type Request, type RequestHandler, type Response, Router } from 'express';
import { z, type ZodType } from 'zod';

import type { Principal } from '../domain/authorization.js';
import { DomainError, type FieldProblem } from '../domain/errors.js';
import { sendHttpProblem } from './host-allow-list.js';
import { problem, problemSchema, sendProblem, zodProblems } from './problem.js';

type Method = 'get' | 'post' | 'patch' | 'put' | 'delete';

export interface HandlerContext<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  /** Present on every route that is not `public`. */
  principal: Principal;
  req: Request;
  res: Response;
  /** The uploaded file's bytes, on a route that takes an `upload`. */
  file: Buffer | undefined;
}

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface RouteSpec<P extends ZodType, Q extends ZodType, B extends ZodType> {
  method: Method;
  /** Express-style path, e.g. `/api/statements/:statementId`. */
  path: string;
  summary: string;
  description?: string;
  tags: string[];
  /** `public` routes run without a principal; `user` routes answer 401 without one. */
  access: 'public' | 'user';
  params?: P;
  query?: Q;
  /** Request headers to document (header names as clients write them); the handler reads and checks them. */
  headers?: z.ZodObject;
  body?: B;
  bodyContentType?: string;
  /**
   * A body that is a file, not JSON (a spreadsheet upload): read as bytes of `contentType` up to
   * `maxBytes` (413 above), documented as binary, handed to the handler as `file` (undefined when
   * there is no file: the use case answers 400 after authorising). Another media type is 415.
   * The media type must be one no other site can make a browser send without a CORS preflight
   * (not a form's), and be allowed by `jsonOnlyBodies` (api/csrf.ts).
   */
  upload?: { contentType: string; maxBytes: number; description: string };
  responses: Record<number, { description: string; schema?: ZodType; contentType?: string }>;
  /**
   * A public GET most often read by people who are not signed in (a published document): a
   * request that presents no credentials (no Authorization, no Cookie header) is answered by
   * `routerBeforeSessions`, which the application mounts right after the Host allow-list, ahead
   * of helmet's page headers, the body parsers, the session lookup and every other route. Express
   * tries each of those in turn, and for a document kept in memory they cost more than the answer
   * itself. A request with credentials goes the usual way, so a bad token is still refused.
   */
  beforeSessions?: true;
  handler: (ctx: HandlerContext<z.output<P>, z.output<Q>, z.output<B>>) => Promise<Reply | void>;
}

/**
 * One declaration per route gives the validation, the handler and the OpenAPI entry, so the
 * documented shape and the enforced shape cannot drift apart.
 */
export class ApiRoutes {
  readonly registry = new OpenAPIRegistry();
  readonly router = Router();
  /** The `beforeSessions` routes, for requests without credentials; any other request passes on. */
  readonly routerBeforeSessions = Router();

  /**
   * Every JSON answer, in every environment, is parsed with its documented schema and the parsed
   * value is sent: a plain `z.object` drops the keys it does not name, so a field a service adds
   * by mistake (an id, a hash, a reason) never leaves the server, and a route cannot even declare
   * a loose (passthrough) object or document a JSON answer without a schema. A body the schema
   * refuses is a 500 whose details go to the log. `checkResponses` (the tests turn it on) is
   * stricter: a key the schema would drop is an error too, so the services are held to the
   * documented shape rather than saved by the filter.
   */
  constructor(private readonly options: { checkResponses?: boolean } = {}) {
    this.routerBeforeSessions.use((req, _res, next) => {
      next(req.headers.authorization !== undefined || req.headers.cookie !== undefined ? 'router' : undefined);
    });
  }

  add<P extends ZodType = z.ZodObject<{}>, Q extends ZodType = z.ZodObject<{}>, B extends ZodType = z.ZodUndefined>(
    spec: RouteSpec<P, Q, B>,
  ): void {
    const responses: RouteConfig['responses'] = {};
    for (const [status, r] of Object.entries(spec.responses)) {
      if (r.schema && (r.contentType ?? 'application/json') === 'application/json')
        refuseLooseObjects(r.schema, `${spec.method.toUpperCase()} ${spec.path} ${status}`);
      responses[Number(status)] = r.schema
        ? { description: r.description, content: { [r.contentType ?? 'application/json']: { schema: r.schema } } }
        : { description: r.description };
    }
    // A change goes through a workflow, which may not answer in time: 503 process_unavailable (Retry-After).
    const errorStatuses = [
      400,
      ...(spec.access === 'user' ? [401, 403] : []),
      404,
      409,
      422,
      ...(spec.method === 'get' ? [] : [503]),
      ...(spec.upload ? [413, 415] : []),
    ];
    for (const status of errorStatuses) {
      responses[status] ??= {
        description: 'Problem',
        content: { 'application/problem+json': { schema: problemSchema } },
      };
    }
    this.registry.registerPath({
      method: spec.method,
      path: spec.path.replace(/:(\w+)/g, '{$1}'),
      summary: spec.summary,
      description: spec.description,
      tags: spec.tags,
      security: spec.access === 'user' ? [{ sessionCookie: [] }, { bearerToken: [] }] : [],
      request: {
        ...(spec.params ? { params: spec.params as never } : {}),
        ...(spec.query ? { query: spec.query as never } : {}),
        ...(spec.headers ? { headers: spec.headers as never } : {}),
        ...(spec.upload
          ? {
              body: {
                required: true,
                description: spec.upload.description,
                content: { [spec.upload.contentType]: { schema: z.string().meta({ format: 'binary' }) } },
              },
            }
          : {}),
        ...(spec.body
          ? {
              body: {
                required: true,
                content: { [spec.bodyContentType ?? 'application/json']: { schema: spec.body } },
              },
            }
          : {}),
      },
      responses,
    });

    const handler: RequestHandler = async (req, res) => {
      if (spec.access === 'user' && !req.principal) {
        throw new DomainError('unauthenticated', 'Sign in, or send a bearer API token');
      }
      let file: Buffer | undefined;
      if (spec.upload) {
        // Another media type is refused before anything, as `jsonOnlyBodies` refuses one; no body
        // (or JSON, which every route takes) reaches the use case, which authorises first and
        // then asks for the file (400).
        if (req.headers['content-type'] !== undefined && !req.is(spec.upload.contentType) && !req.is('json')) {
          return sendHttpProblem(
            res,
            415,
            'unsupported_media_type',
            'Unsupported media type',
            `Send the file as ${spec.upload.contentType}`,
          );
        }
        file = Buffer.isBuffer(req.body) && req.body.length > 0 ? (req.body as Buffer) : undefined;
      }
      const problems: FieldProblem[] = [];
      // Express parses the query string anew at each read of `req.query`: read only when declared.
      const params = spec.params && parseInput(spec.params, req.params, problems);
      const query = spec.query && parseInput(spec.query, req.query, problems);
      // No body at all reads as an empty object, so the answer names each missing field.
      const body = spec.body && !spec.upload ? parseInput(spec.body, req.body ?? {}, problems) : undefined;
      if (problems.length > 0) throw new DomainError('invalid_input', 'The request is not valid', problems);
      const reply = await spec.handler({
        params: params as never,
        query: query as never,
        body: body as never,
        principal: req.principal as Principal,
        req,
        res,
        file,
      });
      if (!reply || res.headersSent) return;
      const sent =
        reply.body === undefined ? undefined : documentedBody(spec, reply, this.options.checkResponses ?? false);
      for (const [k, v] of Object.entries(reply.headers ?? {})) res.setHeader(k, v);
      if (sent === undefined) res.status(reply.status).end();
      else res.status(reply.status).json(sent);
    };
    if (spec.upload) this.router[spec.method](spec.path, rawUpload(spec.upload), handler);
    else this.router[spec.method](spec.path, handler);
    if (spec.beforeSessions) {
      if (spec.access !== 'public' || spec.method !== 'get')
        throw new Error(`${spec.method.toUpperCase()} ${spec.path}: only a public GET may be answered before sessions`);
      this.routerBeforeSessions.get(spec.path, handler);
    }
  }
}

/** The input as its schema parses it, or undefined with what is wrong added to `problems`. */
function parseInput(schema: ZodType, value: unknown, problems: FieldProblem[]): unknown {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  problems.push(...zodProblems(result.error, ''));
  return undefined;
}

/** Reads an upload's bytes; one too large is 413 naming the route's own limit. */
function rawUpload(upload: NonNullable<RouteSpec<ZodType, ZodType, ZodType>['upload']>): RequestHandler {
  const read = express.raw({ type: upload.contentType, limit: upload.maxBytes });
  return (req, res, next) =>
    read(req, res, (error?: unknown) => {
      if ((error as { type?: string } | undefined)?.type === 'entity.too.large')
        return sendProblem(
          res,
          problem('payload_too_large', 'The file is too large', [
            { field: '(body)', rule: `must be at most ${upload.maxBytes / 1024 / 1024} MB` },
          ]),
        );
      next(error);
    });
}

/**
 * The body as its route documents it: parsed with the schema of its status, so undocumented keys
 * are dropped. An undocumented status, a JSON body without a schema or a body the schema refuses
 * throws (a 500, logged), in every environment; with `strict`, so does a key the parse dropped.
 */
export function documentedBody(
  spec: Pick<RouteSpec<ZodType, ZodType, ZodType>, 'method' | 'path' | 'responses'>,
  reply: Reply,
  strict: boolean,
): unknown {
  const where = `${spec.method.toUpperCase()} ${spec.path}`;
  const documented = spec.responses[reply.status];
  if (!documented) throw new Error(`${where} answered ${reply.status}, which it does not document`);
  if (!documented.schema || (documented.contentType ?? 'application/json') !== 'application/json') {
    throw new Error(`${where} answered ${reply.status} with a JSON body it documents no JSON schema for`);
  }
  const result = documented.schema.safeParse(reply.body);
  if (!result.success) {
    throw new Error(
      `${where} answered ${reply.status} with a body its schema refuses: ${JSON.stringify(zodProblems(result.error, ''))}`,
    );
  }
  if (strict) {
    const dropped = droppedKeys(reply.body, result.data, '');
    if (dropped.length > 0)
      throw new Error(
        `${where} answered ${reply.status} with keys its schema does not document: ${dropped.slice(0, 10).join(', ')}`,
      );
  }
  return result.data;
}

/** Paths of the keys present in `sent` (as JSON would carry them) and absent from `parsed`. */
function droppedKeys(sent: unknown, parsed: unknown, path: string): string[] {
  if (Array.isArray(sent) && Array.isArray(parsed))
    return sent.flatMap((v, i) => droppedKeys(v, parsed[i], `${path}[${i}]`));
  if (!isPlainObject(sent) || !isPlainObject(parsed)) return [];
  return Object.entries(sent).flatMap(([k, v]) => {
    const at = path ? `${path}.${k}` : k;
    if (v === undefined) return [];
    return k in parsed ? droppedKeys(v, parsed[k], at) : [at];
  });
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === Object.prototype;

/**
 * Refuses a response schema with an object that keeps keys it does not name (`z.looseObject`,
 * `.passthrough()`, `.catchall()`): parsing with it would not filter. Maps (`z.record`) name no
 * keys and stay allowed: they document free-form data (terms, audit data, OCDS).
 */
export function refuseLooseObjects(schema: ZodType, where: string): void {
  const json = z.toJSONSchema(schema, { io: 'output', unrepresentable: 'any' });
  const visit = (node: unknown, at: string): void => {
    if (Array.isArray(node)) return node.forEach((n, i) => visit(n, `${at}[${i}]`));
    if (!isPlainObject(node)) return;
    if (isPlainObject(node.properties) && node.additionalProperties !== false) {
      throw new Error(
        `${where}: the response schema keeps undocumented keys at ${at || '(root)'} (a loose or passthrough object); use z.object`,
      );
    }
    for (const [k, v] of Object.entries(node)) visit(v, at ? `${at}.${k}` : k);
  };
  visit(json, '');
}

declare module 'express-serve-static-core' {
  interface Request {
    principal?: Principal;
  }
}
