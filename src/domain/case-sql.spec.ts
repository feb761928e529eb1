import { CASE_STATUSES } from './case-state-machine';
import { decisionRunning, DECISION_CLOCK_STATUSES, decisionRunningSql, firstResponseRunning, firstResponseRunningSql, statusIn } from './case-sql';

describe('case-sql', () => {
  it('the clocks run where the service levels say: first response while submitted and unanswered, decision while submitted or in review', () => {
    for (const status of CASE_STATUSES) {
      expect(firstResponseRunning(status, null)).toBe(status === 'submitted');
      expect(firstResponseRunning(status, new Date())).toBe(false);
      expect(decisionRunning(status)).toBe(status === 'submitted' || status === 'in_review');
    }
  });

  it('writes each status list once, as SQL text of the same statuses', () => {
    expect(decisionRunningSql('x')).toBe(statusIn('x.status', DECISION_CLOCK_STATUSES));
    expect(firstResponseRunningSql()).toBe("a.status = 'submitted' AND a.first_responded_at IS NULL");
    expect(() => statusIn('a.status', [])).toThrow();
  });
});
