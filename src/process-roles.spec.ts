import { clusterRoles } from './process-roles';

describe('clusterRoles', () => {
  it('runs the queue worker in the first process only', () => {
    expect(clusterRoles('all', 3)).toEqual(['all', 'api', 'api']);
  });

  it('keeps api everywhere for an API machine', () => {
    expect(clusterRoles('api', 2)).toEqual(['api', 'api']);
  });

  it('never forks fewer than one process', () => {
    expect(clusterRoles('all', 0)).toEqual(['all']);
  });
});
