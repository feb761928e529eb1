import type { AppRole } from './config/app-config';

/**
 * What each of the `processes` HTTP processes of one machine runs when WEB_CONCURRENCY forks
 * them (node:cluster, all on one port): the first one the configured role — with `all`, the
 * queue worker as well — and the others `api` alone, so a machine has one set of queue
 * consumers and schedulers whatever the number of HTTP processes.
 */
export function clusterRoles(role: Exclude<AppRole, 'worker'>, processes: number): AppRole[] {
  return Array.from({ length: Math.max(1, processes) }, (_, i) => (i === 0 ? role : 'api'));
}
