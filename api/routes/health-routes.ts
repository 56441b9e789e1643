import type { Client } from '@temporalio/client';
import type { Router } from 'express';

import { type Db, pingDatabase } from '../../db/database.js';
import type { Mailer } from '../../mail/mailer.js';
import type { Logger } from '../../platform/logger.js';
import { within } from '../../platform/within.js';
import { isDirectLoopbackRequest } from '../host-allow-list.js';

async function check(
  name: string,
  fn: () => Promise<unknown>,
  timeoutMs = 3000,
): Promise<[string, { ok: boolean; error?: string }]> {
  try {
    await within(fn(), timeoutMs);
    return [name, { ok: true }];
  } catch (error) {
    return [name, { ok: false, error: (error as Error).message }];
  }
}

/** How many workflows are stuck (`GET /api/operations/stuck-workflows` lists them), within a few seconds. */
async function stuckSummary(
  list: () => Promise<{ threshold: number; truncated: boolean; workflows: unknown[] }>,
  timeoutMs = 3000,
) {
  try {
    const listing = await within(list(), timeoutMs);
    return {
      count: listing.workflows.length,
      threshold: listing.threshold,
      truncated: listing.truncated,
      list: '/api/operations/stuck-workflows',
    };
  } catch (error) {
    return { error: (error as Error).message, list: '/api/operations/stuck-workflows' };
  }
}

/**
 * /healthz: the process is up. /readyz: it can do its work (database, Temporal, SMTP).
 *
 * Which check failed, and the driver's own words, are for operators only: an administrator, or a
 * request made on this machine without a proxy in between. Anyone else (a load balancer's probe
 * included) reads the status alone, 200 or 503; a driver's message can name hosts, users and
 * versions. The failures are logged either way. Mount after authentication, so an administrator
 * is recognised. Operators also read how many workflows are stuck on a failing activity.
 */
export function healthRoutes(
  router: Router,
  deps: {
    db: Db;
    temporal: Client;
    mailer: Mailer;
    logger?: Logger;
    stuckWorkflows?: () => Promise<{ threshold: number; truncated: boolean; workflows: unknown[] }>;
  },
): void {
  // A probe on the machine itself may ask every few seconds; the listing describes every running
  // workflow, so one is shared for 30 seconds.
  let recent: { at: number; summary: Promise<Awaited<ReturnType<typeof stuckSummary>>> } | undefined;
  const stuckSummaryEvery30s = (list: NonNullable<typeof deps.stuckWorkflows>) => {
    if (!recent || Date.now() - recent.at > 30_000) recent = { at: Date.now(), summary: stuckSummary(list) };
    return recent.summary;
  };

  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (req, res) => {
    const checks = Object.fromEntries(
      await Promise.all([
        check('database', () => pingDatabase(deps.db)),
        check('temporal', () => deps.temporal.connection.workflowService.getSystemInfo({})),
        check('smtp', () => deps.mailer.verify()),
      ]),
    );
    const ready = Object.values(checks).every((c) => c.ok);
    if (!ready) deps.logger?.warn({ checks }, 'not ready');
    const operator = req.principal?.isAdmin === true || isDirectLoopbackRequest(req);
    res.setHeader('Cache-Control', 'no-store');
    if (!operator) {
      res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready' });
      return;
    }
    // Stuck workflows do not make the process unready (it can still work), but operators see them.
    const stuck =
      deps.stuckWorkflows && checks.temporal?.ok ? await stuckSummaryEvery30s(deps.stuckWorkflows) : undefined;
    if (stuck?.count) deps.logger?.warn({ stuckWorkflows: stuck.count }, 'workflows stuck on a failing activity');
    res
      .status(ready ? 200 : 503)
      .json({ status: ready ? 'ready' : 'not ready', checks, ...(stuck ? { stuckWorkflows: stuck } : {}) });
  });
}
