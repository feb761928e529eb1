/** Moved to `src/domain/case-state-machine.ts` (below every folder that needs it); this path stays for code written against it. */
export * from '../domain/case-state-machine';
