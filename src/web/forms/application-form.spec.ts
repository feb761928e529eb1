import { errorKey, errorsByField, formValuesOf, readApplicationForm } from './application-form';

describe('the application form as posted', () => {
  it('turns controls into the API’s fields: numbers, yes/no, lists, empty as cleared', () => {
    const { update, values } = readApplicationForm({
      _csrf: 'x',
      action: 'save',
      startupName: ' Cardiosense ',
      projectSummary: '',
      trl: '3',
      teamSize: '12',
      fundingSoughtEur: '150 000',
      domains: ['medtech', 'ai'],
      needs: 'funding',
      incorporated: 'false',
      incorporationDate: '2026-01-01',
      lookingForCofounder: 'true',
      website: '',
    });
    expect(update).toEqual({
      startupName: ' Cardiosense ',
      projectSummary: null,
      stage: null,
      trl: 3,
      domains: ['medtech', 'ai'],
      needs: ['funding'],
      incorporated: false,
      incorporationDate: null,
      siren: null,
      academicAffiliation: null,
      lookingForCofounder: true,
      teamSize: 12,
      fundingSoughtEur: 150000,
      website: null,
    });
    expect(values.fundingSoughtEur).toBe('150 000');
    expect(values.needs).toEqual(['funding']);
  });

  it('leaves a value that is not a whole number as text, for the DTO to refuse', () => {
    expect(readApplicationForm({ trl: 'three', teamSize: '2.5' }).update).toMatchObject({ trl: 'three', teamSize: '2.5' });
  });

  it('fills the controls from a saved application', () => {
    expect(formValuesOf({ startupName: 'A', trl: 4, incorporated: false, domains: ['ai'] })).toMatchObject({ startupName: 'A', trl: '4', incorporated: 'false', domains: ['ai'], needs: [], siren: '' });
  });

  it('names the page message of each API error', () => {
    expect(errorKey({ field: 'teamSize', messages: ['teamSize is required to submit'] })).toBe('form.teamSize.required');
    expect(errorKey({ field: 'incorporationDate', messages: ['incorporationDate must not be in the future'] })).toBe('form.incorporationDate.future');
    expect(errorKey({ field: 'domains[1]', messages: ['each value in domains must be one of …'] })).toBe('form.domains.invalid');
    const byField = errorsByField(
      [
        { field: 'teamSize', messages: ['teamSize is required to submit'] },
        { field: 'trl', messages: ['trl must not be greater than 9'] },
        { field: 'trl', messages: ['trl is required to submit'] },
      ],
      (key) => key,
    );
    // one message per field, in the order of the form
    expect(byField).toEqual({ trl: 'form.trl.invalid', teamSize: 'form.teamSize.required' });
    expect(Object.keys(byField)).toEqual(['trl', 'teamSize']);
  });
});
