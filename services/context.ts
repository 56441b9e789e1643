import type { Client } from '@temporalio/client';

import type { Db } from '../db/database.js';
import type { Config } from '../platform/config.js';
import type { Logger } from '../platform/logger.js';

/** What a use-case may use: narrow on purpose, so each is testable against real services. */
export interface ServiceContext {
  db: Db;
  temporal: Client;
  config: Pick<Config, 'TEMPORAL_TASK_QUEUE' | 'PUBLIC_URL' | 'SIGN_IN_LINK_TTL_MINUTES' | 'SESSION_TTL_HOURS'> &
    /** The key updates are sealed with (see `actorSealKey`). */
    Partial<Pick<Config, 'NODE_ENV' | 'TEMPORAL_ACTOR_KEY'>> &
    /** How long an update may take, and when a workflow counts as stuck (defaults: 60 s, 5 attempts). */
    Partial<Pick<Config, 'PROCESS_UPDATE_TIMEOUT_SECONDS' | 'STUCK_ACTIVITY_ATTEMPTS'>> &
    /** How old a usable exchange rate may be (default 7 days), and where the ECB rates are fetched. */
    Partial<Pick<Config, 'EXCHANGE_RATE_MAX_AGE_DAYS' | 'ECB_RATES_URL'>> &
    /** Webhooks (issue 19): loopback endpoints allowed (tests, development), the key that seals their secrets. */
    Partial<Pick<Config, 'WEBHOOK_ALLOW_HTTP_LOCALHOST' | 'WEBHOOK_SECRET_KEY'>>;
  logger: Logger;
}

/** Who asked, as far as the process needs to know. */
export interface RequestMeta {
  ip?: string | undefined;
  method?: string;
  path?: string;
  /** Client-supplied Idempotency-Key: a retried request with the same key changes nothing twice. */
  idempotencyKey?: string | undefined;
}
