import { acceptedContentType, contentDisposition, missingDocumentKinds, sanitizeFilename } from './document-rules';

describe('document rules', () => {
  it('accepts the listed formats only, a plain zip and unknown bytes included in the refusals', () => {
    expect(acceptedContentType('pdf')).toBe('application/pdf');
    expect(acceptedContentType('jpg')).toBe('image/jpeg');
    expect(acceptedContentType('odp')).toBe('application/vnd.oasis.opendocument.presentation');
    for (const refused of ['zip', 'exe', 'elf', 'html', 'xml', 'gif', 'doc', undefined]) expect(acceptedContentType(refused)).toBeNull();
    expect(acceptedContentType('constructor')).toBeNull();
  });

  it('keeps a file name readable but harmless', () => {
    expect(sanitizeFilename('C:\\Users\\léa\\Pitch deck.pdf')).toBe('Pitch deck.pdf');
    expect(sanitizeFilename('../../etc/passwd')).toBe('passwd');
    expect(sanitizeFilename('a\r\nContent-Type: text<html>.pdf')).toBe('a__Content-Type_ text_html_.pdf');
    expect(sanitizeFilename('...')).toBe('document');
    expect(sanitizeFilename(undefined)).toBe('document');
    const long = sanitizeFilename(`${'x'.repeat(400)}.pdf`);
    expect(long).toHaveLength(255);
    expect(long.endsWith('.pdf')).toBe(true);
  });

  it('writes Content-Disposition as an attachment with an RFC 6266 filename*', () => {
    expect(contentDisposition('Présentation "finale"; v2.pdf')).toBe(
      `attachment; filename="Presentation _finale__ v2.pdf"; filename*=UTF-8''Pr%C3%A9sentation%20_finale_%3B%20v2.pdf`,
    );
    expect(contentDisposition("deck (1)'s.pdf")).toBe(`attachment; filename="deck (1)'s.pdf"; filename*=UTF-8''deck%20%281%29%27s.pdf`);
    expect(contentDisposition('日本.pdf')).toBe(`attachment; filename=".pdf"; filename*=UTF-8''%E6%97%A5%E6%9C%AC.pdf`);
  });

  it('lists each required kind the application lacks, once', () => {
    expect(missingDocumentKinds(['pitch_deck', 'team_cv', 'pitch_deck'], ['team_cv', 'other'])).toEqual(['pitch_deck']);
    expect(missingDocumentKinds([], [])).toEqual([]);
  });
});
