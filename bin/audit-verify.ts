import { verifyAllChains } from '../db/audit.js';
import { openDb, startup } from './runtime.js';

/**
 * `npm run audit:verify` (in the image: `node dist/bin/audit-verify.js`): verifies every audit
 * chain from its first event, every signed checkpoint, and that every statement and agreement
 * still has its chain. Exit code 0 when all hold, 1 with each problem named otherwise. It needs
 * the same AUDIT_HMAC_KEY as the application; it reads, and records checkpoints for the heads
 * it verified.
 */
const { config } = startup('audit-verify');
const db = openDb(config);
const started = performance.now();
try {
  const report = await verifyAllChains(db, (chain, v) => {
    if (!v.valid) console.log(`BROKEN  ${chain}  at event ${v.problem!.seq}: ${v.problem!.issue}`);
    else if (process.argv.includes('--verbose'))
      console.log(`ok      ${chain}  ${v.head.seq} events, head ${v.head.hash}`);
  });
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(
    `${report.chains} chains, ${report.events} events, ${report.checkpoints} checkpoints verified in ${seconds} s: ${report.problems.length === 0 ? 'all valid' : `${report.problems.length} broken`}`,
  );
  process.exitCode = report.problems.length === 0 ? 0 : 1;
} finally {
  await db.destroy();
}
