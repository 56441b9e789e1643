/**
 * The choices a joint procurement agreement's terms offer, shared: the server's schema
 * (domain/agreement.ts) accepts exactly these, the web's terms form (TermsForm.tsx) offers them.
 */
export const procedureTypes = [
  'open',
  'restricted',
  'competitive_procedure_with_negotiation',
  'competitive_dialogue',
  'innovation_partnership',
  'pre_commercial_procurement',
] as const;
export type ProcedureType = (typeof procedureTypes)[number];

export const procedurePhases = ['preparation', 'publication', 'evaluation', 'award', 'contract_management'] as const;
export type ProcedurePhase = (typeof procedurePhases)[number];

export const contractConclusions = ['each_party_own_contract', 'lead_on_behalf_of_all', 'framework_agreement'] as const;
export type ContractConclusion = (typeof contractConclusions)[number];

/** Art. 39(5): a joint entity set up under Union law, an EGTC (Regulation (EC) No 1082/2006) or another. */
export const jointEntityTypes = ['egtc', 'other_union_law_entity'] as const;
/** Art. 39(5)(a) the Member State of the registered office, (b) one where the entity carries out its activities. */
export const jointEntityLawBases = ['registered_office', 'activities'] as const;

/** How the parties share the costs; `fixed_percentages` also lists each party's share. */
export const costSharingMethods = ['by_share_of_value', 'equal', 'fixed_percentages'] as const;
export type CostSharingMethod = (typeof costSharingMethods)[number];

/** Lengths (characters) and the longest term of the agreement terms, as the server's schema bounds them. */
export const agreementTermsLimits = {
  lotTitle: 300,
  responsibility: 5000,
  disputeText: 5000,
  disputeForum: 300,
  accessionConditions: 5000,
  /** What a version changes (for amendments). */
  note: 2000,
  /** The agreement's duration in months. */
  months: 600,
} as const;
