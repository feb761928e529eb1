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

/** An incorporated medtech startup: its top recommendation is the Human Health Startup Factory. */
export const HHSF_PROFILE = {
  incorporated: true,
  incorporationDate: '2026-01-15',
  stage: 'prototype',
  trl: 5,
  domains: ['medtech'],
  needs: ['incubation', 'office_space'],
  academicAffiliation: 'none',
  lookingForCofounder: false,
};
