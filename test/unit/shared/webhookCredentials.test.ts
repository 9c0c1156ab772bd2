import { SingleFlightCache } from '../../../nodes/shared/webhookCredentials';

/** A loader whose answers the test controls: each call waits for `release()` (or answers at once when `immediate`). */
function controlledLoader<T>(initial: T) {
	let current: T = initial;
	let failure: Error | null = null;
	let pending: Array<() => void> = [];
	let immediate = true;
	const loader = {
		calls: 0,
		set(value: T) {
			current = value;
		},
		failNext(error: Error) {
			failure = error;
		},
		hold() {
			immediate = false;
		},
		release() {
			const waiting = pending;
			pending = [];
			immediate = true;
			for (const resume of waiting) resume();
		},
		load: async (): Promise<T> => {
			loader.calls++;
			if (!immediate) await new Promise<void>((resume) => pending.push(resume));
			if (failure) {
				const error = failure;
				failure = null;
				throw error;
			}
			return current;
		},
	};
	return loader;
}

function fakeClock(start = 1_000_000) {
	const clock = { at: start, now: () => clock.at, advance: (ms: number) => (clock.at += ms) };
	return clock;
}

const TTL = 60_000;
const matches = (secret: string) => (value: string) => value === secret;
const refused = (ok: boolean) => !ok;

