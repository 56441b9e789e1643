import { z } from 'zod';

import type { PilotCursor } from '../../db/dashboard.js';
import { procurementRouteKinds } from '../../domain/cross-border.js';
import { groupingKinds } from '../../domain/pilot-tracking.js';
import { stuckReasons } from '../../domain/stuck-pilots.js';
import { stages } from '../../rules/stages.js';
import { encodePageCursor, pageCursorSchema, uuidPattern } from '../page-cursor.js';
import { liveStateSchema } from '../statements/statement-contracts.js';

/** Response shapes of pilot tracking: the services build them, the API documents them. */
const decimal = z.string().meta({ description: 'EUR, exact decimal string' });

export const thresholdVerdictSchema = z.object({
  nature: z.string(),
  position: z
    .enum(['at-or-above', 'below'])
    .nullable()
    .meta({ description: 'Null when withheld to protect individual buyers’ figures' }),
  thresholdEur: decimal,
  estimatedValueEur: decimal
    .nullable()
    .meta({ description: 'Null when withheld to protect individual buyers’ figures' }),
});

export const pilotSchema = z
  .object({
    id: z.uuid(),
    title: z.string(),
    stage: z.enum(stages),
    stageEnteredAt: z.string(),
    daysInStage: z.int(),
    nextDeadline: z.string().nullable(),
    overdue: z.boolean(),
    stuck: z
      .object({
        reasons: z.array(z.enum(stuckReasons)).min(1),
        since: z.string(),
        actors: z
          .array(z.enum(['lead', 'administrator', 'operators']))
          .meta({ description: 'Who can get the process going again' }),
        failedStep: z
          .object({
            kind: z.enum(['mail', 'aggregation', 'stage_changed', 'other']),
            stage: z.enum(stages).nullable(),
          })
          .nullable()
          .meta({
            description:
              'For a process failure: which kind of step failed and in which stage (null for mail, which runs beside every stage); null otherwise',
          }),
      })
      .nullable()
      .meta({
        description:
          'Why the process cannot go on by itself (domain/stuck-pilots.ts), since when and who can act; null when it can. A process failure counts from its recorded `process_failed` event until a later stage change, block or (but for mail) deadline ends it.',
      }),
    published: z.boolean(),
    cpvCodes: z.array(z.string()),
    sectors: z
      .array(z.string())
      .meta({ description: 'CPV divisions: the grouping’s sector, or those of the statement’s codes' }),
    grouping: z.object({ kind: z.enum(groupingKinds), name: z.string() }).nullable(),
    lead: z.object({ id: z.uuid(), name: z.string(), country: z.string() }),
    buyers: z
      .int()
      .meta({ description: 'Buyer organisations taking part (joined, submitted or confirmed), the lead included' }),
    countries: z.array(z.string()),
    valueEur: decimal.nullable().meta({
      description:
        'Aggregated EUR value of the latest aggregate snapshot; null before aggregation, or when withheld to protect individual buyers’ figures',
    }),
    aggregatedAt: z.string().nullable(),
    conversion: z
      .object({ date: z.string(), source: z.string(), currencies: z.array(z.string()) })
      .nullable()
      .meta({
        description:
          'The exchange-rate table the value was converted with (date, source, the currencies converted; none: all in EUR); null before aggregation, or when the latest snapshot was computed before aggregates named their table',
      }),
    criticalMassMet: z.boolean().nullable(),
    failedRules: z.array(z.string()).nullable(),
    thresholds: z.array(thresholdVerdictSchema).nullable(),
    aboveEuThreshold: z.boolean().nullable(),
    crossBorder: z.boolean().nullable().meta({
      description:
        'Buyers from two or more Member States procuring jointly: an Art. 39(4) agreement is needed (not when a central purchasing body runs the procurement, Art. 39(2)-(3))',
    }),
    procurementRoute: z
      .object({
        route: z.enum(procurementRouteKinds),
        centralPurchasingBody: z.object({ name: z.string(), country: z.string() }).nullable(),
      })
      .meta({
        description:
          'joint (Art. 38, 39(4)) or central_purchasing_body (Art. 37, 39(2)-(3)): the CPB runs the procurement under its Member State’s national provisions',
      }),
    suppliersEngaged: z.int(),
    createdAt: z.string(),
  })
  .meta({ id: 'Pilot' });
