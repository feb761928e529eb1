/** Moved to `src/domain/document-rules.ts`; this path stays for code written against it. */
export * from '../domain/document-rules';
