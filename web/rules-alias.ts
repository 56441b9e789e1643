import { fileURLToPath } from 'node:url';

/**
 * `@jointdemand/rules`: the shared package of pure rules (the repository's `rules/` folder: the
 * stage machine, the text policy) that the server and the web both use. The web imports nothing
 * else from outside `web/` but its generated API client (eslint.config.js, `layers`); the same
 * path is declared for TypeScript in tsconfig.app.json and tsconfig.node.json.
 */
export const rulesAlias = { '@jointdemand/rules': fileURLToPath(new URL('../rules', import.meta.url)) };
