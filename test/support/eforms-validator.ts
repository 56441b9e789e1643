import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { XMLParser } from 'fast-xml-parser';
import { validateXML, type XMLValidationError } from 'xmllint-wasm';

import { locateReferenceData } from '../../db/reference-data-files.js';

/**
 * The official eForms SDK 1.15.1 (XSDs, notice types, codelists), read where it is kept beside
 * the repository (`shared/data/eforms-sdk-1.15.1`, or $REFERENCE_DATA_DIR), never copied here.
 */
export function eformsSdkPath(...path: string[]): string {
  const dataDir = locateReferenceData();
  const dir = dataDir && join(dataDir, 'eforms-sdk-1.15.1');
  if (!dir || !existsSync(dir))
    throw new Error('The eForms SDK 1.15.1 was not found in the shared data folder: set REFERENCE_DATA_DIR');
  return join(dir, ...path);
}

/** The XSD of the notices with the `PriorInformationNotice` root (E1 among them). */
export const priorInformationNoticeXsd = 'UBL-PriorInformationNotice-2.3.xsd';

/**
 * Validates notices against the SDK's `maindoc/UBL-PriorInformationNotice-2.3.xsd` with libxml2
 * (xmllint compiled to WebAssembly). The schemas import each other across `maindoc/` and
 * `common/`; they are given to xmllint as one folder.
 */
export async function validateAgainstPinXsd(
  xml: string,
): Promise<{ valid: boolean; errors: readonly XMLValidationError[] }> {
  const common = readdirSync(eformsSdkPath('schemas', 'common')).map((fileName) => ({
    fileName,
    contents: readFileSync(eformsSdkPath('schemas', 'common', fileName), 'utf8'),
  }));
  const main = readFileSync(eformsSdkPath('schemas', 'maindoc', priorInformationNoticeXsd), 'utf8').replaceAll(
    '../common/',
    '',
  );
  const result = await validateXML({
    xml: { fileName: 'notice.xml', contents: xml },
    schema: { fileName: priorInformationNoticeXsd, contents: main },
    preload: common,
    maxMemoryPages: 4096,
  });
  return { valid: result.valid, errors: result.errors };
}

/** The codes of an SDK codelist (genericode `.gc`). */
export function eformsCodes(codelist: string): Set<string> {
  const gc = readFileSync(eformsSdkPath('codelists', `${codelist}.gc`), 'utf8');
  const codes = [...gc.matchAll(/<Value ColumnRef="code">\s*<SimpleValue>([^<]*)<\/SimpleValue>/g)].map((m) => m[1]!);
  return new Set(codes);
}

export interface NoticeTypeNode {
  id: string;
  contentType: 'group' | 'field';
  _presetValue?: string;
  _mandatory?: unknown;
  content?: NoticeTypeNode[];
}

/** Every field of a notice type (`notice-types/E1.json`), with its properties, content and metadata alike. */
export function noticeTypeFields(subType: string): Map<string, NoticeTypeNode> {
  const nt = JSON.parse(readFileSync(eformsSdkPath('notice-types', `${subType}.json`), 'utf8')) as {
    noticeId: string;
    content: NoticeTypeNode[];
    metadata: NoticeTypeNode[];
  };
  const fields = new Map<string, NoticeTypeNode>();
  const walk = (n: NoticeTypeNode) => {
    if (n.contentType === 'field') fields.set(n.id, n);
    n.content?.forEach(walk);
  };
  [...nt.content, ...nt.metadata].forEach(walk);
  return fields;
}

export interface XmlLeaf {
  /** Element names from the root's children down, with their prefixes, joined by `/`. */
  path: string;
  text: string;
  attributes: Record<string, string>;
}

/** Every element with text in a document, in document order (prefixes as written). */
export function xmlLeaves(xml: string): XmlLeaf[] {
  const parser = new XMLParser({
    preserveOrder: true,
    ignoreAttributes: false,
    attributeNamePrefix: '',
    parseTagValue: false,
    trimValues: true,
    processEntities: true,
  });
  type Node = Record<string, unknown> & { ':@'?: Record<string, string> };
  const leaves: XmlLeaf[] = [];
  const walk = (nodes: Node[], path: string[]) => {
    for (const node of nodes) {
      const name = Object.keys(node).find((k) => k !== ':@')!;
      if (name === '#text' || name === '?xml') continue;
      const children = node[name] as Node[];
      const text = children.filter((c) => '#text' in c).map((c) => String(c['#text']));
      const here = [...path, name];
      if (text.length > 0)
        leaves.push({ path: here.slice(1).join('/'), text: text.join(''), attributes: node[':@'] ?? {} });
      walk(children, here);
    }
  };
  walk(parser.parse(xml) as Node[], []);
  return leaves;
}
