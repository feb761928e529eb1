/** Moved to `src/domain/business-calendar.ts` (below every folder that needs it); this path stays for code written against it. */
export * from '../domain/business-calendar';
