/**
 * One realistic context per email template (in French), for tests, benchmarks and previews.
 * Dates follow the service-level rules: a case submitted on Friday 27 November 2026 owes its
 * first response by Friday 4 December 23:59:59 and its decision by Tuesday 12 January 2027
 * (30 business days, Christmas and New Year's Day excluded), Europe/Paris.
 *
 * Use as `{ ...TEMPLATE_SAMPLES[name], locale: 'en' }` for the English version.
 */

import type { CaseRef, TemplateContexts, TemplateName } from './template-contexts';

const PUBLIC_URL = 'https://guichet.campus-sante.example';

const CARDIOSENSE: CaseRef = {
  id: '6f1c2a8e-3b4d-4e5f-9a7b-1c2d3e4f5a6b',
  reference: 'GU-2026-000123',
  startupName: 'CardioSense',
};

const NEUROVIGIE: CaseRef = {
  id: '0b7e4d21-95c3-4a8f-b6e2-7d1f0c9a3e54',
  reference: 'GU-2026-000131',
  startupName: 'NeuroVigie',
};

const DERMALYS: CaseRef = {
  id: 'c3a9f6b0-1d2e-4f7a-8b5c-9e0d1a2b3c4d',
  reference: 'GU-2026-000117',
  startupName: 'Dermalys',
};

const ORTHOMOVE: CaseRef = {
  id: '5d8e2f1a-7b6c-4d3e-a9f0-2b1c4d6e8f0a',
  reference: 'GU-2026-000098',
  startupName: 'OrthoMove',
};

const HHSF = { slug: 'human-health-startup-factory', name: 'Human Health Startup Factory', kind: 'internal' } as const;

const SUBMITTED_AT = new Date('2026-11-27T09:42:00Z'); // Friday 27 November 2026, 10:42 Paris
const FIRST_RESPONSE_DUE_AT = new Date('2026-12-04T22:59:59Z'); // Friday 4 December 2026, 23:59:59 Paris
const DECISION_DUE_AT = new Date('2027-01-12T22:59:59Z'); // Tuesday 12 January 2027, 23:59:59 Paris

