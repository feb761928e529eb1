import { Foundation1795824000000 } from './migrations/1795824000000-foundation';
import { Applications1795824000001 } from './migrations/1795824000001-applications';
import { CaseWorkflow1795824000002 } from './migrations/1795824000002-case-workflow';
import { Notifications1795824000003 } from './migrations/1795824000003-notifications';
import { Digests1795824000004 } from './migrations/1795824000004-digests';
import { Cohorts1795824000005 } from './migrations/1795824000005-cohorts';
import { ReportIndexes1795824000006 } from './migrations/1795824000006-report-indexes';
import { FunnelRollup1795824000007 } from './migrations/1795824000007-funnel-rollup';
import { CaseSearch1795824100000 } from './migrations/1795824100000-case-search';
import { ErasableEventTexts1795824200000 } from './migrations/1795824200000-erasable-event-texts';
import { AccountLifecycle1795824300000 } from './migrations/1795824300000-account-lifecycle';
import { Documents1795824500000 } from './migrations/1795824500000-documents';
import { Webhooks1795824600000 } from './migrations/1795824600000-webhooks';
import { ExternalRoles1795824650000 } from './migrations/1795824650000-external-roles';
import { SavedViews1795824700000 } from './migrations/1795824700000-saved-views';
import { Reviews1795824900000 } from './migrations/1795824900000-reviews';
import { Referrals1795825000000 } from './migrations/1795825000000-referrals';
import { EmailLeases1795825100000 } from './migrations/1795825100000-email-leases';
import { LeanerIndexes1795825400000 } from './migrations/1795825400000-leaner-indexes';
import { SavedViewsVersion1795825500000 } from './migrations/1795825500000-saved-views-version';
import { StaffListIndex1795825600000 } from './migrations/1795825600000-staff-list-index';

/** Every migration, in order. Listed explicitly so that compiled and test runs load the same set. */
export const MIGRATIONS = [Foundation1795824000000, Applications1795824000001, CaseWorkflow1795824000002, Notifications1795824000003, Digests1795824000004, Cohorts1795824000005, ReportIndexes1795824000006, FunnelRollup1795824000007, CaseSearch1795824100000, ErasableEventTexts1795824200000, AccountLifecycle1795824300000, Documents1795824500000, Webhooks1795824600000, ExternalRoles1795824650000, SavedViews1795824700000, Reviews1795824900000, Referrals1795825000000, EmailLeases1795825100000, LeanerIndexes1795825400000, SavedViewsVersion1795825500000, StaffListIndex1795825600000];
