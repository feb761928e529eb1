import { chaseStepDue, checkReferralMove, isShared, latestSendDayDue, median, partnerOutcomes, partnerReport, REFERRAL_STATUSES } from './referral-rules';

/** Paris 10:00 on that day, in December (UTC+1). */
const at = (day: string, hour = 10): Date => new Date(`${day}T${String(hour - 1).padStart(2, '0')}:00:00Z`);

describe('referral moves', () => {
  it('lets the founder answer the consent request once', () => {
    expect(checkReferralMove('awaiting_consent', 'sent', 'founder')).toEqual({ ok: true });
    expect(checkReferralMove('awaiting_consent', 'refused', 'founder')).toEqual({ ok: true });
    expect(checkReferralMove('awaiting_consent', 'accepted', 'partner').ok).toBe(false);
    expect(checkReferralMove('sent', 'refused', 'founder').ok).toBe(false);
    expect(checkReferralMove('refused', 'sent', 'founder')).toEqual({ ok: false, message: 'This referral is refused: it can no longer be answered' });
  });

  it('lets the partner answer a sent referral, and settle a proposed meeting', () => {
    for (const to of ['accepted', 'declined', 'meeting'] as const) expect(checkReferralMove('sent', to, 'partner')).toEqual({ ok: true });
    expect(checkReferralMove('meeting', 'accepted', 'partner')).toEqual({ ok: true });
    expect(checkReferralMove('meeting', 'declined', 'partner')).toEqual({ ok: true });
    expect(checkReferralMove('meeting', 'meeting', 'partner')).toEqual({ ok: false, message: 'A referral that is meeting can move to accepted, declined, not meeting' });
    expect(checkReferralMove('accepted', 'declined', 'partner').ok).toBe(false);
    expect(checkReferralMove('declined', 'accepted', 'partner').ok).toBe(false);
    expect(partnerOutcomes('sent')).toEqual(['accepted', 'declined', 'meeting']);
    expect(partnerOutcomes('meeting')).toEqual(['accepted', 'declined']);
    expect(partnerOutcomes('awaiting_consent')).toEqual([]);
  });

  it('shares nothing with the partner before consent or after a refusal', () => {
    expect(REFERRAL_STATUSES.filter(isShared)).toEqual(['sent', 'accepted', 'declined', 'meeting']);
  });
});

describe('silence chased', () => {
  // sent Monday 7 December 2026: 5 business days → Monday 14; 10 → Monday 21; 15 → Tuesday 29
  // (Friday 25 December is Christmas, a public holiday)
  const sent = at('2026-12-07');

  it('reminds after 5 and 10 business days, escalates after 15', () => {
    expect(chaseStepDue(sent, 0, at('2026-12-11'))).toBeNull(); // Friday: 4 business days
    expect(chaseStepDue(sent, 0, at('2026-12-14', 8))?.step).toBe(1);
    expect(chaseStepDue(sent, 1, at('2026-12-18'))).toBeNull();
    expect(chaseStepDue(sent, 1, at('2026-12-21'))?.step).toBe(2);
    expect(chaseStepDue(sent, 2, at('2026-12-28'))).toBeNull(); // 14 business days: 25 Dec does not count
    expect(chaseStepDue(sent, 2, at('2026-12-29'))).toMatchObject({ step: 3, kind: 'escalation', afterBusinessDays: 15 });
    expect(chaseStepDue(sent, 3, at('2027-02-01'))).toBeNull();
  });

  it('sends only the latest step due when a scan missed one', () => {
    expect(chaseStepDue(sent, 0, at('2026-12-22'))?.step).toBe(2);
  });

  it('counts in Paris days: 23:30 Paris on Sunday is still Sunday', () => {
    expect(chaseStepDue(sent, 0, new Date('2026-12-13T22:30:00Z'))).toBeNull();
    expect(chaseStepDue(sent, 0, new Date('2026-12-13T23:30:00Z'))?.step).toBe(1); // 00:30 Monday in Paris
  });

  it('finds the latest sending day due', () => {
    expect(latestSendDayDue('2026-12-14', 5)).toBe('2026-12-07');
    expect(latestSendDayDue('2026-12-29', 15)).toBe('2026-12-07');
    // Saturday 12: the 5th business day after Saturday 5 or Sunday 6 is Friday 11 → due
    expect(latestSendDayDue('2026-12-12', 5)).toBe('2026-12-06');
  });
});

describe('the per-partner report', () => {
  it('computes the median of odd and even counts', () => {
    expect(median([])).toBeNull();
    expect(median([3])).toBe(3);
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 10])).toBe(3.5);
  });

  it('counts sent, answered, accepted and declined per partner, with the median business days to answer', () => {
    const partners = [
      { id: 'b', name: 'Pôle Cluster Santé' },
      { id: 'a', name: 'Incubateur Paris Santé' },
      { id: 'c', name: 'Quiet Partner' },
    ];
    const report = partnerReport(partners, [
      // sent Monday 7 December: accepted Wednesday 9 (2 business days)
      { partnerId: 'a', status: 'accepted', sentAt: at('2026-12-07'), answeredAt: at('2026-12-09') },
      // sent Monday 7: declined Monday 14 (5)
      { partnerId: 'a', status: 'declined', sentAt: at('2026-12-07'), answeredAt: at('2026-12-14') },
      // sent Thursday 24 December: meeting Monday 28 (25 Dec is a holiday: 1 business day)
      { partnerId: 'a', status: 'meeting', sentAt: at('2026-12-24'), answeredAt: at('2026-12-28') },
      // not answered
      { partnerId: 'a', status: 'sent', sentAt: at('2026-12-10'), answeredAt: null },
      // answered the same day: 0
      { partnerId: 'b', status: 'accepted', sentAt: at('2026-12-08', 9), answeredAt: at('2026-12-08', 17) },
      { partnerId: 'b', status: 'declined', sentAt: at('2026-12-08'), answeredAt: at('2026-12-11') },
    ]);
    expect(report).toEqual([
      { partnerId: 'a', name: 'Incubateur Paris Santé', sent: 4, answered: 3, accepted: 1, declined: 1, medianBusinessDaysToAnswer: 2 },
      { partnerId: 'b', name: 'Pôle Cluster Santé', sent: 2, answered: 2, accepted: 1, declined: 1, medianBusinessDaysToAnswer: 1.5 },
      { partnerId: 'c', name: 'Quiet Partner', sent: 0, answered: 0, accepted: 0, declined: 0, medianBusinessDaysToAnswer: null },
    ]);
  });
});
