/**
 * Points the official `mindee` SDK at a local fake. The SDK hard-codes https://<host> and checks that result_url
 * starts with https:// (api-contracts §3.4), so instead of a base URL we hand it an undici dispatcher that keeps
 * the path and swaps the origin for the fake's.
 */
import { dirname } from 'node:path';

import type { Dispatcher } from 'undici';

type Undici = typeof import('undici');

/**
 * The undici copy the SDK itself loads (mindee/node_modules/undici if it has its own, else the top-level one):
 * a dispatcher from another copy would work by duck typing at best.
 */
export function undiciUsedByMindee(): Undici {
	const mindeeEntry = require.resolve('mindee');
	return require(require.resolve('undici', { paths: [dirname(mindeeEntry)] })) as Undici;
}

/** A dispatcher that sends every request the SDK makes to `fakeUrl` (e.g. MindeeFake.url). Close it after use. */
export function mindeeDispatcherFor(fakeUrl: string): Dispatcher {
	const { Agent } = undiciUsedByMindee();
	const origin = new URL(fakeUrl).origin;
	return new Agent().compose((dispatch) => (options, handler) => dispatch({ ...options, origin }, handler));
}
