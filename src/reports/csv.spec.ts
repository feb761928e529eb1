import { parseCsv as parse } from '../../test/support/csv';
import { csvCell, csvRow } from './csv';


describe('csv', () => {
  it('leaves plain text alone and writes null as an empty cell', () => {
    expect(csvCell('Cardiosense')).toBe('Cardiosense');
    expect(csvCell(null)).toBe('');
    expect(csvCell(undefined)).toBe('');
    expect(csvCell(3)).toBe('3');
    expect(csvCell(false)).toBe('false');
    expect(csvCell('2027-03-01T09:00:00.000Z')).toBe('2027-03-01T09:00:00.000Z');
    expect(csvCell('')).toBe('');
  });

  it('quotes commas, quotes, CR and LF, doubling quotes (RFC 4180)', () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('line1\nline2')).toBe('"line1\nline2"');
    expect(csvCell('x\ry')).toBe('"x\ry"');
  });

  it.each([
    ['=HYPERLINK("http://evil","x")', `"'=HYPERLINK(""http://evil"",""x"")"`],
    ['+1', "'+1"],
    ['-2', "'-2"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tTab', "'\tTab"],
    ['\rCR', `"'\rCR"`],
    ['=1,2', `"'=1,2"`],
  ])('neutralises the formula-like cell %j', (value, expected) => {
    expect(csvCell(value)).toBe(expected);
  });

  it('does not touch those characters elsewhere in a cell', () => {
    expect(csvCell('a=b+c-d@e')).toBe('a=b+c-d@e');
    expect(csvCell(' =1')).toBe(' =1');
  });

  it('round-trips rows through an RFC 4180 parser', () => {
    const values = ['plain', 'a,b', 'say "hi"', 'multi\r\nline', '', 'é ü 漢字 🚀', '=1+1'];
    const text = csvRow(['h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'h7']) + csvRow(values);
    expect(text.endsWith('\r\n')).toBe(true);
    expect(parse(text)).toEqual([['h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'h7'], [...values.slice(0, 6), "'=1+1"]]);
  });
});

describe('the excel dialect', () => {
  it('separates with semicolons and quotes a cell that holds one, not a comma', () => {
    expect(csvRow(['a,b', 'c;d', 'e"f', '=1+1', null], 'excel')).toBe('a,b;"c;d";"e""f";\'=1+1;\r\n');
    expect(csvRow(['a,b', 'c;d'])).toBe('"a,b",c;d\r\n');
  });
});
