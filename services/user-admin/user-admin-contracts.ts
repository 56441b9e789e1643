import { z } from 'zod';

/** Shapes of user administration: the services build the answers, the API documents and validates with these same schemas. */
export const userAccessSchema = z
  .object({
    id: z.uuid(),
    organisationId: z.uuid(),
    email: z.string(),
    name: z.string(),
    roles: z.array(z.string()),
    isAdmin: z.boolean(),
    disabledAt: z.string().nullable(),
    removedAt: z.string().nullable(),
  })
  .meta({ id: 'UserAccess' });

export const revokeCredentialsRequestSchema = z.object({
  sessions: z.boolean().default(true),
  tokens: z.boolean().default(true),
});

export const credentialsRevokedSchema = z
  .object({ sessionsEnded: z.int(), tokensRevoked: z.int() })
  .meta({ id: 'CredentialsRevoked' });
