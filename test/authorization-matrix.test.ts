import { randomUUID } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { makeCast, type Role, roles } from './support/cast.js';
import {
  ApiClient,
  type ApiResponse,
  type Harness,
  needLine,
  signIn,
  startHarness,
  statementDetails,
  until,
} from './support/harness.js';
import { agreementTerms } from './support/sample-input.js';

/**
 * The authorisation matrix (issue 13): every route of the OpenAPI document × every kind of caller,
 * against one statement taken through its stages, with the expected status kept below as a table.
 * A route in the document without a row fails the suite, so a new route must add its row.
 *
 * Callers, each signed in with a session cookie as a person is:
 *   anon        nobody signed in
 *   supplier    a supplier's user
 *   outsider    a buyer's user (with the signatory role) whose organisation was never invited
 *   participant a participating buyer's user with the signatory role
 *   lead        the lead buyer's user with the signatory role
 *   clerk       another user of the participant's organisation, without the signatory role
 *   commission  Commission staff
 *   admin       an administrator (of the operator's organisation)
 *   declined    a buyer that declined its invitation
 *   withdrawn   a buyer that accepted, then withdrew during the needs assessment
 *
 * Each row is evaluated in one stage of the statement (`needs`: needs assessment open, `market`:
 * market engagement, `approval`, `published`: published with the agreement started), in table
 * order. State-changing routes are sent a valid body, so a wrong caller meets the authorisation
 * (401/403/404) or stage rule (409), never mere validation; where a row expects 400 that caller
 * is sent the row's invalid body instead, so a permitted act is checked without being performed.
 */

type Stage = 'needs' | 'market' | 'approval' | 'published' | 'last';

interface Row {
  stage: Stage;
  /** Expected statuses, in the order of `roles`. */
  expect: string;
  body?: unknown;
  invalid?: unknown;
  /** Callers sent the invalid body: those the act is open to, so that it is not performed. */
  invalidFor?: readonly Role[];
  query?: string;
  params?: Record<string, string>;
  /** Why a cell is what it is, where that is not obvious. */
  note?: string;
}

/** Agreement terms a lead could propose (valid, so that a wrong caller meets the authorisation rule). */
const terms = agreementTerms('$leadOrg', '$participantOrg');

const survey = {
  questions: [{ id: 'charging', label: 'Do you need charging infrastructure?', type: 'yes_no', required: false }],
};
const year = new Date().getUTCFullYear();

/**
 * The table. Columns: anon supplier outsider participant lead clerk commission admin declined withdrawn.
 * A 400 is a caller the act is open to, sent an invalid body (see `invalidFor`). 404 is how a
 * statement is hidden from those with no part in it; 409 a permitted caller at the wrong stage.
 */
