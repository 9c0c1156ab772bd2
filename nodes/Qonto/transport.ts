/**
 * The one place the Qonto node talks HTTP (and the Qonto Trigger, for its webhook subscription). Authentication comes from the selected credential through
 * `httpRequestWithAuthentication` (the API-key credential's `authenticate` builds `Authorization: login:secret-key`;
 * for OAuth2, n8n signs with the bearer token and refreshes it on a 401). Answers are classified by the pure code in
 * src/qonto/errors.ts; 429/5xx/network failures are retried with backoff, honouring Retry-After.
 */
import type {
	IDataObject,
	IExecuteFunctions,
	IHookFunctions,
	IHttpRequestMethods,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	JsonObject,
} from 'n8n-workflow';
import { NodeApiError, sleep } from 'n8n-workflow';

import { isRecord } from '../../src/common/guards';
import { timeoutMs } from '../../src/common/network';
import { DEFAULT_RETRY, type RetryDecision, withRetries } from '../../src/common/retry';
import { QONTO_REASONS } from '../../src/qonto/constants';
import {
	describeErrors,
	describeFailure,
	headerValue,
	interpretResponse,
	networkFailure,
	QontoRequestError,
	type QontoFailure,
	type RawResponse,
	traceIdOf,
} from '../../src/qonto/errors';
import type { MultipartBody } from '../../src/qonto/multipart';
import { collectPages } from '../../src/qonto/pagination';
import { type QueryParams, withQuery } from '../../src/qonto/query';
import { connectionFromCredentials, connectionHeaders, type QontoConnection } from '../../src/qonto/settings';

export const CREDENTIAL_TYPES = { apiKey: 'qontoApi', oAuth2: 'qontoOAuth2Api' } as const;
export type QontoAuthentication = keyof typeof CREDENTIAL_TYPES;

/** Three attempts in all (1 s, then 2 s apart, or what Retry-After asks for, at most 30 s). */
export const QONTO_RETRY = { ...DEFAULT_RETRY, retries: 2 };
export const DEFAULT_TIMEOUT_SECONDS = 60;

/** The Qonto node's executions and option lists, and the Qonto Trigger's subscription lifecycle (webhookMethods). */
export type QontoContext = IExecuteFunctions | ILoadOptionsFunctions | IHookFunctions;

export interface QontoRequest {
	method: IHttpRequestMethods;
	/** `/v2/…` */
	path: string;
	query?: QueryParams;
	/** A JSON body. */
	body?: IDataObject;
	/** A multipart body built by src/qonto/multipart.ts. */
	multipart?: MultipartBody;
	headers?: Record<string, string>;
	/** Extra check of a 2xx answer (e.g. the bulk endpoint's `errors[]`); a failure it returns is thrown (and retried if retryable). */
	check?: (body: unknown, traceId: string | null) => QontoFailure | null;
}

export interface QontoSession {
	credentialType: string;
	connection: QontoConnection;
}

const sessions = new WeakMap<object, Promise<QontoSession>>();

export function credentialTypeFor(authentication: unknown): string {
	return authentication === 'oAuth2' ? CREDENTIAL_TYPES.oAuth2 : CREDENTIAL_TYPES.apiKey;
}

function authenticationOf(context: QontoContext): unknown {
	// Both contexts expose the node's own parameters; the credential choice is node-wide, not per item.
	const parameters = context.getNode().parameters;
	return parameters.authentication ?? 'apiKey';
}

/** Node-wide too; n8n's own default is 300 s per attempt, which would let one stalled call hold an execution. */
function requestTimeoutMs(context: QontoContext): number {
	return timeoutMs(context.getNode().parameters.timeoutSeconds, DEFAULT_TIMEOUT_SECONDS);
}

/** The credential type and the connection settings (base URL, staging token), read once per execution. */
export async function qontoSession(context: QontoContext): Promise<QontoSession> {
	let session = sessions.get(context);
	if (!session) {
		session = (async () => {
			const credentialType = credentialTypeFor(authenticationOf(context));
			const credentials = await context.getCredentials(credentialType);
			return { credentialType, connection: connectionFromCredentials(credentials) };
		})();
		sessions.set(context, session);
		session.catch(() => sessions.delete(context));
	}
	return await session;
}

