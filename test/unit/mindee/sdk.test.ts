/**
 * What src/mindee/client.ts relies on inside the mindee SDK, beyond its documented API. The package pins the exact
 * SDK version; an upgrade that changes any of these fails here first, with the reason, rather than in production.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { undiciUsedByMindee } from '../../../src/mindee/client';

const repoRoot = join(__dirname, '..', '..', '..');
const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as { version?: string; dependencies?: Record<string, string> };

describe('the mindee SDK internals the client uses', () => {
	test('package.json pins one exact version, and that version is the one installed', () => {
		const pinned = readJson(join(repoRoot, 'package.json')).dependencies?.mindee;
		expect(pinned).toMatch(/^\d+\.\d+\.\d+$/);
		expect(readJson(require.resolve('mindee/package.json')).version).toBe(pinned);
	});

	test('Client keeps its API object in `mindeeApi` with getProductResultByUrl (used to fetch a result_url with our retries)', async () => {
		const mindee = await import('mindee');
		const client = new mindee.Client({ apiKey: 'not-used', debug: false }) as unknown as { mindeeApi?: { getProductResultByUrl?: unknown } };
		expect(typeof client.mindeeApi?.getProductResultByUrl).toBe('function');
	});

	test('the V2 extraction product, buffer inputs, and raw HTTP results are where the client looks for them', async () => {
		const mindee = await import('mindee');
		expect(typeof mindee.product.Extraction).toBe('function');
		expect(typeof mindee.BufferInput).toBe('function');
		expect(typeof (mindee.Client.prototype as unknown as Record<string, unknown>).enqueue).toBe('function');
		expect(typeof (mindee.Client.prototype as unknown as Record<string, unknown>).getJob).toBe('function');
		// getResult() returns response.getRawHttp(): the document exactly as the API sent it.
		expect(typeof (mindee.product.ExtractionResponse.prototype as unknown as Record<string, unknown>).getRawHttp).toBe('function');
	});

	test('the SDK resolves an undici whose Agent can be composed with an interceptor (the origin-rewriting dispatcher)', () => {
		const undici = undiciUsedByMindee();
		const agent = new undici.Agent();
		expect(typeof agent.compose).toBe('function');
		void agent.close();
	});
});