describe('SingleFlightCache', () => {
	it('N concurrent requests on a cold cache share one read', async () => {
		const cache = new SingleFlightCache<string>({ ttlMs: TTL, maxEntries: 8, now: fakeClock().now });
		const loader = controlledLoader('secret-1');
		loader.hold();
		const all = Promise.all(Array.from({ length: 50 }, () => cache.get('cred-1', loader.load)));
		await Promise.resolve();
		loader.release();
		const values = await all;
		expect(loader.calls).toBe(1);
		expect(new Set(values.map((entry) => entry.value))).toEqual(new Set(['secret-1']));
		// And the next ones are served from the cache.
		await cache.get('cred-1', loader.load);
		expect(loader.calls).toBe(1);
	});

	it('serves a value for its lifetime only, then reads again (once for concurrent requests)', async () => {
		const clock = fakeClock();
		const cache = new SingleFlightCache<string>({ ttlMs: TTL, maxEntries: 8, now: clock.now });
		const loader = controlledLoader('v1');
		expect((await cache.get('cred-1', loader.load)).value).toBe('v1');
		loader.set('v2');
		clock.advance(TTL - 1);
		expect((await cache.get('cred-1', loader.load)).value).toBe('v1');
		expect(loader.calls).toBe(1);
		clock.advance(1);
		const again = await Promise.all(Array.from({ length: 10 }, () => cache.get('cred-1', loader.load)));
		expect(again.map((entry) => entry.value)).toEqual(Array(10).fill('v2'));
		expect(loader.calls).toBe(2);
	});

	it('the lifetime counts from the start of the read, and a clock going backwards does not make a value immortal', async () => {
		const clock = fakeClock();
		const cache = new SingleFlightCache<string>({ ttlMs: TTL, maxEntries: 8, now: clock.now });
		const loader = controlledLoader('v1');
		loader.hold();
		const first = cache.get('cred-1', loader.load);
		clock.advance(TTL);
		loader.release();
		await first;
		await cache.get('cred-1', loader.load);
		expect(loader.calls).toBe(2);
		clock.advance(-10 * TTL);
		await cache.get('cred-1', loader.load);
		expect(loader.calls).toBe(3);
	});

	it('a secret rotated in n8n: the check fails with the cached value, one more read picks up the new one', async () => {
		const cache = new SingleFlightCache<string>({ ttlMs: TTL, maxEntries: 8, now: fakeClock().now });
		const loader = controlledLoader('old-secret');
		expect(await cache.check('cred-1', loader.load, matches('old-secret'), refused)).toEqual({ value: 'old-secret', result: true });
		loader.set('new-secret');
		expect(await cache.check('cred-1', loader.load, matches('new-secret'), refused)).toEqual({ value: 'new-secret', result: true });
		expect(loader.calls).toBe(2);
		// From then on the new secret is the cached one.
		expect(await cache.check('cred-1', loader.load, matches('new-secret'), refused)).toEqual({ value: 'new-secret', result: true });
		expect(loader.calls).toBe(2);
	});

	it('a forged request is still refused after its one extra read, and concurrent forged requests share that read', async () => {
		const cache = new SingleFlightCache<string>({ ttlMs: TTL, maxEntries: 8, now: fakeClock().now });
		const loader = controlledLoader('the-secret');
		await cache.get('cred-1', loader.load);
		expect(await cache.check('cred-1', loader.load, matches('forged'), refused)).toEqual({ value: 'the-secret', result: false });
		expect(loader.calls).toBe(2);

		loader.hold();
		const forged = Promise.all(Array.from({ length: 30 }, () => cache.check('cred-1', loader.load, matches('forged'), refused)));
		for (let tick = 0; tick < 5; tick++) await Promise.resolve();
		loader.release();
		const results = await forged;
		expect(results.every((checked) => checked.result === false)).toBe(true);
		expect(loader.calls).toBe(3);
	});

	it('requests that saw the old value use a read finished meanwhile instead of starting another', async () => {
		const cache = new SingleFlightCache<string>({ ttlMs: TTL, maxEntries: 8, now: fakeClock().now });
		const loader = controlledLoader('old');
		const seen = await cache.get('cred-1', loader.load);
		loader.set('new');
		expect((await cache.refresh('cred-1', seen, loader.load)).value).toBe('new');
		expect((await cache.refresh('cred-1', seen, loader.load)).value).toBe('new');
		expect(loader.calls).toBe(2);
	});

	it('never shares a value between different keys (credential ids)', async () => {
		const cache = new SingleFlightCache<string>({ ttlMs: TTL, maxEntries: 8, now: fakeClock().now });
		const one = controlledLoader('secret-of-1');
		const two = controlledLoader('secret-of-2');
		one.hold();
		two.hold();
		const both = Promise.all([cache.get('cred-1', one.load), cache.get('cred-2', two.load), cache.get('cred-1', one.load), cache.get('cred-2', two.load)]);
		await Promise.resolve();
		one.release();
		two.release();
		expect((await both).map((entry) => entry.value)).toEqual(['secret-of-1', 'secret-of-2', 'secret-of-1', 'secret-of-2']);
		expect([one.calls, two.calls]).toEqual([1, 1]);
		// A mismatch on one key reads that key only.
		await cache.check('cred-2', two.load, matches('other'), refused);
		expect([one.calls, two.calls]).toEqual([1, 2]);
	});

	it('a failed read is not kept: the requests waiting for it fail, the next one reads again', async () => {
		const cache = new SingleFlightCache<string>({ ttlMs: TTL, maxEntries: 8, now: fakeClock().now });
		const loader = controlledLoader('v1');
		loader.failNext(new Error('Credential not found'));
		loader.hold();
		const waiting = Promise.allSettled(Array.from({ length: 5 }, () => cache.get('cred-1', loader.load)));
		await Promise.resolve();
		loader.release();
		const outcomes = await waiting;
		expect(outcomes.map((outcome) => outcome.status)).toEqual(Array(5).fill('rejected'));
		expect(loader.calls).toBe(1);
		expect(cache.size).toBe(0);
		expect((await cache.get('cred-1', loader.load)).value).toBe('v1');
		expect(loader.calls).toBe(2);
	});

	it('a failed second read fails the request and keeps the value read before', async () => {
		const cache = new SingleFlightCache<string>({ ttlMs: TTL, maxEntries: 8, now: fakeClock().now });
		const loader = controlledLoader('v1');
		await cache.get('cred-1', loader.load);
		loader.failNext(new Error('database unavailable'));
		await expect(cache.check('cred-1', loader.load, matches('forged'), refused)).rejects.toThrow('database unavailable');
		expect((await cache.get('cred-1', loader.load)).value).toBe('v1');
		expect(loader.calls).toBe(2);
	});

	it('a synchronous throw of the loader is a failed read too', async () => {
		const cache = new SingleFlightCache<string>({ ttlMs: TTL, maxEntries: 8, now: fakeClock().now });
		const throwing = (): Promise<string> => {
			throw new Error('boom');
		};
		await expect(cache.get('cred-1', throwing)).rejects.toThrow('boom');
		expect((await cache.get('cred-1', async () => 'v1')).value).toBe('v1');
	});

	it('keeps at most maxEntries keys: expired ones go first, then the oldest', async () => {
		const clock = fakeClock();
		const cache = new SingleFlightCache<string>({ ttlMs: TTL, maxEntries: 3, now: clock.now });
		await cache.get('a', async () => 'a');
		clock.advance(TTL);
		await cache.get('b', async () => 'b');
		await cache.get('c', async () => 'c');
		await cache.get('d', async () => 'd');
		expect(cache.size).toBe(3);
		await cache.get('e', async () => 'e');
		expect(cache.size).toBe(3);
		// b (the oldest live one) went; c, d, e are still served without a read.
		const reads: string[] = [];
		for (const key of ['c', 'd', 'e', 'b']) {
			await cache.get(key, async () => {
				reads.push(key);
				return key;
			});
		}
		expect(reads).toEqual(['b']);
	});
});
