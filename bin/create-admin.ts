import { parseArgs } from 'node:util';

import { z } from 'zod';

import { migrateToLatest } from '../db/migrate.js';
import { DomainError } from '../domain/errors.js';
import { text } from '../rules/text-policy.js';
import { createFirstAdministrator } from '../services/organisations/create-first-administrator.js';
import { openDb, startup } from './runtime.js';

/**
 * Creates the operator organisation and its first administrator on a new installation:
 *
 *   npm run create-admin -- --email ops@example.eu --name "Ops Team" [--organisation NAME] [--country BE]
 *
 * That administrator signs in by e-mailed link and registers organisations and users in the API.
 */
const usage = 'usage: create-admin --email ADDRESS --name NAME [--organisation NAME] [--country CC]';
const argsSchema = z.object({
  email: z.email(),
  // The text policy of the API's own name fields (rules/text-policy.ts): one line, no controls, NFC.
  name: text('name', { min: 1 }),
  organisation: text('name', { min: 1, max: 300 }).default('jointdemand operations'),
  country: z
    .string()
    .regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code such as BE')
    .default('BE'),
});

const { config, logger } = startup('create-admin');
let args: z.infer<typeof argsSchema>;
try {
  const { values } = parseArgs({
    options: {
      email: { type: 'string' },
      name: { type: 'string' },
      organisation: { type: 'string' },
      country: { type: 'string' },
    },
  });
  args = argsSchema.parse(values);
} catch (error) {
  const detail =
    error instanceof z.ZodError
      ? error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('; ')
      : (error as Error).message;
  console.error(`${detail}\n${usage}`);
  process.exit(2);
}
await migrateToLatest(config.DATABASE_URL);
const db = openDb(config);
try {
  const result = await createFirstAdministrator(
    { db },
    { email: args.email, name: args.name, organisationName: args.organisation, country: args.country },
  );
  console.log(
    result.created
      ? `Administrator ${args.email} created; sign in at ${config.PUBLIC_URL}`
      : `${args.email} is an administrator already`,
  );
} catch (error) {
  if (!(error instanceof DomainError)) throw error;
  logger.error(error.message);
  process.exitCode = 1;
} finally {
  await db.destroy();
}