/** The HTTP answer inside an error n8n threw (an OAuth2 401 after a refresh, a failed refresh), if there was one. */
function answerInside(error: unknown): RawResponse | null {
	if (!isRecord(error)) return null;
	const candidates = [error.response, isRecord(error.cause) ? error.cause.response : undefined, isRecord(error.cause) ? error.cause : undefined];
	for (const candidate of candidates) {
		if (isRecord(candidate) && typeof candidate.status === 'number') {
			return { statusCode: candidate.status, headers: isRecord(candidate.headers) ? candidate.headers : {}, body: candidate.data ?? candidate.body };
		}
	}
	const code = Number(error.httpCode ?? error.statusCode);
	if (Number.isInteger(code) && code >= 100) {
		const context = isRecord(error.context) ? error.context : {};
		return { statusCode: code, headers: {}, body: context.data ?? error.error ?? null };
	}
	return null;
}

async function send(context: QontoContext, session: QontoSession, options: IHttpRequestOptions): Promise<RawResponse> {
	const oauth = session.credentialType === CREDENTIAL_TYPES.oAuth2;
	try {
		return (await context.helpers.httpRequestWithAuthentication.call(context, session.credentialType, {
			...options,
			returnFullResponse: true,
			// n8n refreshes an OAuth2 token only when the call *throws* a 401, so 401 must not be ignored there.
			ignoreHttpStatusErrors: oauth ? { ignore: true, except: [401] } : true,
		})) as RawResponse;
	} catch (error) {
		const answer = answerInside(error);
		if (!answer) throw new QontoRequestError(networkFailure(error));
		if (oauth && answer.statusCode < 500) {
			// In OAuth2 mode only a 401 (after n8n's refresh) or a failed refresh call is thrown rather than returned.
			const parsed = interpretResponse({ ...answer, statusCode: 401 });
			throw new QontoRequestError({
				reason: QONTO_REASONS.unauthorized,
				httpStatus: answer.statusCode,
				message: `Qonto refused the OAuth2 access token (HTTP ${answer.statusCode}), also after n8n tried to refresh it${parsed.ok || !parsed.failure.errors.length ? '' : `: ${describeErrors(parsed.failure.errors)}`}`,
				hint: 'Reconnect the Qonto OAuth2 credential (refresh tokens expire after 90 days without use and rotate on every refresh).',
				errors: parsed.ok ? [] : parsed.failure.errors,
				traceId: traceIdOf(answer.headers, answer.body),
				retryable: false,
			});
		}
		return answer;
	}
}

function classify(error: unknown): RetryDecision {
	if (error instanceof QontoRequestError) return { retry: error.failure.retryable, retryAfterMs: error.failure.retryAfterMs };
	return { retry: false };
}

const CAUSES: Partial<Record<string, 'rate-limited' | 'temporarily-unavailable' | 'credential-invalid' | 'configuration-invalid'>> = {
	[QONTO_REASONS.rateLimited]: 'rate-limited',
	[QONTO_REASONS.serverError]: 'temporarily-unavailable',
	[QONTO_REASONS.network]: 'temporarily-unavailable',
	[QONTO_REASONS.unauthorized]: 'credential-invalid',
	[QONTO_REASONS.missingScope]: 'credential-invalid',
	[QONTO_REASONS.sandboxHtml]: 'configuration-invalid',
};

/** The n8n error an admin sees: what happened, how to fix it, Qonto's trace id; the reason code in its context. */
export function toNodeApiError(context: QontoContext, error: unknown, itemIndex: number, attempts = 1): Error {
	if (!(error instanceof QontoRequestError)) return error as Error;
	const { failure } = error;
	const cause = CAUSES[failure.reason];
	const suffix = attempts > 1 ? ` (after ${attempts} attempts)` : '';
	const nodeError = new NodeApiError(
		context.getNode(),
		{ reason: failure.reason, httpStatus: failure.httpStatus, traceId: failure.traceId, errors: failure.errors } as unknown as JsonObject,
		{
			message: `${failure.message}${suffix}`,
			description: describeFailure(failure),
			httpCode: failure.httpStatus !== null ? String(failure.httpStatus) : undefined,
			itemIndex,
			...(cause === 'rate-limited' ? { failure: { cause, retryAfterMs: failure.retryAfterMs } } : cause ? { failure: { cause } } : {}),
		},
	);
	nodeError.context.reason = failure.reason;
	nodeError.context.traceId = failure.traceId;
	nodeError.context.qontoErrors = failure.errors;
	return nodeError;
}

