import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { Router } from 'express';
import expressStaticGzip from 'express-static-gzip';

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
    expressStaticGzip(distDir, {
      enableBrotli: true,
      orderPreference: ['br', 'gzip'],
      index: false,
      serveStatic: {
        cacheControl: false,
        setHeaders: (res, file) => {
          // Vite names each built asset by its content's hash: a new build is a new name, so an
          // asset can be kept for good. The page that names them is checked on every visit.
          const relative = path.relative(distDir, file).split(path.sep);
          res.setHeader(
            'Cache-Control',
            relative[0] === 'assets'
              ? 'public, max-age=31536000, immutable'
              : file.includes('index.html')
                ? 'no-cache'
                : 'public, max-age=3600',
          );
        },
      },
    }),
  );
  // A script or style that is not in this build is missing, not a page of the application.
  router.use('/assets', (_req, res) => {
    res.status(404).setHeader('Cache-Control', 'no-cache').type('text').send('Not found');
  });
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
