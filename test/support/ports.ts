/** A loopback port free at the time of asking (nothing listens on it until someone binds it). */
// @ts-expect-error plain ESM helper without types
import * as harness from '../../collector/harness.mjs';

export const freePort: () => Promise<number> = harness.freePort;
