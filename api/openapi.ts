import { createRequire } from 'node:module';
import path from 'node:path';

import { OpenApiGeneratorV31, type OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import type { Router } from 'express';
import express from 'express';

/** The OpenAPI 3.1 document, generated from the very schemas the routes validate with. */
export function buildOpenApiDocument(registry: OpenAPIRegistry, serverUrl: string) {
  registry.registerComponent('securitySchemes', 'sessionCookie', { type: 'apiKey', in: 'cookie', name: 'jd_session' });
  registry.registerComponent('securitySchemes', 'bearerToken', {
    type: 'http',
    scheme: 'bearer',
    description: 'API token from POST /api/tokens',
  });
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'jointdemand API',
      version: '1.0.0',
      description:
        'Joint statements of demand for EU public buyers: needs assessment, aggregation, market engagement and publication. Errors are RFC 9457 problem+json documents with a stable `code` and, for bad input, the field and rule.',
    },
    servers: [{ url: serverUrl }],
  });
}

/** A human-readable reference (Swagger UI, served from the swagger-ui-dist package) at /api/docs. */
export function mountApiReference(router: Router): void {
  const require = createRequire(import.meta.url);
  const assets = path.dirname(require.resolve('swagger-ui-dist/package.json'));
  router.use('/api/docs/assets', express.static(assets, { index: false }));
  router.get('/api/docs', (_req, res) => {
    res.type('html').send(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>jointdemand API reference</title><link rel="stylesheet" href="/api/docs/assets/swagger-ui.css"></head>
<body><main id="api-reference"></main>
<script src="/api/docs/assets/swagger-ui-bundle.js"></script>
<script src="/api/docs/init.js"></script></body></html>`);
  });
  // Kept as a separate file so the page works under a strict Content-Security-Policy.
  router.get('/api/docs/init.js', (_req, res) => {
    res
      .type('application/javascript')
      .send(`window.ui = SwaggerUIBundle({ url: '/api/openapi.json', dom_id: '#api-reference' });`);
  });
}
