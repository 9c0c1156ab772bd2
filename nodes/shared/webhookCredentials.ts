import type { ICredentialDataDecryptedObject, IWebhookFunctions } from 'n8n-workflow';

/**
 * Credentials read by webhook triggers, cached for a short while.
 *
 * Why: in the webhook phase `this.getCredentials()` has no expression context, so n8n (2.x, credentials-helper
 * `applyDefaultsAndOverwrites`) builds a mock Workflow and acquires an expression isolate to resolve the
 * credential's fields. With the default engine that is an isolated-vm cold start (~60 ms of CPU, pool of 1) on every
 * delivery, on top of the isolate n8n already takes for the webhook phase and the one for the execution: a burst of
 * deliveries queued behind those start-ups. Reading the credential once per key and minute removes that one.
 *
 * What keeps it correct:
 * - single flight: concurrent requests on a cold (or expired) entry share one read;
 * - a bounded lifetime (60 s) and a bounded number of entries; a failed read is never kept;
 * - refetch on mismatch: when the cached secret does not verify a request, the credential is read again once (shared
 *   by the concurrent requests that saw the same entry) and the request is checked again, so an admin who rotates a
 *   secret in n8n is not refused for up to a minute. A forged request costs at most that one read, as it did before.
 * - the key holds the workflow, the mode, the credential type and the credential's id (from the node): an entry is
 *   never served to another credential nor to another workflow (n8n checks access per workflow and project).
 */

export interface CachedValue<T> {
	value: T;
	/** Increases with every read started, over all keys: a higher generation is a later read. */
	generation: number;
	/** When the read started (ms, from the cache's clock): the lifetime counts from there. */
	loadedAt: number;
}

export interface SingleFlightCacheOptions {
	/** How long a value is served, from the start of its read. */
	ttlMs: number;
	/** At most this many keys are kept; the expired ones go first, then the least recently stored. */
	maxEntries: number;
	/** The clock, in ms (injected for tests). */
	now?: () => number;
}

export interface CheckedValue<T, R> {
	value: T;
	result: R;
}

/** A small keyed cache where each key has at most one read in flight. No timers: expiry is checked on use. */
export class SingleFlightCache<T> {
	private readonly entries = new Map<string, CachedValue<T>>();
	private readonly flights = new Map<string, { generation: number; promise: Promise<CachedValue<T>> }>();
	private readonly ttlMs: number;
	private readonly maxEntries: number;
	private readonly now: () => number;
	private lastGeneration = 0;

	constructor(options: SingleFlightCacheOptions) {
		this.ttlMs = options.ttlMs;
		this.maxEntries = Math.max(1, options.maxEntries);
		this.now = options.now ?? Date.now;
	}

	/** How many keys hold a value (expired ones included until they are swept). */
	get size(): number {
		return this.entries.size;
	}

	/** The value for `key`: the cached one while it lives, else the read in flight, else a new read. */
	async get(key: string, load: () => Promise<T>): Promise<CachedValue<T>> {
		const cached = this.entries.get(key);
		if (cached && this.isFresh(cached)) return cached;
		const flight = this.flights.get(key);
		if (flight) return await flight.promise;
		return await this.read(key, load);
	}

	/**
	 * A value read after `seen`: one already stored or in flight when there is one (so the requests that found `seen`
	 * wanting share a single read), else a new read.
	 */
	async refresh(key: string, seen: CachedValue<T>, load: () => Promise<T>): Promise<CachedValue<T>> {
		const cached = this.entries.get(key);
		if (cached && cached.generation > seen.generation && this.isFresh(cached)) return cached;
		const flight = this.flights.get(key);
		if (flight && flight.generation > seen.generation) return await flight.promise;
		return await this.read(key, load);
	}

