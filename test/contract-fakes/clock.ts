/** Time source of the fakes, so tests can expire URLs, tokens and idempotency keys without waiting. */
export interface Clock {
	now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock that only moves when the test says so. */
export class ManualClock implements Clock {
	constructor(private current = Date.UTC(2026, 10, 24, 9, 0, 0)) {}

	now(): number {
		return this.current;
	}

	advance(ms: number): void {
		this.current += ms;
	}

	set(epochMs: number): void {
		this.current = epochMs;
	}
}
