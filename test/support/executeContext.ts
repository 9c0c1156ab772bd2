/**
 * A stand-in for n8n's IExecuteFunctions for node tests: parameters per item, credentials, binary helpers, and
 * `helpers.httpRequestWithAuthentication` performing REAL HTTP (global fetch) the way n8n's core does, so the
 * contract fakes record the requests a node really sends:
 *  - a credential's own `authenticate` is applied (a function, or the generic `{ headers }` form with
 *    `{{$credentials.x}}` placeholders);
 *  - an OAuth2 credential (`oauthTokenData` in its data) signs with `Bearer <access_token>`; when the call throws a
 *    401, the token is refreshed at the credential's `accessTokenUrl` (refresh_token grant, client credentials in the
 *    body) and the call retried once — like n8n's requestOAuth2;
 *  - `ignoreHttpStatusErrors` (true or {ignore, except}), `returnFullResponse`, `encoding: 'stream' | 'arraybuffer'`, JSON parsing
 *    like axios, and failures thrown as NodeApiError around an axios-like error.
 */
import { mockDeep } from 'jest-mock-extended';
import type {
	IAuthenticateGeneric,
	IBinaryData,
	ICredentialDataDecryptedObject,
	IDataObject,
	IExecuteFunctions,
	IHttpRequestOptions,
	INode,
	INodeExecutionData,
} from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import { Readable } from 'node:stream';

export type Authenticate = (credentials: IDataObject, request: IHttpRequestOptions) => Promise<IHttpRequestOptions> | IHttpRequestOptions;

export interface ExecuteContextOptions {
	items?: INodeExecutionData[];
	/** Parameters, the same for every item, or a function of the item index. Values are copied on each read. */
	parameters: IDataObject | ((itemIndex: number) => IDataObject);
	/** Credential data by credential type name. */
	credentials: Record<string, IDataObject>;
	/** The credential types' `authenticate`, by type name (OAuth2 types need none). */
	authenticate?: Record<string, Authenticate | IAuthenticateGeneric>;
	continueOnFail?: boolean;
	node?: Partial<INode>;
}

export interface WireCall {
	credentialType: string;
	method: string;
	url: string;
	status: number | null;
}

/** Named like axios' error class: NodeApiError reads the HTTP status from errors whose constructor is AxiosError. */
class AxiosError extends Error {
	readonly isAxiosError = true;

	constructor(
		message: string,
		readonly response: { status: number; statusText: string; headers: Record<string, string>; data: unknown },
	) {
		super(message);
	}
}

