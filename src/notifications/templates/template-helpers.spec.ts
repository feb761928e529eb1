import {
  buildUrl,
  formatDate,
  formatDateRange,
  formatDateTime,
  formatNumber,
  formatPeriod,
  formatShortDate,
  plural,
  quoteText,
  truncate,
} from './template-helpers';
import { STATUS_LABELS, UnknownLabelError, label } from './template-labels';
import { CASE_STATUSES } from '../../domain/case-state-machine';

describe('date helpers (Europe/Paris, recipient locale)', () => {
  it('formats an instant as its Paris calendar day', () => {
    const endOfFriday = new Date('2026-12-04T22:59:59Z'); // Friday 23:59:59 in Paris (UTC+1)
    expect(formatDate(endOfFriday, 'fr')).toBe('vendredi 4 décembre 2026');
    expect(formatDate(endOfFriday, 'en')).toBe('Friday 4 December 2026');
    // 23:30 UTC on Friday is already Saturday in Paris
    expect(formatDate(new Date('2026-12-04T23:30:00Z'), 'fr')).toBe('samedi 5 décembre 2026');
    // summer time (UTC+2)
    expect(formatDate(new Date('2026-06-30T22:30:00Z'), 'en')).toBe('Wednesday 1 July 2026');
  });

  it('formats a YYYY-MM-DD calendar day as that very day', () => {
    expect(formatDate('2027-03-31', 'fr')).toBe('mercredi 31 mars 2027');
    expect(formatDate('2027-03-31', 'en')).toBe('Wednesday 31 March 2027');
  });

  it('writes the first of the month "1er" in French', () => {
    expect(formatDate('2026-12-01', 'fr')).toBe('mardi 1er décembre 2026');
    expect(formatShortDate('2026-12-01', 'fr')).toBe('1er déc. 2026');
    expect(formatDate('2026-12-01', 'en')).toBe('Tuesday 1 December 2026');
  });

  it('formats date and time, Paris time', () => {
    expect(formatDateTime(new Date('2026-12-04T22:59:59Z'), 'fr')).toBe('vendredi 4 décembre 2026 à 23 h 59, heure de Paris');
    expect(formatDateTime(new Date('2026-12-04T22:59:59Z'), 'en')).toBe('Friday 4 December 2026 at 23:59, Paris time');
    // the zone is said, even in summer time, and single-digit hours read naturally
    expect(formatDateTime(new Date('2027-06-01T07:05:00Z'), 'fr')).toBe('mardi 1er juin 2027 à 9 h 05, heure de Paris');
    expect(formatDateTime(new Date('2027-06-01T07:05:00Z'), 'en')).toBe('Tuesday 1 June 2027 at 09:05, Paris time');
  });

  it('formats short dates and ranges', () => {
    expect(formatShortDate('2026-12-18', 'fr')).toBe('18 déc. 2026');
    expect(formatShortDate('2026-12-18', 'en')).toBe('18 Dec 2026');
    expect(formatDateRange('2026-11-23', '2026-11-29', 'fr')).toBe('23–29 novembre 2026');
    expect(formatDateRange('2026-11-23', '2026-11-29', 'en')).toMatch(/^23\s?–\s?29 November 2026$/);
  });

  it('formats a period as a phrase, eliding what the end date already says', () => {
    expect(formatPeriod('2026-11-23', '2026-11-29', 'fr')).toBe('du 23 au 29 novembre 2026');
    expect(formatPeriod('2026-11-30', '2026-12-06', 'fr')).toBe('du 30 novembre au 6 décembre 2026');
    expect(formatPeriod('2026-12-28', '2027-01-03', 'fr')).toBe('du 28 décembre 2026 au 3 janvier 2027');
    expect(formatPeriod('2026-12-01', '2026-12-07', 'fr')).toBe('du 1er au 7 décembre 2026');
    expect(formatPeriod('2026-11-23', '2026-11-29', 'en')).toBe('from 23 to 29 November 2026');
    expect(formatPeriod('2026-12-28', '2027-01-03', 'en')).toBe('from 28 December 2026 to 3 January 2027');
  });

  it('rejects what is not a date', () => {
    expect(() => formatDate(undefined as never, 'fr')).toThrow(/a missing context field/);
    expect(() => formatDate('2026-02-30', 'fr')).toThrow(/expected a Date or a YYYY-MM-DD day/);
    expect(() => formatDate(new Date(Number.NaN), 'fr')).toThrow(/invalid Date/);
    expect(() => formatDateTime('2026-12-04' as never, 'fr')).toThrow(/expected a Date/);
    expect(() => formatPeriod(new Date(), '2026-12-04', 'fr')).toThrow(/not one of each/);
  });
});

