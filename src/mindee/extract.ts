/**
 * One document through Mindee V2: upload (enqueue) → poll the job until it is processed, failed or out of time →
 * fetch the result from the job's result_url.
 *
 * The SDK has this loop built in (`enqueueAndGetResult`), but it cannot be retried safely: a 429 or 502 on one
 * status check throws out of it, and calling it again uploads the document a second time (a second job, billed
 * again). So each HTTP call is retried on its own here (429, 5xx, lost connections; with backoff, Retry-After
 * honoured), the job's own failure is told apart from HTTP errors, and the time limit is wall-clock seconds.
 */
import { ReasonedError } from '../common/failure';
import { DEFAULT_RETRY, type RetryOptions, withRetries } from '../common/retry';
import type { JobState, MindeeSession } from './client';
import { classifyMindeeError, failureError, isRetryable, jobFailedError, type Stage, timeoutError } from './errors';

export const POLLING_TIMEOUT_LIMITS = { min: 2, max: 600, default: 120 } as const;

/** Mindee advises a first status check after a short wait, then about one per second; the SDK's minimums are 1 s / 1 s. */
export const INITIAL_DELAY_MS = 1000;
export const POLL_INTERVAL_MS = 1000;

export interface ExtractOptions {
	modelId: string;
	/** Ask for confidence labels (undefined: the model's own setting). */
	confidence?: boolean;
	/** Wall-clock limit from upload to result, clamped to POLLING_TIMEOUT_LIMITS. */
	pollingTimeoutSeconds: number;
	/** Only for messages. */
	baseUrl: string;
	sleep: (ms: number) => Promise<void>;
	now?: () => number;
	initialDelayMs?: number;
	pollIntervalMs?: number;
	retry?: Omit<RetryOptions, 'sleep'>;
}

export interface ExtractOutcome {
	/** The result document as the API sent it. */
	response: unknown;
	jobId: string;
	polls: number;
}

export function clampPollingTimeout(seconds: unknown): number {
	const value = typeof seconds === 'number' && Number.isFinite(seconds) ? seconds : POLLING_TIMEOUT_LIMITS.default;
	return Math.min(POLLING_TIMEOUT_LIMITS.max, Math.max(POLLING_TIMEOUT_LIMITS.min, value));
}

function hasFailed(job: JobState): boolean {
	return job.status === 'Failed' || (job.error !== null && job.error !== undefined);
}

export async function extractDocument(session: MindeeSession, file: { bytes: Buffer; fileName: string }, options: ExtractOptions): Promise<ExtractOutcome> {
	const now = options.now ?? Date.now;
	const retry: RetryOptions = { ...(options.retry ?? DEFAULT_RETRY), sleep: options.sleep };
	const timeoutSeconds = clampPollingTimeout(options.pollingTimeoutSeconds);
	const deadline = now() + timeoutSeconds * 1000;

	/** One SDK call, retried where that can help; a final failure becomes a ReasonedError that says what to do. */
	const call = async <T>(stage: Stage, operation: () => Promise<T>): Promise<T> => {
		let attempts = 0;
		try {
			return await withRetries(
				async () => {
					attempts++;
					return await operation();
				},
				(error) => {
					const observed = session.lastResponse();
					const failure = classifyMindeeError(error, observed.status);
					return { retry: isRetryable(failure), retryAfterMs: failure.kind === 'rate_limited' ? observed.retryAfterMs : undefined };
				},
				retry,
			);
		} catch (error) {
			if (error instanceof ReasonedError) throw error;
			const failure = classifyMindeeError(error, session.lastResponse().status);
			throw failureError(failure, { stage, attempts, baseUrl: options.baseUrl, modelId: options.modelId });
		}
	};

	const enqueued = await call('upload', async () => await session.enqueue(file.bytes, file.fileName, { modelId: options.modelId, confidence: options.confidence }));
	if (hasFailed(enqueued)) throw jobFailedError(enqueued, options.modelId);

	let polls = 0;
	await options.sleep(Math.max(0, Math.min(options.initialDelayMs ?? INITIAL_DELAY_MS, deadline - now())));
	for (;;) {
		const job = await call('poll', async () => await session.getJob(enqueued.id));
		polls++;
		if (hasFailed(job)) throw jobFailedError(job, options.modelId);
		if (job.status === 'Processed') {
			const resultUrl = job.resultUrl;
			if (!resultUrl) {
				throw new ReasonedError('mindee_unexpected', `Mindee says job ${job.id} is processed but gives no result URL`, { jobId: job.id }, 'Try again later; if it persists, contact Mindee support.');
			}
			const response = await call('result', async () => await session.getResult(resultUrl));
			return { response, jobId: enqueued.id, polls };
		}
		const remaining = deadline - now();
		if (remaining <= 0) throw timeoutError(job, timeoutSeconds, polls);
		await options.sleep(Math.min(options.pollIntervalMs ?? POLL_INTERVAL_MS, remaining));
	}
}
