import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';

import type {
  AgreementTerms,
  ApplicableLaw,
  ContractConclusion,
  ProcedurePhase,
  ProcedureType,
} from '../domain/agreement.js';
import type { AgreementKind } from '../domain/agreement.js';

/**
 * One version of an agreement as it is hashed, stored, rendered and signed: the terms with the
 * parties they were written for. Everything a reader needs is in here, so the document can be
 * rendered again later and give the same result.
 */
export interface AgreementVersionContent {
  statementId: string;
  statementTitle: string;
  kind: AgreementKind;
  parties: { orgId: string; name: string; country: string }[];
  terms: AgreementTerms;
  /** What the amendment changes, in the lead's words (null for the first draft). */
  note: string | null;
}

export interface RenderedAgreement {
  html: string;
  pdf: Buffer;
  pdfHash: string;
}

const procedureLabels: Record<ProcedureType, string> = {
  open: 'Open procedure (Art. 27)',
  restricted: 'Restricted procedure (Art. 28)',
  competitive_procedure_with_negotiation: 'Competitive procedure with negotiation (Art. 29)',
  competitive_dialogue: 'Competitive dialogue (Art. 30)',
  innovation_partnership: 'Innovation partnership (Art. 31)',
  pre_commercial_procurement: 'Pre-commercial procurement (Art. 14, R&D services)',
};

const phaseLabels: Record<ProcedurePhase, string> = {
  preparation: 'Preparation of the procurement documents',
  publication: 'Publication of the notices',
  evaluation: 'Evaluation of tenders',
  award: 'Award decision',
  contract_management: 'Contract management',
};

const conclusionLabels: Record<ContractConclusion, string> = {
  each_party_own_contract: 'Each party concludes its own contract with the successful tenderer',
  lead_on_behalf_of_all: 'The lead contracting authority concludes the contract on behalf of all parties',
  framework_agreement: 'A framework agreement is concluded, under which each party places its own orders',
};

const legalBasis: Record<AgreementKind, string> = {
  art39_cross_border:
    'Joint procurement by contracting authorities from different Member States, Directive 2014/24/EU Article 39(4)',
  art38_occasional: 'Occasional joint procurement, Directive 2014/24/EU Article 38',
};

export const legalBasisOf = (kind: AgreementKind) => legalBasis[kind];

const entityTypeLabels = {
  egtc: 'a European grouping of territorial cooperation (Regulation (EC) No 1082/2006)',
  other_union_law_entity: 'an entity established under Union law',
} as const;

/**
 * Versions stored before the Art. 39(5) choice was recorded say only "the joint entity's seat"
 * (`joint_entity_seat`): they are rendered as they were signed.
 */
type StoredLaw = ApplicableLaw | { kind: 'joint_entity_seat'; country: string; entityName: string };

function lawParagraph(law: StoredLaw): string {
  switch (law.kind) {
    case 'party_country':
      return `The national law of ${law.country}, the country of a party, governs the procedure.`;
    case 'joint_entity_seat':
      return `The national law of ${law.country}, where the joint entity "${law.entityName}" has its seat, governs the procedure (Article 39(5)).`;
    case 'joint_entity':
      return [
        `The parties have set up "${law.entityName}", ${entityTypeLabels[law.entityType]}, with its registered office in ${law.registeredOfficeCountry}, carrying out its activities in ${law.activityCountries.join(', ')}.`,
        law.lawOf === 'registered_office'
          ? `By ${law.decision}, they agreed that the national procurement rules of ${law.country}, the Member State of its registered office, apply (Article 39(5)(a)).`
          : `By ${law.decision}, they agreed that the national procurement rules of ${law.country}, a Member State where it carries out its activities, apply (Article 39(5)(b)).`,
      ].join(' ');
  }
}

interface Section {
  title: string;
  paragraphs: string[];
  table?: { head: string[]; rows: string[][] };
}

