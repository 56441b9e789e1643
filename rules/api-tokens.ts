/**
 * Personal API tokens, shared: the server issues and checks them (db/credentials.ts,
 * services/auth/), the web's account page offers these scopes and this longest lifetime.
 */
export const apiTokenScopes = ['read', 'write', 'admin'] as const;
export type ApiTokenScope = (typeof apiTokenScopes)[number];

/** The scopes a new token has when none are named; `admin` is only ever given on request. */
export const defaultApiTokenScopes = ['read', 'write'] as const satisfies readonly ApiTokenScope[];

/** The longest a token may live, in days. */
export const maxApiTokenDays = 365;

/** A token's name, as its owner tells tokens apart. */
export const maxApiTokenNameLength = 100;
