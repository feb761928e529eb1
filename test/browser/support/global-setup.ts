import integrationSetup from '../../support/global-setup';
import { ensureChromium } from './chromium';

/** Chromium first (a clear message, or an install as root), then the migrated template database. */
export default async function globalSetup(): Promise<void> {
  ensureChromium();
  await integrationSetup();
}
