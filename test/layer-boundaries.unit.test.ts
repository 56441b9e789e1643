/**
 * The layers are law (issue 15, point 1): the project's own ESLint configuration, run through
 * ESLint's Node API on small sources placed in each layer, reports every import against the
 * direction (eslint.config.js, `layers`) and SQL outside db/, and lets the allowed imports be.
 * A unit test: nothing is run but ESLint, on text (the files need not exist).
 */
import { resolve } from 'node:path';

import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');
const checked = new Set(['layers/direction', 'no-restricted-syntax', 'no-restricted-imports']);
let eslint: ESLint;

beforeAll(() => {
  eslint = new ESLint({
    cwd: root,
    // The boundary rules need no type information: parse without the project service, so that
    // a source at a path no tsconfig lists can be linted, and run only the rules under test.
    overrideConfig: { languageOptions: { parserOptions: { projectService: false, project: null } } },
    ruleFilter: ({ ruleId }) => checked.has(ruleId),
  });
});

async function lint(path: string, code: string): Promise<Array<{ ruleId: string | null; message: string }>> {
  const [result] = await eslint.lintText(code, { filePath: resolve(root, path) });
  const fatal = result!.messages.filter((m) => m.fatal);
  expect(fatal, `${path} parses`).toEqual([]);
  return result!.messages.map((m) => ({ ruleId: m.ruleId, message: m.message }));
}

