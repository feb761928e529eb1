/** Moved to `src/domain/service-level.ts` (below every folder that needs it); this path stays for code written against it. */
export * from '../domain/service-level';
