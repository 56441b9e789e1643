import { createDb, type Db } from '../db/database.js';
import { createSmtpMailer, type Mailer, smtpPoolOptions } from '../mail/mailer.js';
import { type Config, ConfigError, loadConfig } from '../platform/config.js';
import { createLogger, type Logger } from '../platform/logger.js';

/** Shared start-up for the entry points: configuration checked first, then the connections. */
export function startup(name: string): { config: Config; logger: Logger } {
  try {
    const config = loadConfig();
    return { config, logger: createLogger(config.LOG_LEVEL, name) };
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
}

export function openDb(config: Config, logger?: Logger): Db {
  return createDb(config.DATABASE_URL, config.DATABASE_POOL_SIZE, config.DATABASE_ROLE, (error) =>
    logger?.warn({ err: error }, 'a pooled database connection ended while idle; the next query opens another'),
  );
}

export function openMailer(config: Config): Mailer {
  return createSmtpMailer(config.SMTP_URL, config.MAIL_FROM, smtpPoolOptions(config));
}

/** Runs `stop` once on SIGINT/SIGTERM, then exits. */
export function onShutdown(logger: Logger, stop: () => Promise<void>): void {
  let stopping = false;
  const handler = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    stop()
      .then(() => process.exit(0))
      .catch((error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.on('SIGINT', () => handler('SIGINT'));
  process.on('SIGTERM', () => handler('SIGTERM'));
}
