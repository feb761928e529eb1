/**
 * Small shared labels, in both languages, for the `t` template helper (`{{t "status" status}}`
 * looks up `status.<value>`). Whole sentences belong in the per-locale template files; these are
 * the words partials and layouts share, and the enum values other code may also want to show.
 */

import type { CaseStatus, ProgrammeKind } from '../../domain/case-state-machine';
import type { DocumentKind } from '../../domain/document-rules';
import type { ApplicationField, InvitedRole, PartnerKindName, ServiceLevelKind, TemplateLocale } from './template-contexts';

export type LocalizedLabel = { readonly [L in TemplateLocale]: string };

export const STATUS_LABELS: { readonly [S in CaseStatus]: LocalizedLabel } = {
  draft: { fr: 'Brouillon', en: 'Draft' },
  submitted: { fr: 'Déposé', en: 'Submitted' },
  in_review: { fr: 'En cours d’examen', en: 'In review' },
  info_requested: { fr: 'Informations demandées', en: 'Information requested' },
  accepted: { fr: 'Accepté', en: 'Accepted' },
  referred: { fr: 'Orienté vers un partenaire', en: 'Referred to a partner' },
  declined: { fr: 'Non retenu', en: 'Declined' },
  withdrawn: { fr: 'Retiré', en: 'Withdrawn' },
};

export const PROGRAMME_KIND_LABELS: { readonly [K in ProgrammeKind]: LocalizedLabel } = {
  internal: { fr: 'programme du campus', en: 'campus programme' },
  external: { fr: 'partenaire extérieur', en: 'external partner' },
};

export const SERVICE_LEVEL_LABELS: { readonly [S in ServiceLevelKind]: LocalizedLabel } = {
  first_response: { fr: 'première réponse', en: 'first response' },
  decision: { fr: 'décision', en: 'decision' },
};

export const FIELD_LABELS: { readonly [F in ApplicationField]: LocalizedLabel } = {
  startupName: { fr: 'nom du projet ou de la startup', en: 'project or startup name' },
  projectSummary: { fr: 'résumé du projet', en: 'project summary' },
  stage: { fr: 'stade d’avancement', en: 'stage' },
  trl: { fr: 'niveau de maturité technologique (TRL)', en: 'technology readiness level (TRL)' },
  domains: { fr: 'domaines', en: 'domains' },
  needs: { fr: 'besoins', en: 'needs' },
  incorporated: { fr: 'société créée ou non', en: 'whether the company is incorporated' },
  incorporationDate: { fr: 'date de création de la société', en: 'incorporation date' },
  siren: { fr: 'numéro SIREN', en: 'SIREN number' },
  academicAffiliation: { fr: 'rattachement académique', en: 'academic affiliation' },
  lookingForCofounder: { fr: 'recherche d’un associé', en: 'whether you are looking for a co-founder' },
  teamSize: { fr: 'taille de l’équipe', en: 'team size' },
  fundingSoughtEur: { fr: 'montant recherché', en: 'funding sought' },
  website: { fr: 'site web', en: 'website' },
};

export const DOCUMENT_KIND_LABELS: { readonly [K in DocumentKind]: LocalizedLabel } = {
  pitch_deck: { fr: 'présentation (pitch deck)', en: 'pitch deck' },
  business_plan: { fr: 'business plan', en: 'business plan' },
  team_cv: { fr: 'CV de l’équipe', en: 'team CVs' },
  financials: { fr: 'éléments financiers', en: 'financials' },
  regulatory: { fr: 'documents réglementaires', en: 'regulatory papers' },
  other: { fr: 'autre document', en: 'other document' },
};

export const ROLE_LABELS: { readonly [R in InvitedRole]: LocalizedLabel } = {
  advisor: { fr: 'chargé·e d’accompagnement', en: 'advisor' },
  programme_manager: { fr: 'responsable de programme', en: 'programme manager' },
  admin: { fr: 'administrateur·rice', en: 'administrator' },
  partner: { fr: 'contact d’une organisation partenaire', en: 'partner organisation contact' },
  expert: { fr: 'expert·e évaluateur·rice', en: 'expert reviewer' },
};

export const PARTNER_KIND_LABELS: { readonly [K in PartnerKindName]: LocalizedLabel } = {
  incubator: { fr: 'incubateur', en: 'incubator' },
  cluster: { fr: 'pôle de compétitivité', en: 'cluster' },
  other: { fr: 'organisation', en: 'organisation' },
};

/** Words of the layout and partials. */
export const COMMON_LABELS = {
  'layout.tagline': { fr: 'le guichet unique des startups du campus', en: 'the campus one-stop shop for startups' },
  'footer.campus': { fr: 'Guichet — campus santé numérique', en: 'Guichet — digital-health campus' },
  'footer.automatic': {
    fr: 'Message envoyé automatiquement par Guichet, merci de ne pas y répondre directement.',
    en: 'This message was sent automatically by Guichet; please do not reply to it directly.',
  },
  'footer.digest': {
    fr: 'Vous recevez ce récapitulatif chaque lundi matin.',
    en: 'You receive this summary every Monday morning.',
  },
  'footer.unsubscribe': { fr: 'Se désabonner', en: 'Unsubscribe' },
  'footer.unsubscribeText': {
    fr: 'Pour ne plus le recevoir, en un clic\u00a0:',
    en: 'To stop receiving it, in one click:',
  },
  /** French puts a no-break space before a colon */
  'punct.colon': { fr: '\u00a0:', en: ':' },
  'case.reference': { fr: 'Référence', en: 'Reference' },
  'case.status': { fr: 'Statut', en: 'Status' },
  'recommendation.score': { fr: 'score d’adéquation', en: 'fit score' },
  'signature.closing': { fr: 'Bien cordialement,', en: 'Kind regards,' },
  'signature.team': { fr: 'L’équipe du guichet unique du campus', en: 'The campus one-stop-shop team' },
} as const satisfies Record<string, LocalizedLabel>;

function prefixed(prefix: string, labels: { readonly [key: string]: LocalizedLabel }): [string, LocalizedLabel][] {
  return Object.entries(labels).map(([key, label]) => [`${prefix}.${key}`, label]);
}

const ALL_LABELS: ReadonlyMap<string, LocalizedLabel> = new Map<string, LocalizedLabel>([
  ...prefixed('status', STATUS_LABELS),
  ...prefixed('kind', PROGRAMME_KIND_LABELS),
  ...prefixed('serviceLevel', SERVICE_LEVEL_LABELS),
  ...prefixed('field', FIELD_LABELS),
  ...prefixed('document', DOCUMENT_KIND_LABELS),
  ...prefixed('role', ROLE_LABELS),
  ...prefixed('partnerKind', PARTNER_KIND_LABELS),
  ...Object.entries(COMMON_LABELS),
]);

export class UnknownLabelError extends Error {
  constructor(readonly key: string) {
    super(`unknown label "${key}"`);
    this.name = 'UnknownLabelError';
  }
}

/** The label for `key` (e.g. `status.in_review`) in `locale`; throws for an unknown key. */
export function label(locale: TemplateLocale, key: string): string {
  const found = ALL_LABELS.get(key);
  if (found === undefined) throw new UnknownLabelError(key);
  return found[locale];
}