	/**
	 * Runs `check` on the value for `key`. When `retry` says the result may come from an outdated value (a secret that
	 * does not match), reads once more and returns the second check, whatever it says.
	 */
	async check<R>(key: string, load: () => Promise<T>, check: (value: T) => R, retry: (result: R) => boolean): Promise<CheckedValue<T, R>> {
		const first = await this.get(key, load);
		const result = check(first.value);
		if (!retry(result)) return { value: first.value, result };
		const second = await this.refresh(key, first, load);
		return { value: second.value, result: check(second.value) };
	}

	private isFresh(entry: CachedValue<T>): boolean {
		const age = this.now() - entry.loadedAt;
		return age >= 0 && age < this.ttlMs;
	}

	private read(key: string, load: () => Promise<T>): Promise<CachedValue<T>> {
		const generation = ++this.lastGeneration;
		const loadedAt = this.now();
		const promise = new Promise<T>((resolve) => resolve(load()))
			.then((value) => {
				const entry: CachedValue<T> = { value, generation, loadedAt };
				this.store(key, entry);
				return entry;
			})
			.finally(() => {
				// A failed read leaves nothing behind: the next request reads again.
				if (this.flights.get(key)?.generation === generation) this.flights.delete(key);
			});
		this.flights.set(key, { generation, promise });
		return promise;
	}

	private store(key: string, entry: CachedValue<T>): void {
		const current = this.entries.get(key);
		if (current && current.generation > entry.generation) return;
		// Re-inserted, so that Map order is the order of storing and the first key is the one to evict.
		this.entries.delete(key);
		this.entries.set(key, entry);
		if (this.entries.size <= this.maxEntries) return;
		for (const [candidate, value] of this.entries) if (!this.isFresh(value)) this.entries.delete(candidate);
		for (const candidate of this.entries.keys()) {
			if (this.entries.size <= this.maxEntries) break;
			this.entries.delete(candidate);
		}
	}
}

/** One minute: long enough to absorb a burst, short enough for changes other than a secret (phone number ID…). */
const WEBHOOK_CREDENTIAL_TTL_MS = 60_000;
const WEBHOOK_CREDENTIAL_MAX_ENTRIES = 64;

/** The process-wide cache of the webhook triggers of this package. Values are shared: treat them as read-only. */
const webhookCredentialCache = new SingleFlightCache<ICredentialDataDecryptedObject>({
	ttlMs: WEBHOOK_CREDENTIAL_TTL_MS,
	maxEntries: WEBHOOK_CREDENTIAL_MAX_ENTRIES,
});

/**
 * The cache key of the credential of `type` this node uses, or undefined when the node names no credential id (then
 * nothing is cached).
 */
function webhookCredentialKey(context: IWebhookFunctions, type: string): string | undefined {
	const id: unknown = context.getNode()?.credentials?.[type]?.id;
	if (typeof id !== 'string' || id === '') return undefined;
	const workflowId: unknown = context.getWorkflow()?.id;
	return JSON.stringify([typeof workflowId === 'string' ? workflowId : '', String(context.getMode()), type, id]);
}

/**
 * Reads the node's credential of `type` (cached, see above) and runs `check` with it; when `retry` says the check
 * failed in a way a newer credential could fix, reads the credential again once and checks again.
 */
export async function checkWithWebhookCredentials<R>(
	context: IWebhookFunctions,
	type: string,
	check: (credentials: Readonly<ICredentialDataDecryptedObject>) => R,
	retry: (result: R) => boolean,
): Promise<CheckedValue<Readonly<ICredentialDataDecryptedObject>, R>> {
	const load = async () => await context.getCredentials(type);
	const key = webhookCredentialKey(context, type);
	if (key === undefined) {
		const credentials = await load();
		return { value: credentials, result: check(credentials) };
	}
	return await webhookCredentialCache.check(key, load, check, retry);
}

/**
 * Whether a failed signature check may be due to an outdated secret: it did not match, or there was none. A missing
 * or malformed header (or a stale timestamp) does not depend on the secret, so it never causes a second read.
 */
export function secretMayBeOutdated(check: { valid: true } | { valid: false; reason: string }): boolean {
	return !check.valid && (check.reason === 'mismatch' || check.reason === 'no_secret');
}
