/**
 * How the mindee SDK (5.2.0) fails, and what each failure means for the node. Pure: errors are recognised by shape,
 * not by class, so this is testable without loading the SDK.
 *
 * - HTTP answers ≥ 400: `MindeeHttpErrorV2` (`v2/http/errors.js`) with `status`, `title`, `code` ("401-001"), `detail`,
 *   `errors[]` copied from the V2 error body. A body that is not JSON (a proxy's HTML 502) leaves them undefined, so
 *   the status the dispatcher saw is passed in as `observedStatus`.
 * - A job that failed is not an HTTP error: `getJob` answers 200 with `job.status: "Failed"` and `job.error`.
 * - No answer: undici errors (`UND_ERR_CONNECT_TIMEOUT`, `UND_ERR_HEADERS_TIMEOUT`, `UND_ERR_SOCKET`…) or Node
 *   system errors (`ECONNREFUSED`, `ECONNRESET`, `ENOTFOUND`…).
 * - Before any request: `MindeeInputSourceError` (file type), `MindeeConfigurationError` (no API key / model id),
 *   and a bare string thrown when the file type cannot be guessed.
 */
import { ReasonedError } from '../common/failure';
import { isRecord, trimmedText } from '../common/guards';

export type FailureKind = 'unauthorized' | 'rate_limited' | 'server' | 'rejected' | 'network' | 'input' | 'configuration' | 'unexpected';

export interface ErrorPointer {
	pointer: string | null;
	detail: string;
}

