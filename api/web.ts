import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import express, { Router } from 'express';

/**
 * web/dist at the project root, whether this file runs from source (api/) or compiled (dist/api/);
 * WEB_DIST_DIR names another build, so work on the web can be tried without replacing the one
 * other test runs on this machine are serving.
 */
function defaultDistDir(): string {
  if (process.env.WEB_DIST_DIR) return path.resolve(process.env.WEB_DIST_DIR);
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [path.resolve(here, '../web/dist'), path.resolve(here, '../../web/dist')];
  return candidates.find((dir) => existsSync(path.join(dir, 'index.html'))) ?? candidates[0]!;
}

/**
 * Serves the built web application (web/dist) with a fallback to index.html for client-side
 * routes. Without a build, says how to make one instead of failing obscurely.
 */
export function webApplication(distDir = defaultDistDir()): Router {
  const router = Router();
  const index = path.join(distDir, 'index.html');
  router.use(
    express.static(distDir, {
      index: false,
      maxAge: '1h',
      setHeaders: (res, file) => {
        if (file.endsWith('index.html')) res.setHeader('Cache-Control', 'no-cache');
      },
    }),
  );
  router.get(/^\/(?!api\/|dev\/|healthz|readyz).*/, (_req, res) => {
    if (existsSync(index)) {
      res.setHeader('Cache-Control', 'no-cache');
      res.sendFile(index);
    } else {
      res
        .status(503)
        .type('text')
        .send('The web application is not built. Run `npm run build:web` (npm start does it for you).');
    }
  });
  return router;
}
