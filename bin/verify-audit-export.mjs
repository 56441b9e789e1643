#!/usr/bin/env node
/* global process, console */
// Checks an audit trail exported by jointdemand (JSON Lines or CSV), offline, with Node alone
// (18 or later; no dependencies, no network, no database). Copy this one file next to the export:
//
//   node verify-audit-export.mjs audit-….jsonl      (or …csv)
//
// Rule: hash = hex(SHA-256(prevHash + "\n" + JCS(body))), JCS = RFC 8785, body = {chain, seq,
// eventKey, statementId, actorUserId, actorOrgId, action, data, at}; the first event's prevHash
// is 64 zeros and each event's prevHash is the previous event's hash. An event whose data the
// exporting viewer may not read (fields listed in `withheld`) can only be checked for its links.
// Exit code 0: every event checks out and the last one is the head stated in the file (or given
// with --head SEQ:HASH, e.g. the X-Audit-Head the download came with). 1: a problem, named.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** RFC 8785: sorted keys (UTF-16 code units), ECMAScript number and string serialisation. */
function jcs(value) {
  if (typeof value === 'number' && !Number.isFinite(value)) throw new TypeError('not representable in JSON');
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(jcs).join(',')}]`;
  const keys = Object.keys(value)
    .filter((k) => value[k] !== undefined)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${keys.map((k) => `${JSON.stringify(k)}:${jcs(value[k])}`).join(',')}}`;
}

/** RFC 4180 CSV, as csv-stringify writes it. */
function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  const endField = () => {
    row.push(field);
    field = '';
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') endField();
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      endField();
      rows.push(row);
      row = [];
    } else field += c;
  }
  if (field !== '' || row.length > 0) {
    endField();
    rows.push(row);
  }
  return rows;
}

function readExport(file) {
  const text = readFileSync(file, 'utf8');
  if (file.endsWith('.csv')) {
    const [header, ...rows] = parseCsv(text);
    const events = rows.map((cells) => {
      const r = Object.fromEntries(header.map((h, i) => [h, cells[i] ?? '']));
      const orNull = (v) => (v === '' ? null : v);
      return {
        chain: r.chain,
        seq: Number(r.seq),
        eventKey: orNull(r.eventKey),
        statementId: orNull(r.statementId),
        actorUserId: orNull(r.actorUserId),
        actorOrgId: orNull(r.actorOrgId),
        action: r.action,
        data: JSON.parse(r.data),
        at: r.at,
        prevHash: r.prevHash,
        hash: r.hash,
        withheld: r.withheld ? r.withheld.split(' ') : [],
      };
    });
    return { head: undefined, events };
  }
  const lines = text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l));
  const header = lines.find((l) => l.type === 'audit-export');
  return { head: header?.head, events: lines.filter((l) => l.type === 'event') };
}

const args = process.argv.slice(2);
const file = args.find((a) => !a.startsWith('--'));
const headArg = args.includes('--head') ? args[args.indexOf('--head') + 1] : undefined;
if (!file) {
  console.error('usage: node verify-audit-export.mjs <export.jsonl|export.csv> [--head SEQ:HASH]');
  process.exit(2);
}

const fail = (seq, issue) => {
  console.error(`INVALID at event ${seq}: ${issue}`);
  process.exit(1);
};
let exported;
try {
  exported = readExport(file);
} catch (error) {
  fail(0, `the file cannot be read as an audit export (${error.message})`);
}
const { events } = exported;
const head = headArg ? { seq: Number(headArg.split(':')[0]), hash: headArg.split(':')[1] } : exported.head;
let prev = '0'.repeat(64);
let rehashed = 0;
for (const [i, e] of events.entries()) {
  if (e.seq !== i + 1) fail(e.seq, `expected event ${i + 1} here: an event is missing or out of order`);
  if (e.prevHash !== prev) fail(e.seq, 'its link to the previous event is broken');
  if (e.withheld.length === 0) {
    const body = {
      chain: e.chain,
      seq: e.seq,
      eventKey: e.eventKey,
      statementId: e.statementId,
      actorUserId: e.actorUserId,
      actorOrgId: e.actorOrgId,
      action: e.action,
      data: e.data,
      at: e.at,
    };
    const hash = createHash('sha256')
      .update(`${prev}\n${jcs(body)}`)
      .digest('hex');
    if (hash !== e.hash) fail(e.seq, 'its content does not match its hash: it was changed');
    rehashed += 1;
  }
  prev = e.hash;
}
if (head) {
  if (head.seq !== events.length || head.hash !== prev)
    fail(head.seq, `the file ends at ${events.length}:${prev}, not at the stated head ${head.seq}:${head.hash}`);
}
console.log(
  `VALID: ${events.length} events, head ${events.length}:${prev}; ${rehashed} re-hashed, ${events.length - rehashed} checked by their links only (fields withheld from this viewer)${head ? '' : '; no head stated: compare the head above with the one the download came with (X-Audit-Head)'}`,
);
