import { parseCookies, safeReturnPath } from './web-context';

describe('where to go back after signing in', () => {
  it.each([
    ['/applications/123', '/applications/123'],
    ['/applications?lang=en', '/applications?lang=en'],
    ['//evil.example/x', null],
    ['/\\evil.example', null],
    ['https://evil.example', null],
    ['applications', null],
    ['/a b', null],
    [undefined, null],
  ])('%s → %s', (given, expected) => {
    expect(safeReturnPath(given)).toBe(expected);
  });
});

describe('cookies', () => {
  it('are read from the header', () => {
    expect(parseCookies('a=1; guichet_session=abc.def; lang=en%20x')).toEqual({ a: '1', guichet_session: 'abc.def', lang: 'en x' });
    expect(parseCookies(undefined)).toEqual({});
  });
});
