# syntax=docker/dockerfile:1
#
# One image for every production process of jointdemand; docker-compose.yml picks the command:
#   node dist/bin/migrate.js                 database migrations (run once before api/worker start)
#   node dist/bin/api.js                     HTTP API + the built web application   (the default)
#   node dist/bin/worker.js                  Temporal worker (workflows + activities)
#   node dist/bin/import-reference-data.js   CPV 2008 and UN/CEFACT Rec 20 lists (REFERENCE_DATA_DIR)
#   node dist/bin/seed.js                    demo organisations, users and one statement
#
# Debian (glibc), not Alpine: the Temporal SDK's native core-bridge ships glibc builds.

ARG NODE_IMAGE=node:24-bookworm-slim

# ---- build: compile the server, build the web application, bundle the workflows ----------------
FROM ${NODE_IMAGE} AS build
WORKDIR /app

COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

COPY . .
# dist/ from tsconfig.build.json (tests, bench and scripts are left out).
RUN npm run build
# web/dist: regenerates the OpenAPI document and typed client, type-checks and unit-tests the
# web code, then runs vite build.
RUN npm run build:web
# api/web.ts serves web/dist from the project root when compiled to dist/api/ too.
# The workflow bundle is built once here instead of at every worker start; WORKFLOW_BUNDLE
# (below) points the worker at it. It is bundled from the compiled dist/workflows, the same
# code the image runs.
RUN node --input-type=module <<"EOF"
import { bundleWorkflowCode } from '@temporalio/worker';
import { writeFileSync } from 'node:fs';
import { workflowBundleOptions } from './dist/bin/create-worker.js';
const { code } = await bundleWorkflowCode(workflowBundleOptions());
writeFileSync('dist/workflow-bundle.js', code);
EOF
RUN npm prune --omit=dev --no-audit --no-fund

# ---- runtime --------------------------------------------------------------------------------------
FROM ${NODE_IMAGE}
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    WORKFLOW_BUNDLE=/app/dist/workflow-bundle.js
WORKDIR /app

COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/web/dist ./web/dist

# Health checks for docker-compose.yml: `api` asks /readyz (database, Temporal, SMTP); `worker`
# asks the worker's own /readyz (bin/worker-health.ts: the SDK worker RUNNING, the database and
# Temporal answering) when WORKER_HEALTH_PORT is set, else Temporal whether a worker in this
# container polled the task queue in the last two minutes (its poller identity is <pid>@<hostname>).
COPY <<"EOF" /app/healthcheck.mjs
import { hostname } from 'node:os';

const fail = (why) => {
  console.error(why);
  process.exit(1);
};
const what = process.argv[2];
if (what === 'api') {
  const res = await fetch(`http://127.0.0.1:${process.env.PORT ?? 3000}/readyz`, { signal: AbortSignal.timeout(8000) }).catch((e) => fail(e.message));
  if (!res.ok) fail(`/readyz answered ${res.status}: ${await res.text()}`);
} else if (what === 'worker' && Number(process.env.WORKER_HEALTH_PORT ?? 0) > 0) {
  const res = await fetch(`http://127.0.0.1:${process.env.WORKER_HEALTH_PORT}/readyz`, { signal: AbortSignal.timeout(8000) }).catch((e) => fail(e.message));
  if (!res.ok) fail(`/readyz answered ${res.status}: ${await res.text()}`);
} else if (what === 'worker') {
  const { Connection } = await import('@temporalio/client');
  const connection = await Connection.connect({ address: process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233', connectTimeout: 5000 });
  const { pollers } = await connection.workflowService.describeTaskQueue({
    namespace: process.env.TEMPORAL_NAMESPACE ?? 'default',
    taskQueue: { name: process.env.TEMPORAL_TASK_QUEUE ?? 'jointdemand' },
    taskQueueType: 1, // workflow tasks
  });
  await connection.close();
  const recent = Date.now() / 1000 - 120;
  const mine = pollers.filter((p) => p.identity?.endsWith(`@${hostname()}`) && Number(p.lastAccessTime?.seconds ?? 0) > recent);
  if (mine.length === 0) fail(`no poller from ${hostname()} on the task queue in the last 2 minutes`);
} else {
  fail('usage: node healthcheck.mjs api|worker');
}
process.exit(0);
EOF

USER node
EXPOSE 3000
CMD ["node", "dist/bin/api.js"]
