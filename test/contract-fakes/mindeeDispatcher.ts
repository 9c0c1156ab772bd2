/**
 * Points the official `mindee` SDK at a local fake. The SDK hard-codes https://<host> and checks that result_url
 * starts with https:// (api-contracts §3.4), so instead of a base URL we hand it an undici dispatcher that keeps
 * the path and swaps the origin for the fake's.
 */
import type { Dispatcher } from 'undici';

// The undici copy the SDK itself loads: a dispatcher from another copy would work by duck typing at best.
import { undiciUsedByMindee } from '../../src/mindee/client';

export { undiciUsedByMindee };

/** A dispatcher that sends every request the SDK makes to `fakeUrl` (e.g. MindeeFake.url). Close it after use. */
export function mindeeDispatcherFor(fakeUrl: string): Dispatcher {
	const { Agent } = undiciUsedByMindee();
	const origin = new URL(fakeUrl).origin;
	return new Agent().compose((dispatch) => (options, handler) => dispatch({ ...options, origin }, handler));
}