const table: Record<string, Row> = {
  // ---- needs assessment open -------------------------------------------------------------
  'GET /api/statements/{statementId}': { stage: 'needs', expect: '401 404 404 200 200 200 200 200 200 200' },
  'PATCH /api/statements/{statementId}': {
    stage: 'needs',
    invalidFor: ['lead'],
    expect: '401 404 404 403 400 403 403 403 403 403',
    body: { description: 'Changed by the matrix test.' },
    invalid: { title: 'x' },
  },
  'GET /api/central-purchasing-bodies': { stage: 'needs', expect: '401 403 200 200 200 200 200 200 200 200' },
  'GET /api/statements/{statementId}/procurement-route': {
    stage: 'needs',
    expect: '401 404 404 200 200 200 200 200 200 200',
  },
  'PUT /api/statements/{statementId}/procurement-route': {
    stage: 'needs',
    invalidFor: ['lead'],
    expect: '401 404 404 403 400 403 403 403 403 403',
    body: { kind: 'joint' },
    invalid: { kind: 'none' },
  },
  'POST /api/statements/{statementId}/invitations': {
    stage: 'needs',
    invalidFor: ['lead', 'admin'],
    expect: '401 404 404 403 400 403 403 400 403 403',
    body: { organisationIds: ['$outsiderOrg'] },
    invalid: { organisationIds: 'none' },
  },
  'POST /api/statements/{statementId}/invitation/accept': {
    stage: 'needs',
    expect: '401 404 404 409 403 409 403 403 403 403',
  },
  'POST /api/statements/{statementId}/invitation/decline': {
    stage: 'needs',
    invalidFor: ['participant', 'clerk', 'lead', 'withdrawn'],
    expect: '401 404 404 400 400 400 403 403 403 400',
    body: { reason: 'No budget.' },
    invalid: { reason: 42 },
  },
  'POST /api/statements/{statementId}/needs-assessment/open': {
    stage: 'needs',
    expect: '401 404 404 403 409 403 403 403 403 403',
    body: {},
    invalid: { deadline: 'never' },
  },
  'GET /api/statements/{statementId}/live': { stage: 'needs', expect: '401 404 404 200 200 200 200 200 200 200' },
  'PUT /api/statements/{statementId}/survey': {
    stage: 'needs',
    expect: '401 404 404 403 200 403 403 403 403 403',
    body: survey,
    invalid: { questions: 'none' },
  },
  'GET /api/statements/{statementId}/survey': { stage: 'needs', expect: '401 404 404 200 200 200 200 200 200 200' },
  'PUT /api/statements/{statementId}/needs/draft': {
    stage: 'needs',
    expect: '401 404 404 200 200 200 403 403 403 403',
    body: { lines: [needLine()], answers: {} },
    invalid: { lines: 'none' },
  },
  'POST /api/statements/{statementId}/needs/submit': {
    stage: 'needs',
    expect: '401 404 404 200 200 200 403 403 403 403',
  },
  'POST /api/statements/{statementId}/needs/withdraw': {
    stage: 'needs',
    invalidFor: ['participant', 'clerk', 'lead'],
    expect: '401 404 404 400 400 400 403 403 403 403',
    body: { reason: 'Leaving.' },
    invalid: {},
  },
  'POST /api/statements/{statementId}/needs/confirm': {
    stage: 'needs',
    expect: '401 404 404 409 409 409 403 403 403 403',
    body: { versionId: '$uuid' },
    invalid: { versionId: 'x' },
  },
  'GET /api/statements/{statementId}/needs/{organisationId}': {
    stage: 'needs',
    expect: '401 404 404 200 200 200 403 403 403 403',
    params: { organisationId: '$participantOrg' },
  },
  // Need lines from and to spreadsheets (issue 18): whoever enters needs; a buyer's lines as its needs are read.
  'GET /api/statements/{statementId}/needs-template.xlsx': {
    stage: 'needs',
    expect: '401 404 404 200 200 200 403 403 403 403',
  },
  'POST /api/statements/{statementId}/needs/draft/sheet': {
    stage: 'needs',
    expect: '401 404 404 400 400 400 403 403 403 403',
    note: 'sent no file: those who may upload are told the file is missing (test/need-lines-sheet.test.ts uploads real ones)',
  },
  'GET /api/statements/{statementId}/needs/{organisationId}/lines.xlsx': {
    stage: 'needs',
    expect: '401 404 404 200 200 200 403 403 403 403',
    params: { organisationId: '$participantOrg' },
  },
  'GET /api/statements/{statementId}/needs-overview': {
    stage: 'needs',
    expect: '401 404 404 403 200 403 200 200 403 403',
  },
  // Every participant's answers and lines: the lead's only (issue 18).
  'GET /api/statements/{statementId}/survey-results': {
    stage: 'needs',
    expect: '401 404 404 403 200 403 403 403 403 403',
  },
  'GET /api/statements/{statementId}/survey-results/respondents': {
    stage: 'needs',
    expect: '401 404 404 403 200 403 403 403 403 403',
  },
  'GET /api/statements/{statementId}/survey-results.xlsx': {
    stage: 'needs',
    expect: '401 404 404 403 200 403 403 403 403 403',
  },
  'GET /api/statements/{statementId}/survey-results.csv': {
    stage: 'needs',
    expect: '401 404 404 403 200 403 403 403 403 403',
  },
  'POST /api/statements/{statementId}/deadline': {
    stage: 'needs',
    expect: '401 404 404 403 200 403 403 403 403 403',
    body: { deadline: new Date(Date.now() + 40 * 86_400_000).toISOString() },
    invalid: { deadline: 'never' },
  },
  'GET /api/statements/{statementId}/figure-consent': {
    stage: 'needs',
    expect: '401 404 404 200 200 200 403 403 403 403',
  },
  'PUT /api/statements/{statementId}/figure-consent': {
    stage: 'needs',
    expect: '401 404 404 200 200 200 403 403 403 403',
    body: { agree: false },
    invalid: { agree: 'maybe' },
  },

  // ---- market engagement -----------------------------------------------------------------
  'GET /api/statements/{statementId}/aggregate': { stage: 'market', expect: '401 404 404 200 200 200 200 200 403 403' },
  'GET /api/statements/{statementId}/aggregate.csv': {
    stage: 'market',
    expect: '401 404 404 403 200 403 403 403 403 403',
  },
  'POST /api/statements/{statementId}/shortfall-decision': {
    stage: 'market',
    invalidFor: ['lead'],
    expect: '401 404 404 403 400 403 403 403 403 403',
    body: { decision: 'abandon', reason: 'Not enough demand.' },
    invalid: { decision: 'maybe' },
  },
  'POST /api/statements/{statementId}/aggregate/retry': {
    stage: 'market',
    expect: '401 404 404 403 409 403 403 403 403 403',
  },
  'PUT /api/statements/{statementId}/consultation/rfi': {
    stage: 'market',
    expect: '401 404 404 403 200 403 403 403 403 403',
    body: { questions: [{ id: 'lead-time', text: 'What delivery lead time do you need?' }] },
    invalid: { questions: 'none' },
  },
  'GET /api/statements/{statementId}/consultation/rfi': {
    stage: 'market',
    expect: '401 404 404 200 200 200 200 200 200 200',
  },
  'GET /api/statements/{statementId}/consultation/eforms-e1.xml': {
    stage: 'market',
    expect: '401 404 404 403 200 403 403 403 403 403',
    note: 'the notice the lead submits to TED: the lead’s alone',
  },
  'GET /api/statements/{statementId}/consultation/name-consent': {
    stage: 'market',
    expect: '401 404 404 200 200 200 403 403 403 403',
  },
  'PUT /api/statements/{statementId}/consultation/name-consent': {
    stage: 'market',
    expect: '401 404 404 200 200 200 403 403 403 403',
    body: { agree: false },
    invalid: { agree: 'maybe' },
  },
  'GET /api/consultations': { stage: 'market', expect: '200 200 200 200 200 200 200 200 200 200' },
  'GET /api/consultations/{statementId}': { stage: 'market', expect: '200 200 200 200 200 200 200 200 200 200' },
  'PUT /api/consultations/{statementId}/response': {
    stage: 'market',
    expect: '401 200 403 403 403 403 403 403 403 403',
    body: { answers: { 'lead-time': 'Six months.' } },
    invalid: { answers: 'none' },
  },
  'GET /api/consultations/{statementId}/response': {
    stage: 'market',
    expect: '401 404 403 403 403 403 403 403 403 403',
  },
  'GET /api/consultations/{statementId}/my-questions': {
    stage: 'market',
    expect: '401 200 403 403 403 403 403 403 403 403',
  },
  'POST /api/consultations/{statementId}/questions': {
    stage: 'market',
    expect: '401 201 403 403 403 403 403 403 403 403',
    body: { question: 'Which charging standard?' },
    invalid: {},
  },
  'GET /api/statements/{statementId}/consultation/responses': {
    stage: 'market',
    expect: '401 404 404 403 200 403 200 200 403 403',
  },
  'GET /api/statements/{statementId}/market/responses': {
    stage: 'market',
    expect: '401 404 404 403 200 403 403 403 403 403',
  },
  'GET /api/statements/{statementId}/market/responses.xlsx': {
    stage: 'market',
    expect: '401 404 404 403 200 403 403 403 403 403',
  },
  'GET /api/statements/{statementId}/consultation/questions': {
    stage: 'market',
    expect: '401 404 404 403 200 403 200 200 403 403',
  },
  'POST /api/statements/{statementId}/consultation/questions/{number}/answer': {
    stage: 'market',
    expect: '401 404 404 403 200 403 403 403 403 403',
    params: { number: '1' },
    body: { answer: 'CCS2.' },
    invalid: {},
  },
  'GET /api/statements/{statementId}/consultation/contacts': {
    stage: 'market',
    expect: '401 404 404 403 200 403 200 200 403 403',
  },
  'GET /api/statements/{statementId}/market-summary': {
    stage: 'market',
    expect: '401 404 404 404 404 404 404 404 403 403',
  },

  // ---- approval ----------------------------------------------------------------------------
  'GET /api/statements/{statementId}/text': { stage: 'approval', expect: '401 404 404 200 200 200 200 200 403 403' },
  'PUT /api/statements/{statementId}/text': {
    stage: 'approval',
    invalidFor: ['lead', 'admin'],
    expect: '401 404 404 403 400 403 403 400 403 403',
    body: { text: 'A revised statement text.', expectedVersion: 1 },
    invalid: { text: '' },
  },
  'POST /api/statements/{statementId}/approval': {
    stage: 'approval',
    invalidFor: ['lead', 'participant'],
    expect: '401 404 404 400 400 403 403 403 403 403',
    body: { version: 1, decision: 'approve' },
    invalid: { version: 1, decision: 'maybe' },
    note: 'clerk 403: a binding act needs the signatory role (issue 13, point 9)',
  },
  'POST /api/statements/{statementId}/approval/proceed': {
    stage: 'approval',
    expect: '401 404 404 403 409 403 403 403 403 403',
  },

  // ---- published, the agreement started -----------------------------------------------------
  'POST /api/statements': {
    stage: 'published',
    expect: '401 403 201 201 201 201 403 403 201 201',
    body: statementDetails(),
    invalid: {},
  },
  'GET /api/statements': { stage: 'published', expect: '401 200 200 200 200 200 200 200 200 200' },
  'GET /api/statements/{statementId}/audit': { stage: 'published', expect: '401 403 403 403 200 403 200 200 403 403' },
  'GET /api/statements/{statementId}/audit.jsonl': {
    stage: 'published',
    expect: '401 403 403 403 200 403 200 200 403 403',
  },
  'GET /api/statements/{statementId}/audit.csv': {
    stage: 'published',
    expect: '401 403 403 403 200 403 200 200 403 403',
  },
  'GET /api/audit/platform': { stage: 'published', expect: '401 403 403 403 403 403 403 200 403 403' },
  'GET /api/operations/stuck-workflows': {
    stage: 'published',
    expect: '401 403 403 403 403 403 403 200 403 403',
    note: 'operators only: the stuck workflows of the deployment',
  },
  'GET /api/audit/alerts': { stage: 'published', expect: '401 403 403 403 403 403 403 200 403 403' },
  'POST /api/statements/{statementId}/close-stage': {
    stage: 'published',
    expect: '401 403 403 403 409 403 403 403 403 403',
  },
  'GET /api/statements/{statementId}/signatories': {
    stage: 'published',
    expect: '401 200 200 200 200 200 200 200 200 200',
  },
  'POST /api/statements/{statementId}/signatory-requests': {
    stage: 'published',
    expect: '401 403 202 409 403 403 403 403 403 403',
    note: 'clerk 403: a binding act needs the signatory role (issue 13, point 9)',
  },
  'POST /api/statements/{statementId}/agreement': {
    stage: 'published',
    expect: '401 403 403 403 409 403 403 403 403 403',
    body: {},
    invalid: { signatureDeadline: 'tomorrow' },
  },
  'GET /api/statements/{statementId}/agreement': {
    stage: 'published',
    expect: '401 404 404 200 200 200 200 200 404 404',
  },
  'POST /api/statements/{statementId}/agreement/invitations': {
    stage: 'published',
    expect: '401 404 404 403 409 403 403 403 404 404',
  },
  'POST /api/statements/{statementId}/agreement/join': {
    stage: 'published',
    expect: '401 404 404 409 403 403 403 403 404 404',
    body: {},
    invalid: { reason: 42 },
    note: 'clerk 403: a binding act needs the signatory role (issue 13, point 9)',
  },
  'POST /api/statements/{statementId}/agreement/decline': {
    stage: 'published',
    invalidFor: ['participant', 'clerk'],
    expect: '401 404 404 400 403 400 403 403 404 404',
    body: { reason: 'No.' },
    invalid: { reason: 42 },
  },
  'POST /api/statements/{statementId}/agreement/versions': {
    stage: 'published',
    invalidFor: ['lead'],
    expect: '401 404 404 403 400 403 403 403 404 404',
    body: terms,
    invalid: {},
  },
  'GET /api/statements/{statementId}/agreement/versions/{version}': {
    stage: 'published',
    expect: '401 404 404 404 404 404 403 403 404 404',
    params: { version: '1' },
  },
  'POST /api/statements/{statementId}/agreement/versions/{version}/comments': {
    stage: 'published',
    expect: '401 404 404 404 404 404 403 403 404 404',
    params: { version: '1' },
    body: { text: 'A comment.' },
    invalid: {},
  },
  'GET /api/statements/{statementId}/agreement/versions/{version}/document.pdf': {
    stage: 'published',
    expect: '401 404 404 404 404 404 403 403 404 404',
    params: { version: '1' },
  },
  'GET /api/statements/{statementId}/agreement/versions/{version}/document.html': {
    stage: 'published',
    expect: '401 404 404 404 404 404 403 403 404 404',
    params: { version: '1' },
  },
  'POST /api/statements/{statementId}/agreement/sign': {
    stage: 'published',
    expect: '401 404 404 409 409 403 403 403 404 404',
    body: { versionId: '$uuid', versionHash: 'a'.repeat(64) },
    invalid: {},
    note: 'clerk 403: a binding act needs the signatory role (issue 13, point 9)',
  },
  'POST /api/statements/{statementId}/agreement/withdraw': {
    stage: 'published',
    invalidFor: ['participant', 'lead'],
    expect: '401 404 404 400 400 403 403 403 404 404',
    body: { reason: 'Leaving.' },
    invalid: {},
    note: 'clerk 403: a binding act needs the signatory role (issue 13, point 9)',
  },
  'POST /api/statements/{statementId}/agreement/deadline': {
    stage: 'published',
    expect: '401 404 404 403 200 403 403 403 404 404',
    body: { deadline: new Date(Date.now() + 60 * 86_400_000).toISOString() },
    invalid: {},
  },
  'GET /api/statements/{statementId}/agreement/audit': {
    stage: 'published',
    expect: '401 404 404 200 200 200 200 200 404 404',
  },
  'GET /api/statements/{statementId}/agreement/audit.jsonl': {
    stage: 'published',
    expect: '401 404 404 200 200 200 200 200 404 404',
  },
  'GET /api/statements/{statementId}/agreement/audit.csv': {
    stage: 'published',
    expect: '401 404 404 200 200 200 200 200 404 404',
  },
  'GET /api/public/statements': { stage: 'published', expect: '200 200 200 200 200 200 200 200 200 200' },
  'GET /api/public/statements.atom': { stage: 'published', expect: '200 200 200 200 200 200 200 200 200 200' },
  'GET /api/public/statements/{statementId}': { stage: 'published', expect: '200 200 200 200 200 200 200 200 200 200' },
  'GET /api/public/statements/{statementId}/ocds.json': {
    stage: 'published',
    expect: '200 200 200 200 200 200 200 200 200 200',
  },
  'GET /api/dashboard': { stage: 'published', expect: '401 403 403 403 403 403 200 200 403 403' },
  'GET /api/dashboard/pilots.csv': { stage: 'published', expect: '401 403 403 403 403 403 200 200 403 403' },
  'GET /api/dashboard/pilots.xlsx': { stage: 'published', expect: '401 403 403 403 403 403 200 200 403 403' },
  'GET /api/dashboard/published.ocds.json': { stage: 'published', expect: '401 403 403 403 403 403 200 200 403 403' },
  'GET /api/dashboard/groupings': { stage: 'published', expect: '401 403 403 403 403 403 200 200 403 403' },
  'GET /api/dashboard/pilots/{statementId}': { stage: 'published', expect: '401 403 403 403 403 403 200 200 403 403' },
  'PUT /api/statements/{statementId}/grouping': {
    stage: 'published',
    expect: '401 403 403 403 200 403 200 403 403 403',
    body: { kind: 'working_group', name: 'Matrix' },
    invalid: { kind: 'none' },
  },
  'GET /api/exchange-rates': { stage: 'published', expect: '401 200 200 200 200 200 200 200 200 200' },
  'GET /api/exchange-rates/coverage': { stage: 'published', expect: '401 200 200 200 200 200 200 200 200 200' },
  'PUT /api/exchange-rates/{date}': {
    stage: 'published',
    invalidFor: ['admin'],
    expect: '401 403 403 403 403 403 403 400 403 403',
    params: { date: `${year - 1}-01-02` },
    body: { source: 'matrix', rates: { SEK: '11.5' } },
    invalid: {},
  },
  'GET /api/reference/cpv': {
    stage: 'published',
    expect: '200 200 200 200 200 200 200 200 200 200',
    query: '?q=excavator',
  },
  'GET /api/reference/cpv/divisions': {
    stage: 'published',
    expect: '200 200 200 200 200 200 200 200 200 200',
    query: '?lang=fr',
  },
  'GET /api/reference/units': {
    stage: 'published',
    expect: '200 200 200 200 200 200 200 200 200 200',
    query: '?q=piece',
  },
  'GET /api/organisations': { stage: 'published', expect: '401 403 200 200 200 200 200 200 200 200' },
  'POST /api/organisations': {
    stage: 'published',
    expect: '401 403 403 403 403 403 403 422 403 403',
    body: { kind: 'buyer', name: 'Matrix City', country: 'FI' },
    invalid: {},
  },
  'POST /api/organisations/{organisationId}/users': {
    stage: 'published',
    expect: '401 403 403 403 403 403 403 201 403 403',
    params: { organisationId: '$participantOrg' },
    body: { email: '$email', name: 'Added by the matrix' },
    invalid: {},
  },
  'POST /api/suppliers': {
    stage: 'published',
    expect: '400 400 400 400 400 400 400 400 400 400',
    body: {},
    invalid: {},
    note: 'public registration: only validation is tested here',
  },
  'GET /api/me/subscription': { stage: 'published', expect: '401 200 403 403 403 403 403 403 403 403' },
  'PUT /api/me/subscription': {
    stage: 'published',
    expect: '401 200 403 403 403 403 403 403 403 403',
    body: { cpvPrefixes: ['43'] },
    invalid: { cpvPrefixes: 'none' },
  },
  'GET /api/me/supplier-home': { stage: 'published', expect: '401 200 403 403 403 403 403 403 403 403' },
  // Webhooks (issue 19): a supplier organisation's own; another organisation's endpoint is 404 (test/webhooks.test.ts).
  'GET /api/me/webhooks': { stage: 'published', expect: '401 200 403 403 403 403 403 403 403 403' },
  'POST /api/me/webhooks': {
    stage: 'published',
    expect: '401 400 403 403 403 403 403 403 403 403',
    body: { url: 'https://hooks.example.com/matrix', eventTypes: ['statement.published'] },
    invalid: { url: 'https://hooks.example.com/matrix', eventTypes: [] },
    invalidFor: ['supplier'],
  },
  'POST /api/me/webhooks/{endpointId}/secret': {
    stage: 'published',
    expect: '401 404 403 403 403 403 403 403 403 403',
    params: { endpointId: '$uuid' },
  },
  'PUT /api/me/webhooks/{endpointId}/enabled': {
    stage: 'published',
    expect: '401 404 403 403 403 403 403 403 403 403',
    params: { endpointId: '$uuid' },
    body: { enabled: false },
  },
  'DELETE /api/me/webhooks/{endpointId}': {
    stage: 'published',
    expect: '401 404 403 403 403 403 403 403 403 403',
    params: { endpointId: '$uuid' },
  },
  'GET /api/me/webhooks/{endpointId}/deliveries': {
    stage: 'published',
    expect: '401 404 403 403 403 403 403 403 403 403',
    params: { endpointId: '$uuid' },
  },
  'POST /api/me/webhooks/{endpointId}/test': {
    stage: 'published',
    expect: '401 404 403 403 403 403 403 403 403 403',
    params: { endpointId: '$uuid' },
  },
  // Saved searches (issue 19): a supplier user's own; anyone else's search is 404 (test/saved-searches.test.ts).
  'GET /api/me/saved-searches': { stage: 'published', expect: '401 200 403 403 403 403 403 403 403 403' },
  'POST /api/me/saved-searches': {
    stage: 'published',
    expect: '401 400 403 403 403 403 403 403 403 403',
    body: { name: 'Matrix search', cpvPrefixes: ['43'] },
    invalid: { name: '' },
    invalidFor: ['supplier'],
  },
  'PUT /api/me/saved-searches/{searchId}': {
    stage: 'published',
    expect: '401 404 403 403 403 403 403 403 403 403',
    params: { searchId: '$uuid' },
    body: { name: 'Matrix search' },
  },
  'DELETE /api/me/saved-searches/{searchId}': {
    stage: 'published',
    expect: '401 404 403 403 403 403 403 403 403 403',
    params: { searchId: '$uuid' },
  },
  'POST /api/me/saved-searches/{searchId}/feed': {
    stage: 'published',
    expect: '401 404 403 403 403 403 403 403 403 403',
    params: { searchId: '$uuid' },
  },
  'GET /api/saved-search-feeds/{token}.atom': {
    stage: 'published',
    expect: '404 404 404 404 404 404 404 404 404 404',
    params: { token: 'ssf_not-a-feed' },
    note: 'reached by its secret alone, never by a session',
  },
  'GET /api/saved-searches/unsubscribe': {
    stage: 'published',
    expect: '404 404 404 404 404 404 404 404 404 404',
    query: '?token=not-a-token',
    note: 'the signed token is the only credential',
  },
  'POST /api/saved-searches/unsubscribe': {
    stage: 'published',
    expect: '404 404 404 404 404 404 404 404 404 404',
    query: '?token=not-a-token',
  },
  'GET /api/unsubscribe': { stage: 'published', expect: '400 400 400 400 400 400 400 400 400 400' },
  'POST /api/unsubscribe': { stage: 'published', expect: '400 400 400 400 400 400 400 400 400 400' },
  'GET /api/me': { stage: 'published', expect: '401 200 200 200 200 200 200 200 200 200' },
  'PUT /api/me/locale': {
    stage: 'published',
    expect: '401 200 200 200 200 200 200 200 200 200',
    body: { locale: 'en' },
    invalid: { locale: 'xx' },
  },
  'GET /api/me/sessions': { stage: 'published', expect: '401 200 200 200 200 200 200 200 200 200' },
  'DELETE /api/me/sessions/{sessionId}': {
    stage: 'published',
    expect: '401 404 404 404 404 404 404 404 404 404',
    params: { sessionId: '$uuid' },
  },
  'POST /api/me/sessions/sign-out-everywhere': {
    stage: 'published',
    invalidFor: roles,
    expect: '401 400 400 400 400 400 400 400 400 400',
    body: {},
    invalid: { revokeTokens: 'x' },
  },
  'POST /api/tokens': {
    stage: 'published',
    expect: '401 201 201 201 201 201 201 201 201 201',
    body: { name: 'matrix', expiresInDays: 1 },
    invalid: {},
  },
  'GET /api/tokens': { stage: 'published', expect: '401 200 200 200 200 200 200 200 200 200' },
  'GET /api/me/due': {
    stage: 'published',
    expect: '401 200 200 200 200 200 200 200 200 200',
    note: 'everyone reads their own list (domain/due.ts decides what is in it)',
  },
  'GET /api/me/calendar-feed': { stage: 'published', expect: '401 404 404 404 404 404 404 404 404 404' },
  'POST /api/me/calendar-feed': { stage: 'published', expect: '401 201 201 201 201 201 201 201 201 201' },
  'DELETE /api/me/calendar-feed': { stage: 'published', expect: '401 204 204 204 204 204 204 204 204 204' },
  'GET /calendar/{token}.ics': {
    stage: 'published',
    expect: '404 404 404 404 404 404 404 404 404 404',
    params: { token: 'cal_not-a-feed' },
    note: 'reached by its secret alone, never by a session',
  },
  'DELETE /api/tokens/{tokenId}': {
    stage: 'published',
    expect: '401 404 404 404 404 404 404 404 404 404',
    params: { tokenId: '$uuid' },
  },
  'GET /api/admin/organisations/{organisationId}/users': {
    stage: 'published',
    expect: '401 403 403 403 403 403 403 200 403 403',
    params: { organisationId: '$participantOrg' },
  },
  'GET /api/admin/organisations/{organisationId}': {
    stage: 'published',
    expect: '401 403 403 403 403 403 403 200 403 403',
    params: { organisationId: '$participantOrg' },
  },
  'PATCH /api/admin/organisations/{organisationId}': {
    stage: 'published',
    invalidFor: ['admin'],
    expect: '401 403 403 403 403 403 403 400 403 403',
    params: { organisationId: '$participantOrg' },
    body: { buyerLegalType: 'cga', reason: 'Corrected by the matrix test' },
    invalid: { buyerLegalType: 'cga' },
    note: 'a correction needs a reason: the administrator, sent none, gets 400 naming it',
  },
  'PATCH /api/admin/users/{userId}': {
    stage: 'published',
    invalidFor: ['admin'],
    expect: '401 403 403 403 403 403 403 400 403 403',
    params: { userId: '$victim' },
    body: { locale: 'de', reason: 'Corrected by the matrix test' },
    invalid: { locale: 'de' },
    note: 'a correction needs a reason: the administrator, sent none, gets 400 naming it',
  },
  'POST /api/admin/users/{userId}/disable': {
    stage: 'published',
    expect: '401 403 403 403 403 403 403 200 403 403',
    params: { userId: '$victim' },
  },
  'POST /api/admin/users/{userId}/enable': {
    stage: 'published',
    expect: '401 403 403 403 403 403 403 200 403 403',
    params: { userId: '$victim' },
  },
  'POST /api/admin/users/{userId}/revoke-credentials': {
    stage: 'published',
    expect: '401 403 403 403 403 403 403 200 403 403',
    params: { userId: '$victim' },
    body: {},
    invalid: { sessions: 'x' },
  },
  'DELETE /api/admin/organisations/{organisationId}/users/{userId}': {
    stage: 'published',
    expect: '401 403 403 403 403 403 403 200 403 403',
    params: { organisationId: '$participantOrg', userId: '$victim' },
  },
  'POST /api/auth/sign-in': {
    stage: 'published',
    expect: '400 400 400 400 400 400 400 400 400 400',
    body: {},
    invalid: {},
    note: 'public: only validation is tested here',
  },
  'POST /api/auth/verify': {
    stage: 'published',
    expect: '400 400 400 400 400 400 400 400 400 400',
    body: {},
    invalid: {},
    note: 'public: only validation is tested here',
  },

  // ---- last: acts that change what the rows above see, then the end of each caller's session --
  'POST /api/statements/{statementId}/signatory-requests/{organisationId}': {
    stage: 'last',
    invalidFor: ['lead'],
    expect: '401 403 403 403 400 403 403 403 403 403',
    params: { organisationId: '$outsiderOrg' },
    body: { accept: true },
    invalid: { accept: 'maybe' },
  },
  'POST /api/statements/{statementId}/agreement/cancel': {
    stage: 'last',
    invalidFor: ['lead'],
    expect: '401 404 404 403 400 403 403 403 404 404',
    body: { reason: 'Cancelled by the matrix test.' },
    invalid: {},
  },
  'POST /api/statements/{statementId}/cancel': {
    stage: 'last',
    invalidFor: ['lead'],
    expect: '401 403 403 403 400 403 403 409 403 403',
    body: { reason: 'Cancelled by the matrix test.' },
    invalid: {},
  },
  'POST /api/auth/sign-out': { stage: 'last', expect: '204 204 204 204 204 204 204 204 204 204' },
};

