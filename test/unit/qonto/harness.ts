/**
 * Drives the Qonto node with a mocked IExecuteFunctions whose `helpers.httpRequestWithAuthentication` performs real
 * HTTP requests (global fetch, i.e. undici) the way n8n's core does:
 *  - qontoApi: applies the credential's own `authenticate` (so the Authorization header on the wire is the
 *    credential's), then sends;
 *  - qontoOAuth2Api: signs with `Bearer <access_token>`; when the call throws a 401 (a 401 not ignored by
 *    `ignoreHttpStatusErrors`), refreshes the token at the credential's token URL (grant_type=refresh_token, client
 *    credentials in the body as `authentication: body` says) and retries once — like n8n's requestOAuth2;
 *  - `ignoreHttpStatusErrors` true / {ignore, except} / absent, `returnFullResponse`, JSON parsing like axios, and
 *    failures thrown as NodeApiError around an axios-like error, as httpRequestWithAuthentication does.
 */
import { mockDeep } from 'jest-mock-extended';
import type { IBinaryData, IDataObject, IExecuteFunctions, IHttpRequestOptions, INode, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { QontoApi } from '../../../credentials/QontoApi.credentials';
import { Qonto } from '../../../nodes/Qonto/Qonto.node';

export const FILES = join(__dirname, '../../fixtures/files');
export const readFixtureFile = (name: string): Buffer => readFileSync(join(FILES, name));

export type Parameters = IDataObject | ((itemIndex: number) => IDataObject);

export interface RunOptions {
	parameters: Parameters;
	items?: INodeExecutionData[];
	credentials: Record<string, IDataObject>;
	continueOnFail?: boolean;
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

export function binaryItem(json: IDataObject, bytes: Buffer, fileName: string, mimeType = 'application/octet-stream', field = 'data'): INodeExecutionData {
	const binary: IBinaryData = { data: bytes.toString('base64'), mimeType, fileName, fileSize: String(bytes.length) };
	return { json, binary: { [field]: binary } };
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
	if (options.qs) for (const [key, value] of Object.entries(options.qs)) url.searchParams.append(key, String(value));
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
	const response = await fetch(url, { method: options.method ?? 'GET', headers, body });
	call.status = response.status;
	const text = await response.text();
	const responseHeaders: Record<string, string> = {};
	response.headers.forEach((value, name) => (responseHeaders[name] = value));
	return { statusCode: response.status, statusMessage: response.statusText, headers: responseHeaders, body: parseBody(text, responseHeaders['content-type'] ?? '') };
}

function throwsFor(status: number, ignore: IHttpRequestOptions['ignoreHttpStatusErrors']): boolean {
	if (ignore === true) return false;
	if (typeof ignore === 'object' && ignore?.ignore) return ignore.except.includes(status);
	return status < 200 || status >= 300;
}

export interface Harness {
	context: IExecuteFunctions;
	calls: WireCall[];
	/** OAuth token data after the run (refreshed tokens show here). */
	credentials: Record<string, IDataObject>;
}

export function createHarness(options: RunOptions): Harness {
	const context = mockDeep<IExecuteFunctions>();
	const calls: WireCall[] = [];
	const items: INodeExecutionData[] = options.items ?? [{ json: {} }];
	const credentials = structuredClone(options.credentials);
	const parametersOf = (itemIndex: number): IDataObject => (typeof options.parameters === 'function' ? options.parameters(itemIndex) : options.parameters);
	const node: INode = {
		id: 'qonto-node-id',
		name: 'Qonto',
		type: 'n8n-nodes-qonto-whatsapp.qonto',
		typeVersion: 1,
		position: [0, 0],
		parameters: parametersOf(0) as INode['parameters'],
		credentials: Object.fromEntries(Object.keys(credentials).map((type) => [type, { id: `${type}-id`, name: type }])),
	};

	context.getNode.mockReturnValue(node);
	context.getInputData.mockReturnValue(items);
	context.continueOnFail.mockReturnValue(options.continueOnFail ?? false);
	context.getNodeParameter.mockImplementation(((name: string, itemIndex: number, fallback?: unknown) => {
		const value = parametersOf(itemIndex)[name];
		return value === undefined ? fallback : structuredClone(value);
	}) as never);
	context.getCredentials.mockImplementation((async (type: string) => {
		if (!credentials[type]) throw new Error(`No credentials of type ${type}`);
		return credentials[type];
	}) as never);
	context.helpers.assertBinaryData.mockImplementation(((itemIndex: number, name: string) => {
		const binary = items[itemIndex]?.binary?.[name];
		if (!binary) throw new NodeOperationError(node, `This operation expects the node's input data to contain a binary file '${name}', but none was found [item ${itemIndex}]`);
		return binary;
	}) as never);
	context.helpers.getBinaryDataBuffer.mockImplementation((async (itemIndex: number, name: string) => {
		const binary = items[itemIndex]?.binary?.[name];
		if (!binary) throw new Error(`no binary ${name}`);
		return Buffer.from(binary.data, 'base64');
	}) as never);

	const qontoApi = new QontoApi();
	context.helpers.httpRequestWithAuthentication.mockImplementation((async (credentialType: string, requestOptions: IHttpRequestOptions) => {
		const data = credentials[credentialType];
		if (!data) throw new Error(`No credentials of type ${credentialType}`);
		const send = async (signed: IHttpRequestOptions) => {
			let response;
			try {
				response = await perform(signed, calls, credentialType);
			} catch (error) {
				throw new NodeApiError(node, error as never);
			}
			if (throwsFor(response.statusCode, signed.ignoreHttpStatusErrors)) {
				throw new AxiosError(`Request failed with status code ${response.statusCode}`, {
					status: response.statusCode,
					statusText: response.statusMessage,
					headers: response.headers,
					data: response.body,
				});
			}
			return signed.returnFullResponse ? response : response.body;
		};
		try {
			if (credentialType === 'qontoApi') {
				const authenticated = await (qontoApi.authenticate as (c: IDataObject, r: IHttpRequestOptions) => Promise<IHttpRequestOptions>)(data, requestOptions);
				return await send(authenticated);
			}
			if (credentialType === 'qontoOAuth2Api') {
				const token = data.oauthTokenData as IDataObject;
				const sign = (accessToken: unknown) => ({ ...requestOptions, headers: { ...requestOptions.headers, Authorization: `Bearer ${String(accessToken)}` } });
				try {
					return await send(sign(token.access_token));
				} catch (error) {
					if (!(error instanceof AxiosError) || error.response.status !== 401) throw error;
					const refreshed = await perform(
						{
							method: 'POST',
							url: String(data.accessTokenUrl),
							headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
							body: new URLSearchParams({
								grant_type: 'refresh_token',
								refresh_token: String(token.refresh_token),
								client_id: String(data.clientId),
								client_secret: String(data.clientSecret),
							}),
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
			throw new Error(`Unknown credential type ${credentialType}`);
		} catch (error) {
			if (error instanceof NodeApiError) throw error;
			throw new NodeApiError(node, error as never);
		}
	}) as never);
	return { context, calls, credentials };
}

/** Runs the node once over the items; the first output. */
export async function runNode(options: RunOptions): Promise<{ output: INodeExecutionData[]; harness: Harness }> {
	const harness = createHarness(options);
	const [output] = await new Qonto().execute.call(harness.context);
	return { output, harness };
}

/** Runs the node and returns the error it throws. */
export async function runNodeExpectingError(options: RunOptions): Promise<{ error: Error & { description?: string; httpCode?: string | null; context: IDataObject }; harness: Harness }> {
	const harness = createHarness(options);
	try {
		await new Qonto().execute.call(harness.context);
	} catch (error) {
		return { error: error as Error & { description?: string; httpCode?: string | null; context: IDataObject }, harness };
	}
	throw new Error('the node did not fail');
}
