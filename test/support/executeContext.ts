/**
 * A stand-in for n8n's IExecuteFunctions for node tests: parameters per item, credentials, binary helpers, and
 * `helpers.httpRequestWithAuthentication` performing REAL HTTP (through axios, as n8n-core does) with the
 * credential's `authenticate` headers applied — so the contract fakes record the requests a node really sends.
 */
import axios, { type AxiosRequestConfig } from 'axios';
import { mockDeep } from 'jest-mock-extended';
import type { IBinaryData, ICredentialDataDecryptedObject, IDataObject, IExecuteFunctions, IHttpRequestOptions, INode, INodeExecutionData } from 'n8n-workflow';

export interface ExecuteContextOptions {
	items: INodeExecutionData[];
	/** Parameters, the same for every item, or a function of the item index. */
	parameters: IDataObject | ((itemIndex: number) => IDataObject);
	credentials: Record<string, ICredentialDataDecryptedObject>;
	/** Headers each credential type adds to a request, as its `authenticate` would. */
	authenticate?: Record<string, (credentials: ICredentialDataDecryptedObject) => Record<string, string>>;
	continueOnFail?: boolean;
	node?: Partial<INode>;
}

export interface RecordedHttpCall {
	credentialType: string;
	options: IHttpRequestOptions;
}

/** n8n's IHttpRequestOptions → axios, following n8n-core's conversion for the options our nodes use. */
async function performRequest(options: IHttpRequestOptions, extraHeaders: Record<string, string>) {
	const config: AxiosRequestConfig = {
		method: options.method ?? 'GET',
		url: options.url,
		baseURL: options.baseURL,
		params: options.qs,
		data: options.body,
		headers: { ...extraHeaders, ...(options.headers as Record<string, string>) },
		responseType: options.encoding === 'stream' ? 'stream' : options.encoding === 'arraybuffer' ? 'arraybuffer' : options.json ? 'json' : 'text',
		validateStatus: options.ignoreHttpStatusErrors ? () => true : (status) => status < 400,
		timeout: options.timeout ?? 30_000,
		maxRedirects: options.disableFollowRedirect ? 0 : 5,
		paramsSerializer: { indexes: null },
	};
	const response = await axios.request(config);
	if (options.returnFullResponse) {
		return { body: response.data, headers: response.headers, statusCode: response.status, statusMessage: response.statusText };
	}
	return response.data;
}

export function createExecuteContext(options: ExecuteContextOptions) {
	const context = mockDeep<IExecuteFunctions>();
	const calls: RecordedHttpCall[] = [];
	const node: INode = { id: 'node-id', name: 'Node Under Test', type: 'n8n-nodes-qonto-whatsapp.test', typeVersion: 1, position: [0, 0], parameters: {}, ...options.node };
	const parametersOf = (itemIndex: number) => (typeof options.parameters === 'function' ? options.parameters(itemIndex) : options.parameters);

	context.getInputData.mockReturnValue(options.items);
	context.getNode.mockReturnValue(node);
	context.continueOnFail.mockReturnValue(options.continueOnFail ?? false);
	context.getNodeParameter.mockImplementation(((name: string, itemIndex: number, fallback?: unknown) => {
		const value = name.split('.').reduce<unknown>((current, key) => (current as IDataObject | undefined)?.[key], parametersOf(itemIndex));
		if (value === undefined) {
			if (fallback !== undefined) return fallback;
			throw new Error(`Test did not set parameter "${name}"`);
		}
		return value;
	}) as never);
	context.getCredentials.mockImplementation((async (type: string) => {
		const credentials = options.credentials[type];
		if (!credentials) throw new Error(`Test has no credentials of type ${type}`);
		return credentials;
	}) as never);
	context.helpers.httpRequestWithAuthentication.mockImplementation((async (credentialType: string, request: IHttpRequestOptions) => {
		calls.push({ credentialType, options: request });
		const credentials = options.credentials[credentialType] ?? {};
		const headers = options.authenticate?.[credentialType]?.(credentials) ?? {};
		return await performRequest(request, headers);
	}) as never);
	context.helpers.httpRequest.mockImplementation((async (request: IHttpRequestOptions) => await performRequest(request, {})) as never);
	context.helpers.prepareBinaryData.mockImplementation((async (buffer: Buffer, fileName?: string, mimeType?: string) => ({
		data: buffer.toString('base64'),
		fileName,
		mimeType: mimeType ?? 'application/octet-stream',
		fileSize: String(buffer.length),
		bytes: buffer.length,
	})) as never);
	const binaryOf = (itemIndex: number, property: string): IBinaryData => {
		const binary = options.items[itemIndex]?.binary?.[property];
		if (!binary) throw new Error(`No binary data in property "${property}" of item ${itemIndex}`);
		return binary;
	};
	context.helpers.assertBinaryData.mockImplementation(((itemIndex: number, property: string) => binaryOf(itemIndex, property)) as never);
	context.helpers.getBinaryDataBuffer.mockImplementation((async (itemIndex: number, property: string) => Buffer.from(binaryOf(itemIndex, property).data, 'base64')) as never);
	context.helpers.returnJsonArray.mockImplementation(((data: IDataObject | IDataObject[]) => (Array.isArray(data) ? data : [data]).map((json) => ({ json }))) as never);
	return { context, calls };
}

/** A binary property as n8n holds it in memory mode. */
export function binaryOf(bytes: Buffer, fileName: string, mimeType: string): IBinaryData {
	return { data: bytes.toString('base64'), fileName, mimeType, fileSize: String(bytes.length) };
}

export const bearer = (credentials: ICredentialDataDecryptedObject) => ({ Authorization: `Bearer ${String(credentials.accessToken)}` });