const RECORD = process.env.MATRIX_RECORD === '1';

describe('authorisation matrix: every route × every caller', () => {
  let h: Harness;
  let clients: Record<Role, ApiClient>;
  let id: string;
  const refs: Record<string, string> = {};
  const observed: Record<string, Partial<Record<Role, number>>> = {};
  const documented: string[] = [];

  const ok = <T extends ApiResponse>(res: T, what: string): T => {
    if (res.status >= 300) throw new Error(`${what}: ${res.status} ${JSON.stringify(res.body)}`);
    return res;
  };
  const stageOf = async () => (await clients.lead.get(`/api/statements/${id}/live`)).body.stage as string;

  const resolve = (value: unknown): unknown => {
    if (typeof value === 'string') {
      if (value === '$uuid') return randomUUID();
      if (value === '$email') return `matrix-${randomUUID().slice(0, 8)}@test.example`;
      if (value.startsWith('$')) return refs[value.slice(1)] ?? value;
      return value;
    }
    if (Array.isArray(value)) return value.map(resolve);
    if (value && typeof value === 'object')
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolve(v)]));
    return value;
  };

  async function runRow(key: string, row: Row): Promise<void> {
    const [method, path] = key.split(' ') as [string, string];
    const expected = row.expect.trim().split(/\s+/).map(Number);
    const url = () =>
      path.replace(/\{(\w+)\}/g, (_m, name: string) =>
        String(resolve(row.params?.[name] ?? (name === 'statementId' ? id : `$${name}`))),
      ) + (row.query ?? '');
    const send = async (role: Role) => {
      const i = roles.indexOf(role);
      const wantsInvalid = row.invalidFor?.includes(role) || (!RECORD && expected[i] === 400);
      const body =
        method === 'GET' || method === 'DELETE'
          ? undefined
          : wantsInvalid
            ? (row.invalid ?? {})
            : row.body === undefined
              ? undefined
              : resolve(row.body);
      const client = clients[role];
      // JSON Lines is not one JSON document: read the status only.
      const status = path.endsWith('.jsonl')
        ? (await fetch(new URL(url(), h.baseUrl), { headers: client.cookie ? { cookie: client.cookie } : {} })).status
        : (await client.request(method, url(), body)).status;
      (observed[key] ??= {})[role] = status;
    };
    // Reads in parallel; a change one caller at a time, the caller expected to succeed last.
    if (method === 'GET') await Promise.all(roles.map(send));
    else for (const role of roles) await send(role);
  }

  async function runStage(stage: Stage) {
    const rows = Object.entries(table).filter(([, r]) => r.stage === stage);
    const reads = rows.filter(([k]) => k.startsWith('GET '));
    const writes = rows.filter(([k]) => !k.startsWith('GET '));
    await Promise.all(reads.map(([k, r]) => runRow(k, r)));
    for (const [k, r] of writes) await runRow(k, r);
  }

  beforeAll(async () => {
    h = await startHarness();
    const { orgs, users, victim } = await makeCast(h.db, { prefix: 'Matrix', userPrefix: 'm' });
    const { participant: participantOrg, declined: declinedOrg, withdrawn: withdrawnOrg } = orgs;
    Object.assign(refs, {
      leadOrg: orgs.lead.id,
      participantOrg: participantOrg.id,
      outsiderOrg: orgs.outsider.id,
      declinedOrg: declinedOrg.id,
      withdrawnOrg: withdrawnOrg.id,
    });
    refs.victim = victim.id;
    const signedIn = await Promise.all(
      Object.entries(users).map(async ([role, u]) => [role, await signIn(h, u.email)] as const),
    );
    clients = { anon: new ApiClient(h.baseUrl), ...Object.fromEntries(signedIn) } as Record<Role, ApiClient>;
    const { lead, participant } = clients;

    const doc = (await clients.anon.get('/api/openapi.json')).body as {
      paths: Record<string, Record<string, unknown>>;
    };
    for (const [p, ops] of Object.entries(doc.paths))
      for (const m of Object.keys(ops)) documented.push(`${m.toUpperCase()} ${p}`);

    // The statement: lead in Finland, a participant in Sweden (so an agreement is possible),
    // Oslo declines, Riga accepts and withdraws.
    const details = statementDetails({ criticalMass: { minBuyers: 2, minCountries: 2, minTotalValueEur: '100000' } });
    id = ok(await lead.post('/api/statements', details), 'create').body.id;
    ok(
      await lead.post(`/api/statements/${id}/invitations`, {
        organisationIds: [participantOrg.id, declinedOrg.id, withdrawnOrg.id],
      }),
      'invite',
    );
    ok(await participant.post(`/api/statements/${id}/invitation/accept`), 'accept');
    ok(await clients.withdrawn.post(`/api/statements/${id}/invitation/accept`), 'accept');
    ok(
      await clients.declined.post(`/api/statements/${id}/invitation/decline`, { reason: 'No budget this year.' }),
      'decline',
    );
    ok(await lead.post(`/api/statements/${id}/needs-assessment/open`), 'open');
    ok(
      await clients.withdrawn.post(`/api/statements/${id}/needs/withdraw`, { reason: 'Our council said no.' }),
      'withdraw',
    );
  }, 240_000);
  afterAll(async () => h?.close());

  it('has a row for every route of the OpenAPI document, and no row for a route it lacks', () => {
    const rows = Object.keys(table);
    expect(
      documented.filter((r) => !rows.includes(r)),
      'routes without a row: add one to the table',
    ).toEqual([]);
    expect(
      rows.filter((r) => !documented.includes(r)),
      'rows for routes the document does not have',
    ).toEqual([]);
  });

  it('answers every caller of every route with the status in the table', async () => {
    // Needs assessment.
    await runStage('needs');
    const versions = new Map<ApiClient, string>();
    for (const who of [clients.lead, clients.participant]) {
      ok(await who.put(`/api/statements/${id}/needs/draft`, { lines: [needLine()], answers: {} }), 'draft');
      versions.set(who, ok(await who.post(`/api/statements/${id}/needs/submit`), 'submit').body.versionId);
    }
    ok(await clients.lead.post(`/api/statements/${id}/close-stage`), 'close needs');
    for (const [who, versionId] of versions)
      ok(await who.post(`/api/statements/${id}/needs/confirm`, { versionId }), 'confirm');
    await until(stageOf, (s) => s === 'market_engagement', 60_000, 'market engagement');

    await runStage('market');
    ok(await clients.lead.post(`/api/statements/${id}/close-stage`), 'close market');
    await until(stageOf, (s) => s === 'approval', 60_000, 'approval');

    await runStage('approval');
    for (const who of [clients.lead, clients.participant])
      ok(await who.post(`/api/statements/${id}/approval`, { version: 1, decision: 'approve' }), 'approve');
    await until(stageOf, (s) => s === 'published', 60_000, 'published');
    ok(await clients.lead.post(`/api/statements/${id}/agreement`, {}), 'start the agreement');
    ok(await clients.participant.post(`/api/statements/${id}/agreement/join`, {}), 'join the agreement');

    await runStage('published');
    await runStage('last');

    if (RECORD) {
      const lines = Object.keys(table).map((k) => `  '${k}': ${roles.map((r) => observed[k]?.[r] ?? '-').join(' ')}`);
      console.log(`\n${lines.join('\n')}\n`);
    }
    const mismatches: string[] = [];
    for (const [key, row] of Object.entries(table)) {
      const expected = row.expect.trim().split(/\s+/).map(Number);
      roles.forEach((role, i) => {
        const got = observed[key]?.[role];
        if (got !== expected[i]) mismatches.push(`${key} as ${role}: expected ${expected[i]}, got ${got}`);
      });
    }
    expect(mismatches).toEqual([]);
  }, 600_000);
});