function parseBody(text: string, contentType: string): unknown {
	if (text === '') return '';
	if (/json/i.test(contentType) || /^\s*[[{]/.test(text)) {
		try {
			return JSON.parse(text);
		} catch {
			return text;
		}
	}
	return text;
}

async function perform(options: IHttpRequestOptions, calls: WireCall[], credentialType: string) {
	const url = new URL(options.url, options.baseURL);
	for (const [key, value] of Object.entries(options.qs ?? {})) {
		for (const item of Array.isArray(value) ? value : [value]) url.searchParams.append(key, String(item));
	}
	const headers: Record<string, string> = { 'User-Agent': 'n8n' };
	for (const [name, value] of Object.entries(options.headers ?? {})) if (value !== undefined) headers[name] = String(value);
	let body: RequestInit['body'];
	if (Buffer.isBuffer(options.body)) body = new Uint8Array(options.body);
	else if (options.body instanceof URLSearchParams) body = options.body;
	else if (options.body !== undefined && options.method !== 'GET') {
		body = JSON.stringify(options.body);
		if (!Object.keys(headers).some((name) => name.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json';
	}
	const call: WireCall = { credentialType, method: options.method ?? 'GET', url: url.toString(), status: null };
	calls.push(call);
	let response: Response;
	try {
		response = await fetch(url, { method: options.method ?? 'GET', headers, body, signal: options.timeout ? AbortSignal.timeout(options.timeout) : undefined });
	} catch (error) {
		// As axios reports it inside n8n: code ECONNABORTED, "timeout of N ms exceeded".
		if ((error as Error).name === 'TimeoutError') throw Object.assign(new Error(`timeout of ${options.timeout} ms exceeded`), { code: 'ECONNABORTED' });
		throw error;
	}
	call.status = response.status;
	const responseHeaders: Record<string, string> = {};
	response.headers.forEach((value, name) => (responseHeaders[name] = value));
	const received =
		options.encoding === 'stream' && response.body
			? Readable.fromWeb(response.body as Parameters<typeof Readable.fromWeb>[0])
			: options.encoding === 'arraybuffer'
				? Buffer.from(await response.arrayBuffer())
				: parseBody(await response.text(), responseHeaders['content-type'] ?? '');
	return { statusCode: response.status, statusMessage: response.statusText, headers: responseHeaders, body: received };
}

function throwsFor(status: number, ignore: IHttpRequestOptions['ignoreHttpStatusErrors']): boolean {
	if (ignore === true) return false;
	if (typeof ignore === 'object' && ignore?.ignore) return ignore.except.includes(status);
	return status < 200 || status >= 300;
}

/** The generic `authenticate` form: headers with `{{$credentials.name}}` placeholders. */
function genericAuthenticate(headers: IDataObject): Authenticate {
	return (credentials, request) => {
		const resolved = Object.fromEntries(
			Object.entries(headers).map(([name, template]) => [name, String(template).replace(/^=/, '').replace(/\{\{\s*\$credentials\.(\w+)\s*\}\}/g, (_, key: string) => String(credentials[key] ?? ''))]),
		);
		return { ...request, headers: { ...request.headers, ...resolved } };
	};
}

export function createExecuteContext(options: ExecuteContextOptions) {
	const context = mockDeep<IExecuteFunctions>();
	const calls: WireCall[] = [];
	const items: INodeExecutionData[] = options.items ?? [{ json: {} }];
	const credentials = structuredClone(options.credentials);
	const parametersOf = (itemIndex: number): IDataObject => (typeof options.parameters === 'function' ? options.parameters(itemIndex) : options.parameters);
	const node: INode = {
		id: 'node-under-test',
		name: 'Node Under Test',
		type: 'n8n-nodes-qonto-whatsapp.test',
		typeVersion: 1,
		position: [0, 0],
		parameters: parametersOf(0) as INode['parameters'],
		credentials: Object.fromEntries(Object.keys(credentials).map((type) => [type, { id: `${type}-id`, name: type }])),
		...options.node,
	};

	context.getNode.mockReturnValue(node);
	context.getInputData.mockReturnValue(items);
	context.continueOnFail.mockReturnValue(options.continueOnFail ?? false);
	context.getNodeParameter.mockImplementation(((name: string, itemIndex: number, fallback?: unknown) => {
		const value = name.split('.').reduce<unknown>((current, key) => (current as IDataObject | undefined)?.[key], parametersOf(itemIndex));
		return value === undefined ? fallback : structuredClone(value);
	}) as never);
	context.getCredentials.mockImplementation((async (type: string) => {
		if (!credentials[type]) throw new Error(`No credentials of type ${type}`);
		return credentials[type] as ICredentialDataDecryptedObject;
	}) as never);
	const binaryOf = (itemIndex: number, name: string): IBinaryData => {
		const binary = items[itemIndex]?.binary?.[name];
		if (!binary) throw new NodeOperationError(node, `This operation expects the node's input data to contain a binary file '${name}', but none was found [item ${itemIndex}]`);
		return binary;
	};
	context.helpers.assertBinaryData.mockImplementation(((itemIndex: number, name: string) => binaryOf(itemIndex, name)) as never);
	context.helpers.getBinaryDataBuffer.mockImplementation((async (itemIndex: number, name: string) => Buffer.from(binaryOf(itemIndex, name).data, 'base64')) as never);
	context.helpers.prepareBinaryData.mockImplementation((async (buffer: Buffer, fileName?: string, mimeType?: string) =>
		binaryData(buffer, fileName ?? 'data', mimeType ?? 'application/octet-stream')) as never);

	/** One request as n8n's core sends it once signed: axios-like errors, the full response or its body. */
	const sendPlain = async (request: IHttpRequestOptions, credentialType: string) => {
		let response;
		try {
			response = await perform(request, calls, credentialType);
		} catch (error) {
			throw new NodeApiError(node, error as never);
		}
		if (throwsFor(response.statusCode, request.ignoreHttpStatusErrors)) {
			throw new AxiosError(`Request failed with status code ${response.statusCode}`, {
				status: response.statusCode,
				statusText: response.statusMessage,
				headers: response.headers,
				data: response.body,
			});
		}
		return request.returnFullResponse ? response : response.body;
	};
	// Plain httpRequest (no credential), e.g. for a signed download link.
	context.helpers.httpRequest.mockImplementation((async (request: IHttpRequestOptions) => await sendPlain(request, '')) as never);
	context.helpers.httpRequestWithAuthentication.mockImplementation((async (credentialType: string, requestOptions: IHttpRequestOptions) => {
		const data = credentials[credentialType];
		if (!data) throw new Error(`No credentials of type ${credentialType}`);
		const send = async (signed: IHttpRequestOptions) => await sendPlain(signed, credentialType);
		try {
			if (data.oauthTokenData) return await sendWithOAuth2(data, requestOptions, send, calls, credentialType);
			const authenticate = options.authenticate?.[credentialType];
			if (!authenticate) throw new Error(`The test gave no authenticate for ${credentialType}`);
			const apply = typeof authenticate === 'function' ? authenticate : genericAuthenticate(authenticate.properties.headers ?? {});
			return await send(await apply(data, requestOptions));
		} catch (error) {
			if (error instanceof NodeApiError) throw error;
			throw new NodeApiError(node, error as never);
		}
	}) as never);
	return { context, calls, credentials };
}

/** Bearer signing with one refresh on a thrown 401, as n8n's requestOAuth2 does. Refreshed tokens land in `data`. */
async function sendWithOAuth2(
	data: IDataObject,
	request: IHttpRequestOptions,
	send: (signed: IHttpRequestOptions) => Promise<unknown>,
	calls: WireCall[],
	credentialType: string,
) {
	const token = data.oauthTokenData as IDataObject;
	const sign = (accessToken: unknown) => ({ ...request, headers: { ...request.headers, Authorization: `Bearer ${String(accessToken)}` } });
	try {
		return await send(sign(token.access_token));
	} catch (error) {
		if (!(error instanceof AxiosError) || error.response.status !== 401) throw error;
		const refreshed = await perform(
			{
				method: 'POST',
				url: String(data.accessTokenUrl),
				headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
				body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: String(token.refresh_token), client_id: String(data.clientId), client_secret: String(data.clientSecret) }),
			},
			calls,
			credentialType,
		);
		if (refreshed.statusCode !== 200) {
			throw new AxiosError(`Request failed with status code ${refreshed.statusCode}`, {
				status: refreshed.statusCode,
				statusText: refreshed.statusMessage,
				headers: refreshed.headers,
				data: refreshed.body,
			});
		}
		data.oauthTokenData = { ...token, ...(refreshed.body as IDataObject) };
		return await send(sign((refreshed.body as IDataObject).access_token));
	}
}

/** A binary property as n8n holds it in memory mode. */
export function binaryData(bytes: Buffer, fileName: string, mimeType: string): IBinaryData {
	return { data: bytes.toString('base64'), fileName, mimeType, fileSize: String(bytes.length) };
}

/** An input item with one binary field. */
export function binaryItem(json: IDataObject, bytes: Buffer, fileName: string, mimeType = 'application/octet-stream', field = 'data'): INodeExecutionData {
	return { json, binary: { [field]: binaryData(bytes, fileName, mimeType) } };
}