/** Every forbidden direction: [file inside the layer, source, rule, part of the message]. */
const walls: Array<[string, string, string, string]> = [
  // activities borrow from neither the API side nor the workflows
  [
    'activities/fixture.ts',
    "import { validateNeeds } from '../services/needs/submit-needs.js';",
    'layers/direction',
    '`activities` may not import `services`',
  ],
  [
    'activities/fixture.ts',
    "import { digestKeyPrefix } from '../workflows/digest/messages.js';",
    'layers/direction',
    '`activities` may not import `workflows`',
  ],
  [
    'activities/fixture.ts',
    "export * from '../services/statements/statement-contracts.js';",
    'layers/direction',
    '`activities` may not import `services`',
  ],
  [
    'activities/fixture.ts',
    "export const load = () => import('../api/app.js');",
    'layers/direction',
    '`activities` may not import `api`',
  ],
  // workflows: activities as types only, and only with `import type`
  [
    'workflows/fixture.ts',
    "import { createMailActivities } from '../activities/mail-activities.js';",
    'layers/direction',
    'as types only',
  ],
  [
    'workflows/fixture.ts',
    "import { type MailActivities } from '../activities/mail-activities.js';\nexport type A = MailActivities;",
    'layers/direction',
    'as types only',
  ],
  [
    'workflows/fixture.ts',
    "import { findStatement } from '../db/statements.js';",
    'layers/direction',
    '`workflows` may not import `db`',
  ],
  [
    'workflows/statement/fixture.ts',
    "import { getStatement } from '../../services/statements/get-statement.js';",
    'layers/direction',
    '`workflows` may not import `services`',
  ],
  // domain is pure
  [
    'domain/fixture.ts',
    "import { findStatement } from '../db/statements.js';",
    'layers/direction',
    '`domain` may not import `db`',
  ],
  [
    'domain/fixture.ts',
    "import { loadConfig } from '../platform/config.js';",
    'layers/direction',
    '`domain` may not import `platform`',
  ],
  ['domain/fixture.ts', "import { readFileSync } from 'node:fs';", 'no-restricted-imports', 'Node builtins'],
  // the shared rules import nothing but themselves and zod
  [
    'rules/fixture.ts',
    "import { needLineSchema } from '../domain/need-lines.js';",
    'layers/direction',
    '`rules` may not import `domain`',
  ],
  [
    'rules/fixture.ts',
    "import { Decimal } from 'decimal.js';",
    'layers/direction',
    'may not import the package `decimal.js`',
  ],
  // the infrastructure does not reach up
  [
    'platform/fixture.ts',
    "import { createActivities } from '../activities/index.js';",
    'layers/direction',
    '`platform` may not import `activities`',
  ],
  [
    'platform/fixture.ts',
    "import { importCpvCodes } from '../db/reference-data.js';",
    'layers/direction',
    '`platform` may not import `db`',
  ],
  [
    'db/fixture.ts',
    "import { recordEventOnce } from '../activities/record-event.js';",
    'layers/direction',
    '`db` may not import `activities`',
  ],
  [
    'db/fixture.ts',
    "import { renderAgreement } from '../services/agreement/get-agreement.js';",
    'layers/direction',
    '`db` may not import `services`',
  ],
  [
    'mail/fixture.ts',
    "import { parseHostHeader } from '../api/host-allow-list.js';",
    'layers/direction',
    '`mail` may not import `api`',
  ],
  [
    'i18n/fixture.ts',
    "import { findStatement } from '../db/statements.js';",
    'layers/direction',
    '`i18n` may not import `db`',
  ],
  // the API side does not run the worker's code
  [
    'services/fixture.ts',
    "import { recordEventOnce } from '../activities/record-event.js';",
    'layers/direction',
    '`services` may not import `activities`',
  ],
  [
    'services/fixture.ts',
    "import { createApp } from '../api/app.js';",
    'layers/direction',
    '`services` may not import `api`',
  ],
  [
    'services/fixture.ts',
    "import { statementProcess } from '../workflows/statement/process.js';",
    'layers/direction',
    '`services` imports only the message definitions',
  ],
  [
    'api/fixture.ts',
    "import { databaseFailureType } from '../activities/failures.js';",
    'layers/direction',
    '`api` may not import `activities`',
  ],
  [
    'api/fixture.ts',
    "import { statementWorkflow } from '../workflows/statement/workflow.js';",
    'layers/direction',
    '`api` may not import `workflows`',
  ],
  // process wiring is bin's
  [
    'platform/fixture.ts',
    "import { createWorker } from '../bin/create-worker.js';",
    'layers/direction',
    '`platform` may not import `bin`',
  ],
  // the web sees its generated client and the shared rules, nothing else of the server
  [
    'web/src/fixture.ts',
    "import { operationOpen } from '../../domain/authorization.js';",
    'layers/direction',
    '`web` may not import `domain`',
  ],
  [
    'web/src/pages/fixture.ts',
    "import type { NeedLineDraft } from '../../../domain/need-lines.js';\nexport type A = NeedLineDraft;",
    'layers/direction',
    '`web` may not import `domain`',
  ],
  [
    'web/src/fixture.ts',
    "import { views } from '../../services/statements/statement-contracts.js';",
    'layers/direction',
    '`web` may not import `services`',
  ],
  // SQL lives in db/
  ['activities/fixture.ts', "import { sql } from 'kysely';", 'layers/direction', 'may not import the package `kysely`'],
  [
    'services/fixture.ts',
    "import type { Kysely } from 'kysely';\nexport type K = Kysely<unknown>;",
    'layers/direction',
    'may not import the package `kysely`',
  ],
  [
    'api/fixture.ts',
    "import pg from 'pg';\nexport const p = pg;",
    'layers/direction',
    'may not import the package `pg`',
  ],
  [
    'activities/fixture.ts',
    "export const f = (trx: any) => trx.selectFrom('outbox').selectAll().execute();",
    'no-restricted-syntax',
    'SQL lives in db/',
  ],
  [
    'activities/fixture.ts',
    "export const f = (trx: any) => trx.insertInto('consultations').values({}).execute();",
    'no-restricted-syntax',
    'SQL lives in db/',
  ],
  [
    'services/fixture.ts',
    "export const f = (db: any) => db.updateTable('statements').set({}).execute();",
    'no-restricted-syntax',
    'SQL lives in db/',
  ],
  [
    'api/fixture.ts',
    "export const f = (db: any) => db.deleteFrom('sessions').execute();",
    'no-restricted-syntax',
    'SQL lives in db/',
  ],
  [
    'mail/fixture.ts',
    'declare const sql: any;\nexport const q = sql`select 1`;',
    'no-restricted-syntax',
    'SQL lives in db/',
  ],
  [
    'bin/fixture.ts',
    "export const f = (db: any) => db.selectFrom('users').selectAll().execute();",
    'no-restricted-syntax',
    'SQL lives in db/',
  ],
];

