/**
 * Stand-ins for the contexts n8n gives a webhook trigger: IHookFunctions (checkExists/create/delete, with
 * `httpRequestWithAuthentication` doing real HTTP like test/support/executeContext.ts, so the contract fakes see the
 * requests) and IWebhookFunctions (a request with its raw body and headers, a response that records what was sent).
 */
import { mockDeep, type DeepMockProxy } from 'jest-mock-extended';
import type { IDataObject, IHookFunctions, INode, IWebhookFunctions } from 'n8n-workflow';

import { createExecuteContext, type Authenticate, type WireCall } from './executeContext';

export interface HookContextOptions {
	/** The node's parameters (as n8n holds them, defaults included). */
	parameters: IDataObject;
	credentials: Record<string, IDataObject>;
	authenticate?: Record<string, Authenticate>;
	/** What getNodeWebhookUrl('default') answers (production or test URL). */
	webhookUrl: string;
	/** The node's static data, shared with other contexts of the same node (mutated in place, like n8n's). */
	staticData?: IDataObject;
	node?: Partial<INode>;
}

export interface HookContext {
	context: DeepMockProxy<IHookFunctions>;
	calls: WireCall[];
	staticData: IDataObject;
}

export function createHookContext(options: HookContextOptions): HookContext {
	const staticData = options.staticData ?? {};
	const { context, calls } = createExecuteContext({ parameters: options.parameters, credentials: options.credentials, authenticate: options.authenticate, node: options.node });
	// The execute stand-in already answers getNode, getCredentials and helpers.httpRequestWithAuthentication.
	const hook = context as unknown as DeepMockProxy<IHookFunctions>;
	hook.getNodeParameter.mockImplementation(((name: string, fallback?: unknown) => (options.parameters[name] === undefined ? fallback : structuredClone(options.parameters[name]))) as never);
	hook.getWorkflowStaticData.mockReturnValue(staticData);
	hook.getNodeWebhookUrl.mockReturnValue(options.webhookUrl);
	hook.getWorkflow.mockReturnValue({ id: 'QontoTriggerWf01', name: 'Receipts: transactions', active: true });
	return { context: hook, calls, staticData };
}

export interface SentResponse {
	status?: number;
	contentType?: string;
	body?: string;
}

export interface WebhookContextOptions {
	parameters: IDataObject;
	credentials?: Record<string, IDataObject>;
	rawBody: Buffer;
	headers?: Record<string, string | string[]>;
	staticData?: IDataObject;
	/** The ids of the node's credentials by type (as in n8n's node JSON); with them, the trigger caches credential reads. */
	credentialIds?: Record<string, string>;
}

export function createWebhookContext(options: WebhookContextOptions): { context: DeepMockProxy<IWebhookFunctions>; sent: SentResponse } {
	const context = mockDeep<IWebhookFunctions>();
	const sent: SentResponse = {};
	const response = {
		status(code: number) {
			sent.status = code;
			return response;
		},
		type(contentType: string) {
			sent.contentType = contentType;
			return response;
		},
		send(body: string) {
			sent.body = body;
			return response;
		},
	};
	const node: INode = {
		id: 'qonto-trigger-node',
		name: 'Qonto Trigger',
		type: 'n8n-nodes-qonto-whatsapp.qontoTrigger',
		typeVersion: 1,
		position: [0, 0],
		parameters: options.parameters as INode['parameters'],
		...(options.credentialIds ? { credentials: Object.fromEntries(Object.entries(options.credentialIds).map(([type, id]) => [type, { id, name: type }])) } : {}),
	};
	context.getNode.mockReturnValue(node);
	context.getWorkflow.mockReturnValue({ id: 'QontoTriggerWf01', name: 'Receipts: transactions', active: true });
	context.getMode.mockReturnValue('webhook');
	context.getWebhookName.mockReturnValue('default');
	context.getWorkflowStaticData.mockReturnValue(options.staticData ?? {});
	context.getCredentials.mockImplementation((async (type: string) => {
		const data = options.credentials?.[type];
		if (!data) throw new Error(`No credentials of type ${type}`);
		return data;
	}) as never);
	// n8n hands the parsed body too; the trigger must not use it for the signature.
	let body: unknown = {};
	try {
		body = JSON.parse(options.rawBody.toString('utf8'));
	} catch {
		// not JSON: n8n's body parser would leave the body empty
	}
	context.getRequestObject.mockReturnValue({ rawBody: options.rawBody, body, query: {}, headers: options.headers ?? {} } as never);
	context.getResponseObject.mockReturnValue(response as never);
	context.getNodeParameter.mockImplementation(((name: string, fallback?: unknown) => (options.parameters[name] === undefined ? fallback : structuredClone(options.parameters[name]))) as never);
	return { context, sent };
}
