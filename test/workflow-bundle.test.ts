import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';

import { workflowsPath } from '../bin/create-worker.js';

describe('workflow bundling', () => {
  it('bundles the real workflow code for the deterministic sandbox', async () => {
    const { code } = await bundleWorkflowCode({ workflowsPath: workflowsPath() });
    expect(code).toContain('jointStatementWorkflow');
    expect(code).toContain('deliverMailWorkflow');
    // Server code must never end up in the sandbox.
    expect(code).not.toMatch(/from "kysely"|require\("pg"\)|nodemailer/);
  });

  it('fails the build when workflow code imports a Node builtin', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'jd-bad-workflow-'));
    const file = path.join(dir, 'bad.ts');
    writeFileSync(
      file,
      `import { readFileSync } from 'node:fs';\nexport async function bad(): Promise<string> { return readFileSync('/etc/hostname', 'utf8'); }\n`,
    );
    // The bundler logs what is wrong and throws a generic error; the log must name the import.
    const logged: string[] = [];
    const logger = new DefaultLogger('WARN', (entry) => logged.push(entry.message));
    await expect(bundleWorkflowCode({ workflowsPath: file, logger })).rejects.toThrow(/Webpack finished with errors/);
    expect(logged.join('\n')).toMatch(/node:fs/);
  });
});
