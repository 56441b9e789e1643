import type { Client } from '@temporalio/client';
import type { Router } from 'express';
import { pingDatabase, type Db } from '../../db/database.js';
import type { Mailer } from '../../mail/mailer.js';

async function check(name: string, fn: () => Promise<unknown>, timeoutMs = 3000): Promise<[string, { ok: boolean; error?: string }]> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      fn(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return [name, { ok: true }];
  } catch (error) {
    return [name, { ok: false, error: (error as Error).message }];
  } finally {
    clearTimeout(timer);
  }
}

/** /healthz: the process is up. /readyz: it can do its work (database, Temporal, SMTP). */
export function healthRoutes(router: Router, deps: { db: Db; temporal: Client; mailer: Mailer }): void {
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const checks = Object.fromEntries(
      await Promise.all([
        check('database', () => pingDatabase(deps.db)),
        check('temporal', () => deps.temporal.connection.workflowService.getSystemInfo({})),
        check('smtp', () => deps.mailer.verify()),
      ]),
    );
    const ready = Object.values(checks).every((c) => c.ok);
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready', checks });
  });
}