/** Allowed directions: none of these is reported. */
const open: Array<[string, string]> = [
  [
    'workflows/fixture.ts',
    "import type { MailActivities } from '../activities/mail-activities.js';\nexport type A = MailActivities;",
  ],
  ['workflows/fixture.ts', "import { canTransition } from '../rules/stages.js';\nexport const c = canTransition;"],
  [
    'activities/fixture.ts',
    "import { findStatement } from '../db/statements.js';\nimport { DomainError } from '../domain/errors.js';\nexport const x = [findStatement, DomainError];",
  ],
  [
    'services/fixture.ts',
    "import { statementUpdates } from '../workflows/statement/messages.js';\nexport const x = statementUpdates;",
  ],
  [
    'services/statements/fixture.ts',
    "import { marketUpdates } from '../../workflows/statement/market-messages.js';\nexport const x = marketUpdates;",
  ],
  [
    'api/fixture.ts',
    "import { getStatement } from '../services/statements/get-statement.js';\nexport const x = getStatement;",
  ],
  ['bin/fixture.ts', "import { createActivities } from '../activities/index.js';\nexport const x = createActivities;"],
  [
    'web/src/fixture.ts',
    "import { operationOpen } from '@jointdemand/rules/stages';\nimport { api } from './api/client';\nexport const x = [operationOpen, api];",
  ],
  [
    'rules/fixture.ts',
    "import { z } from 'zod';\nimport { stages } from './stages.js';\nexport const s = z.enum(stages);",
  ],
  ['domain/fixture.ts', "import { stages } from '../rules/stages.js';\nexport const s = stages;"],
  [
    'db/fixture.ts',
    "import { sql } from 'kysely';\nexport const f = (db: any) => db.selectFrom('outbox').where(sql`true`).execute();",
  ],
  [
    'test/fixture.test.ts',
    "import { sql } from 'kysely';\nimport { getStatement } from '../services/statements/get-statement.js';\nexport const f = (db: any) => [getStatement, db.selectFrom('outbox').where(sql`true`)];",
  ],
  [
    'bench/fixture.bench.ts',
    "import { sql } from 'kysely';\nexport const f = (db: any) => db.insertInto('outbox').values(sql`default`);",
  ],
  [
    'scripts/fixture.ts',
    "import { startBenchEnvironment } from '../bench/support/environment.js';\nexport const x = startBenchEnvironment;",
  ],
];

describe('the layers are law', () => {
  it.each(walls)('%s: %s is reported by %s', async (path, code, ruleId, message) => {
    const messages = await lint(path, code);
    expect(
      messages.filter((m) => m.ruleId === ruleId && m.message.includes(message)),
      JSON.stringify(messages),
    ).toHaveLength(1);
  });

  it.each(open)('%s: %s is allowed', async (path, code) => {
    expect(await lint(path, code)).toEqual([]);
  });

  it('the repository itself keeps the law', async () => {
    // Only the boundary rules, on the layers' own folders (no types needed): quick, and the
    // same verdict as `npx eslint .` for these rules.
    const results = await eslint.lintFiles([
      'rules',
      'domain',
      'platform',
      'db',
      'i18n',
      'mail',
      'activities',
      'workflows',
      'services',
      'api',
      'bin',
      'web/src',
      'scripts',
      'bench',
    ]);
    const broken = results.flatMap((r) =>
      r.messages.map((m) => `${r.filePath.slice(root.length + 1)}:${m.line} ${m.ruleId}: ${m.message}`),
    );
    expect(broken).toEqual([]);
  }, 120_000);
});