describe('plural', () => {
  it('follows each language: French counts 0 as singular, English does not', () => {
    expect(plural(0, 'dossier', 'dossiers', 'fr')).toBe('dossier');
    expect(plural(1, 'dossier', 'dossiers', 'fr')).toBe('dossier');
    expect(plural(2, 'dossier', 'dossiers', 'fr')).toBe('dossiers');
    expect(plural(1_000_000, 'dossier', 'dossiers', 'fr')).toBe('dossiers');
    expect(plural(0, 'case', 'cases', 'en')).toBe('cases');
    expect(plural(1, 'case', 'cases', 'en')).toBe('case');
    expect(plural(2, 'case', 'cases', 'en')).toBe('cases');
    expect(() => plural(undefined as never, 'a', 'b', 'en')).toThrow(/expected a count/);
  });
});

describe('formatNumber', () => {
  it('keeps one decimal at most, with the locale separator', () => {
    expect(formatNumber(26.54, 'fr')).toBe('26,5');
    expect(formatNumber(26.54, 'en')).toBe('26.5');
    expect(formatNumber(17, 'fr')).toBe('17');
    expect(() => formatNumber(Number.NaN, 'fr')).toThrow(/finite number/);
  });
});

describe('buildUrl', () => {
  it('joins publicUrl and encoded segments, whatever trailing slashes publicUrl has', () => {
    expect(buildUrl('https://guichet.example', ['applications', 'abc'])).toBe('https://guichet.example/applications/abc');
    expect(buildUrl('https://guichet.example//', ['me', 'export'])).toBe('https://guichet.example/me/export');
    expect(buildUrl('https://guichet.example', ['a b', '../x?y'])).toBe('https://guichet.example/a%20b/..%2Fx%3Fy');
    expect(buildUrl('https://guichet.example/', [])).toBe('https://guichet.example');
  });

  it('refuses a missing segment rather than linking to /applications/undefined', () => {
    expect(() => buildUrl('https://guichet.example', ['applications', undefined])).toThrow(/non-empty string/);
    expect(() => buildUrl('https://guichet.example', ['applications', ''])).toThrow(/non-empty string/);
  });
});

describe('truncate and quoteText', () => {
  it('truncates on a character boundary with an ellipsis', () => {
    expect(truncate('CardioSense', 60)).toBe('CardioSense');
    expect(truncate('abcdefghij', 5)).toBe('abcd…');
    expect(truncate('ab  cdefgh', 4)).toBe('ab…');
    expect(truncate('😀😀😀😀😀😀', 4)).toBe('😀😀😀…');
  });

  it('quotes each line the way mail clients do', () => {
    expect(quoteText('Bonjour,\n\nune question ?\r\nMerci')).toBe('> Bonjour,\n>\n> une question ?\n> Merci');
  });
});

describe('labels', () => {
  it('names every case status in both languages', () => {
    for (const status of CASE_STATUSES) {
      expect(STATUS_LABELS[status].fr).not.toBe('');
      expect(STATUS_LABELS[status].en).not.toBe('');
      expect(label('fr', `status.${status}`)).toBe(STATUS_LABELS[status].fr);
    }
    expect(label('en', 'status.info_requested')).toBe('Information requested');
    expect(label('fr', 'kind.external')).toBe('partenaire extérieur');
    expect(() => label('fr', 'status.lost')).toThrow(UnknownLabelError);
  });
});
