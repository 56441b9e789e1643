import type { Client } from '@temporalio/client';
import cookieParser from 'cookie-parser';
import express, { type Express, type RequestHandler } from 'express';
import helmet from 'helmet';

import type { Db } from '../db/database.js';
import type { Mailer } from '../mail/mailer.js';
import { trustProxy } from '../platform/config.js';
import type { ServiceContext } from '../services/context.js';
import { stuckWorkflowsOf } from '../services/operations/stuck-workflows.js';
import { authenticate } from './authentication.js';
import { jsonOnlyBodies, sameOriginUnsafeRequests } from './csrf.js';
import { documentSecurityHeaders } from './document-security-headers.js';
import { hostAllowList } from './host-allow-list.js';
import { boundedJsonBodies, jsonBounds } from './json-bounds.js';
import { buildOpenApiDocument, mountApiReference } from './openapi.js';
import { errorHandler, problem, sendProblem } from './problem.js';
import { nameRequests, traceRequests } from './request-trace.js';
import { ApiRoutes } from './route.js';
import { aggregationRoutes } from './routes/aggregation-routes.js';
import { agreementRoutes } from './routes/agreement-routes.js';
import { auditRoutes } from './routes/audit-routes.js';
import { authRoutes } from './routes/auth-routes.js';
import { consultationRoutes } from './routes/consultation-routes.js';
import { dashboardRoutes } from './routes/dashboard-routes.js';
import { dueRoutes } from './routes/due-routes.js';
import { healthRoutes } from './routes/health-routes.js';
import { needsRoutes } from './routes/needs-routes.js';
import { operationsRoutes } from './routes/operations-routes.js';
import { organisationRoutes } from './routes/organisation-routes.js';
import { publicationRoutes } from './routes/publication-routes.js';
import { referenceRoutes } from './routes/reference-routes.js';
import { savedSearchRoutes } from './routes/saved-search-routes.js';
import { signInPage } from './routes/sign-in-page.js';
import { statementRoutes } from './routes/statement-routes.js';
import { supplierRoutes } from './routes/supplier-routes.js';
import { surveyResultsRoutes } from './routes/survey-results-routes.js';
import { userAdminRoutes } from './routes/user-admin-routes.js';
import { webhookRoutes } from './routes/webhook-routes.js';
import { webApplication } from './web.js';

export interface AppOptions {
  ctx: ServiceContext;
  db: Db;
  temporal: Client;
  mailer: Mailer;
  secureCookies: boolean;
  /** Sign-in link requests, and supplier registrations, per client address per 15 minutes. */
  signInRateLimit?: number;
  /** Holds every JSON answer to its documented schema (tests); a mismatch is a 500. */
  checkResponses?: boolean;
  /** `production` drops the loopback names from the Host and Origin allow-lists; defaults to the configuration's NODE_ENV. */
  nodeEnv?: string;
  /** Extra routers mounted before the API (the development mail viewer, the web application). */
  extraRoutes?: RequestHandler[];
}

export function createApp(options: AppOptions): { app: Express; openApi: ReturnType<typeof buildOpenApiDocument> } {
  const { ctx } = options;
  const app = express();
  const nodeEnv =
    options.nodeEnv ?? (ctx.config as { NODE_ENV?: string }).NODE_ENV ?? process.env.NODE_ENV ?? 'development';
  app.disable('x-powered-by');
  app.use(nameRequests());
  // DNS rebinding: only requests addressed to PUBLIC_URL's host (and loopback names outside production).
  app.use(hostAllowList({ publicUrl: ctx.config.PUBLIC_URL, nodeEnv }));
  app.set('trust proxy', trustProxy(ctx.config));
  const api = new ApiRoutes({ checkResponses: options.checkResponses ?? false });
  // Published documents for readers without credentials, ahead of everything they do not need.
  // What passes on gets helmet's headers below, which replace these (the same names).
  api.routerBeforeSessions.use(documentSecurityHeaders({ hsts: options.secureCookies }));
  app.use(api.routerBeforeSessions);
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: { 'img-src': ["'self'", 'data:'], 'upgrade-insecure-requests': options.secureCookies ? [] : null },
      },
      hsts: options.secureCookies,
    }),
  );
  // CSRF (api/csrf.ts): unsafe methods from browsers come from our own origin; the API reads JSON
  // only, apart from the sign-in page's button and one-click unsubscribe, which post forms.
  app.use(sameOriginUnsafeRequests({ publicUrl: ctx.config.PUBLIC_URL, nodeEnv }));
  app.use(jsonOnlyBodies());
  app.use(express.json({ limit: jsonBounds.maxBodyBytes }));
  // Depth, array lengths, prototype keys and Infinity, before any schema recurses into the body.
  app.use(boundedJsonBodies());
  app.post('/api/auth/verify', express.urlencoded({ extended: false, limit: '16kb' }));
  app.use(cookieParser());
  app.use(traceRequests());

  api.router.use(authenticate(ctx, { secureCookies: options.secureCookies }));
  // After authentication: /readyz tells administrators (and local requests) which dependency failed.
  healthRoutes(api.router, {
    db: options.db,
    temporal: options.temporal,
    mailer: options.mailer,
    logger: ctx.logger,
    stuckWorkflows: () => stuckWorkflowsOf(ctx),
  });
  // First: the public documents are the most read routes, and Express tries routes in order.
  publicationRoutes(api, ctx);
  consultationRoutes(api, ctx);
  authRoutes(api, ctx, { secureCookies: options.secureCookies, signInRateLimit: options.signInRateLimit });
  organisationRoutes(api, ctx);
  statementRoutes(api, ctx);
  needsRoutes(api, ctx);
  surveyResultsRoutes(api, ctx);
  aggregationRoutes(api, ctx);
  agreementRoutes(api, ctx);
  referenceRoutes(api, ctx);
  dashboardRoutes(api, ctx);
  supplierRoutes(api, ctx, { registrationRateLimit: options.signInRateLimit, secureCookies: options.secureCookies });
  userAdminRoutes(api, ctx);
  dueRoutes(api, ctx);
  auditRoutes(api, ctx);
  operationsRoutes(api, ctx);
  webhookRoutes(api, ctx);
  savedSearchRoutes(api, ctx);

  const openApi = buildOpenApiDocument(api.registry, ctx.config.PUBLIC_URL);
  app.get('/api/openapi.json', (_req, res) => {
    res.json(openApi);
  });
  mountApiReference(app);
  signInPage(app);
  app.use(api.router);
  for (const extra of options.extraRoutes ?? []) app.use(extra);
  app.use('/api', (req, res) =>
    sendProblem(res, problem('not_found', `No API route ${req.method} ${req.originalUrl}`)),
  );
  app.use(webApplication());
  app.use(errorHandler(ctx.logger));
  return { app, openApi };
}
