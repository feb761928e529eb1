/**
 * The part of an application ("case") that routing reads, and the enum values the rest of the
 * code base (DTOs, entities, the rule language) reuses. No Nest or TypeORM import: plain data.
 */

export const STAGES = ['idea', 'proof_of_concept', 'prototype', 'clinical_validation', 'market'] as const;
export type Stage = (typeof STAGES)[number];

export const DOMAINS = [
  'medtech',
  'digital_health',
  'biotech',
  'diagnostics',
  'health_data',
  'ai',
  'e_health_services',
  'other',
] as const;
export type Domain = (typeof DOMAINS)[number];

/** Every domain but `other`: the campus's "health domains". */
export const HEALTH_DOMAINS: readonly Domain[] = DOMAINS.filter((domain) => domain !== 'other');

export const NEEDS = [
  'funding',
  'incubation',
  'company_building',
  'coaching',
  'office_space',
  'data_access',
  'regulatory',
  'partnerships',
  'recruitment',
] as const;
export type Need = (typeof NEEDS)[number];

export const AFFILIATIONS = ['inserm', 'psl', 'inria', 'aphp', 'other_academic', 'none'] as const;
export type AcademicAffiliation = (typeof AFFILIATIONS)[number];

/** Every affiliation but `none`. */
export const ACADEMIC_AFFILIATIONS: readonly AcademicAffiliation[] = AFFILIATIONS.filter(
  (affiliation) => affiliation !== 'none',
);

export const TRL_MIN = 1;
export const TRL_MAX = 9;
export const TEAM_SIZE_MIN = 1;
export const TEAM_SIZE_MAX = 500;
export const FUNDING_SOUGHT_MAX_EUR = 100_000_000;

/** A submitted application, as routing sees it. */
export interface ApplicationProfile {
  startupName: string;
  projectSummary: string;
  stage: Stage;
  /** technology readiness level, 1–9 */
  trl: number;
  domains: readonly Domain[];
  needs: readonly Need[];
  incorporated: boolean;
  /** ISO calendar date `YYYY-MM-DD`; null when not incorporated */
  incorporationDate: string | null;
  academicAffiliation: AcademicAffiliation;
  lookingForCofounder: boolean;
  teamSize: number;
  /** whole euros; null when not said */
  fundingSoughtEur: number | null;
}

export type ProfileField = keyof ApplicationProfile;

/**
 * What routing accepts: a complete profile or a partial one (a draft, a row with null columns).
 * A condition on a missing (undefined or null) field is false; routing never throws on it.
 */
export type ProfileInput = { readonly [K in ProfileField]?: ApplicationProfile[K] | null };

/** The value type of each field, as the rule language sees it. */
export type FieldType =
  | { kind: 'text' }
  | { kind: 'enum'; values: readonly string[] }
  | { kind: 'enumArray'; values: readonly string[] }
  | { kind: 'number'; integer: boolean; min: number; max: number }
  | { kind: 'boolean' }
  | { kind: 'date' };

export const PROFILE_FIELD_TYPES: { readonly [K in ProfileField]: FieldType } = {
  startupName: { kind: 'text' },
  projectSummary: { kind: 'text' },
  stage: { kind: 'enum', values: STAGES },
  trl: { kind: 'number', integer: true, min: TRL_MIN, max: TRL_MAX },
  domains: { kind: 'enumArray', values: DOMAINS },
  needs: { kind: 'enumArray', values: NEEDS },
  incorporated: { kind: 'boolean' },
  incorporationDate: { kind: 'date' },
  academicAffiliation: { kind: 'enum', values: AFFILIATIONS },
  lookingForCofounder: { kind: 'boolean' },
  teamSize: { kind: 'number', integer: true, min: TEAM_SIZE_MIN, max: TEAM_SIZE_MAX },
  fundingSoughtEur: { kind: 'number', integer: true, min: 0, max: FUNDING_SOUGHT_MAX_EUR },
};

export const PROFILE_FIELDS = Object.keys(PROFILE_FIELD_TYPES) as ProfileField[];

export function isProfileField(name: unknown): name is ProfileField {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(PROFILE_FIELD_TYPES, name);
}
