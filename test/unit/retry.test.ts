import { backoffDelayMs, parseRetryAfter, withRetries } from '../../src/common/retry';

describe('withRetries', () => {
	const options = { retries: 3, baseDelayMs: 100, maxDelayMs: 1000 };

	it('retries retryable failures with doubling delays, then succeeds', async () => {
		const delays: number[] = [];
		let calls = 0;
		const result = await withRetries(
			async () => {
				calls++;
				if (calls < 3) throw new Error('busy');
				return 'ok';
			},
			() => ({ retry: true }),
			{ ...options, sleep: async (ms) => void delays.push(ms) },
		);
		expect(result).toBe('ok');
		expect(delays).toEqual([100, 200]);
	});

	it('gives up after the configured retries and rethrows the last error', async () => {
		let calls = 0;
		const attempt = withRetries(
			async () => {
				calls++;
				throw new Error(`failure ${calls}`);
			},
			() => ({ retry: true }),
			{ ...options, sleep: async () => undefined },
		);
		await expect(attempt).rejects.toThrow('failure 4');
		expect(calls).toBe(4);
	});

	it('does not retry a final error', async () => {
		let calls = 0;
		await expect(
			withRetries(
				async () => {
					calls++;
					throw new Error('unauthorised');
				},
				() => ({ retry: false }),
				{ ...options, sleep: async () => undefined },
			),
		).rejects.toThrow('unauthorised');
		expect(calls).toBe(1);
	});

	it('honours a server-given delay, capped by maxDelayMs', async () => {
		expect(backoffDelayMs(0, options, 700)).toBe(700);
		expect(backoffDelayMs(0, options, 5000)).toBe(1000);
		expect(backoffDelayMs(5, options)).toBe(1000);
	});
});

describe('parseRetryAfter', () => {
	it('reads seconds and HTTP dates', () => {
		expect(parseRetryAfter('2')).toBe(2000);
		const now = new Date('2026-11-24T10:00:00Z');
		expect(parseRetryAfter('Tue, 24 Nov 2026 10:00:05 GMT', now)).toBe(5000);
		expect(parseRetryAfter(undefined)).toBeUndefined();
		expect(parseRetryAfter('soon')).toBeUndefined();
	});
});
