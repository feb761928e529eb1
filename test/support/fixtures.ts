/** A complete application a founder could submit: Inserm team, idea stage, needs funding. */
export const COMPLETE_APPLICATION = {
  startupName: 'Cardiosense',
  projectSummary: 'A wearable patch that detects atrial fibrillation early, born in an Inserm cardiology lab in Paris.',
  stage: 'idea',
  trl: 3,
  domains: ['medtech', 'ai'],
  needs: ['funding', 'coaching'],
  incorporated: false,
  academicAffiliation: 'inserm',
  lookingForCofounder: false,
  teamSize: 3,
  fundingSoughtEur: 150000,
  website: 'https://cardiosense.example',
};

/** A valid SIREN (Luhn key holds). */
export const VALID_SIREN = '732829320';
