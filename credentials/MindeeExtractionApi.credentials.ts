import type { IAuthenticateGeneric, ICredentialTestRequest, ICredentialType, INodeProperties, Icon } from 'n8n-workflow';

/**
 * Mindee V2 (app.mindee.com): the API key, the extraction model to use, and where the API is. Named
 * `mindeeExtractionApi` so as not to clash with n8n's built-in `mindeeReceiptApi`, `mindeeInvoiceApi` (V1) and
 * `mindeeV2Api`. The base URL is a field so the same workflow runs against Mindee or a local stand-in (plain http
 * works: the node rewrites the SDK's requests, see src/mindee/client.ts).
 */
export class MindeeExtractionApi implements ICredentialType {
	name = 'mindeeExtractionApi';

	displayName = 'Mindee Extraction API';

	icon: Icon = 'file:mindeeExtraction.svg';

	documentationUrl = 'https://docs.mindee.com/';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'A V2 API key from app.mindee.com (API Keys). Keys of the legacy platform.mindee.com (V1) do not work here.',
		},
		{
			displayName: 'Model ID',
			name: 'modelId',
			type: 'string',
			default: '',
			placeholder: 'e.g. 12345678-1234-1234-1234-123456789abc',
			description: 'The extraction model to use, made from the Receipt, Invoice or Financial Document template (your model > API). A node can override it.',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api-v2.mindee.net',
			placeholder: 'e.g. https://api-v2.mindee.net',
			description: 'Change only to use a proxy or a local stand-in for tests (http:// is accepted)',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: { headers: { Authorization: '={{$credentials.apiKey}}' } },
	};

	// Lists the models the key can see: 200 with a valid V2 key, 401 otherwise. The same endpoint n8n's own Mindee V2
	// node uses for its model picker; the SDK (5.2.0) has no call of its own for checking a key.
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{($credentials.baseUrl || "https://api-v2.mindee.net").replace(/\\/+$/, "")}}',
			url: '/v2/search/models',
			method: 'GET',
		},
	};
}
