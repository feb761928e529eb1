/**
 * The campus's six programmes as seeded by the catalogue migration (the contract, "Programme
 * catalogue"), then editable by admins. Plain JSON-compatible data: the migration inserts it as
 * is, and every `rules` object passes `validateRules`.
 *
 * Weights put ranking on one scale across programmes (10–50 in total per programme): the
 * internal programmes a profile fits best come first; external ones usually rank after them,
 * except the generalist incubator for a project outside health.
 */

import { ACADEMIC_AFFILIATIONS, HEALTH_DOMAINS } from './application-profile';
import type { LocalizedText } from './rule-language';
import type { RoutableProgramme } from './routing-engine';

export interface CatalogueProgramme extends RoutableProgramme {
  readonly name: LocalizedText;
  readonly description: LocalizedText;
}

export const DEFAULT_CATALOGUE: readonly CatalogueProgramme[] = [
  {
    slug: 'poc-funding',
    kind: 'internal',
    active: true,
    name: { fr: 'Financement de la preuve de concept', en: 'Proof-of-concept funding' },
    description: {
      fr: "Financement de la preuve de concept pour les équipes de recherche académiques (Inserm, PSL, Inria, AP-HP ou autre laboratoire) qui veulent démontrer qu'une innovation en santé numérique issue du laboratoire peut devenir un produit. Il s'adresse aux projets encore précoces, avant la création de l'entreprise.",
      en: 'Proof-of-concept funding for academic research teams (Inserm, PSL, Inria, AP-HP or another lab) who want to show that a digital-health innovation born in the lab can become a product. It is meant for early projects, before the company is created.',
    },
    rules: {
      version: 1,
      conditions: [
        {
          code: 'academic_team',
          when: { field: 'academicAffiliation', op: 'in', value: [...ACADEMIC_AFFILIATIONS] },
          text: {
            fr: 'Équipe rattachée à un laboratoire académique (Inserm, PSL, Inria, AP-HP ou autre)',
            en: 'Team affiliated with an academic lab (Inserm, PSL, Inria, AP-HP or another)',
          },
        },
        {
          code: 'trl_at_most_4',
          when: { field: 'trl', op: 'lte', value: 4 },
          text: {
            fr: 'Niveau de maturité technologique (TRL) de 4 au plus',
            en: 'Technology readiness level (TRL) of 4 or below',
          },
        },
        {
          code: 'needs_funding',
          when: { field: 'needs', op: 'includes', value: 'funding' },
          text: {
            fr: 'Besoin de financement pour prouver le concept',
            en: 'Needs funding to prove the concept',
          },
        },
      ],
      preferences: [
        {
          code: 'not_incorporated',
          when: { field: 'incorporated', op: 'isFalse' },
          weight: 20,
          text: { fr: 'Entreprise pas encore immatriculée', en: 'Company not incorporated yet' },
        },
        {
          code: 'early_stage',
          when: { field: 'stage', op: 'in', value: ['idea', 'proof_of_concept'] },
          weight: 25,
          text: {
            fr: "Projet au stade de l'idée ou de la preuve de concept",
            en: 'Project at the idea or proof-of-concept stage',
          },
        },
      ],
    },
  },
  {
    slug: 'pre-entrepreneurial-track',
    kind: 'internal',
    active: true,
    name: { fr: 'Parcours Pré-Entrepreneurial', en: 'Pre-entrepreneurial track' },
    description: {
      fr: "Un parcours d'accompagnement pour les porteurs de projet qui n'ont pas encore créé leur entreprise : formation, coaching et mise en relation avec l'écosystème du campus pour passer de l'idée au projet de startup.",
      en: 'A support track for project holders who have not yet created their company: training, coaching and introductions to the campus ecosystem, to turn an idea into a startup project.',
    },
    rules: {
      version: 1,
      conditions: [
        {
          code: 'not_incorporated',
          when: { field: 'incorporated', op: 'isFalse' },
          text: { fr: 'Entreprise pas encore immatriculée', en: 'Company not incorporated yet' },
        },
        {
          code: 'early_stage',
          when: { field: 'stage', op: 'in', value: ['idea', 'proof_of_concept'] },
          text: {
            fr: "Projet au stade de l'idée ou de la preuve de concept",
            en: 'Project at the idea or proof-of-concept stage',
          },
        },
      ],
      preferences: [
        {
          code: 'needs_coaching',
          when: { field: 'needs', op: 'includes', value: 'coaching' },
          weight: 30,
          text: { fr: 'Besoin de coaching', en: 'Needs coaching' },
        },
      ],
    },
  },
  {
    slug: 'human-health-startup-factory',
    kind: 'internal',
    active: true,
    name: { fr: 'Human Health Startup Factory', en: 'Human Health Startup Factory' },
    description: {
      fr: "Le programme d'incubation du campus pour les jeunes startups de la santé : un accompagnement spécialisé, un hébergement au cœur du campus et l'accès aux acteurs publics et privés de la santé numérique.",
      en: "The campus's incubation programme for young health startups: specialised support, a desk at the heart of the campus and access to the public and private players of digital health.",
    },
    rules: {
      version: 1,
      conditions: [
        {
          code: 'incorporated_within_3_years',
          when: {
            all: [
              { field: 'incorporated', op: 'isTrue' },
              { field: 'incorporationDate', op: 'withinMonthsBeforeToday', value: 36 },
            ],
          },
          text: {
            fr: 'Entreprise immatriculée depuis 3 ans au plus',
            en: 'Company incorporated within the last 3 years',
          },
        },
        {
          code: 'health_domain',
          when: { field: 'domains', op: 'includesAny', value: [...HEALTH_DOMAINS] },
          text: { fr: 'Projet dans un domaine de la santé', en: 'Project in a health domain' },
        },
      ],
      preferences: [
        {
          code: 'needs_incubation_or_office_space',
          when: { field: 'needs', op: 'includesAny', value: ['incubation', 'office_space'] },
          weight: 30,
          text: { fr: "Besoin d'incubation ou de bureaux", en: 'Needs incubation or office space' },
        },
        {
          code: 'trl_4_to_7',
          when: { field: 'trl', op: 'between', value: [4, 7] },
          weight: 20,
          text: {
            fr: 'Niveau de maturité technologique (TRL) entre 4 et 7',
            en: 'Technology readiness level (TRL) between 4 and 7',
          },
        },
      ],
    },
  },
  {
    slug: 'startup-studio',
    kind: 'internal',
    active: true,
    name: { fr: 'Startup Studio', en: 'Startup Studio' },
    description: {
      fr: "Le Startup Studio co-construit des startups avec les équipes porteuses d'une technologie déjà éprouvée : il aide à trouver les cofondateurs qui manquent et à bâtir l'entreprise.",
      en: 'The Startup Studio co-builds startups with teams that hold an already tested technology: it helps find the missing co-founders and build the company.',
    },
    rules: {
      version: 1,
      conditions: [
        {
          code: 'trl_at_least_3',
          when: { field: 'trl', op: 'gte', value: 3 },
          text: {
            fr: 'Niveau de maturité technologique (TRL) de 3 au moins',
            en: 'Technology readiness level (TRL) of 3 or above',
          },
        },
        {
          code: 'cofounder_or_company_building',
          when: {
            any: [
              { field: 'lookingForCofounder', op: 'isTrue' },
              { field: 'needs', op: 'includes', value: 'company_building' },
            ],
          },
          text: {
            fr: "Recherche d'un cofondateur ou besoin d'aide pour bâtir l'entreprise",
            en: 'Looking for a co-founder or needs help building the company',
          },
        },
      ],
      preferences: [
        {
          code: 'academic_affiliation',
          when: { field: 'academicAffiliation', op: 'in', value: [...ACADEMIC_AFFILIATIONS] },
          weight: 30,
          text: {
            fr: 'Rattachement académique (Inserm, PSL, Inria, AP-HP ou autre laboratoire)',
            en: 'Academic affiliation (Inserm, PSL, Inria, AP-HP or another lab)',
          },
        },
      ],
    },
  },
  {
    slug: 'external-incubator',
    kind: 'external',
    active: true,
    name: { fr: 'Incubateurs généralistes partenaires', en: 'Partner generalist incubators' },
    description: {
      fr: "Le guichet unique oriente vers des incubateurs généralistes partenaires les projets qu'aucun programme interne du campus ne couvre, en particulier ceux qui sortent du champ de la santé.",
      en: 'The one-stop shop refers to partner generalist incubators the projects that no internal campus programme covers, in particular those outside the health field.',
    },
    rules: {
      version: 1,
      fallback: true,
      conditions: [
        {
          code: 'needs_incubation_or_coaching',
          when: { field: 'needs', op: 'includesAny', value: ['incubation', 'coaching'] },
          text: { fr: "Besoin d'incubation ou de coaching", en: 'Needs incubation or coaching' },
        },
      ],
      preferences: [
        {
          code: 'domain_other',
          when: { field: 'domains', op: 'includes', value: 'other' },
          weight: 20,
          text: {
            fr: 'Projet touchant, en tout ou partie, un domaine hors santé',
            en: 'Project partly or fully outside the health field',
          },
        },
        {
          code: 'outside_health_only',
          when: {
            all: [
              { field: 'domains', op: 'includes', value: 'other' },
              { not: { field: 'domains', op: 'includesAny', value: [...HEALTH_DOMAINS] } },
            ],
          },
          weight: 20,
          text: {
            fr: "Projet entièrement hors du champ de la santé, qui relève d'un incubateur généraliste",
            en: 'Project entirely outside the health field, a fit for a generalist incubator',
          },
        },
      ],
    },
  },
  {
    slug: 'competitiveness-cluster',
    kind: 'external',
    active: true,
    name: { fr: 'Pôles de compétitivité', en: 'Competitiveness clusters' },
    description: {
      fr: 'Les pôles de compétitivité réunissent entreprises, laboratoires et financeurs autour de projets collaboratifs. Ils conviennent aux entreprises dont la technologie est mûre et qui cherchent des partenaires industriels, cliniques ou académiques.',
      en: 'Competitiveness clusters bring companies, labs and funders together around collaborative projects. They suit companies whose technology is mature and who are looking for industrial, clinical or academic partners.',
    },
    rules: {
      version: 1,
      conditions: [
        {
          code: 'incorporated',
          when: { field: 'incorporated', op: 'isTrue' },
          text: { fr: 'Entreprise immatriculée', en: 'Company incorporated' },
        },
        {
          code: 'mature_technology',
          when: {
            any: [
              { field: 'trl', op: 'gte', value: 6 },
              { field: 'stage', op: 'in', value: ['clinical_validation', 'market'] },
            ],
          },
          text: {
            fr: 'Technologie mûre : TRL de 6 au moins, ou stade de validation clinique ou de mise sur le marché',
            en: 'Mature technology: TRL 6 or above, or at the clinical validation or market stage',
          },
        },
      ],
      preferences: [
        {
          code: 'needs_partnerships',
          when: { field: 'needs', op: 'includes', value: 'partnerships' },
          weight: 30,
          text: { fr: 'Recherche de partenariats', en: 'Looking for partnerships' },
        },
      ],
    },
  },
];
