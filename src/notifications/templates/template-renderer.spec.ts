import { cpSync, mkdtempSync, readdirSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Handlebars from 'handlebars';
import {
  TEMPLATE_LOCALES,
  TEMPLATE_NAMES,
  type TemplateContexts,
  type TemplateLocale,
  type TemplateName,
} from './template-contexts';
import { buildUrl, formatDate, formatDateTime, formatNumber } from './template-helpers';
import { label } from './template-labels';
import {
  DEFAULT_TEMPLATES_DIR,
  type RenderedEmail,
  TemplateLoadError,
  TemplateRenderError,
  TemplateRenderer,
  findTemplatesDir,
} from './template-renderer';
import { TEMPLATE_SAMPLES } from './template-samples';

const renderer = TemplateRenderer.load(DEFAULT_TEMPLATES_DIR);

function sample<N extends TemplateName>(name: N, locale: TemplateLocale): TemplateContexts[N] {
  return { ...TEMPLATE_SAMPLES[name], locale };
}

function render<N extends TemplateName>(name: N, context: TemplateContexts[N]): RenderedEmail {
  return renderer.render(name, context);
}

const escapeHtml = (text: string): string => Handlebars.escapeExpression(text);
const HTML_TAG = /<\/?[a-z][a-z0-9-]*(\s[^<>]*)?\/?>/i;
const HTML_ENTITY = /&(#\d+|#x[0-9a-f]+|[a-z][a-z0-9]*);/i;
/** What a broken context or template leaves behind. */
const LEFTOVERS = /undefined|\[object Object\]|NaN|Invalid Date|\{\{|\}\}/;

/**
 * What each email must show, in the text part as it is and in the HTML part escaped: the facts
 * of the event (reference, startup, programme, the person's words, dates, counts) and the link.
 */
type Expectation<N extends TemplateName> = (context: TemplateContexts[N], locale: TemplateLocale) => string[];
const EXPECTED: { [N in TemplateName]: Expectation<N> } = {
  'application-received': (c, l) => [
    c.application.reference,
    c.application.startupName,
    formatDateTime(c.submittedAt, l),
    formatDate(c.firstResponseDueAt, l),
    formatDate(c.decisionDueAt, l),
    ...c.recommendations.flatMap((r) => [r.name, String(r.score), ...r.reasons.map((reason) => reason.text)]),
    buildUrl(c.publicUrl, ['applications', c.application.id]),
  ],
  'case-assigned': (c, l) => [
    c.application.reference,
    c.application.startupName,
    label(l, `status.${c.application.status}`),
    c.assignedByName ?? '',
    formatDate(c.submittedAt, l),
    c.firstResponseDueAt === null ? '' : formatDateTime(c.firstResponseDueAt, l),
    formatDateTime(c.decisionDueAt, l),
    c.suggestedProgrammeName ?? '',
    buildUrl(c.publicUrl, ['staff', 'cases', c.application.id]),
  ],
  'info-requested': (c, l) => [
    c.application.reference,
    c.application.startupName,
    c.advisorName,
    ...c.message.split('\n'),
    formatDateTime(c.requestedAt, l),
    buildUrl(c.publicUrl, ['applications', c.application.id]),
    ...c.documents.map((kind) => label(l, `document.${kind}`)),
  ],
  'new-message': (c, l) => [
    c.application.reference,
    c.application.startupName,
    c.authorName,
    ...c.message.split('\n'),
    formatDateTime(c.sentAt, l),
    buildUrl(c.publicUrl, c.audience === 'staff' ? ['staff', 'cases', c.application.id] : ['applications', c.application.id]),
  ],
  'founder-replied': (c, l) => [
    c.application.reference,
    c.application.startupName,
    c.founderName,
    c.message,
    formatDateTime(c.repliedAt, l),
    formatDateTime(c.decisionDueAt, l),
    buildUrl(c.publicUrl, ['staff', 'cases', c.application.id]),
  ],
  'decision-accepted': (c, l) => [
    c.application.reference,
    c.application.startupName,
    c.programme.name,
    c.reason ?? '',
    c.message ?? '',
    c.advisorName,
    c.message === null ? '' : formatDateTime(c.decidedAt, l), // the date heads the advisor's message
    buildUrl(c.publicUrl, ['applications', c.application.id]),
  ],
  'decision-referred': (c) => [
    c.application.reference,
    c.application.startupName,
    c.programme.name,
    c.reason ?? '',
    ...c.reasons.map((reason) => reason.text),
    c.advisorName,
    buildUrl(c.publicUrl, ['applications', c.application.id]),
  ],
  'decision-declined': (c, l) => [
    c.application.reference,
    c.application.startupName,
    c.reason,
    c.message ?? '',
    c.message === null ? '' : formatDateTime(c.decidedAt, l),
    buildUrl(c.publicUrl, ['applications', c.application.id]),
  ],
  'draft-reminder': (c, l) => [
    c.draft.reference,
    c.draft.startupName,
    formatDate(c.createdAt, l),
    formatDate(c.lastEditedAt, l),
    ...c.missingFields.map((field) => label(l, `field.${field}`)),
    buildUrl(c.publicUrl, ['applications', c.draft.id]),
  ],
  'info-request-reminder': (c, l) => [
    c.application.reference,
    c.application.startupName,
    c.advisorName,
    c.message,
    formatDate(c.requestedAt, l),
    buildUrl(c.publicUrl, ['applications', c.application.id]),
  ],
  'sla-warning': (c, l) => [
    c.application.reference,
    c.application.startupName,
    label(l, `serviceLevel.${c.serviceLevel}`),
    formatDateTime(c.dueAt, l),
    buildUrl(c.publicUrl, ['staff', 'cases', c.application.id]),
  ],
  'sla-breached': (c, l) => [
    c.application.reference,
    c.application.startupName,
    label(l, `serviceLevel.${c.serviceLevel}`),
    formatDateTime(c.dueAt, l),
    c.assigneeName ?? '',
    c.programmeName ?? '',
    buildUrl(c.publicUrl, ['staff', 'cases', c.application.id]),
  ],
  'cohort-enrolled': (c, l) => [
    c.application.reference,
    c.application.startupName,
    c.programme.name,
    c.cohort.name,
    formatDate(c.cohort.startsOn, l),
    formatDate(c.cohort.endsOn, l),
    ...c.milestones.flatMap((m) => [m.title, formatDate(m.dueOn, l)]),
    buildUrl(c.publicUrl, ['applications', c.application.id]),
  ],
  'seat-freed': (c, l) => [
    c.application.reference,
    c.application.startupName,
    label(l, `status.${c.application.status}`),
    c.cohort.name,
    c.programme.name,
    String(c.seatsLeft),
    String(c.capacity),
    buildUrl(c.publicUrl, ['cohorts', c.cohort.id]),
  ],
  'milestone-due': (c, l) => [
    c.milestone.title,
    c.cohort.name,
    c.programme.name,
    formatDate(c.milestone.dueOn, l),
    c.audience === 'founder'
      ? buildUrl(c.publicUrl, ['applications', c.application.id])
      : buildUrl(c.publicUrl, ['cohorts', c.cohort.id]),
  ],
  'weekly-digest-advisor': (c, l) => [
    String(c.openTotal),
    String(c.openByStatus.submitted),
    String(c.openByStatus.in_review),
    String(c.openByStatus.info_requested),
    String(c.closedLastWeek),
    ...[...c.atRisk, ...c.breached].flatMap((x) => [
      x.reference,
      x.startupName,
      formatDateTime(x.dueAt, l),
      buildUrl(c.publicUrl, ['staff', 'cases', x.id]),
    ]),
    ...c.newThisWeek.flatMap((x) => [x.reference, x.startupName, formatDate(x.assignedAt, l)]),
    ...c.waitingOnFounders.flatMap((x) => [x.reference, x.startupName, formatDate(x.requestedAt, l)]),
    c.unsubscribeUrl,
  ],
  'weekly-digest-manager': (c, l) => [
    ...c.programmes.flatMap((p) => [
      p.name,
      String(p.funnel.submitted),
      String(p.funnel.accepted),
      String(p.funnel.referred),
      String(p.funnel.declined),
      String(p.funnel.withdrawn),
      String(p.breaches),
      p.medianHoursToFirstResponse === null ? '—' : `${formatNumber(p.medianHoursToFirstResponse, l)} h`,
      p.medianBusinessDaysToDecision === null ? '—' : formatNumber(p.medianBusinessDaysToDecision, l),
      ...p.openCohorts.flatMap((cohort) => [cohort.name, String(cohort.seatsLeft), String(cohort.capacity)]),
      ...p.overdueMilestones.flatMap((m) => [
        m.title,
        m.reference,
        m.startupName,
        m.cohortName,
        formatDate(m.dueOn, l),
        buildUrl(c.publicUrl, ['staff', 'cases', m.applicationId]),
      ]),
    ]),
    c.unsubscribeUrl,
  ],
  'retention-warning': (c, l) => [
    c.application.reference,
    c.application.startupName,
    formatDate(c.lastActivityAt, l),
    formatDate(c.purgeOn, l),
    buildUrl(c.publicUrl, ['me', 'export']),
  ],
  'verify-email': (c, l) => [c.email, formatDateTime(c.expiresAt, l), c.verifyUrl],
  'password-reset': (c, l) => [c.email, formatDateTime(c.expiresAt, l), c.resetUrl],
  invitation: (c, l) => [c.email, label(l, `role.${c.role}`), c.invitedByName ?? '', formatDateTime(c.expiresAt, l), c.invitationUrl],
  'referral-consent': (c, l) => [
    c.application.reference,
    c.application.startupName,
    c.partnerName,
    label(l, `partnerKind.${c.partnerKind}`),
    c.advisorName ?? '',
    ...(c.note ?? '').split('\n'),
    buildUrl(c.publicUrl, ['referrals', c.referralId, 'consent']),
  ],
  'referral-received': (c, l) => [
    c.application.reference,
    c.application.startupName,
    c.partnerName,
    c.advisorName ?? '',
    c.note ?? '',
    formatDateTime(c.sentAt, l),
    buildUrl(c.publicUrl, ['partner', 'referrals', c.referralId]),
  ],
  'referral-reminder': (c, l) => [
    c.application.reference,
    c.application.startupName,
    c.partnerName,
    String(c.businessDays),
    formatDateTime(c.sentAt, l),
    buildUrl(c.publicUrl, ['partner', 'referrals', c.referralId]),
  ],
  'referral-answered': (c, l) => [
    c.application.reference,
    c.application.startupName,
    c.partnerName,
    c.reason ?? '',
    formatDateTime(c.answeredAt, l),
    buildUrl(c.publicUrl, ['applications', c.application.id]),
  ],
  'referral-escalated': (c, l) => [
    c.application.reference,
    c.application.startupName,
    c.partnerName,
    String(c.businessDays),
    formatDateTime(c.sentAt, l),
    buildUrl(c.publicUrl, ['applications', c.application.id]),
  ],
  'review-invited': (c, l) => [c.application.reference, c.application.startupName, c.programmeName, c.invitedByName ?? '', formatDate(c.review.dueOn, l), buildUrl(c.publicUrl, ['reviews', c.review.id])],
  'review-reminder': (c, l) => [c.application.reference, c.application.startupName, c.programmeName, formatDate(c.review.dueOn, l), buildUrl(c.publicUrl, ['reviews', c.review.id])],
};

/** The same checks for every email, whatever the template. */
function expectWellFormed<N extends TemplateName>(name: N, context: TemplateContexts[N], email: RenderedEmail): void {
  const where = `${name} (${context.locale})`;
  expect({ where, subject: email.subject.length > 0 }).toEqual({ where, subject: true });
  expect(email.subject).not.toMatch(/[\r\n]/);
  expect(email.subject.length).toBeLessThan(150);
  expect(email.subject).toBe(email.subject.trim());

  expect(email.html.startsWith('<!DOCTYPE html>')).toBe(true);
  expect(email.html).toContain(`<html lang="${context.locale}">`);
  expect(email.html).toContain(`<title>${escapeHtml(email.subject)}</title>`);
  const footer = context.locale === 'fr' ? 'Guichet — campus santé numérique' : 'Guichet — digital-health campus';
  expect(email.html).toContain(footer);
  expect(email.html).not.toMatch(/<script|<link|<img|@import|url\(/i);

  expect(email.text.trim().length).toBeGreaterThan(200);
  expect(email.text).toContain(`\n\n-- \n${footer}\n`);
  if (context.locale === 'en') {
    // English from top to bottom: not one French word of ours (people's words and names aside)
    const theirs: string[] = [];
    const collect = (value: unknown): void => {
      if (typeof value === 'string') theirs.push(...value.split('\n').filter((line) => line.trim() !== ''));
      else if (Array.isArray(value)) value.forEach(collect);
      else if (value !== null && typeof value === 'object' && !(value instanceof Date)) Object.values(value).forEach(collect);
    };
    collect(context);
    const ours = (text: string): string => theirs.sort((a, b) => b.length - a.length).reduce((rest, words) => rest.split(words).join(''), text);
    for (const part of [email.subject, email.text]) expect({ where, french: ours(part).match(/\b(campus santé|numérique|Bonjour|cordialement|dossier|heure de Paris|jalon)\b/gi) }).toEqual({ where, french: null });
  }
  expect(email.text).not.toMatch(/\n{3,}/);
  expect(email.text.replace('\n-- \n', '\n')).not.toMatch(/^\s|[ \t]\n/); // no stray spaces

  for (const part of [email.subject, email.html, email.text]) expect(part).not.toMatch(LEFTOVERS);

  // the recipient is greeted by name, in their language
  const greeting = context.locale === 'fr' ? 'Bonjour' : 'Hello';
  expect(email.text).toContain(`${greeting} ${context.recipientName},`);
  expect(email.html).toContain(`${greeting} ${escapeHtml(context.recipientName)},`);

  // a digest can be left in one click; other emails offer no unsubscribe link
  if ('unsubscribeUrl' in context && typeof context.unsubscribeUrl === 'string') {
    expect(email.html).toContain(`href="${escapeHtml(context.unsubscribeUrl)}"`);
    expect(email.text).toContain(context.unsubscribeUrl);
  } else {
    expect(email.html).not.toMatch(/unsubscribe|désabonner/i);
  }
}

function expectShows<N extends TemplateName>(name: N, context: TemplateContexts[N], email: RenderedEmail): void {
  const values = EXPECTED[name](context, context.locale).filter((value) => value !== '');
  const missingInText = values.filter((value) => !email.text.includes(value));
  const missingInHtml = values.filter((value) => !email.html.includes(escapeHtml(value)));
  expect({ name, missingInText, missingInHtml }).toEqual({ name, missingInText: [], missingInHtml: [] });
}

function expectPlainText(email: RenderedEmail): void {
  expect(email.text).not.toMatch(HTML_TAG);
  expect(email.text).not.toMatch(HTML_ENTITY);
  expect(email.subject).not.toMatch(HTML_ENTITY);
}

describe('TemplateRenderer: every template, both locales, rendered for real', () => {
  const cases = TEMPLATE_NAMES.flatMap((name) => TEMPLATE_LOCALES.map((locale) => [name, locale] as const));

  it.each(cases)('%s (%s) is complete, shows its facts and links, and its text part is plain text', (name, locale) => {
    const context = sample(name, locale);
    const email = render(name, context);
    expectWellFormed(name, context, email);
    expectShows(name, context, email);
    expectPlainText(email);
  });

  it.each(TEMPLATE_NAMES)('%s reads differently in French and in English', (name) => {
    const fr = render(name, sample(name, 'fr'));
    const en = render(name, sample(name, 'en'));
    expect(fr.subject).not.toBe(en.subject);
    expect(fr.text).not.toBe(en.text);
    expect(fr.html).not.toBe(en.html);
    expect(fr.text).toContain('Bonjour');
    expect(en.text).toContain('Hello');
  });

  it.each([
    [3, 'in 3 days', 'dans 3 jours'],
    [1, 'tomorrow', 'demain'],
    [0, 'today', 'aujourd’hui'],
  ])('says how many days are left before a milestone (%i), for the founder and the managers', (daysLeft, en, fr) => {
    for (const audience of ['founder', 'manager'] as const) {
      const base = sample('milestone-due', 'en');
      const context = { ...base, audience, milestone: { ...base.milestone, daysLeft } };
      const english = render('milestone-due', context);
      const french = render('milestone-due', { ...context, locale: 'fr' });
      expect(english.text).toContain(en);
      expect(french.text).toContain(fr);
      expect(english.html).toContain(en);
      expect(french.html).toContain(fr);
      for (const email of [english, french]) expect(email.text).not.toMatch(/three days|trois jours/);
    }
  });

  it('formats dates in Europe/Paris, in the recipient’s language', () => {
    const fr = render('application-received', sample('application-received', 'fr'));
    const en = render('application-received', sample('application-received', 'en'));
    expect(fr.text).toContain('au plus tard le vendredi 4 décembre 2026');
    expect(fr.text).toContain('déposée le vendredi 27 novembre 2026 à 10 h 42, heure de Paris');
    expect(en.text).toContain('by Friday 4 December 2026 at the latest');
    expect(en.text).toContain('submitted on Friday 27 November 2026 at 10:42, Paris time');
  });

  it('shows people’s words as written in the text part: no &amp; and no &#x27;', () => {
    const email = render('founder-replied', sample('founder-replied', 'fr'));
    expect(email.text).toContain("> L'étude démarre en mars 2027 avec l'AP-HP ; le budget R&D est de 420 000 €.");
    expect(email.html).toContain('L&#x27;étude démarre en mars 2027 avec l&#x27;AP-HP ; le budget R&amp;D');
  });

  it('keeps the line breaks of a multi-line message in both parts', () => {
    const email = render('info-requested', sample('info-requested', 'en'));
    expect(email.html).toContain('calendrier de votre étude clinique ?<br>\nEt le budget R&amp;D');
    expect(email.text).toContain(
      '> Bonjour, pourriez-vous préciser le calendrier de votre étude clinique ?\n> Et le budget R&D prévu',
    );
  });

  it('uses French typography in French: no-break spaces before colons and question marks', () => {
    const email = render('application-received', sample('application-received', 'fr'));
    expect(email.text).toContain('Et maintenant\u00a0?');
    expect(email.subject).not.toMatch(/ [:?!]/);
    expect(email.text).not.toMatch(/[^\s] [:;?!](\s|$)/m);
  });
});

describe('TemplateRenderer: the optional branches render too', () => {
  const variants: { [N in TemplateName]?: TemplateContexts[N][] } = {
    'application-received': [{ ...TEMPLATE_SAMPLES['application-received'], recommendations: [] }],
    'case-assigned': [
      { ...TEMPLATE_SAMPLES['case-assigned'], assignedByName: null, firstResponseDueAt: null, suggestedProgrammeName: null },
    ],
    'decision-accepted': [{ ...TEMPLATE_SAMPLES['decision-accepted'], reason: null, message: null }],
    'decision-referred': [{ ...TEMPLATE_SAMPLES['decision-referred'], reason: null, message: 'À bientôt', reasons: [] }],
    'decision-declined': [{ ...TEMPLATE_SAMPLES['decision-declined'], message: null }],
    'draft-reminder': [{ ...TEMPLATE_SAMPLES['draft-reminder'], missingFields: [] }],
    'sla-warning': [{ ...TEMPLATE_SAMPLES['sla-warning'], serviceLevel: 'decision' }],
    'sla-breached': [{ ...TEMPLATE_SAMPLES['sla-breached'], assigneeName: null, programmeName: null }],
    'referral-consent': [{ ...TEMPLATE_SAMPLES['referral-consent'], advisorName: null, note: null, partnerKind: 'cluster' }],
    'referral-received': [{ ...TEMPLATE_SAMPLES['referral-received'], advisorName: null, note: null }],
    'referral-answered': [
      { ...TEMPLATE_SAMPLES['referral-answered'], outcome: 'accepted', reason: null },
      { ...TEMPLATE_SAMPLES['referral-answered'], outcome: 'meeting', reason: 'Mardi 15 décembre, 10 h, dans nos locaux' },
      { ...TEMPLATE_SAMPLES['referral-answered'], audience: 'staff' },
    ],
    'cohort-enrolled': [{ ...TEMPLATE_SAMPLES['cohort-enrolled'], milestones: [] }],
    'milestone-due': [{ ...TEMPLATE_SAMPLES['milestone-due'], audience: 'manager', recipientName: 'Sophie Lefèvre' }],
    invitation: [
      { ...TEMPLATE_SAMPLES.invitation, invitedByName: null },
      { ...TEMPLATE_SAMPLES.invitation, role: 'programme_manager' },
      { ...TEMPLATE_SAMPLES.invitation, role: 'admin' },
      { ...TEMPLATE_SAMPLES.invitation, role: 'expert' },
    ],
    'review-invited': [{ ...TEMPLATE_SAMPLES['review-invited'], invitedByName: null, newAccount: false }],
    'review-reminder': [{ ...TEMPLATE_SAMPLES['review-reminder'], declared: false }],
    'retention-warning': [
      {
        ...TEMPLATE_SAMPLES['retention-warning'],
        kind: 'closed_case',
        application: { ...TEMPLATE_SAMPLES['retention-warning'].application, status: 'declined' },
      },
    ],
    'weekly-digest-advisor': [
      {
        ...TEMPLATE_SAMPLES['weekly-digest-advisor'],
        openByStatus: { submitted: 0, in_review: 0, info_requested: 0 },
        openTotal: 0,
        atRisk: [],
        breached: [],
        newThisWeek: [],
        waitingOnFounders: [],
        closedLastWeek: 0,
      },
    ],
    'weekly-digest-manager': [{ ...TEMPLATE_SAMPLES['weekly-digest-manager'], programmes: [] }],
  };
  const cases = Object.entries(variants).flatMap(([name, contexts]) =>
    (contexts as TemplateContexts[TemplateName][]).flatMap((context, index) =>
      TEMPLATE_LOCALES.map((locale) => [name as TemplateName, index, locale, { ...context, locale }] as const),
    ),
  );

  it.each(cases)('%s variant %d (%s)', (name, _index, _locale, context) => {
    const email = renderer.render(name, context as never);
    expectWellFormed(name, context, email);
    expectShows(name, context as never, email);
    expectPlainText(email);
  });

  it('says what the branch means', () => {
    const auto = render('case-assigned', { ...sample('case-assigned', 'fr'), assignedByName: null });
    expect(auto.text).toContain('attribué automatiquement');
    const manager = render('milestone-due', { ...sample('milestone-due', 'en'), audience: 'manager' });
    expect(manager.text).toContain('cohort dashboard');
    expect(manager.text).toContain(TEMPLATE_SAMPLES['milestone-due'].application.startupName);
    const closed = render('retention-warning', { ...sample('retention-warning', 'fr'), kind: 'closed_case' });
    expect(closed.subject).toContain('Les données de votre dossier');
    const quiet = render('weekly-digest-advisor', { ...sample('weekly-digest-advisor', 'en'), breached: [] });
    expect(quiet.text).toContain('No overdue cases.');
    const zeroFr = render('weekly-digest-advisor', { ...sample('weekly-digest-advisor', 'fr'), openTotal: 0 });
    expect(zeroFr.subject).toContain('0 dossier ouvert,'); // French singular for zero
    const zeroEn = render('weekly-digest-advisor', { ...sample('weekly-digest-advisor', 'en'), openTotal: 0 });
    expect(zeroEn.subject).toContain('0 open cases,');
  });
});

describe('TemplateRenderer: hostile input', () => {
  const HOSTILE_NAME = '<script>alert(1)</script> & "Co"';
  const HOSTILE_MESSAGE = `<img src=x onerror=alert(1)>\nMerci & à bientôt, l'équipe`;

  /** Every startupName and every person's text in the context replaced by hostile ones. */
  function poison(value: unknown): unknown {
    if (value instanceof Date || value === null || typeof value !== 'object') return value;
    if (Array.isArray(value)) return value.map(poison);
    return Object.fromEntries(
      Object.entries(value).map(([key, inner]) => {
        if (key === 'startupName') return [key, HOSTILE_NAME];
        if ((key === 'message' || key === 'reason') && typeof inner === 'string') return [key, HOSTILE_MESSAGE];
        return [key, poison(inner)];
      }),
    );
  }

  const aboutCases = TEMPLATE_NAMES.filter((name) => JSON.stringify(TEMPLATE_SAMPLES[name]).includes('startupName'));
  const cases = aboutCases.flatMap((name) => TEMPLATE_LOCALES.map((locale) => [name, locale] as const));

  it('covers every template: those about a case here, the account emails below', () => {
    expect([...TEMPLATE_NAMES].filter((name) => !aboutCases.includes(name)).sort()).toEqual(['invitation', 'password-reset', 'verify-email']);
  });

  it.each(TEMPLATE_LOCALES)('account emails (%s) escape a hostile name and address in HTML and show them as written in text', (locale) => {
    for (const name of ['verify-email', 'password-reset', 'invitation'] as const) {
      const base = sample(name, locale);
      const email = renderer.render(name, { ...base, recipientName: HOSTILE_NAME, email: `"<b>x</b>"@evil.example`, ...(name === 'invitation' ? { invitedByName: HOSTILE_NAME } : {}) } as never);
      expect(email.html).not.toContain('<script');
      expect(email.html).not.toContain('<b>x</b>');
      expect(email.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Co&quot;');
      expect(email.text).toContain(HOSTILE_NAME);
      expect(email.text).toContain('"<b>x</b>"@evil.example');
      expect(email.subject).not.toMatch(/[\r\n]/);
    }
  });

  it.each(cases)('%s (%s) escapes it in HTML and shows it as written in text', (name, locale) => {
    const context = poison(sample(name, locale)) as TemplateContexts[typeof name];
    const email = renderer.render(name, context as never);
    expect(email.html).not.toContain('<script');
    expect(email.html).not.toContain('<img');
    expect(email.html).not.toMatch(/"Co"/);
    expect(email.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Co&quot;');
    expect(`${email.subject}\n${email.text}`).toContain(HOSTILE_NAME);
    expect(email.subject).not.toMatch(/[\r\n]/);
    const usesMessage = JSON.stringify(context).includes('onerror');
    if (usesMessage) {
      expect(email.html).toContain('&lt;img src&#x3D;x onerror&#x3D;alert(1)&gt;');
      expect(email.text).toContain('> <img src=x onerror=alert(1)>\n> Merci & à bientôt, l\'équipe');
    }
  });

  it('escapes a hostile startup name in the HTML title and body of application-received', () => {
    const email = render('application-received', { ...sample('application-received', 'fr'), application: { ...TEMPLATE_SAMPLES['application-received'].application, startupName: HOSTILE_NAME } });
    expect(email.html).toContain('<strong>&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Co&quot;</strong>');
    expect(email.html).toContain('<title>Candidature GU-2026-000123 bien reçue — &lt;script&gt;');
    expect(email.subject).toBe(`Candidature GU-2026-000123 bien reçue — ${HOSTILE_NAME}`);
    expect(email.text).toContain(`votre candidature pour ${HOSTILE_NAME}, déposée`);
  });

  it('keeps a startup name with line breaks out of the subject’s structure', () => {
    const email = render('case-assigned', {
      ...sample('case-assigned', 'en'),
      application: { ...TEMPLATE_SAMPLES['case-assigned'].application, startupName: 'Evil\r\nBcc: victim@example.com' },
    });
    expect(email.subject).toBe('Case GU-2026-000123 assigned to you — Evil Bcc: victim@example.com');
  });

  it('shortens a very long startup name in subjects', () => {
    const long = 'A'.repeat(120);
    const email = render('application-received', {
      ...sample('application-received', 'en'),
      application: { ...TEMPLATE_SAMPLES['application-received'].application, startupName: long },
    });
    expect(email.subject.length).toBeLessThan(150);
    expect(email.subject).toContain(`${'A'.repeat(59)}…`);
    expect(email.text).toContain(long);
  });
});

describe('TemplateRenderer: strict rendering', () => {
  it('throws, naming the template and the field, when the context lacks a printed value', () => {
    const context = sample('application-received', 'fr');
    const { reference: _reference, ...withoutReference } = context.application;
    expect(() => render('application-received', { ...context, application: withoutReference as never })).toThrow(
      TemplateRenderError,
    );
    expect(() => render('application-received', { ...context, application: withoutReference as never })).toThrow(
      /application-received \(fr, subject\).*"reference" not defined/,
    );
  });

  it('throws when a helper gets a missing or malformed value', () => {
    const context = sample('sla-warning', 'en');
    expect(() => render('sla-warning', { ...context, dueAt: undefined as never })).toThrow(/sla-warning \(en, html\).*formatDateTime/);
    expect(() => render('sla-warning', { ...context, dueAt: new Date('nope') })).toThrow(/invalid Date/);
    expect(() => render('sla-warning', { ...context, serviceLevel: 'lunch' as never })).toThrow(/unknown label "serviceLevel.lunch"/);
    expect(() =>
      render('cohort-enrolled', {
        ...sample('cohort-enrolled', 'fr'),
        cohort: { ...TEMPLATE_SAMPLES['cohort-enrolled'].cohort, startsOn: '01/03/2027' },
      }),
    ).toThrow(/expected a Date or a YYYY-MM-DD day/);
  });

  it('refuses an unknown locale or template', () => {
    expect(() => render('sla-warning', { ...sample('sla-warning', 'en'), locale: 'de' as never })).toThrow(
      /sla-warning \(de.*unknown template or locale/,
    );
    expect(() => renderer.render('no-such-template' as never, sample('sla-warning', 'en') as never)).toThrow(TemplateRenderError);
  });

  it('tolerates a trailing slash on publicUrl', () => {
    const email = render('sla-warning', { ...sample('sla-warning', 'en'), publicUrl: 'https://guichet.example/' });
    expect(email.text).toContain(`https://guichet.example/staff/cases/${TEMPLATE_SAMPLES['sla-warning'].application.id}`);
  });

  // staff open a case on their own page of it, founders on theirs: a link never sends one to the other's
  describe.each(TEMPLATE_LOCALES)('links in staff emails (%s)', (locale) => {
    const base = 'https://guichet.campus-sante.example';
    it.each(['case-assigned', 'founder-replied', 'sla-warning', 'sla-breached'] as const)('%s opens the staff page of the case', (name) => {
      const email = render(name, sample(name, locale));
      const id = TEMPLATE_SAMPLES[name].application.id;
      for (const part of [email.html, email.text]) {
        expect(part).toContain(`${base}/staff/cases/${id}`);
        expect(part).not.toContain(`${base}/applications/`);
      }
    });

    it('new-message opens the staff page for staff and the application page for the founder', () => {
      const staff = render('new-message', { ...sample('new-message', locale), audience: 'staff' });
      const founder = render('new-message', sample('new-message', locale));
      const id = TEMPLATE_SAMPLES['new-message'].application.id;
      expect(staff.html).toContain(`${base}/staff/cases/${id}`);
      expect(staff.text).not.toContain(`${base}/applications/`);
      expect(founder.html).toContain(`${base}/applications/${id}`);
      expect(founder.text).not.toContain('/staff/');
    });

    it.each(['weekly-digest-advisor', 'weekly-digest-manager'] as const)('%s links to the staff inbox and staff case pages', (name) => {
      const email = render(name, sample(name, locale));
      for (const part of [email.html, email.text]) {
        expect(part).toContain(`${base}/staff/inbox`);
        expect(part).not.toMatch(/campus-sante\.example\/applications\//);
      }
    });
  });
});

describe('TemplateRenderer.load', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'guichet-templates-'));
    cpSync(DEFAULT_TEMPLATES_DIR, dir, { recursive: true });
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  function loadError(): TemplateLoadError {
    try {
      TemplateRenderer.load(dir);
    } catch (error) {
      if (error instanceof TemplateLoadError) return error;
      throw error;
    }
    throw new Error('load() should have failed');
  }

  it('loads a complete copy', () => {
    expect(() => TemplateRenderer.load(dir)).not.toThrow();
  });

  it('fails naming the file when a template part is missing', () => {
    unlinkSync(join(dir, 'case-assigned', 'en.text.hbs'));
    const error = loadError();
    expect(error.message).toContain(join('case-assigned', 'en.text.hbs'));
    expect(error.message).toContain('missing file');
    expect(error.problems).toEqual([{ file: join('case-assigned', 'en.text.hbs'), message: 'missing file' }]);
  });

  it('fails naming the file when a whole locale is missing', () => {
    for (const part of ['subject', 'html', 'text']) unlinkSync(join(dir, 'sla-breached', `en.${part}.hbs`));
    expect(loadError().problems.map((problem) => problem.file)).toEqual([
      join('sla-breached', 'en.subject.hbs'),
      join('sla-breached', 'en.html.hbs'),
      join('sla-breached', 'en.text.hbs'),
    ]);
  });

  it('fails naming the file when the layout is missing', () => {
    unlinkSync(join(dir, 'layouts', 'base.html.hbs'));
    expect(loadError().message).toContain(join('layouts', 'base.html.hbs'));
  });

  it('fails naming the file and the line on a syntax error', () => {
    writeFileSync(join(dir, 'sla-warning', 'fr.html.hbs'), '<p>Bonjour {{recipientName}}</p>\n{{#if dueAt}}\n<p>oups</p>\n');
    const error = loadError();
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0].file).toBe(join('sla-warning', 'fr.html.hbs'));
    expect(error.message).toMatch(/sla-warning\/fr\.html\.hbs: .*(Parse error|doesn't match)/s);
  });

  it('fails on an unknown helper at load time, not at render time', () => {
    writeFileSync(join(dir, 'draft-reminder', 'en.subject.hbs'), 'Since {{formatDat lastEditedAt}}');
    const error = loadError();
    expect(error.problems[0].file).toBe(join('draft-reminder', 'en.subject.hbs'));
    expect(error.problems[0].message).toContain('formatDat');
  });

  it('fails on a helper called with the wrong number of arguments', () => {
    writeFileSync(join(dir, 'sla-warning', 'en.text.hbs'), 'Hello {{recipientName}}\n{{formatDate dueAt "long"}}\n');
    writeFileSync(join(dir, 'partials', 'button.html.hbs'), '<a href="{{href}}">{{plural label}}</a>');
    expect(loadError().problems).toEqual([
      { file: join('partials', 'button.html.hbs'), message: 'plural takes 3 argument(s), not 1 on line 1' },
      { file: join('sla-warning', 'en.text.hbs'), message: 'formatDate takes 1 argument(s), not 2 on line 2' },
    ]);
  });

  it('fails on an unknown partial, and on a partial missing in one flavour', () => {
    writeFileSync(join(dir, 'founder-replied', 'fr.html.hbs'), '{{> nowhere}}');
    unlinkSync(join(dir, 'partials', 'signature.text.hbs'));
    const messages = loadError().problems.map((problem) => `${problem.file}: ${problem.message}`);
    expect(messages).toContain(`${join('founder-replied', 'fr.html.hbs')}: uses the partial "nowhere" but partials/nowhere.html.hbs does not exist`);
    expect(messages).toContain(
      `${join('application-received', 'fr.text.hbs')}: uses the partial "signature" but partials/signature.text.hbs does not exist`,
    );
  });

  it('fails on an empty file and on a missing folder', () => {
    writeFileSync(join(dir, 'cohort-enrolled', 'en.subject.hbs'), '  \n');
    expect(loadError().problems).toEqual([{ file: join('cohort-enrolled', 'en.subject.hbs'), message: 'empty file' }]);
    expect(() => TemplateRenderer.load(join(dir, 'nope'))).toThrow(/templates folder does not exist/);
  });

  it('has one folder per template name, no more, no less', () => {
    const folders = readdirSync(DEFAULT_TEMPLATES_DIR, { withFileTypes: true })
      // web/ holds the web pages' views (src/web/views), not emails
      .filter((entry) => entry.isDirectory() && entry.name !== 'layouts' && entry.name !== 'partials' && entry.name !== 'web')
      .map((entry) => entry.name)
      .sort();
    expect(folders).toEqual([...TEMPLATE_NAMES].sort());
  });
});

describe('DEFAULT_TEMPLATES_DIR', () => {
  it('is the repository templates folder, found from src/ and from dist/', () => {
    const repoTemplates = join(__dirname, '..', '..', '..', 'templates');
    expect(DEFAULT_TEMPLATES_DIR).toBe(repoTemplates);
    const repoRoot = join(repoTemplates, '..');
    expect(findTemplatesDir(join(repoRoot, 'dist', 'notifications', 'templates'))).toBe(repoTemplates);
    expect(findTemplatesDir(tmpdir())).toBeUndefined();
  });
});
