/**
 * Hand-written hostile input: what a careless or malicious client sends that no schema-derived
 * generator would think of. Each entry has a name, so a failure report says which one it was.
 */
export interface Named<T> {
  name: string;
  value: T;
}

const MILLION = 1_000_000;

/** Strings to put wherever a string goes (names, titles, reasons, answers, ids). */
export const hostileStrings: readonly Named<string>[] = [
  { name: 'NUL alone', value: '\u0000' },
  { name: 'NUL inside', value: 'Zero\u0000emission' },
  { name: 'lone high surrogate', value: 'title \ud800' },
  { name: 'lone low surrogate', value: '\udfff title' },
  { name: 'reversed surrogate pair', value: '\udc00\ud800' },
  { name: 'bidi override', value: 'invoice \u202egpj.exe' },
  { name: 'bidi isolate', value: '\u2067Oslo\u2069' },
  { name: 'C0 controls', value: 'a\u0001\u0007\u001b[31mred' },
  { name: 'C1 control', value: 'a\u0085b\u009bc' },
  { name: 'byte order mark', value: '\ufeffHelsinki' },
  { name: 'not NFC (e + combining acute)', value: 'Cafe\u0301' },
  { name: 'noncharacter', value: 'x\uffffy\ufffe' },
  { name: 'astral emoji', value: 'Bus 🚌 depot' },
  { name: 'only spaces', value: '   ' },
  { name: 'empty', value: '' },
  { name: 'one million characters', value: 'x'.repeat(MILLION) },
  { name: 'one million NULs', value: '\u0000'.repeat(MILLION / 4) },
  { name: 'markup', value: '<script>alert(1)</script><img src=x onerror=alert(1)>' },
  { name: 'SQL', value: "'; drop table statements; --" },
  { name: 'format string', value: '%s%s%s%n %x {0} ${process.env}' },
  { name: 'path traversal', value: '../../../../etc/passwd' },
  { name: 'CRLF injection', value: 'x\r\nSet-Cookie: jd_session=evil' },
  { name: 'string NaN', value: 'NaN' },
  { name: 'string Infinity', value: 'Infinity' },
  { name: 'string -0', value: '-0' },
  { name: 'string 1e309', value: '1e309' },
  { name: 'huge decimal string', value: '9'.repeat(400) },
  { name: 'prototype key as value', value: '__proto__' },
];

/** Non-string JSON values to put anywhere. */
export const hostileJsonValues: readonly Named<unknown>[] = [
  { name: 'null', value: null },
  { name: 'true', value: true },
  { name: 'empty object', value: {} },
  { name: 'empty array', value: [] },
  { name: '-0', value: -0 },
  { name: 'max double', value: Number.MAX_VALUE },
  { name: 'beyond safe integer', value: 2 ** 60 },
  { name: 'negative', value: -1 },
  { name: 'fraction', value: 0.5 },
  { name: 'array of 100,000', value: Array.from({ length: 100_000 }, () => 0) },
  {
    name: 'prototype keys object',
    value: JSON.parse('{"__proto__":{"isAdmin":true},"constructor":{"prototype":{"isAdmin":true}},"prototype":1}'),
  },
];

/** JSON nested `depth` levels deep, as text (building it as an object would overflow JSON.stringify first). */
export const deepArrayJson = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
export const deepObjectJson = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

/**
 * Whole bodies sent as raw text, because JSON.stringify cannot write them (`1e309`, `-0` as
 * written) or they are not JSON at all. `{field}` is replaced by a string property of the route's
 * body schema where one exists, so the value reaches validation rather than the parser only.
 */
export const hostileRawBodies: readonly Named<string>[] = [
  { name: 'number 1e309', value: '{"{field}": 1e309}' },
  { name: 'number -1e309', value: '{"{field}": -1e309}' },
  { name: 'number -0 as text', value: '{"{field}": -0}' },
  { name: 'number 1e-400', value: '{"{field}": 1e-400}' },
  { name: 'long integer text', value: `{"{field}": ${'9'.repeat(5000)}}` },
  { name: 'escaped NUL', value: '{"{field}": "a\\u0000b"}' },
  { name: 'escaped lone surrogate', value: '{"{field}": "\\ud800"}' },
  { name: 'duplicate keys', value: '{"{field}": "a", "{field}": "b"}' },
  { name: '__proto__ key', value: '{"__proto__": {"isAdmin": true}, "{field}": "x"}' },
  { name: 'constructor key', value: '{"constructor": {"prototype": {"isAdmin": true}}}' },
  { name: 'array nested 5,000 deep', value: `{"{field}": ${deepArrayJson(5000)}}` },
  { name: 'object nested 5,000 deep', value: `{"{field}": ${deepObjectJson(5000)}}` },
  { name: 'whole body nested 5,000 deep', value: deepObjectJson(5000) },
  { name: 'array of 200,000 numbers', value: `{"{field}": [${Array.from({ length: 200_000 }, () => '0').join(',')}]}` },
  { name: 'malformed: unterminated', value: '{"{field}": ' },
  { name: 'malformed: trailing comma', value: '{"{field}": 1,}' },
  { name: 'malformed: single quotes', value: "{'{field}': 1}" },
  { name: 'malformed: NaN literal', value: '{"{field}": NaN}' },
  { name: 'top-level string', value: '"just a string"' },
  { name: 'top-level number', value: '42' },
  { name: 'top-level null', value: 'null' },
  { name: 'top-level array', value: '[1,2,3]' },
  { name: 'empty body with JSON type', value: '' },
  { name: 'byte order mark before JSON', value: '\ufeff{}' },
  { name: 'over the 2 MB limit', value: `{"{field}": "${'x'.repeat(2_200_000)}"}` },
];

