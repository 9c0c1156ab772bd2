/**
 * The upload → poll → result loop with a scripted session (no SDK, no network, a virtual clock): which failures
 * are retried, how often, with which delays, and what the final error says.
 */
import type { JobState, MindeeSession, ObservedResponse } from '../../../src/mindee/client';
import { extractDocument, type ExtractOptions } from '../../../src/mindee/extract';

/** What the SDK throws for an HTTP error (v2/http/errors.js), by shape. */
function httpError(status: number | undefined, body: { title?: string; detail?: string; code?: string } = {}): Error {
	return Object.assign(new Error(`HTTP ${status} - ${body.title}`), { name: 'MindeeHttpErrorV2', status, errors: [], ...body });
}

function networkError(code: string): Error {
	return Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error(`connect ${code}`), { code }) });
}

type Step<T> = T | { throws: unknown; observed?: Partial<ObservedResponse> };

const processing = (id = 'job-1'): JobState => ({ id, status: 'Processing', error: null, resultUrl: null });
const processed = (id = 'job-1'): JobState => ({ id, status: 'Processed', error: null, resultUrl: `https://api-v2.mindee.net/v2/inferences/${id}` });

/** A session answering from scripts; records every call. */
function scripted(script: { enqueue?: Array<Step<JobState>>; getJob?: Array<Step<JobState>>; getResult?: Array<Step<unknown>> }) {
	const calls: string[] = [];
	let observed: ObservedResponse = { status: null, retryAfterMs: undefined };
	const next = async <T>(name: string, steps: Array<Step<T>> | undefined, fallback: T): Promise<T> => {
		calls.push(name);
		const step = steps && steps.length > 0 ? steps.shift()! : fallback;
		if (typeof step === 'object' && step !== null && 'throws' in step) {
			observed = { status: null, retryAfterMs: undefined, ...step.observed };
			throw step.throws;
		}
		observed = { status: 200, retryAfterMs: undefined };
		return step as T;
	};
	const session: MindeeSession = {
		enqueue: async () => await next('enqueue', script.enqueue, processing()),
		getJob: async () => await next('getJob', script.getJob, processed()),
		getResult: async () => await next('getResult', script.getResult, { inference: { id: 'inf-1' } }),
		lastResponse: () => observed,
		close: async () => undefined,
	};
	return { session, calls };
}

/** Virtual time: sleep advances the clock and records the delay. */
function clock() {
	let now = 0;
	const sleeps: number[] = [];
	return { sleeps, now: () => now, sleep: async (ms: number) => void (sleeps.push(ms), (now += ms)) };
}

const FILE = { bytes: Buffer.from('x'), fileName: 'receipt.jpg' };

