import { OpenAPIRegistry, type RouteConfig } from '@asteasolutions/zod-to-openapi';
import { Router, type Request, type RequestHandler, type Response } from 'express';
import { z, type ZodType } from 'zod';
import type { Principal } from '../domain/authorization.js';
import { DomainError, type FieldProblem } from '../domain/errors.js';
import { problemSchema, zodProblems } from './problem.js';

type Method = 'get' | 'post' | 'patch' | 'put' | 'delete';

export interface HandlerContext<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  /** Present on every route that is not `public`. */
  principal: Principal;
  req: Request;
  res: Response;
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
  body?: B;
  bodyContentType?: string;
  responses: Record<number, { description: string; schema?: ZodType; contentType?: string }>;
  handler: (ctx: HandlerContext<z.output<P>, z.output<Q>, z.output<B>>) => Promise<Reply | void>;
}


/**
 * One declaration per route gives the validation, the handler and the OpenAPI entry, so the
 * documented shape and the enforced shape cannot drift apart.
 */
export class ApiRoutes {
  readonly registry = new OpenAPIRegistry();
  readonly router = Router();

  /**
   * `checkResponses` (the tests turn it on) also holds every JSON answer to its documented
   * schema, so the typed web client cannot be promised a shape the server does not send.
   */
  constructor(private readonly options: { checkResponses?: boolean } = {}) {}

  add<P extends ZodType = z.ZodObject<{}>, Q extends ZodType = z.ZodObject<{}>, B extends ZodType = z.ZodUndefined>(
    spec: RouteSpec<P, Q, B>,
  ): void {
    const responses: RouteConfig['responses'] = {};
    for (const [status, r] of Object.entries(spec.responses)) {
      responses[Number(status)] = r.schema
        ? { description: r.description, content: { [r.contentType ?? 'application/json']: { schema: r.schema } } }
        : { description: r.description };
    }
    const errorStatuses = [400, ...(spec.access === 'user' ? [401, 403] : []), 404, 409, 422];
    for (const status of errorStatuses) {
      responses[status] ??= { description: 'Problem', content: { 'application/problem+json': { schema: problemSchema } } };
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
        ...(spec.body
          ? { body: { required: true, content: { [spec.bodyContentType ?? 'application/json']: { schema: spec.body } } } }
          : {}),
      },
      responses,
    });

    const handler: RequestHandler = async (req, res) => {
      if (spec.access === 'user' && !req.principal) {
        throw new DomainError('unauthenticated', 'Sign in, or send a bearer API token');
      }
      const problems: FieldProblem[] = [];
      const parse = <T extends ZodType | undefined>(schema: T, value: unknown, where: string) => {
        if (!schema) return undefined;
        const result = schema.safeParse(value);
        if (!result.success) {
          problems.push(...zodProblems(result.error, where));
          return undefined;
        }
        return result.data;
      };
      const params = parse(spec.params, req.params, '');
      const query = parse(spec.query, req.query, '');
      // No body at all reads as an empty object, so the answer names each missing field.
      const body = parse(spec.body, req.body ?? {}, '');
      if (problems.length > 0) throw new DomainError('invalid_input', 'The request is not valid', problems);
      const reply = await spec.handler({
        params: params as never,
        query: query as never,
        body: body as never,
        principal: req.principal as Principal,
        req,
        res,
      });
      if (!reply || res.headersSent) return;
      for (const [k, v] of Object.entries(reply.headers ?? {})) res.setHeader(k, v);
      if (this.options.checkResponses && reply.body !== undefined) checkResponse(spec, reply);
      if (reply.body === undefined) res.status(reply.status).end();
      else res.status(reply.status).json(reply.body);
    };
    this.router[spec.method](spec.path, handler);
  }
}

function checkResponse(spec: RouteSpec<ZodType, ZodType, ZodType>, reply: Reply): void {
  const documented = spec.responses[reply.status];
  if (!documented) throw new Error(`${spec.method.toUpperCase()} ${spec.path} answered ${reply.status}, which it does not document`);
  if (!documented.schema || (documented.contentType ?? 'application/json') !== 'application/json') return;
  const result = documented.schema.safeParse(reply.body);
  if (!result.success) {
    throw new Error(`${spec.method.toUpperCase()} ${spec.path} answered ${reply.status} with a body its schema refuses: ${JSON.stringify(zodProblems(result.error, ''))}`);
  }
}

declare module 'express-serve-static-core' {
  interface Request {
    principal?: Principal;
  }
}