export interface MindeeFailure {
	kind: FailureKind;
	/** HTTP status, when there was an answer. */
	status: number | null;
	/** Mindee's error code ("401-001"), title and detail, when the body carried them. */
	code: string | null;
	title: string | null;
	detail: string | null;
	errors: ErrorPointer[];
	/** The original error's message. */
	message: string;
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNABORTED']);

export function errorPointers(value: unknown): ErrorPointer[] {
	if (!Array.isArray(value)) return [];
	return value.flatMap((entry) => {
		if (!isRecord(entry)) return [];
		const detail = trimmedText(entry.detail);
		return detail === null ? [] : [{ pointer: trimmedText(entry.pointer), detail }];
	});
}

function networkCode(error: unknown, depth = 0): string | null {
	if (!isRecord(error) || depth > 3) return null;
	const code = typeof error.code === 'string' ? error.code : null;
	if (code && (code.startsWith('UND_ERR_') || NETWORK_CODES.has(code))) return code;
	return networkCode(error.cause, depth + 1);
}

export function kindOfStatus(status: number): FailureKind {
	if (status === 401 || status === 403) return 'unauthorized';
	if (status === 429) return 'rate_limited';
	if (status >= 500 || status === 408) return 'server';
	return 'rejected';
}

/** What went wrong, from whatever the SDK threw. */
export function classifyMindeeError(error: unknown, observedStatus: number | null = null): MindeeFailure {
	const message = error instanceof Error ? error.message : typeof error === 'string' ? error : String(error);
	const base = { status: null, code: null, title: null, detail: null, errors: [], message };
	if (typeof error === 'string') {
		// localInputSource.checkMimetype throws the bare string "Could not determine the MIME type of the file".
		return { ...base, kind: 'input' };
	}
	if (!isRecord(error)) return { ...base, kind: 'unexpected' };
	const name = typeof error.name === 'string' ? error.name : '';
	if (name === 'MindeeHttpErrorV2' || name === 'MindeeHttpErrorV1') {
		const status = typeof error.status === 'number' && error.status >= 100 ? error.status : observedStatus;
		return {
			...base,
			kind: status === null ? 'unexpected' : kindOfStatus(status),
			status,
			code: trimmedText(error.code),
			title: trimmedText(error.title),
			detail: trimmedText(error.detail),
			errors: errorPointers(error.errors),
		};
	}
	if (name === 'MindeeInputSourceError' || name === 'MindeePdfError' || name === 'MindeeImageError') return { ...base, kind: 'input' };
	if (name === 'MindeeConfigurationError') return { ...base, kind: 'configuration' };
	const network = networkCode(error);
	if (network) return { ...base, kind: 'network', code: network };
	// MindeeDeserializationError (an answer the SDK could not read), "Invalid URL", bugs.
	return { ...base, kind: 'unexpected', status: observedStatus };
}

/** Whether trying the same call again can help: rate limits, server errors and lost connections. */
export function isRetryable(failure: MindeeFailure): boolean {
	return failure.kind === 'rate_limited' || failure.kind === 'server' || failure.kind === 'network';
}

/** "Invalid API key: The provided API key is invalid. (#/model_id: …)" from whatever parts Mindee gave. */
export function mindeeExplanation(parts: { title?: string | null; detail?: string | null; errors?: ErrorPointer[] }): string {
	const head = [parts.title, parts.detail].filter((part): part is string => !!part);
	const unique = head.length === 2 && head[0].replace(/\.$/, '') === head[1].replace(/\.$/, '') ? [head[0]] : head;
	let explanation = unique.join(': ');
	const pointers = (parts.errors ?? []).map((entry) => (entry.pointer ? `${entry.pointer}: ${entry.detail}` : entry.detail));
	if (pointers.length > 0) explanation += `${explanation ? ' ' : ''}(${pointers.join('; ')})`;
	return explanation;
}

export type Stage = 'upload' | 'poll' | 'result';

const STAGE_TEXT: Record<Stage, string> = { upload: 'the upload', poll: 'a status check', result: 'fetching the result' };

/** The error a node shows for a failed call, after retries where they apply. */
export function failureError(failure: MindeeFailure, context: { stage: Stage; attempts: number; baseUrl: string; modelId: string }): ReasonedError {
	const http = failure.status !== null ? `HTTP ${failure.status}` : null;
	const said = mindeeExplanation(failure);
	const because = [http, said].filter(Boolean).join(' ');
	const details = {
		stage: context.stage,
		httpStatus: failure.status,
		mindeeCode: failure.code,
		mindeeTitle: failure.title,
		mindeeDetail: failure.detail,
		mindeeErrors: failure.errors,
		attempts: context.attempts,
	};
	const tries = context.attempts > 1 ? ` after ${context.attempts} attempts` : '';
	switch (failure.kind) {
		case 'unauthorized':
			return new ReasonedError(
				'mindee_unauthorized',
				failure.status === 403 ? `Mindee refused access (${because || 'HTTP 403'})` : `Mindee refused the API key (${because || 'HTTP 401'})`,
				details,
				`Check the API key in the Mindee Extraction API credential: it must be a V2 key from app.mindee.com (V1 keys from platform.mindee.com do not work), and the model ID ${context.modelId} must belong to the same organisation.`,
			);
		case 'rate_limited':
			return new ReasonedError(
				'mindee_rate_limited',
				`Mindee is limiting the request rate (${because || 'HTTP 429'}), still${tries} during ${STAGE_TEXT[context.stage]}`,
				details,
				'Mindee allows 200 uploads and 1 200 status checks per minute per organisation. Send fewer documents at once, or let the workflow retry later (node setting Retry On Fail).',
			);
		case 'server':
			return new ReasonedError(
				'mindee_unavailable',
				`Mindee did not process ${STAGE_TEXT[context.stage]} (${because || 'server error'})${tries}`,
				details,
				'Mindee or a proxy in between is failing; try again later (node setting Retry On Fail).',
			);
		case 'network':
			return new ReasonedError(
				'mindee_unreachable',
				`Could not reach Mindee at ${context.baseUrl} during ${STAGE_TEXT[context.stage]} (${failure.code ?? failure.message})${tries}`,
				details,
				`Check the base URL in the Mindee Extraction API credential (default https://api-v2.mindee.net) and the network between n8n and it.`,
			);
		case 'rejected':
			return new ReasonedError(
				'mindee_rejected',
				`Mindee refused ${STAGE_TEXT[context.stage]} (${because})`,
				details,
				failure.status === 413
					? 'The file is larger than Mindee accepts (100 MB).'
					: failure.status === 402
						? 'The Mindee account has no credit left for this model.'
						: failure.status === 404
							? `Check the model ID (${context.modelId}) and the base URL.`
							: "Mindee's explanation above says which field it refused; check the model ID and the file.",
			);
		case 'input':
			return new ReasonedError('unsupported_file_type', `Mindee cannot read this file: ${failure.message}`, details, 'Put the Invoice File Check node before this one.');
		case 'configuration':
			return new ReasonedError('mindee_configuration', failure.message, details, 'Check the Mindee Extraction API credential and the node parameters.');
		default:
			return new ReasonedError('mindee_unexpected', `Unexpected answer from Mindee during ${STAGE_TEXT[context.stage]}: ${because || failure.message}`, details);
	}
}

/** A job Mindee reported as failed (`status: "Failed"` with `error`, e.g. v2/job/fail_422.json). */
export function jobFailedError(job: { id: string; error?: unknown }, modelId: string): ReasonedError {
	const error = isRecord(job.error) ? job.error : {};
	const parts = { title: trimmedText(error.title), detail: trimmedText(error.detail), errors: errorPointers(error.errors) };
	const status = typeof error.status === 'number' ? error.status : null;
	const explanation = mindeeExplanation(parts) || 'no reason given';
	const aboutModel = parts.errors.some((entry) => entry.pointer?.includes('model_id'));
	return new ReasonedError(
		'mindee_job_failed',
		`Mindee could not process the document: ${explanation}`,
		{ jobId: job.id, httpStatus: status, mindeeCode: trimmedText(error.code), mindeeTitle: parts.title, mindeeDetail: parts.detail, mindeeErrors: parts.errors },
		aboutModel
			? `Check the model ID (${modelId}) in the credential or the node.`
			: 'Check that the file is a readable receipt or invoice (not password-protected, not blank) and that the model fits it.',
	);
}

export function timeoutError(job: { id: string; status: string | null }, timeoutSeconds: number, polls: number): ReasonedError {
	return new ReasonedError(
		'mindee_timeout',
		`Mindee did not finish the document within ${timeoutSeconds} seconds (job ${job.id} still "${job.status ?? 'unknown'}" after ${polls} status checks)`,
		{ jobId: job.id, jobStatus: job.status, timeoutSeconds, polls },
		'Raise Polling Timeout (Seconds), or try again later: Mindee is slow at the moment.',
	);
}