/** The document's structure, shared by the HTML and the PDF so both say exactly the same. */
function sections(
  c: AgreementVersionContent,
  version: number,
  contentHash: string,
): { title: string; intro: string[]; body: Section[] } {
  const t = c.terms;
  const name = (orgId: string) => c.parties.find((p) => p.orgId === orgId)?.name ?? orgId;
  const lead = c.parties.find((p) => p.orgId === t.leadAuthorityOrgId);
  const law = lawParagraph(t.applicableLaw);
  const responsibility = (orgId: string) => t.responsibilities.filter((r) => r.orgId === orgId).map((r) => r.text);
  const costs =
    t.costSharing.method === 'equal'
      ? ['The costs of the joint procedure are shared equally among the parties.']
      : t.costSharing.method === 'by_share_of_value'
        ? ['The costs of the joint procedure are shared in proportion to the value distributed to each party.']
        : t.costSharing.shares.map((s) => `${name(s.orgId)}: ${s.percent} %`);
  return {
    title: `Joint procurement agreement: ${c.statementTitle}`,
    intro: [
      `Version ${version}. Content hash (SHA-256): ${contentHash}`,
      `Legal basis: ${legalBasis[c.kind]}.`,
      ...(c.note ? [`Amendment: ${c.note}`] : []),
    ],
    body: [
      {
        title: '1. Parties',
        paragraphs: ['The following contracting authorities are parties to this agreement:'],
        table: {
          head: ['Party', 'Country', 'Role'],
          rows: c.parties.map((p) => [
            p.name,
            p.country,
            p.orgId === t.leadAuthorityOrgId ? 'Lead contracting authority' : 'Party',
          ]),
        },
      },
      {
        title: '2. Lead contracting authority',
        paragraphs: [`${lead?.name ?? t.leadAuthorityOrgId} (${lead?.country ?? '?'}) runs the procurement procedure.`],
      },
      { title: '3. Applicable national law', paragraphs: [law] },
      { title: '4. Procedure', paragraphs: [procedureLabels[t.procedureType]] },
      {
        title: '5. Lots',
        paragraphs: [],
        table: { head: ['Lot', 'Title', 'CPV codes'], rows: t.lots.map((l) => [l.id, l.title, l.cpvCodes.join(', ')]) },
      },
      {
        title: '6. Distribution of the supplies, services or works',
        paragraphs: t.distributions
          .filter((d) => d.deviation)
          .map((d) => `Deviation from the confirmed needs of ${name(d.orgId)}: ${d.deviation!.reason}`),
        table: {
          head: ['Party', 'Lot', 'CPV', 'Unit', 'Quantity'],
          rows: t.distributions.flatMap((d) =>
            d.lots.flatMap((l) =>
              l.lines.length === 0
                ? [[name(d.orgId), l.lotId, '-', '-', '0']]
                : l.lines.map((x) => [name(d.orgId), l.lotId, x.cpvCode, x.unit, x.quantity]),
            ),
          ),
        },
      },
      {
        title: '7. Responsibilities and conduct of the procedure',
        paragraphs: [
          ...c.parties.flatMap((p) => responsibility(p.orgId).map((text) => `${p.name}: ${text}`)),
          ...t.phases.map((ph) =>
            ph.conductedBy === 'joint'
              ? `${phaseLabels[ph.phase]}: conducted jointly in the name and on behalf of all parties, which are jointly responsible for it.`
              : `${phaseLabels[ph.phase]}: conducted by ${name(ph.conductedBy)} alone, in its own name and on its own behalf, under its sole responsibility.`,
          ),
        ],
      },
      { title: '8. Conclusion of contracts', paragraphs: [conclusionLabels[t.contractConclusion]] },
      { title: '9. Cost sharing', paragraphs: costs },
      { title: '10. Languages', paragraphs: [`Languages of the procedure: ${t.languages.join(', ')}.`] },
      {
        title: '11. Dispute resolution',
        paragraphs: [t.disputeResolution.text, `Forum: ${t.disputeResolution.forum}.`],
      },
      {
        title: '12. Duration',
        paragraphs: [
          t.duration.kind === 'months'
            ? `This agreement runs for ${t.duration.months} months from its entry into force.`
            : `This agreement runs until ${t.duration.date}.`,
        ],
      },
      {
        title: '13. Accession of new parties',
        paragraphs: [
          t.accession.allowed
            ? `New parties may accede: ${t.accession.conditions}`
            : 'No new party may accede to this agreement.',
        ],
      },
      {
        title: '14. Entry into force and signatures',
        paragraphs: [
          'This agreement enters into force when every party has signed this version. Each party signs through its authorised signatory; the signature binds the party to the version with the content hash above.',
          ...c.parties.map((p) => `For ${p.name}: ______________________`),
        ],
      },
    ],
  };
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);

