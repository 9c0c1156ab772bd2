/**
 * Retries with exponential backoff, shared by every API client (Qonto, WhatsApp Graph API, Mindee).
 * Pure: the caller passes the sleep function (nodes pass `sleep` from n8n-workflow, tests a recorder).
 */
export interface RetryOptions {
	/** Attempts after the first one. */
	retries: number;
	/** Delay before the first retry; doubles on every further retry. */
	baseDelayMs: number;
	/** Upper bound for one delay, including a server's Retry-After. */
	maxDelayMs: number;
	sleep: (ms: number) => Promise<void>;
}

export interface RetryDecision {
	retry: boolean;
	/** A delay the server asked for (e.g. from a Retry-After header), in milliseconds. */
	retryAfterMs?: number;
}

export const DEFAULT_RETRY: Omit<RetryOptions, 'sleep'> = { retries: 3, baseDelayMs: 1000, maxDelayMs: 30_000 };

export function backoffDelayMs(attempt: number, options: Pick<RetryOptions, 'baseDelayMs' | 'maxDelayMs'>, retryAfterMs?: number): number {
	const exponential = options.baseDelayMs * 2 ** attempt;
	const wanted = retryAfterMs !== undefined && retryAfterMs >= 0 ? retryAfterMs : exponential;
	return Math.min(wanted, options.maxDelayMs);
}

/** Runs `operation` until it succeeds, `classify` says the error is final, or the retries are used up. */
export async function withRetries<T>(
	operation: (attempt: number) => Promise<T>,
	classify: (error: unknown) => RetryDecision,
	options: RetryOptions,
): Promise<T> {
	for (let attempt = 0; ; attempt++) {
		try {
			return await operation(attempt);
		} catch (error) {
			const decision = classify(error);
			if (!decision.retry || attempt >= options.retries) throw error;
			await options.sleep(backoffDelayMs(attempt, options, decision.retryAfterMs));
		}
	}
}

/** Parses an HTTP Retry-After header (seconds or HTTP date) into milliseconds; undefined when absent or invalid. */
export function parseRetryAfter(value: string | string[] | undefined, now: Date = new Date()): number | undefined {
	const raw = Array.isArray(value) ? value[0] : value;
	if (raw === undefined || raw.trim() === '') return undefined;
	if (/^\d+(\.\d+)?$/.test(raw.trim())) return Math.round(Number(raw) * 1000);
	const date = Date.parse(raw);
	if (Number.isNaN(date)) return undefined;
	return Math.max(0, date - now.getTime());
}
