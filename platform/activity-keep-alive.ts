import type { ActivityInterceptorsFactory } from '@temporalio/worker';

/**
 * Heartbeats for every activity scheduled with a heartbeat timeout, as long as it runs, so a
 * worker killed mid-step is noticed when its heartbeats stop (the step policies' 10 s,
 * `workflows/activity-policies.ts`) instead of when the step's start-to-close timeout runs out (a
 * minute: `npm run chaos` saw a statement wait two minutes for a read whose worker was killed
 * twice). An activity that heartbeats with progress of its own keeps it: the ticker repeats the
 * last details it gave.
 */
export function keepAliveActivityInterceptors(): ActivityInterceptorsFactory {
  return (ctx) => ({
    inbound: {
      execute: async (input, next) => {
        const timeoutMs = ctx.info.heartbeatTimeoutMs;
        if (!timeoutMs) return next(input);
        const beat = ctx.heartbeat;
        let details: unknown;
        // `heartbeat` is an instance property (typed read-only): the activity's own beats pass here.
        Object.defineProperty(ctx, 'heartbeat', {
          value: (given?: unknown) => {
            details = given;
            beat(given);
          },
        });
        // The SDK throttles what reaches the server to 80 % of the timeout; a quarter keeps well inside it.
        const ticker = setInterval(() => beat(details), Math.max(250, Math.floor(timeoutMs / 4)));
        try {
          return await next(input);
        } finally {
          clearInterval(ticker);
        }
      },
    },
  });
}
