import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { shortfallDecisions } from '@jointdemand/rules/aggregation';
import { contractConclusions, costSharingMethods, procedurePhases, procedureTypes } from '@jointdemand/rules/agreement';
import { apiTokenScopes } from '@jointdemand/rules/api-tokens';
import { approvalChoices } from '@jointdemand/rules/approval';
import { currencyCodes } from '@jointdemand/rules/currencies';
import { locales } from '@jointdemand/rules/locales';
import { problemCodes } from '@jointdemand/rules/problem-codes';
import { participantStatuses, stages } from '@jointdemand/rules/stages';
import { questionTypes } from '@jointdemand/rules/survey';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

import { mainPath } from './process/stages';

/**
 * The web takes the server's lists from the shared package (`@jointdemand/rules`) instead of
 * writing them out again. A literal list in web/src whose every item is a stage, a participant
 * status, a problem code, a currency, a question type, an agreement choice, a decision, a scope
 * or a language is a copy that can drift from the server, and no file is exempt: what a viewer
 * may do comes from the server's `allowedActions` on the statement (issue 15 point 4), never from
 * stages and statuses worked out here.
 */
const serverValues = new Set<string>([
  ...stages,
  ...participantStatuses,
  ...problemCodes,
  ...currencyCodes,
  ...questionTypes,
  ...procedureTypes,
  ...procedurePhases,
  ...contractConclusions,
  ...costSharingMethods,
  ...shortfallDecisions,
  ...approvalChoices,
  ...apiTokenScopes,
  ...locales,
]);

const srcDir = import.meta.dirname;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts')
      ? [full]
      : [];
  });
}

function copiedLists(file: string, text = readFileSync(file, 'utf8')): string[] {
  const source = ts.createSourceFile(
    file,
    text,
    ts.ScriptTarget.Latest,
    true,
    file.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS,
  );
  const found: string[] = [];
  const visit = (node: ts.Node) => {
    if (
      ts.isArrayLiteralExpression(node) &&
      node.elements.length >= 2 &&
      node.elements.every((e) => ts.isStringLiteral(e) && serverValues.has(e.text))
    ) {
      const { line } = source.getLineAndCharacterOfPosition(node.getStart());
      found.push(`${path.relative(srcDir, file)}:${line + 1} ${node.getText(source)}`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/**
 * Ways of working out permissions in the web that the statement's `allowedActions` replaced: a
 * literal list of participant statuses, and asking whether an operation is open in a stage
 * (`operationOpen`). Only the shared rules decide those; the server says what follows.
 */
function statusChecks(file: string, text = readFileSync(file, 'utf8')): string[] {
  const source = ts.createSourceFile(
    file,
    text,
    ts.ScriptTarget.Latest,
    true,
    file.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS,
  );
  const statuses = new Set<string>(participantStatuses);
  const found: string[] = [];
  const at = (node: ts.Node) =>
    `${path.relative(srcDir, file)}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1} ${node.getText(source)}`;
  const visit = (node: ts.Node) => {
    const statusList =
      ts.isArrayLiteralExpression(node) &&
      node.elements.length >= 1 &&
      node.elements.every((e) => ts.isStringLiteral(e) && statuses.has(e.text));
    // `[…statuses].includes(status)`: a test of what the organisation may do, where a count by status is not.
    if (statusList && ts.isPropertyAccessExpression(node.parent)) found.push(at(node));
    if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'operationOpen')
      found.push(at(node));
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe('lists the web shares with the server', () => {
  it('are not copied anywhere in web/src', () => {
    const files = sourceFiles(srcDir);
    expect(files.length).toBeGreaterThan(20);
    expect(files.flatMap((f) => copiedLists(f))).toEqual([]);
  });

  it('leave what a viewer may do on a statement to the server: no page tests a participant’s status against a list, or a role in the process', () => {
    const files = sourceFiles(srcDir);
    const derived = files.flatMap((f) => statusChecks(f));
    expect(derived).toEqual([]);
    // The probe: what the pages used to write.
    const file = path.join(srcDir, 'probe.tsx');
    expect(
      statusChecks(
        file,
        "const ok = mine && ['joined', 'submitted'].includes(mine.status) && operationOpen('saveNeeds', stage);",
      ),
    ).toHaveLength(2);
    expect(
      statusChecks(file, "const editable = allows(statement, 'saveNeeds'); const n = count(['submitted']);"),
    ).toEqual([]);
  });

  it('finds a copy as the web used to write them, and leaves the web’s own lists alone', () => {
    const file = path.join(srcDir, 'probe.tsx');
    const copied = [
      "export const exitStages = ['cancelled', 'abandoned'] as const;",
      "const choices: readonly Decision[] = ['approve', 'request_changes'];",
      "const ok = ['joined', 'submitted', 'confirmed'].includes(status);",
      "export const commonCurrencies = ['EUR', 'BGN', 'CZK'] as const;",
    ];
    expect(copied.map((text) => copiedLists(file, text).length)).toEqual([1, 1, 1, 1]);
    expect(copiedLists(file, "const kinds = ['year', 'window'] as const; const one = ['draft'];")).toEqual([]);
  });

  it('keep the stage order the web showed before: the main path is the stages without the shortfall branch and the exits', () => {
    expect(mainPath).toEqual([
      'draft',
      'needs_assessment',
      'confirmation',
      'aggregation',
      'market_engagement',
      'approval',
      'published',
    ]);
  });
});
