/** Moved to `src/common/http/auth.decorators.ts` (every folder's controllers use them); this path stays for code written against it. */
export * from '../common/http/auth.decorators';