/** Raw JSON values to put in one place of a body (JSON.stringify cannot write most of them). */
export const hostileJsonFragments: readonly Named<string>[] = [
  { name: '1e309', value: '1e309' },
  { name: '-0 as text', value: '-0' },
  { name: 'escaped NUL', value: '"\\u0000"' },
  { name: 'escaped lone surrogate', value: '"\\udfff"' },
  { name: 'array nested 5,000 deep', value: deepArrayJson(5000) },
  { name: 'object nested 5,000 deep', value: deepObjectJson(5000) },
  { name: 'array of 200,000 numbers', value: `[${Array.from({ length: 200_000 }, () => '0').join(',')}]` },
  { name: '__proto__ object', value: '{"__proto__": {"isAdmin": true}}' },
];

/** Content types for a body (sent with a JSON body: the server must not trust the header either way). */
export const hostileContentTypes: readonly Named<string | undefined>[] = [
  { name: 'none', value: undefined },
  { name: 'text/plain', value: 'text/plain' },
  { name: 'form', value: 'application/x-www-form-urlencoded' },
  { name: 'multipart without boundary', value: 'multipart/form-data' },
  { name: 'XML', value: 'application/xml' },
  { name: 'JSON in UTF-16', value: 'application/json; charset=utf-16' },
  { name: 'JSON in an unknown charset', value: 'application/json; charset=klingon' },
  { name: '+json suffix', value: 'application/vnd.evil+json' },
  { name: 'garbage', value: ';;;==//' },
];

/** Path parameter values, sent as they are written (already percent-encoded where they say so). */
export const hostilePathValues: readonly Named<string>[] = [
  { name: 'not a uuid', value: 'not-a-uuid' },
  { name: 'uuid without dashes', value: '0c8a7b1e5f6d4c3b9a8e7f6d5c4b3a29' },
  { name: 'nil uuid', value: '00000000-0000-0000-0000-000000000000' },
  { name: 'uppercase uuid', value: 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11' },
  { name: 'encoded NUL', value: '%00' },
  { name: 'encoded traversal', value: '..%2f..%2fetc%2fpasswd' },
  { name: 'dot dot', value: '..' },
  { name: 'encoded lone surrogate', value: '%ED%A0%80' },
  { name: 'invalid percent-encoding', value: '%E0%A4%A' },
  { name: 'bare percent', value: '%' },
  { name: 'very long id (10,000)', value: 'a'.repeat(10_000) },
  { name: 'negative number', value: '-1' },
  { name: 'huge number', value: '9'.repeat(40) },
  { name: 'NaN', value: 'NaN' },
  { name: 'exponent', value: '1e309' },
  { name: 'SQL', value: "1'%20or%20'1'='1" },
  { name: 'encoded slash', value: 'a%2Fb' },
  { name: '__proto__', value: '__proto__' },
];

/** Query strings appended to a route (besides the generated ones). */
export const hostileQueries: readonly Named<string>[] = [
  { name: 'repeated parameter', value: 'limit=1&limit=2&order=asc&order=desc' },
  { name: 'bracket nesting', value: 'q[a][b][c]=1&limit[]=1' },
  { name: 'prototype pollution', value: '__proto__[isAdmin]=true&constructor[prototype][isAdmin]=true' },
  { name: 'encoded NUL', value: 'q=%00&cursor=%00' },
  { name: 'invalid percent-encoding', value: 'q=%E0%A4%A&limit=%' },
  { name: 'huge number', value: `limit=${'9'.repeat(400)}&cursor=1e309` },
  { name: 'negative zero', value: 'limit=-0&cursor=-0' },
  { name: 'NaN and Infinity', value: 'limit=NaN&cursor=Infinity' },
  { name: 'very long value', value: `q=${'x'.repeat(20_000)}` },
  { name: 'many parameters', value: Array.from({ length: 2000 }, (_, i) => `p${i}=${i}`).join('&') },
];

/** Extra headers: sent byte for byte over a raw socket, since fetch refuses some of them. */
export const hostileHeaders: readonly Named<Record<string, string>>[] = [
  { name: 'Idempotency-Key with NUL', value: { 'idempotency-key': 'key\u0000nul' } },
  { name: 'Idempotency-Key of 10 KB', value: { 'idempotency-key': 'k'.repeat(10_240) } },
  { name: 'empty Idempotency-Key', value: { 'idempotency-key': '' } },
  { name: 'Idempotency-Key with non-ASCII bytes', value: { 'idempotency-key': 'clé-\u00e9\u00ff' } },
  { name: 'Accept: image/png only', value: { accept: 'image/png' } },
  { name: 'Accept: garbage', value: { accept: ';;;,,,q=abc' } },
  { name: 'Accept-Language: garbage', value: { 'accept-language': 'zz-ZZ;q=nan, *;q=-1' } },
  { name: 'cross-site Origin', value: { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' } },
  { name: 'Origin: null', value: { origin: 'null' } },
  { name: 'garbage bearer token', value: { authorization: 'Bearer \u0000\u00ff not-a-token' } },
  { name: 'garbage cookie', value: { cookie: 'jd_session=%00%ff; jd_session=x; =; ;;' } },
  { name: 'X-Forwarded-For spoof', value: { 'x-forwarded-for': '1.2.3.4, ::1, not-an-ip' } },
  { name: 'Content-Encoding gzip lie', value: { 'content-encoding': 'gzip' } },
  { name: 'Content-Encoding unknown', value: { 'content-encoding': 'br, klingon' } },
];
