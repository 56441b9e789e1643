/**
 * Rewrites test/support/file-durations.json (the longest-first order of `npm test`) from a vitest
 * JSON report of a whole run:
 *
 *   npx vitest run --reporter=default --reporter=json --outputFile.json=/tmp/report.json
 *   npm run test:durations -- /tmp/report.json
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { durationsFile, durationsFromReport } from '../test/support/longest-first-sequencer.js';

const report = process.argv[2];
if (!report) {
  console.error('usage: npm run test:durations -- <vitest JSON report of a whole run>');
  process.exit(2);
}
const { testResults } = JSON.parse(readFileSync(report, 'utf8')) as {
  testResults: { name: string; startTime: number; endTime: number }[];
};
const seconds = durationsFromReport(testResults);
writeFileSync(durationsFile, `${JSON.stringify(seconds, null, 2)}\n`);
console.log(`${Object.keys(seconds).length} files written to ${path.relative(process.cwd(), durationsFile)}`);