/** One Qonto call with retries; the decoded JSON body (null for an empty answer). */
export async function qontoRequest(context: QontoContext, itemIndex: number, request: QontoRequest): Promise<unknown> {
	const session = await qontoSession(context);
	const headers: Record<string, string> = { ...connectionHeaders(session.connection), ...request.headers };
	const options: IHttpRequestOptions = { method: request.method, url: `${session.connection.baseUrl}${withQuery(request.path, request.query)}`, headers, timeout: requestTimeoutMs(context) };
	if (request.multipart) {
		headers['Content-Type'] = request.multipart.contentType;
		options.body = request.multipart.body;
	} else if (request.body) {
		options.body = request.body;
		options.json = true;
	} else {
		options.json = true;
	}
	const interpretContext = { environment: session.connection.environment, stagingTokenSent: session.connection.stagingToken !== null };
	return await withQontoRetries(context, itemIndex, async () => {
		const answer = await send(context, session, options);
		const interpreted = interpretResponse(answer, interpretContext);
		if (!interpreted.ok) throw new QontoRequestError(interpreted.failure);
		const problem = request.check?.(interpreted.body, traceIdOf(answer.headers, interpreted.body) ?? headerValue(answer.headers, 'x-tyk-trace-id') ?? null);
		if (problem) throw new QontoRequestError(problem);
		return interpreted.body;
	});
}

/** One call retried on what `classify` allows; the n8n error an admin sees says after how many attempts it failed. */
async function withQontoRetries<T>(context: QontoContext, itemIndex: number, attempt: () => Promise<T>): Promise<T> {
	let attempts = 0;
	try {
		return await withRetries(
			async () => {
				attempts++;
				return await attempt();
			},
			classify,
			{ ...QONTO_RETRY, sleep },
		);
	} catch (error) {
		throw toNodeApiError(context, error, itemIndex, attempts);
	}
}

export interface AllItemsOptions {
	/** undefined = every page. */
	limit?: number;
	perPage?: number;
}

/** Every item of a paginated list (`meta.next_page`, or full pages for lists without meta), up to `limit`. */
export async function qontoRequestAllItems<T = IDataObject>(
	context: QontoContext,
	itemIndex: number,
	path: string,
	key: string,
	query: QueryParams = {},
	options: AllItemsOptions = {},
): Promise<T[]> {
	const collected = await collectPages<T>(
		async (page, perPage) => await qontoRequest(context, itemIndex, { method: 'GET', path, query: { ...query, page, per_page: perPage } }),
		{ key, limit: options.limit, perPage: options.perPage },
	);
	return collected.items;
}

/**
 * Downloads a file from one of Qonto's signed storage links (an attachment's `url`): no Qonto authentication (the
 * link carries its signature), the node's timeout, retried like an API call on a network failure or a 5xx.
 */
export async function qontoDownload(context: IExecuteFunctions, itemIndex: number, url: string): Promise<{ bytes: Buffer; contentType: string | null }> {
	return await withQontoRetries(context, itemIndex, async () => {
		let answer: RawResponse;
		try {
			answer = (await context.helpers.httpRequest({ method: 'GET', url, encoding: 'arraybuffer', returnFullResponse: true, ignoreHttpStatusErrors: true, timeout: requestTimeoutMs(context) })) as RawResponse;
		} catch (error) {
			throw new QontoRequestError(networkFailure(error));
		}
		if (answer.statusCode >= 200 && answer.statusCode < 300) {
			const contentType = headerValue(answer.headers, 'content-type');
			return { bytes: Buffer.from(answer.body as ArrayBuffer), contentType: contentType ? contentType.split(';')[0].trim() : null };
		}
		throw new QontoRequestError({
			reason: answer.statusCode >= 500 ? QONTO_REASONS.serverError : QONTO_REASONS.notFound,
			httpStatus: answer.statusCode,
			message: `Qonto's file storage answered HTTP ${answer.statusCode} for the attachment's link`,
			hint: 'The link is signed and expires after a while: the node asks Qonto for a fresh one on every run.',
			errors: [],
			traceId: null,
			retryable: answer.statusCode >= 500,
		});
	});
}
