import { type Config, configSchema } from '../../platform/config.js';
import type { ServiceContext } from '../context.js';

type AuthSettingKey =
  | 'SESSION_TTL_HOURS'
  | 'SESSION_IDLE_MINUTES'
  | 'SIGN_IN_LINK_TTL_MINUTES'
  | 'RATE_LIMIT_WINDOW_MINUTES'
  | 'RATE_LIMIT_MAIL_PER_IP'
  | 'RATE_LIMIT_MAIL_PER_ADDRESS'
  | 'RATE_LIMIT_FAILED_AUTH_PER_IP';

const keys: readonly AuthSettingKey[] = [
  'SESSION_TTL_HOURS',
  'SESSION_IDLE_MINUTES',
  'SIGN_IN_LINK_TTL_MINUTES',
  'RATE_LIMIT_WINDOW_MINUTES',
  'RATE_LIMIT_MAIL_PER_IP',
  'RATE_LIMIT_MAIL_PER_ADDRESS',
  'RATE_LIMIT_FAILED_AUTH_PER_IP',
];

/**
 * The session, link and rate-limit settings from the process configuration, each with its
 * documented default when a context was built from a narrower config (the service context names
 * only what most use cases need).
 */
export function authSettings(ctx: Pick<ServiceContext, 'config'>): Pick<Config, AuthSettingKey> {
  const given = ctx.config as Partial<Config>;
  const defaults = configSchema
    .pick({
      SESSION_TTL_HOURS: true,
      SESSION_IDLE_MINUTES: true,
      SIGN_IN_LINK_TTL_MINUTES: true,
      RATE_LIMIT_WINDOW_MINUTES: true,
      RATE_LIMIT_MAIL_PER_IP: true,
      RATE_LIMIT_MAIL_PER_ADDRESS: true,
      RATE_LIMIT_FAILED_AUTH_PER_IP: true,
    })
    .parse({});
  return Object.fromEntries(keys.map((k) => [k, given[k] ?? defaults[k]])) as Pick<Config, AuthSettingKey>;
}

/** Sign-in links live at most 10 minutes, whatever an older configuration says. */
export const linkTtlMinutes = (ctx: Pick<ServiceContext, 'config'>) =>
  Math.min(10, authSettings(ctx).SIGN_IN_LINK_TTL_MINUTES);
