/**
 * The official `mindee` SDK (5.2.0, ESM-only: loaded with a real dynamic import()), set up so that nothing but the
 * credential decides where and how it calls:
 * - `apiKey` is passed explicitly (the SDK would otherwise read MINDEE_V2_API_KEY);
 * - `debug: false` (otherwise MINDEE_DEBUG);
 * - an undici `dispatcher` that sends every request to the credential's base URL (origin swapped, path prefix
 *   added) and sets the request timeouts (otherwise MINDEE_V2_API_HOST and MINDEE_REQUEST_TIMEOUT would apply).
 *   This is also what makes a plain-http stand-in reachable although the SDK only builds https:// URLs.
 * The dispatcher also notes the status and Retry-After of each answer, which the SDK's errors lose when a
 * body is not JSON.
 *
 * The dispatcher is made from the undici copy the SDK itself resolves (mindee/node_modules/undici when it has its
 * own, else the top-level one), so both speak the same handler protocol.
 */
import { createRequire } from 'node:module';

import type { Dispatcher } from 'undici';

import { parseRetryAfter } from '../common/retry';
import { DEFAULT_BASE_URL, type MindeeTarget, parseBaseUrl, resultPath } from './settings';

type Undici = typeof import('undici');
type Mindee = typeof import('mindee');

/** Per-request timeout (headers and body), like the SDK's default of 120 s. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 120_000;

export interface ObservedResponse {
	status: number | null;
	retryAfterMs: number | undefined;
}

export interface ExtractionParams {
	modelId: string;
	/** Ask for confidence labels; undefined leaves the model's own setting. */
	confidence?: boolean;
	// No `alias`: ExtractionParameters.getFormData() in mindee 5.2.0 builds its own form and never sends it.
}

export interface JobState {
	id: string;
	status: string | null;
	/** Mindee's error object when the job failed. */
	error: unknown;
	resultUrl: string | null;
}

/** What the extraction needs from Mindee, one call per method (retries and polling are the caller's). */
export interface MindeeSession {
	enqueue(bytes: Buffer, fileName: string, params: ExtractionParams): Promise<JobState>;
	getJob(jobId: string): Promise<JobState>;
	/** The result document as the API sent it: `{"inference":{…}}`. */
	getResult(resultUrl: string): Promise<unknown>;
	/** Status and Retry-After of the last answer received (null status when none arrived). */
	lastResponse(): ObservedResponse;
	close(): Promise<void>;
}

export interface SessionOptions {
	apiKey: string;
	baseUrl: string;
	requestTimeoutMs?: number;
	/** Use this dispatcher instead of one built from `baseUrl` (tests); it is not closed by the session. */
	dispatcher?: Dispatcher;
}

/** The undici module the SDK uses. */
export function undiciUsedByMindee(): Undici {
	const sdkEntry = require.resolve('mindee');
	return createRequire(sdkEntry)('undici') as Undici;
}

function headerValue(value: string | string[] | undefined): string | undefined {
	return Array.isArray(value) ? value[0] : value;
}

/**
 * A dispatcher that sends every request to `target` and records each answer's status. Close it after use.
 * Exported for tests and for anyone using the SDK directly against a stand-in.
 */
export function targetDispatcher(undici: Undici, target: MindeeTarget, timeoutMs: number, observed: ObservedResponse): Dispatcher {
	const rewrite: Dispatcher.DispatcherComposeInterceptor = (dispatch) => (options, handler) => {
		observed.status = null;
		observed.retryAfterMs = undefined;
		const recording: Dispatcher.DispatchHandler = {
			onRequestStart: (controller, context) => handler.onRequestStart?.(controller, context),
			onRequestUpgrade: (controller, statusCode, headers, socket) => handler.onRequestUpgrade?.(controller, statusCode, headers, socket),
			onResponseStart: (controller, statusCode, headers, statusMessage) => {
				observed.status = statusCode;
				observed.retryAfterMs = parseRetryAfter(headerValue(headers['retry-after']));
				handler.onResponseStart?.(controller, statusCode, headers, statusMessage);
			},
			onResponseData: (controller, chunk) => handler.onResponseData?.(controller, chunk),
			onResponseEnd: (controller, trailers) => handler.onResponseEnd?.(controller, trailers),
			onResponseError: (controller, error) => handler.onResponseError?.(controller, error),
		};
		return dispatch(
			{ ...options, origin: target.origin, path: `${target.pathPrefix}${options.path}`, headersTimeout: timeoutMs, bodyTimeout: timeoutMs },
			recording,
		);
	};
	return new undici.Agent({ connectTimeout: Math.min(timeoutMs, 30_000) }).compose(rewrite);
}

function jobState(job: { id: string; status?: string; error?: unknown; resultUrl?: string }): JobState {
	return { id: job.id, status: job.status ?? null, error: job.error ?? null, resultUrl: job.resultUrl ?? null };
}

/** Opens the SDK client for one execution. */
export async function openMindeeSession(options: SessionOptions): Promise<MindeeSession> {
	const target = parseBaseUrl(options.baseUrl);
	const mindee: Mindee = await import('mindee');
	const observed: ObservedResponse = { status: null, retryAfterMs: undefined };
	const ownDispatcher = options.dispatcher === undefined;
	const dispatcher = options.dispatcher ?? targetDispatcher(undiciUsedByMindee(), target, options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS, observed);
	const { Extraction } = mindee.product;

	/** The SDK client with result_url fetching exposed (pollForResult does the same, but without our retries). */
	class ExtractionClient extends mindee.Client {
		async resultByUrl(url: string) {
			return await this.mindeeApi.getProductResultByUrl(Extraction, url);
		}
	}
	const client = new ExtractionClient({ apiKey: options.apiKey, dispatcher, debug: false });

	return {
		async enqueue(bytes, fileName, params) {
			const input = new mindee.BufferInput({ buffer: bytes, filename: fileName });
			const response = await client.enqueue(Extraction, input, { modelId: params.modelId, confidence: params.confidence });
			return jobState(response.job);
		},
		async getJob(jobId) {
			return jobState((await client.getJob(jobId)).job);
		},
		async getResult(resultUrl) {
			// The SDK insists on https; the origin is replaced by the dispatcher anyway, only the path counts.
			const response = await client.resultByUrl(`${DEFAULT_BASE_URL}${resultPath(resultUrl)}`);
			return response.getRawHttp();
		},
		lastResponse: () => ({ ...observed }),
		async close() {
			if (ownDispatcher) await dispatcher.close();
		},
	};
}