export type PilotView = z.infer<typeof pilotSchema>;

/** Pilots per page of the dashboard: the default and the most one request may ask for. */
export const pilotPageSize = { default: 50, max: 200 } as const;

export const encodePilotCursor = (c: PilotCursor): string => encodePageCursor([c.createdAt, c.id]);

const cursorTime = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}(:?\d{2})?)$/;

/** The `cursor` query parameter: a `nextCursor` the dashboard returned (the last pilot's creation time and id), or a 400 naming it. */
export const pilotCursorSchema = pageCursorSchema(
  'the dashboard',
  ([createdAt, id, ...rest]): PilotCursor | undefined =>
    createdAt !== undefined &&
    id !== undefined &&
    rest.length === 0 &&
    cursorTime.test(createdAt) &&
    !Number.isNaN(Date.parse(createdAt)) &&
    uuidPattern.test(id)
      ? { createdAt, id }
      : undefined,
);

export const dashboardSchema = z
  .object({
    generatedAt: z.string(),
    matching: z.int().meta({ description: 'Pilots matching the filters (the page shows at most `limit` of them)' }),
    nextCursor: z
      .string()
      .nullable()
      .meta({ description: 'Pass as `cursor` for the next page; null on the last page' }),
    countsByStage: z
      .record(z.string(), z.int())
      .meta({ description: 'Pilots per stage under every filter except the stage filter' }),
    totals: z.object({
      pilots: z.int(),
      buyers: z.int(),
      countries: z.int(),
      valueEur: decimal.meta({ description: 'Sum of the pilots whose value is shown' }),
      valueWithheldPilots: z
        .int()
        .meta({ description: 'Pilots whose value is withheld to protect individual buyers’ figures' }),
      suppliersEngaged: z.int(),
      overdue: z.int(),
      stuck: z.int(),
      published: z.int(),
    }),
    valueByDivision: z.array(z.object({ division: z.string(), valueEur: decimal, pilots: z.int() })),
    withheldDivisionValues: z
      .int()
      .meta({ description: 'Per-pilot division values withheld because fewer than two buyers make them up' }),
    buyersByCountry: z.array(z.object({ country: z.string(), buyers: z.int() })),
    pilots: z.array(pilotSchema),
  })
  .meta({ id: 'Dashboard' });
export type DashboardView = z.infer<typeof dashboardSchema>;

export const timelineEntrySchema = z.object({
  stage: z.enum(stages),
  enteredAt: z.string(),
  exitedAt: z.string().nullable(),
  days: z.int(),
  deadline: z
    .string()
    .nullable()
    .meta({ description: 'The planned end: the stage’s deadline as last set while it ran' }),
  late: z.boolean().meta({ description: 'The stage ended after its planned end, or is still running past it' }),
});

export const pilotDetailSchema = z
  .object({
    pilot: pilotSchema,
    timeline: z.array(timelineEntrySchema),
    aggregationBlocked: liveStateSchema.shape.aggregationBlocked.meta({
      description:
        'While the pilot waits in aggregation for an exchange rate: the currencies and why (rate_missing, rate_stale); null otherwise',
    }),
  })
  .meta({ id: 'PilotDetail' });

export const groupingViewSchema = z
  .object({
    statementId: z.uuid(),
    kind: z.enum(groupingKinds),
    name: z.string(),
    sector: z.string().nullable(),
    updatedAt: z.string(),
  })
  .meta({ id: 'PilotGroupingView' });

export const groupingListSchema = z.array(z.object({ kind: z.enum(groupingKinds), name: z.string(), pilots: z.int() }));