function options(time: ReturnType<typeof clock>, extra: Partial<ExtractOptions> = {}): ExtractOptions {
	return { modelId: 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d', pollingTimeoutSeconds: 30, baseUrl: 'https://api-v2.mindee.net', sleep: time.sleep, now: time.now, ...extra };
}

describe('extractDocument', () => {
	it('uploads once, waits 1 s, polls every second until processed, then fetches the result', async () => {
		const time = clock();
		const { session, calls } = scripted({ getJob: [processing(), processing(), processed()] });
		const outcome = await extractDocument(session, FILE, options(time));
		expect(outcome).toEqual({ response: { inference: { id: 'inf-1' } }, jobId: 'job-1', polls: 3 });
		expect(calls).toEqual(['enqueue', 'getJob', 'getJob', 'getJob', 'getResult']);
		expect(time.sleeps).toEqual([1000, 1000, 1000]);
	});

	it('retries a status check on 503 and 502-without-a-body (status seen by the dispatcher), never re-uploading', async () => {
		const time = clock();
		const { session, calls } = scripted({
			getJob: [{ throws: httpError(503, { title: 'Service Unavailable' }), observed: { status: 503 } }, { throws: httpError(undefined), observed: { status: 502 } }, processed()],
		});
		await extractDocument(session, FILE, options(time));
		expect(calls).toEqual(['enqueue', 'getJob', 'getJob', 'getJob', 'getResult']);
		expect(time.sleeps).toEqual([1000, 1000, 2000]); // initial wait, then backoff 1 s, 2 s
	});

	it('honours Retry-After on 429 and says so when the limit persists', async () => {
		const time = clock();
		const limited = { throws: httpError(429, { title: 'Too Many Requests', detail: 'Too Many Requests' }), observed: { status: 429, retryAfterMs: 7000 } };
		const { session, calls } = scripted({ enqueue: [limited, limited, limited, limited] });
		await expect(extractDocument(session, FILE, options(time))).rejects.toMatchObject({
			reason: 'mindee_rate_limited',
			message: 'Mindee is limiting the request rate (HTTP 429 Too Many Requests), still after 4 attempts during the upload',
			details: expect.objectContaining({ httpStatus: 429, attempts: 4, stage: 'upload' }),
		});
		expect(calls).toEqual(['enqueue', 'enqueue', 'enqueue', 'enqueue']);
		expect(time.sleeps).toEqual([7000, 7000, 7000]);
	});

	it('gives up on a server that keeps failing, naming the stage', async () => {
		const time = clock();
		const down = { throws: httpError(500, { title: 'Internal Server Error', detail: 'Internal Server Error' }), observed: { status: 500 } };
		const { session } = scripted({ getResult: [down, down, down, down] });
		await expect(extractDocument(session, FILE, options(time))).rejects.toMatchObject({
			reason: 'mindee_unavailable',
			message: 'Mindee did not process fetching the result (HTTP 500 Internal Server Error) after 4 attempts',
		});
	});

	it('retries lost connections, then points at the base URL', async () => {
		const time = clock();
		const refused = { throws: networkError('ECONNREFUSED') };
		const { session, calls } = scripted({ enqueue: [refused, refused, refused, refused] });
		await expect(extractDocument(session, FILE, options(time, { baseUrl: 'http://127.0.0.1:9' }))).rejects.toMatchObject({
			reason: 'mindee_unreachable',
			message: 'Could not reach Mindee at http://127.0.0.1:9 during the upload (ECONNREFUSED) after 4 attempts',
			hint: expect.stringMatching(/Check the base URL/),
		});
		expect(calls).toHaveLength(4);
	});

	it.each([
		[401, 'mindee_unauthorized', /^Mindee refused the API key \(HTTP 401/],
		[403, 'mindee_unauthorized', /^Mindee refused access \(HTTP 403/],
		[413, 'mindee_rejected', /^Mindee refused the upload \(HTTP 413/],
		[422, 'mindee_rejected', /^Mindee refused the upload \(HTTP 422 Invalid fields in form/],
	])('does not retry HTTP %i (%s)', async (status, reason, message) => {
		const time = clock();
		const { session, calls } = scripted({ enqueue: [{ throws: httpError(status, { title: status === 422 ? 'Invalid fields in form' : 'Refused' }), observed: { status } }] });
		await expect(extractDocument(session, FILE, options(time))).rejects.toMatchObject({ reason, message: expect.stringMatching(message) });
		expect(calls).toEqual(['enqueue']);
	});

	it('reports a failed job with Mindee\'s error, whether it fails at once or later', async () => {
		const failed = (id: string): JobState => ({ id, status: 'Failed', resultUrl: null, error: { status: 422, title: 'Invalid fields in form', detail: 'One or more fields failed validation.', code: '422-001', errors: [{ pointer: '#/model_id', detail: 'model_id must be a valid UUID format' }] } });
		for (const script of [{ enqueue: [failed('job-a')] }, { getJob: [processing('job-1'), failed('job-1')] }]) {
			const { session } = scripted(script);
			await expect(extractDocument(session, FILE, options(clock()))).rejects.toMatchObject({
				reason: 'mindee_job_failed',
				message: 'Mindee could not process the document: Invalid fields in form: One or more fields failed validation. (#/model_id: model_id must be a valid UUID format)',
				details: expect.objectContaining({ mindeeCode: '422-001' }),
			});
		}
	});

	it('times out on the wall clock, with the last status and the number of checks', async () => {
		const time = clock();
		const { session, calls } = scripted({ getJob: Array.from({ length: 50 }, () => processing()) });
		await expect(extractDocument(session, FILE, options(time, { pollingTimeoutSeconds: 5 }))).rejects.toMatchObject({
			reason: 'mindee_timeout',
			message: 'Mindee did not finish the document within 5 seconds (job job-1 still "Processing" after 5 status checks)',
		});
		expect(time.now()).toBe(5000);
		expect(calls.filter((call) => call === 'getResult')).toHaveLength(0);
	});

	it('keeps the polling timeout within 2–600 s', async () => {
		const time = clock();
		const { session } = scripted({ getJob: Array.from({ length: 50 }, () => processing()) });
		await expect(extractDocument(session, FILE, options(time, { pollingTimeoutSeconds: 0 }))).rejects.toMatchObject({ reason: 'mindee_timeout', details: expect.objectContaining({ timeoutSeconds: 2 }) });
	});

	it('refuses a processed job without a result URL', async () => {
		const { session } = scripted({ getJob: [{ id: 'job-1', status: 'Processed', error: null, resultUrl: null }] });
		await expect(extractDocument(session, FILE, options(clock()))).rejects.toMatchObject({ reason: 'mindee_unexpected' });
	});
});
