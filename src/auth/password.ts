/** Moved to `src/users/password.ts` (the users table's home hashes passwords); this path stays for code written against it. */
export * from '../users/password';
