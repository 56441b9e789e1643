import { z } from 'zod';

/**
 * Every setting comes from the environment and is checked once at start, so a typo in a
 * deployment fails loudly with the variable's name instead of surfacing later as a
 * mysterious connection error.
 */
const booleanFromEnv = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

export const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// connection URL')
    .default('postgres://postgres@127.0.0.1:5432/jointdemand'),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  /**
   * The role the API and the worker act as (`SET ROLE` at connect; created by the audit-trail
   * migration): it owns nothing and may only append to the audit tables. `none` keeps the
   * connecting user's own rights (for a DATABASE_URL that already logs in as a restricted role).
   */
  DATABASE_ROLE: z
    .string()
    .regex(/^[a-z_][a-z0-9_]*$/, 'must be a PostgreSQL role name')
    .default('jointdemand_app'),
  /**
   * Signs audit events, chain heads and checkpoints (HMAC-SHA256). Kept out of the database, so
   * database access alone cannot forge an audit event. Required in production; back it up.
   */
  AUDIT_HMAC_KEY: z.string().min(32, 'must be at least 32 characters').optional(),
  TEMPORAL_ADDRESS: z
    .string()
    .regex(/^[^\s:]+:\d+$/, 'must be host:port')
    .default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('jointdemand'),
  /**
   * The worker's probe port (/livez, /readyz; plain HTTP, no routes of the API); 0: none. Bind it
   * where only the orchestrator reaches it (WORKER_HEALTH_HOST).
   */
  WORKER_HEALTH_PORT: z.coerce.number().int().min(0).max(65535).default(0),
  WORKER_HEALTH_HOST: z.string().min(1).default('127.0.0.1'),
  /**
   * On SIGTERM/SIGINT the worker stops polling and lets activities in flight finish for this long;
   * then the SDK cancels them (an activity that heartbeats hears it) and the process exits.
   */
  WORKER_SHUTDOWN_GRACE_SECONDS: z.coerce.number().int().min(0).max(3600).default(30),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL')
    .default('smtp://127.0.0.1:2525'),
  MAIL_FROM: z.string().min(3).default('jointdemand <no-reply@jointdemand.localhost>'),
  /** SMTP connections each process keeps open to the relay at once (a fan-out sends over all of them). */
  MAIL_POOL_CONNECTIONS: z.coerce.number().int().min(1).max(100).default(5),
  /** Messages sent over one SMTP connection before it is closed and replaced; 0: no limit. */
  MAIL_POOL_MAX_MESSAGES: z.coerce.number().int().min(0).max(1_000_000).default(1000),
  /**
   * The most messages per second each worker (and API) process sends, to keep under a relay's
   * limit (the sending rate its provider grants); 0: as fast as the relay takes them. It is per
   * process: with several workers, divide the relay's limit among them.
   */
  MAIL_MAX_PER_SECOND: z.coerce.number().int().min(0).max(100_000).default(0),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  PUBLIC_URL: z.url({ message: 'must be an absolute URL' }).default('http://localhost:3000'),
  COOKIE_SECURE: booleanFromEnv.optional(),
  /** A session's absolute lifetime, however active it is. */
  SESSION_TTL_HOURS: z.coerce
    .number()
    .positive()
    .max(24 * 90)
    .default(12),
  /** A session unused this long ends (ASVS 7.3.1). */
  SESSION_IDLE_MINUTES: z.coerce
    .number()
    .positive()
    .max(24 * 60)
    .default(30),
  /** ASVS 6.4.2 (v5): an e-mailed sign-in link lives at most 10 minutes. */
  SIGN_IN_LINK_TTL_MINUTES: z.coerce.number().positive().max(10).default(10),
  /**
   * Which proxies' `X-Forwarded-For` to believe for the client address: `false` (default: none,
   * the peer address is the client), `true` (any: only behind a proxy that overwrites it), a hop
   * count (`1`), or Express's names and addresses (`loopback`, `10.0.0.0/8,172.16.0.0/12`).
   */
  TRUST_PROXY: z
    .string()
    .regex(/^(true|false|\d{1,2}|[\w.:/, -]+)$/, 'must be true, false, a hop count, or proxy addresses')
    .default('false'),
  /** The window of every rate limit below. */
  RATE_LIMIT_WINDOW_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(15),
  /** Sign-in link requests and supplier registrations per client address (IP) per window. */
  RATE_LIMIT_MAIL_PER_IP: z.coerce.number().int().min(1).max(1_000_000).default(20),
  /** Sign-in links and registrations to one e-mail address per window, whoever asks. */
  RATE_LIMIT_MAIL_PER_ADDRESS: z.coerce.number().int().min(1).max(1000).default(3),
  /** Failed link verifications and bad bearer tokens per client address per window. */
  RATE_LIMIT_FAILED_AUTH_PER_IP: z.coerce.number().int().min(1).max(1_000_000).default(30),
  /**
   * How long the API waits for a workflow to answer an update before it answers 503
   * `process_unavailable` with Retry-After (the update may still complete; the same request with
   * the same Idempotency-Key then gets its answer).
   */
  PROCESS_UPDATE_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(600).default(60),
  /**
   * The oldest exchange rate an aggregation may use, in days before its day: an older one blocks
   * the aggregation like a missing one (Directive 2014/24/EU Art. 5(4); domain/currency.ts).
   */
  EXCHANGE_RATE_MAX_AGE_DAYS: z.coerce.number().int().min(0).max(3660).default(7),
  /**
   * Where `npm run import-rates` and the daily schedule fetch the ECB euro reference rates: the
   * daily XML by default; eurofxref-hist.xml, -hist-90d.xml or the CSV forms work alike.
   */
  ECB_RATES_URL: z.url().default('https://www.ecb.europa.eu/stats/eurofxref/eurofxref-daily.xml'),
  /** `on`: the worker creates the daily schedule that imports ECB_RATES_URL (off by default, and in tests). */
  ECB_RATES_SCHEDULE: z.enum(['on', 'off']).default('off'),
  /**
   * Webhooks to suppliers' systems (issue 19). `WEBHOOK_ALLOW_HTTP_LOCALHOST`: also accept
   * http:// and https:// endpoints on 127.0.0.1, [::1] and localhost (tests, development); never
   * in production, where only HTTPS to public addresses is accepted (SSRF).
   */
  WEBHOOK_ALLOW_HTTP_LOCALHOST: booleanFromEnv.default(false),
  /** AES-256-GCM key (32 bytes, base64) that seals the webhook signing secrets; required in production. */
  WEBHOOK_SECRET_KEY: z
    .string()
    .refine((v) => Buffer.from(v, 'base64').length === 32, 'must be 32 bytes in base64')
    .optional(),
  /** The first retry's delay after a failed delivery, in milliseconds; each next one doubles, at most 6 hours. */
  WEBHOOK_RETRY_BASE_MS: z.coerce.number().int().min(10).max(3_600_000).default(30_000),
  /** Consecutive failed attempts after which an endpoint is disabled and its organisation e-mailed. */
  WEBHOOK_DISABLE_AFTER_FAILURES: z.coerce.number().int().min(1).max(1000).default(15),
  /** When the schedule imports, cron in UTC: weekdays 15:30 (16:30 CET), after the ECB publishes at about 16:00 CET. */
  ECB_RATES_CRON: z.string().min(9).default('30 15 * * 1-5'),
  /** A running workflow whose pending activity has failed more attempts than this is listed as stuck. */
  STUCK_ACTIVITY_ATTEMPTS: z.coerce.number().int().min(1).max(1_000_000).default(5),
  DATA_DIR: z.string().min(1).default('.data'),
  TEMPORAL_CLI: z.string().min(1).optional(),
  /** A workflow bundle built ahead (bundleWorkflowCode); without it the worker bundles at start. */
  WORKFLOW_BUNDLE: z.string().min(1).optional(),
  /**
   * The key (32 characters or more) the API seals each update's actor with and the worker checks
   * the seal with, so a caller who reaches Temporal directly cannot act as anyone. Required in
   * production; development and tests use a fixed key (`actorSealKey`).
   */
  TEMPORAL_ACTOR_KEY: z.string().min(32, 'must be at least 32 characters').optional(),
  /** AES-256-GCM key (32 bytes, base64) for the payload codec: set it to encrypt every Temporal payload. */
  TEMPORAL_PAYLOAD_KEY: z
    .string()
    .refine((v) => Buffer.from(v, 'base64').length === 32, 'must be 32 bytes, base64-encoded')
    .optional(),
  /** The id of TEMPORAL_PAYLOAD_KEY, written beside each encrypted payload (rotation). */
  TEMPORAL_PAYLOAD_KEY_ID: z
    .string()
    .regex(/^[\w.-]{1,64}$/, 'must be a short id (letters, digits, . _ -)')
    .default('k1'),
  /** Keys that only decrypt, after a rotation: `id:base64,id:base64`. */
  TEMPORAL_PAYLOAD_OLD_KEYS: z
    .string()
    .regex(
      /^[\w.-]{1,64}:[A-Za-z0-9+/=]+(,[\w.-]{1,64}:[A-Za-z0-9+/=]+)*$/,
      'must be id:base64 pairs separated by commas',
    )
    .optional(),
  /** TLS to the Temporal frontend (mTLS with the client certificate and key below). */
  TEMPORAL_TLS: booleanFromEnv.default(false),
  /** PEM file of the CA that signed the Temporal server's certificate (default: the system's CAs). */
  TEMPORAL_TLS_CA_FILE: z.string().min(1).optional(),
  /** PEM files of this process's client certificate and key, for mTLS. */
  TEMPORAL_TLS_CERT_FILE: z.string().min(1).optional(),
  TEMPORAL_TLS_KEY_FILE: z.string().min(1).optional(),
  /** The name the server certificate is checked against, when it differs from the address's host. */
  TEMPORAL_TLS_SERVER_NAME: z.string().min(1).optional(),
});

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  // Empty variables count as unset: `FOO= npm start` should fall back to the default.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = configSchema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  if (parsed.data.NODE_ENV === 'production' && parsed.data.AUDIT_HMAC_KEY === undefined) {
    throw new ConfigError([
      'AUDIT_HMAC_KEY: required in production (at least 32 random characters, kept out of the database)',
    ]);
  }
  return parsed.data;
}

