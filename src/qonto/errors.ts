/**
 * Qonto answers turned into a classification the node acts on: success, or a failure with what happened, how to fix
 * it, whether a retry can help, Qonto's own error entries and the trace id Qonto support asks for.
 *
 * Defensive on purpose: Qonto documents JSON:API errors (`{"errors":[{code,detail,source}],"trace_id"}`) but some of
 * its own 404/422 examples carry `errors` as a single object, the sandbox answers 200 with an HTML page when the
 * staging token is missing, and the bulk supplier-invoice endpoint answers 200 with per-item `errors[]`.
 */
import { ReasonedError } from '../common/failure';
import { isRecord } from '../common/guards';
import { parseRetryAfter } from '../common/retry';
import { QONTO_REASONS, type QontoReason, TRACE_ID_HEADER } from './constants';

export interface QontoErrorEntry {
	code: string | null;
	detail: string | null;
	/** JSON pointer into the request (`/data/0/file`), when Qonto names one. */
	pointer: string | null;
	/** Query or path parameter Qonto blames (`status`), when it names one. */
	parameter: string | null;
}

export interface QontoFailure {
	reason: QontoReason;
	/** null when no HTTP answer arrived at all. */
	httpStatus: number | null;
	/** What happened, in one sentence. */
	message: string;
	/** How to fix it, for the n8n admin. */
	hint: string;
	errors: QontoErrorEntry[];
	/** Qonto's trace id (body `trace_id` or header X-Tyk-Trace-Id), to quote to Qonto support. */
	traceId: string | null;
	retryable: boolean;
	/** The wait the server asked for (Retry-After), in milliseconds. */
	retryAfterMs?: number;
}

export interface RawResponse {
	statusCode: number;
	headers?: Record<string, unknown>;
	body?: unknown;
}

export type Interpreted = { ok: true; body: unknown } | { ok: false; failure: QontoFailure };

/** What the caller knows about the connection, to give the right hint for an HTML answer. */
export interface InterpretContext {
	environment?: 'production' | 'sandbox';
	/** Whether a staging token was sent. */
	stagingTokenSent?: boolean;
}

/** A failed Qonto call; `failure` holds the classification. Reason codes are in `QONTO_REASONS`. */
export class QontoRequestError extends ReasonedError {
	constructor(readonly failure: QontoFailure) {
		super(failure.reason, failure.message, { httpStatus: failure.httpStatus, traceId: failure.traceId, qontoErrors: failure.errors }, failure.hint);
		this.name = 'QontoRequestError';
	}
}

function text(value: unknown): string | null {
	if (typeof value === 'string') return value.trim() === '' ? null : value;
	if (typeof value === 'number' || typeof value === 'boolean') return String(value);
	return null;
}

/** A header value by case-insensitive name. */
export function headerValue(headers: Record<string, unknown> | undefined, name: string): string | undefined {
	if (!headers) return undefined;
	const wanted = name.toLowerCase();
	for (const [key, value] of Object.entries(headers)) {
		if (key.toLowerCase() !== wanted) continue;
		if (Array.isArray(value)) return value.length ? String(value[0]) : undefined;
		return value === undefined || value === null ? undefined : String(value);
	}
	return undefined;
}

