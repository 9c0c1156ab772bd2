import type { Clock } from './clock';

/**
 * Qonto's idempotency store: the successful answer per key, kept for a while (30 minutes), then forgotten so the
 * same key creates again (api-contracts §1.1, trap 7).
 */
export class IdempotencyCache<T> {
	private readonly entries = new Map<string, { value: T; storedAt: number }>();

	constructor(
		private readonly clock: Clock,
		private readonly ttlMs: number,
	) {}

	get(key: string): T | undefined {
		const entry = this.entries.get(key);
		if (!entry) return undefined;
		if (this.clock.now() - entry.storedAt >= this.ttlMs) {
			this.entries.delete(key);
			return undefined;
		}
		return entry.value;
	}

	set(key: string, value: T): void {
		this.entries.set(key, { value, storedAt: this.clock.now() });
	}

	clear(): void {
		this.entries.clear();
	}
}