export function renderAgreementHtml(c: AgreementVersionContent, version: number, contentHash: string): string {
  const doc = sections(c, version, contentHash);
  const body = doc.body
    .map((s) => {
      const paragraphs = s.paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join('\n');
      const table = s.table
        ? `<table>\n<thead><tr>${s.table.head.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead>\n<tbody>\n${s.table.rows
            .map((r) => `<tr>${r.map((x) => `<td>${escapeHtml(x)}</td>`).join('')}</tr>`)
            .join('\n')}\n</tbody>\n</table>`
        : '';
      return `<section>\n<h2>${escapeHtml(s.title)}</h2>\n${paragraphs}\n${table}\n</section>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>${escapeHtml(doc.title)}</title>
<style>body{font-family:sans-serif;max-width:50em;margin:2em auto;line-height:1.4}table{border-collapse:collapse}th,td{border:1px solid #999;padding:.2em .5em;text-align:left}</style>
</head>
<body>
<h1>${escapeHtml(doc.title)}</h1>
${doc.intro.map((p) => `<p>${escapeHtml(p)}</p>`).join('\n')}
${body}
</body>
</html>
`;
}

/**
 * Parties, places and terms are written in every EU language (Łódź, Győr, Černá Pole): the
 * standard PDF fonts cover only Western European letters, so the PDF embeds DejaVu Sans (a
 * subset of the glyphs used), which covers Latin, Greek and Cyrillic.
 */
const fontFile = (name: string) => createRequire(import.meta.url).resolve(`dejavu-fonts-ttf/ttf/${name}`);
const fonts = { regular: fontFile('DejaVuSans.ttf'), bold: fontFile('DejaVuSans-Bold.ttf') };

/** Renders the PDF with pdfkit; the creation date is the version's, so a re-render gives the same bytes. */
export async function renderAgreementPdf(
  c: AgreementVersionContent,
  version: number,
  contentHash: string,
  createdAt: Date,
): Promise<Buffer> {
  const doc = sections(c, version, contentHash);
  // pdfkit and its font engine load with the first agreement rather than with every process (0.15 s).
  const { default: PDFDocument } = await import('pdfkit');
  const pdf = new PDFDocument({
    size: 'A4',
    margin: 56,
    info: {
      Title: doc.title,
      Author: 'jointdemand',
      Subject: legalBasis[c.kind],
      CreationDate: createdAt,
      ModDate: createdAt,
    },
  });
  pdf.registerFont('regular', fonts.regular);
  pdf.registerFont('bold', fonts.bold);
  const chunks: Buffer[] = [];
  pdf.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    pdf.on('end', () => resolve(Buffer.concat(chunks)));
    pdf.on('error', reject);
  });
  pdf.font('bold').fontSize(16).text(doc.title);
  pdf.moveDown(0.5).font('regular').fontSize(9);
  for (const p of doc.intro) pdf.text(p);
  for (const s of doc.body) {
    pdf.moveDown(0.8).font('bold').fontSize(12).text(s.title);
    pdf.font('regular').fontSize(10);
    for (const p of s.paragraphs) pdf.moveDown(0.3).text(p);
    if (s.table) {
      pdf.moveDown(0.3).font('bold').text(s.table.head.join(' | '));
      pdf.font('regular');
      for (const row of s.table.rows) pdf.text(row.join(' | '));
    }
  }
  pdf.end();
  return done;
}

export async function renderAgreement(
  c: AgreementVersionContent,
  version: number,
  contentHash: string,
  createdAt: Date,
): Promise<RenderedAgreement> {
  const pdf = await renderAgreementPdf(c, version, contentHash, createdAt);
  return {
    html: renderAgreementHtml(c, version, contentHash),
    pdf,
    pdfHash: createHash('sha256').update(pdf).digest('hex'),
  };
}