/** The body as JSON when it is JSON (objects pass through; strings and Buffers are parsed when they look like JSON). */
export function decodeBody(body: unknown): unknown {
	let value = body;
	if (Buffer.isBuffer(value)) value = value.toString('utf8');
	if (typeof value !== 'string') return value ?? null;
	const trimmedText = value.trim();
	if (trimmedText === '') return null;
	if (/^[[{]/.test(trimmedText)) {
		try {
			return JSON.parse(trimmedText) as unknown;
		} catch {
			return value;
		}
	}
	return value;
}

function parseEntry(entry: unknown): QontoErrorEntry | null {
	if (typeof entry === 'string') return { code: null, detail: entry, pointer: null, parameter: null };
	if (!isRecord(entry)) return null;
	const source = isRecord(entry.source) ? entry.source : {};
	return {
		code: text(entry.code) ?? text(entry.status),
		detail: text(entry.detail) ?? text(entry.message) ?? text(entry.title),
		pointer: text(source.pointer),
		parameter: text(source.parameter),
	};
}

/** Qonto's error entries from a body, whether `errors` is an array, a single object, or a `message`/`error` field. */
export function parseQontoErrors(body: unknown): QontoErrorEntry[] {
	const decoded = decodeBody(body);
	if (!isRecord(decoded)) return [];
	const { errors } = decoded;
	const list = Array.isArray(errors) ? errors : errors !== undefined && errors !== null ? [errors] : [];
	const entries = list.map(parseEntry).filter((entry): entry is QontoErrorEntry => entry !== null);
	if (entries.length) return entries;
	// Gateways and OAuth endpoints answer in other shapes ({"message":…}, {"error":"invalid_token","error_description":…}).
	const detail = text(decoded.message) ?? text(decoded.error_description) ?? text(decoded.detail);
	const code = text(decoded.error) ?? text(decoded.code);
	return detail || code ? [{ code, detail, pointer: null, parameter: null }] : [];
}

/** Qonto's trace id: `trace_id` in the body, else the X-Tyk-Trace-Id header. */
export function traceIdOf(headers: Record<string, unknown> | undefined, body: unknown): string | null {
	const decoded = decodeBody(body);
	if (isRecord(decoded)) {
		const fromBody = text(decoded.trace_id);
		if (fromBody) return fromBody;
	}
	return headerValue(headers, TRACE_ID_HEADER) ?? null;
}

/** Whether an answer is an HTML page (the sandbox's answer without a staging token, a login redirect, a proxy page). */
export function isHtmlAnswer(headers: Record<string, unknown> | undefined, body: unknown): boolean {
	const contentType = headerValue(headers, 'content-type') ?? '';
	if (/text\/html|application\/xhtml/i.test(contentType)) return true;
	const raw = Buffer.isBuffer(body) ? body.subarray(0, 256).toString('utf8') : typeof body === 'string' ? body.slice(0, 256) : '';
	return /^\s*(<!doctype html|<html|<head|<body)/i.test(raw);
}

/** One line per error entry: `detail (code) at pointer`. */
export function describeErrors(errors: QontoErrorEntry[]): string {
	return errors
		.map((entry) => {
			const where = entry.pointer ?? entry.parameter;
			const base = entry.detail ?? entry.code ?? 'unknown error';
			const code = entry.code && entry.detail ? ` (${entry.code})` : '';
			return `${base}${code}${where ? ` at ${where}` : ''}`;
		})
		.join('; ');
}

const SCOPE_PATTERN = /missing required oauth scope|insufficient[_ ]scope/i;

function classifyStatus(status: number, errors: QontoErrorEntry[]): { reason: QontoReason; hint: string; retryable: boolean } {
	if (status === 401) {
		return {
			reason: QONTO_REASONS.unauthorized,
			hint: 'Check the login and secret key of the Qonto API credential, or reconnect the Qonto OAuth2 credential. Qonto throttles an IP after more than 200 refused (401) calls within an hour.',
			retryable: false,
		};
	}
	if (status === 403) {
		if (errors.some((entry) => SCOPE_PATTERN.test(`${entry.detail ?? ''} ${entry.code ?? ''}`))) {
			return {
				reason: QONTO_REASONS.missingScope,
				hint: 'Reconnect the Qonto OAuth2 credential so that it grants the scopes this operation needs (organization.read, attachment.write, supplier_invoice.write, supplier_invoice.read, membership.read).',
				retryable: false,
			};
		}
		return {
			reason: QONTO_REASONS.forbidden,
			hint: "The credential may not do this: an API key reaches only part of Qonto's API (mostly read-only), and the connected user's role may lack the right. Use OAuth2 with an owner or admin, or check the endpoint access table.",
			retryable: false,
		};
	}
	if (status === 404) return { reason: QONTO_REASONS.notFound, hint: 'Check the ID: it must belong to the organisation of the credential.', retryable: false };
	if (status === 429) {
		return {
			reason: QONTO_REASONS.rateLimited,
			hint: 'Qonto allows 1,000 requests per 10 seconds and 10,000 per 10 minutes per IP address. Calls were retried after a pause; spread the workload or try again later.',
			retryable: true,
		};
	}
	if (status >= 500) return { reason: QONTO_REASONS.serverError, hint: 'Qonto had a temporary problem; calls were retried. Try again later, and quote the trace id to Qonto support if it persists.', retryable: true };
	if (status >= 400) return { reason: QONTO_REASONS.invalidRequest, hint: 'Qonto refused a parameter: check the fields named in the error.', retryable: false };
	return { reason: QONTO_REASONS.unexpectedResponse, hint: 'Check the base URL of the credential.', retryable: false };
}

function htmlFailure(response: RawResponse, context: InterpretContext): QontoFailure {
	const location = headerValue(response.headers, 'location') ?? '';
	const hint =
		context.environment === 'sandbox' && !context.stagingTokenSent
			? 'This is what the Qonto sandbox answers without the X-Qonto-Staging-Token header: enter the staging token from the Qonto developer portal in the credential.'
			: context.environment === 'sandbox'
				? 'The Qonto sandbox answers with an HTML page when the X-Qonto-Staging-Token is wrong or expired: copy it again from the Qonto developer portal into the credential.'
				: 'An HTML page usually means the base URL points at a web page rather than the API (or a sandbox without its staging token): check the environment and base URL of the credential.';
	return {
		reason: QONTO_REASONS.sandboxHtml,
		httpStatus: response.statusCode,
		message: `Qonto answered with an HTML page instead of JSON (HTTP ${response.statusCode}${location ? `, redirect to ${location}` : ''})`,
		hint,
		errors: [],
		traceId: traceIdOf(response.headers, null),
		retryable: false,
	};
}

/** Classifies one HTTP answer from Qonto. Never throws. */
export function interpretResponse(response: RawResponse, context: InterpretContext = {}, now: Date = new Date()): Interpreted {
	const status = response.statusCode;
	if (isHtmlAnswer(response.headers, response.body)) return { ok: false, failure: htmlFailure(response, context) };
	const body = decodeBody(response.body);
	if (status >= 200 && status < 300) {
		if (body === null || isRecord(body) || Array.isArray(body)) return { ok: true, body };
		return {
			ok: false,
			failure: {
				reason: QONTO_REASONS.unexpectedResponse,
				httpStatus: status,
				message: `Qonto answered HTTP ${status} with a body that is not JSON`,
				hint: 'Check the base URL of the credential: it must point at the Qonto API (https://thirdparty.qonto.com) or a stand-in that behaves like it.',
				errors: [],
				traceId: traceIdOf(response.headers, null),
				retryable: false,
			},
		};
	}
	if (status >= 300 && status < 400) {
		const location = headerValue(response.headers, 'location');
		if (location && /onelogin|\/login/i.test(location)) return { ok: false, failure: htmlFailure(response, context) };
	}
	const errors = parseQontoErrors(body);
	const { reason, hint, retryable } = classifyStatus(status, errors);
	const described = describeErrors(errors);
	const failure: QontoFailure = {
		reason,
		httpStatus: status,
		message: described ? `Qonto refused the request (HTTP ${status}): ${described}` : `Qonto answered HTTP ${status}`,
		hint,
		errors,
		traceId: traceIdOf(response.headers, body),
		retryable,
	};
	const retryAfterMs = parseRetryAfter(headerValue(response.headers, 'retry-after'), now);
	if (retryAfterMs !== undefined) failure.retryAfterMs = retryAfterMs;
	return { ok: false, failure };
}

/** A failure for a call that got no HTTP answer (connection refused, reset, timeout). Retried. */
export function networkFailure(error: unknown): QontoFailure {
	const code = isRecord(error) ? text(error.code) : null;
	const message = error instanceof Error ? error.message : String(error);
	return {
		reason: QONTO_REASONS.network,
		httpStatus: null,
		message: `Qonto could not be reached${code ? ` (${code})` : ''}: ${message}`,
		hint: 'Check the network and the base URL of the credential; the call was retried.',
		errors: [],
		traceId: null,
		retryable: true,
	};
}

/** A sentence for the admin: the hint, then the trace id to quote to Qonto support. */
export function describeFailure(failure: QontoFailure): string {
	return [failure.hint, failure.traceId ? `Qonto trace id: ${failure.traceId}` : ''].filter(Boolean).join(' ');
}