/** Outside production a fixed development key, so `npm start` and the tests need no setup. */
export const DEV_AUDIT_HMAC_KEY = 'jointdemand-development-audit-key-not-for-production';

export function auditHmacKey(config: Pick<Config, 'NODE_ENV' | 'AUDIT_HMAC_KEY'>): string {
  if (config.AUDIT_HMAC_KEY) return config.AUDIT_HMAC_KEY;
  if (config.NODE_ENV === 'production') throw new ConfigError(['AUDIT_HMAC_KEY: required in production']);
  return DEV_AUDIT_HMAC_KEY;
}

/** Cookies are Secure whenever the public URL is https, unless explicitly overridden. */
export function cookieSecure(config: Config): boolean {
  return config.COOKIE_SECURE ?? config.PUBLIC_URL.startsWith('https://');
}

/** Express's `trust proxy` value for TRUST_PROXY: `app.set('trust proxy', trustProxy(config))`. */
export function trustProxy(config: object): boolean | number | string {
  const v = ((config as Partial<Config>).TRUST_PROXY ?? 'false').trim();
  if (v === 'false') return false;
  if (v === 'true') return true;
  if (/^\d+$/.test(v)) return Number(v);
  return v;
}

/** Used outside production when TEMPORAL_ACTOR_KEY is unset; production refuses to start without a key of its own. */
export const developmentActorKey = 'jointdemand-development-actor-key-not-for-production';

/** The key the API seals update actors with and the worker checks them with. */
export function actorSealKey(config: Pick<Config, 'NODE_ENV' | 'TEMPORAL_ACTOR_KEY'>): string {
  if (config.TEMPORAL_ACTOR_KEY) return config.TEMPORAL_ACTOR_KEY;
  if (config.NODE_ENV === 'production')
    throw new ConfigError([
      'TEMPORAL_ACTOR_KEY: required in production (32 characters or more, the same for the API and the worker)',
    ]);
  return developmentActorKey;
}
