import { humanSize, kindChecklist, requestedKinds, uploadRefusal } from './document-presenter';

const spaces = (text: string): string => text.replace(/[\u00a0\u202f]/g, ' ');

describe('document presenter', () => {
  it('gives sizes in words of the page’s language, 1 kB being 1 024 bytes', () => {
    expect(spaces(humanSize(850, 'fr'))).toBe('850 octets');
    expect(humanSize(850, 'en')).toBe('850 bytes');
    expect(spaces(humanSize(12 * 1024, 'fr'))).toBe('12 ko');
    expect(humanSize(12 * 1024 + 300, 'en')).toBe('12 kB');
    expect(spaces(humanSize(Math.round(3.4 * 1024 * 1024), 'fr'))).toBe('3,4 Mo');
    expect(humanSize(Math.round(3.4 * 1024 * 1024), 'en')).toBe('3.4 MB');
    expect(humanSize(20 * 1024 * 1024, 'en')).toBe('20 MB');
  });

  it('keeps one formatter per language, unit and precision, whatever was asked before', () => {
    // sizes of every unit and both precisions, in both languages, asked in turns and twice over:
    // a formatter remembered under too coarse a key would answer one with another's words
    const cases: [number, 'fr' | 'en', string][] = [
      [20 * 1024 * 1024, 'en', '20 MB'],
      [Math.round(3.4 * 1024 * 1024), 'en', '3.4 MB'],
      [Math.round(3.4 * 1024 * 1024), 'fr', '3,4 Mo'],
      [20 * 1024 * 1024, 'fr', '20 Mo'],
      [850, 'fr', '850 octets'],
      [850, 'en', '850 bytes'],
      [12 * 1024, 'en', '12 kB'],
      [12 * 1024, 'fr', '12 ko'],
    ];
    for (const [bytes, locale, words] of [...cases, ...[...cases].reverse()]) expect(spaces(humanSize(bytes, locale))).toBe(words);
  });

  it('says each refusal beside the field it is about', () => {
    expect(uploadRefusal(415, 'file')).toEqual({ field: 'file', key: 'documents.errors.type' });
    expect(uploadRefusal(413, 'file')).toEqual({ field: 'file', key: 'documents.errors.tooLarge' });
    expect(uploadRefusal(409, undefined)).toEqual({ field: 'file', key: 'documents.errors.tooMany' });
    expect(uploadRefusal(422, undefined)).toEqual({ field: 'file', key: 'documents.errors.notEditable' });
    expect(uploadRefusal(400, 'kind')).toEqual({ field: 'kind', key: 'documents.errors.kind' });
    expect(uploadRefusal(400, 'file')).toEqual({ field: 'file', key: 'documents.errors.file' });
    expect(uploadRefusal(503, undefined)).toBeNull();
  });

  it('lists the documents the latest information request named, while it waits for them', () => {
    const event = (at: string, to: string, documents?: string[]) => ({ id: at, at, type: 'status_changed', actor: null, public: true, data: { to, ...(documents ? { documents } : {}) } });
    const events = [event('2026-11-01T10:00:00.000Z', 'info_requested', ['financials']), event('2026-11-02T10:00:00.000Z', 'in_review'), event('2026-11-03T10:00:00.000Z', 'info_requested', ['pitch_deck', 'team_cv'])];
    expect(requestedKinds(events, 'info_requested')).toEqual(['pitch_deck', 'team_cv']);
    expect(requestedKinds(events, 'in_review')).toEqual([]);
    expect(requestedKinds([event('2026-11-01T10:00:00.000Z', 'info_requested')], 'info_requested')).toEqual([]);
  });

  it('ticks the kinds already attached', () => {
    expect(kindChecklist(['pitch_deck', 'team_cv', 'pitch_deck'], [{ kind: 'team_cv' }])).toEqual([
      { kind: 'pitch_deck', attached: false },
      { kind: 'team_cv', attached: true },
    ]);
  });
});