export const TEMPLATE_SAMPLES: { [N in TemplateName]: TemplateContexts[N] } = {
  'application-received': {
    recipientName: 'Camille Martin',
    locale: 'fr',
    publicUrl: PUBLIC_URL,
    application: CARDIOSENSE,
    submittedAt: SUBMITTED_AT,
    firstResponseDueAt: FIRST_RESPONSE_DUE_AT,
    decisionDueAt: DECISION_DUE_AT,
    recommendations: [
      {
        name: 'Human Health Startup Factory',
        kind: 'internal',
        score: 50,
        reasons: [
          { code: 'incorporated_within_3_years', text: 'Entreprise immatriculée depuis 3 ans au plus' },
          { code: 'health_domain', text: 'Projet dans un domaine de la santé' },
          { code: 'needs_incubation_or_office_space', text: "Besoin d'incubation ou de bureaux" },
        ],
      },
      {
        name: 'Startup Studio',
        kind: 'internal',
        score: 30,
        reasons: [
          { code: 'trl_at_least_3', text: 'Niveau de maturité technologique (TRL) de 3 au moins' },
          {
            code: 'academic_affiliation',
            text: 'Rattachement académique (Inserm, PSL, Inria, AP-HP ou autre laboratoire)',
          },
        ],
      },
    ],
  },

  'case-assigned': {
    recipientName: 'Julien Moreau',
    locale: 'fr',
    publicUrl: PUBLIC_URL,
    application: { ...CARDIOSENSE, status: 'submitted' },
    assignedByName: 'Sophie Lefèvre',
    submittedAt: SUBMITTED_AT,
    firstResponseDueAt: FIRST_RESPONSE_DUE_AT,
    decisionDueAt: DECISION_DUE_AT,
    suggestedProgrammeName: 'Human Health Startup Factory',
  },

  'info-requested': {
    recipientName: 'Camille Martin',
    locale: 'fr',
    publicUrl: PUBLIC_URL,
    application: CARDIOSENSE,
    advisorName: 'Julien Moreau',
    message:
      'Bonjour, pourriez-vous préciser le calendrier de votre étude clinique ?\n' +
      'Et le budget R&D prévu pour 2027, si possible.',
    requestedAt: new Date('2026-12-01T14:05:00Z'),
    documents: ['financials', 'regulatory'],
  },

  'founder-replied': {
    recipientName: 'Julien Moreau',
    locale: 'fr',
    publicUrl: PUBLIC_URL,
    application: CARDIOSENSE,
    founderName: 'Camille Martin',
    message: "L'étude démarre en mars 2027 avec l'AP-HP ; le budget R&D est de 420 000 €.",
    repliedAt: new Date('2026-12-03T08:30:00Z'),
    decisionDueAt: new Date('2027-01-14T22:59:59Z'),
  },

  'decision-accepted': {
    recipientName: 'Camille Martin',
    locale: 'fr',
    publicUrl: PUBLIC_URL,
    application: CARDIOSENSE,
    programme: HHSF,
    advisorName: 'Julien Moreau',
    decidedAt: new Date('2026-12-10T15:20:00Z'),
    reason: 'Une équipe solide et une validation clinique déjà engagée avec l’AP-HP.',
    message: 'Bravo à toute l’équipe, et à très bientôt au campus !',
  },

  'decision-referred': {
    recipientName: 'Léa Dubois',
    locale: 'fr',
    publicUrl: PUBLIC_URL,
    application: ORTHOMOVE,
    programme: { slug: 'competitiveness-cluster', name: 'Pôles de compétitivité', kind: 'external' },
    advisorName: 'Julien Moreau',
    decidedAt: new Date('2026-12-08T10:00:00Z'),
    reason: 'Votre dispositif est prêt pour le marché : un pôle vous ouvrira les bons partenariats industriels.',
    message: null,
    reasons: [
      { code: 'incorporated', text: 'Entreprise immatriculée' },
      { code: 'trl_6_or_late_stage', text: 'TRL de 6 au moins, ou stade validation clinique ou marché' },
    ],
  },

  'decision-declined': {
    recipientName: 'Thomas Bernard',
    locale: 'fr',
    publicUrl: PUBLIC_URL,
    application: DERMALYS,
    advisorName: 'Julien Moreau',
    decidedAt: new Date('2026-12-09T16:45:00Z'),
    reason: 'Le projet ne relève pas encore de la santé numérique : la dimension logicielle reste à définir.',
    message: 'N’hésitez pas à revenir vers nous quand votre prototype logiciel sera prêt.',
  },

  'draft-reminder': {
    recipientName: 'Camille Martin',
    locale: 'fr',
    publicUrl: PUBLIC_URL,
    draft: NEUROVIGIE,
    createdAt: new Date('2026-11-16T18:12:00Z'),
    lastEditedAt: new Date('2026-11-20T21:03:00Z'),
    missingFields: ['projectSummary', 'trl', 'needs'],
  },

  'info-request-reminder': {
    recipientName: 'Camille Martin',
    locale: 'fr',
    publicUrl: PUBLIC_URL,
    application: CARDIOSENSE,
    advisorName: 'Julien Moreau',
    message: 'Pourriez-vous nous transmettre le plan de financement de votre étude clinique ?',
    requestedAt: new Date('2026-12-01T14:05:00Z'),
  },

  'sla-warning': {
    recipientName: 'Julien Moreau',
    locale: 'fr',
    publicUrl: PUBLIC_URL,
    application: { ...CARDIOSENSE, status: 'submitted' },
    serviceLevel: 'first_response',
    dueAt: FIRST_RESPONSE_DUE_AT,
  },

  'sla-breached': {
    recipientName: 'Sophie Lefèvre',
    locale: 'fr',
    publicUrl: PUBLIC_URL,
    application: { ...CARDIOSENSE, status: 'in_review' },
    serviceLevel: 'decision',
    dueAt: DECISION_DUE_AT,
    assigneeName: 'Julien Moreau',
    programmeName: 'Human Health Startup Factory',
  },

  'cohort-enrolled': {
    recipientName: 'Camille Martin',
    locale: 'fr',
    publicUrl: PUBLIC_URL,
    application: CARDIOSENSE,
    programme: HHSF,
    cohort: {
      id: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d',
      name: 'Printemps 2027',
      startsOn: '2027-03-01',
      endsOn: '2027-06-30',
    },
    milestones: [
      { title: 'Plan de développement clinique', dueOn: '2027-03-31' },
      { title: 'Dossier réglementaire (marquage CE)', dueOn: '2027-05-28' },
    ],
  },

  'seat-freed': {
    recipientName: 'Sophie Lefèvre',
    locale: 'fr',
    publicUrl: PUBLIC_URL,
    application: { ...CARDIOSENSE, status: 'in_review' },
    programme: HHSF,
    cohort: { id: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d', name: 'Printemps 2027' },
    capacity: 12,
    seatsLeft: 1,
  },

  'milestone-due': {
    recipientName: 'Camille Martin',
    locale: 'fr',
    publicUrl: PUBLIC_URL,
    audience: 'founder',
    application: CARDIOSENSE,
    programme: HHSF,
    cohort: { id: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d', name: 'Printemps 2027' },
    milestone: { id: 'e1d2c3b4-a5f6-4e7d-8c9b-0a1f2e3d4c5b', title: 'Plan de développement clinique', dueOn: '2027-03-31', daysLeft: 3 },
  },

  'weekly-digest-advisor': {
    recipientName: 'Julien Moreau',
    locale: 'fr',
    publicUrl: PUBLIC_URL,
    week: '2026-W49',
    periodStartsOn: '2026-11-23',
    periodEndsOn: '2026-11-29',
    unsubscribeUrl: `${PUBLIC_URL}/api/v1/unsubscribe?token=eyJ1IjoiYTFiMmMzIn0.c2lnbmF0dXJl`,
    openByStatus: { submitted: 3, in_review: 5, info_requested: 2 },
    openTotal: 10,
    atRisk: [{ ...CARDIOSENSE, serviceLevel: 'first_response', dueAt: FIRST_RESPONSE_DUE_AT }],
    breached: [{ ...ORTHOMOVE, serviceLevel: 'decision', dueAt: new Date('2026-11-26T22:59:59Z') }],
    newThisWeek: [{ ...NEUROVIGIE, assignedAt: new Date('2026-11-24T09:15:00Z'), status: 'submitted' }],
    waitingOnFounders: [{ ...DERMALYS, requestedAt: new Date('2026-11-17T13:00:00Z'), businessDaysWaiting: 9 }],
    closedLastWeek: 4,
  },

  'weekly-digest-manager': {
    recipientName: 'Sophie Lefèvre',
    locale: 'fr',
    publicUrl: PUBLIC_URL,
    week: '2026-W49',
    periodStartsOn: '2026-11-23',
    periodEndsOn: '2026-11-29',
    unsubscribeUrl: `${PUBLIC_URL}/api/v1/unsubscribe?token=eyJ1IjoiZDRlNWY2In0.c2lnbmF0dXJl`,
    programmes: [
      {
        slug: 'human-health-startup-factory',
        name: 'Human Health Startup Factory',
        kind: 'internal',
        funnel: { submitted: 12, accepted: 3, referred: 2, declined: 1, withdrawn: 1 },
        medianHoursToFirstResponse: 26.5,
        medianBusinessDaysToDecision: 17,
        openCohorts: [{ id: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d', name: 'Printemps 2027', capacity: 12, seatsLeft: 4 }],
        overdueMilestones: [
          {
            applicationId: DERMALYS.id,
            reference: DERMALYS.reference,
            startupName: DERMALYS.startupName,
            cohortName: 'Automne 2026',
            title: 'Premier prototype testé en centre de dermatologie',
            dueOn: '2026-11-20',
          },
        ],
        breaches: 2,
      },
      {
        slug: 'startup-studio',
        name: 'Startup Studio',
        kind: 'internal',
        funnel: { submitted: 0, accepted: 0, referred: 0, declined: 0, withdrawn: 0 },
        medianHoursToFirstResponse: null,
        medianBusinessDaysToDecision: null,
        openCohorts: [],
        overdueMilestones: [],
        breaches: 0,
      },
    ],
  },

  'retention-warning': {
    recipientName: 'Camille Martin',
    locale: 'fr',
    publicUrl: PUBLIC_URL,
    kind: 'draft',
    application: { ...NEUROVIGIE, status: 'draft' },
    lastActivityAt: new Date('2026-05-20T21:03:00Z'),
    purgeOn: '2026-12-18',
  },

  'new-message': {
    recipientName: 'Camille Martin',
    locale: 'fr',
    publicUrl: PUBLIC_URL,
    audience: 'founder',
    application: { ...CARDIOSENSE, status: 'in_review' },
    authorName: 'Julien Moreau',
    message: 'Pourriez-vous passer au campus jeudi ?\nNous aimerions voir le prototype.',
    sentAt: new Date('2026-12-03T08:30:00Z'),
  },

  'verify-email': {
    recipientName: 'Camille Martin',
    locale: 'fr',
    publicUrl: PUBLIC_URL,
    verifyUrl: `${PUBLIC_URL}/verify-email?token=q3Jx0kP9vZ2mB7nW4cT1yH8sL5dF6gA0eR3uI9oK2jM`,
    email: 'camille.martin@cardiosense.example',
    expiresAt: new Date('2026-12-08T09:42:00Z'),
  },

  'password-reset': {
    recipientName: 'Camille Martin',
    locale: 'fr',
    publicUrl: PUBLIC_URL,
    resetUrl: `${PUBLIC_URL}/password/reset?token=Zt7bN1xQ4wE8rY2uI6oP0aS3dF5gH9jK1lC4vB7nM2q`,
    email: 'camille.martin@cardiosense.example',
    expiresAt: new Date('2026-12-01T10:42:00Z'),
  },

  invitation: {
    recipientName: 'Julien Moreau',
    locale: 'fr',
    publicUrl: PUBLIC_URL,
    invitationUrl: `${PUBLIC_URL}/invitation?token=Lk8vC3xZ6bN9mQ2wE5rT8yU1iO4pA7sD0fG3hJ6kL9z`,
    email: 'julien.moreau@campus-sante.example',
    role: 'advisor',
    invitedByName: 'Sophie Lefèvre',
    expiresAt: new Date('2026-12-08T09:42:00Z'),
  },

  'referral-consent': {
    recipientName: 'Camille Martin',
    locale: 'fr',
    publicUrl: PUBLIC_URL,
    application: DERMALYS,
    referralId: '9a1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d',
    partnerName: 'Incubateur Paris Santé',
    partnerKind: 'incubator',
    advisorName: 'Claire Martin',
    note: 'Équipe solide, besoin d’un accompagnement à la levée de fonds.\nPremier rendez-vous souhaité avant janvier.',
  },

  'referral-received': {
    recipientName: 'Julie Bernard',
    locale: 'fr',
    publicUrl: PUBLIC_URL,
    application: DERMALYS,
    referralId: '9a1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d',
    partnerName: 'Incubateur Paris Santé',
    advisorName: 'Claire Martin',
    note: 'Équipe solide, besoin d’un accompagnement à la levée de fonds.',
    sentAt: new Date('2026-12-07T13:15:00Z'),
  },

  'referral-reminder': {
    recipientName: 'Julie Bernard',
    locale: 'fr',
    publicUrl: PUBLIC_URL,
    application: DERMALYS,
    referralId: '9a1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d',
    partnerName: 'Incubateur Paris Santé',
    sentAt: new Date('2026-12-07T13:15:00Z'),
    businessDays: 5,
  },

  'referral-answered': {
    recipientName: 'Camille Martin',
    locale: 'fr',
    publicUrl: PUBLIC_URL,
    audience: 'founder',
    application: DERMALYS,
    referralId: '9a1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d',
    partnerName: 'Incubateur Paris Santé',
    outcome: 'declined',
    reason: 'Notre promotion de printemps est complète ; revenez vers nous en septembre.',
    answeredAt: new Date('2026-12-10T08:30:00Z'),
  },

  'referral-escalated': {
    recipientName: 'Claire Martin',
    locale: 'fr',
    publicUrl: PUBLIC_URL,
    application: DERMALYS,
    referralId: '9a1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d',
    partnerName: 'Incubateur Paris Santé',
    sentAt: new Date('2026-12-07T13:15:00Z'),
    businessDays: 15,
  },
  'review-invited': {
    recipientName: 'Dr Anne Lemoine',
    locale: 'fr',
    publicUrl: PUBLIC_URL,
    review: { id: '9a3b5c7d-1e2f-4a6b-8c0d-2e4f6a8b0c1d', dueOn: '2026-12-16' },
    application: CARDIOSENSE,
    programmeName: 'Financement preuve de concept',
    invitedByName: 'Sophie Lefèvre',
    newAccount: true,
  },
  'review-reminder': {
    recipientName: 'Dr Anne Lemoine',
    locale: 'fr',
    publicUrl: PUBLIC_URL,
    review: { id: '9a3b5c7d-1e2f-4a6b-8c0d-2e4f6a8b0c1d', dueOn: '2026-12-16' },
    application: CARDIOSENSE,
    programmeName: 'Financement preuve de concept',
    declared: true,
  },
};
