import type { IDataObject, IExecuteFunctions, IHttpRequestMethods, IHttpRequestOptions, JsonObject } from 'n8n-workflow';
import { NodeApiError, sleep } from 'n8n-workflow';
import type { Readable } from 'node:stream';

import { requestNeverSent, timeoutMs } from '../../src/common/network';
import { DEFAULT_RETRY, withRetries } from '../../src/common/retry';
import { readStreamWithLimit } from '../../src/common/stream';
import type { OpenedDownload } from '../../src/whatsapp/download';
import { describeGraphError, isRetryableGraphError, parseGraphError, type GraphError } from '../../src/whatsapp/graphErrors';
import { parseMediaMetadata, type MediaMetadata } from '../../src/whatsapp/media';

export const CREDENTIAL_NAME = 'whatsAppCloudApi';
// Some media hosts refuse requests without a user agent (reported by several Cloud API clients).
const USER_AGENT = 'n8n-nodes-qonto-whatsapp';

export interface GraphSettings {
	apiRoot: string;
	phoneNumberId: string;
}

export async function graphSettings(context: IExecuteFunctions): Promise<GraphSettings> {
	const credentials = await context.getCredentials(CREDENTIAL_NAME);
	const baseUrl = String(credentials.baseUrl || 'https://graph.facebook.com').replace(/\/+$/, '');
	const version = String(credentials.apiVersion || 'v24.0').replace(/^\/+|\/+$/g, '');
	return { apiRoot: `${baseUrl}/${version}`, phoneNumberId: String(credentials.phoneNumberId) };
}

interface FullResponse<T> {
	statusCode: number;
	headers: Record<string, string | string[] | undefined>;
	body: T;
}

class GraphRequestError extends Error {
	constructor(readonly graphError: GraphError) {
		super(graphError.message);
	}
}

/**
 * A Graph error that Meta marks temporary is retried (the message was not accepted). Without any answer, an idempotent
 * call (a reaction, a read, a lookup) is retried; a send is retried only when the request provably never left.
 */
function classifier(idempotent: boolean) {
	return (error: unknown) => {
		if (error instanceof GraphRequestError) return { retry: isRetryableGraphError(error.graphError) };
		return { retry: idempotent || requestNeverSent(error) };
	};
}

export const DEFAULT_TIMEOUT_SECONDS = 60;

async function send<T>(context: IExecuteFunctions, itemIndex: number, options: IHttpRequestOptions): Promise<FullResponse<T>> {
	return (await context.helpers.httpRequestWithAuthentication.call(context, CREDENTIAL_NAME, {
		...options,
		// n8n's default is 300 s per attempt: one stalled host would hold the execution for many minutes.
		timeout: timeoutMs(context.getNodeParameter('timeoutSeconds', itemIndex, DEFAULT_TIMEOUT_SECONDS), DEFAULT_TIMEOUT_SECONDS),
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
	})) as FullResponse<T>;
}

function toNodeApiError(context: IExecuteFunctions, error: unknown, itemIndex: number): Error {
	if (error instanceof GraphRequestError) {
		const graphError = error.graphError;
		return new NodeApiError(context.getNode(), graphError as unknown as JsonObject, {
			message: graphError.code !== null ? `WhatsApp error ${graphError.code}: ${graphError.message}` : graphError.message,
			description: describeGraphError(graphError) || undefined,
			httpCode: graphError.httpStatus !== null ? String(graphError.httpStatus) : undefined,
			itemIndex,
		});
	}
	return error as Error;
}

/** A JSON call to the Graph API, retried where Meta's code says a retry can help and a retry cannot send twice. */
export async function graphRequest(
	context: IExecuteFunctions,
	itemIndex: number,
	method: IHttpRequestMethods,
	path: string,
	request: { body?: IDataObject; qs?: IDataObject; idempotent?: boolean } = {},
): Promise<IDataObject> {
	const { apiRoot } = await graphSettings(context);
	try {
		return await withRetries(
			async () => {
				const response = await send<IDataObject>(context, itemIndex, { method, url: `${apiRoot}${path}`, body: request.body, qs: request.qs, json: true });
				if (response.statusCode >= 400) throw new GraphRequestError(parseGraphError(response.statusCode, response.body));
				return response.body;
			},
			classifier(request.idempotent ?? method === 'GET'),
			{ ...DEFAULT_RETRY, sleep },
		);
	} catch (error) {
		throw toNodeApiError(context, error, itemIndex);
	}
}

/** POST /{phone-number-id}/messages; `idempotent` when sending it twice cannot show the sender two messages. */
export async function postMessage(context: IExecuteFunctions, itemIndex: number, body: object, idempotent: boolean): Promise<IDataObject> {
	const { phoneNumberId } = await graphSettings(context);
	return await graphRequest(context, itemIndex, 'POST', `/${encodeURIComponent(phoneNumberId)}/messages`, { body: body as IDataObject, idempotent });
}

/** GET /{media-id}: a fresh download URL with the declared type, size and checksum. */
export async function fetchMediaMetadata(context: IExecuteFunctions, itemIndex: number, mediaId: string): Promise<MediaMetadata> {
	const { phoneNumberId } = await graphSettings(context);
	const body = await graphRequest(context, itemIndex, 'GET', `/${encodeURIComponent(mediaId)}`, { qs: { phone_number_id: phoneNumberId } });
	return parseMediaMetadata(body);
}

/** Opens a media download (the URL from the media metadata) with the credential's bearer token; the body streams. */
export async function openMediaDownload(context: IExecuteFunctions, itemIndex: number, url: string): Promise<OpenedDownload> {
	const response = await send<Readable>(context, itemIndex, { method: 'GET', url, encoding: 'stream', headers: { 'User-Agent': USER_AGENT } });
	return {
		statusCode: response.statusCode,
		read: async (maxBytes) => await readStreamWithLimit(response.body, maxBytes),
		discard: () => response.body.destroy?.(),
	};
}

export { toNodeApiError, GraphRequestError };
