import type { ICredentialDataDecryptedObject, ICredentialTestRequest, ICredentialType, IHttpRequestOptions, INodeProperties, Icon } from 'n8n-workflow';

const PRODUCTION_URL = 'https://thirdparty.qonto.com';
const SANDBOX_URL = 'https://thirdparty-sandbox.staging.qonto.co';

/**
 * Qonto API key: one organisation's login and secret key, sent as `Authorization: login:secret-key` — literally,
 * not HTTP Basic and not base64 ("While this may resemble HTTP Basic Authentication, it's not"). In the sandbox,
 * every call also needs X-Qonto-Staging-Token. The base URL is a field so a proxy or a local stand-in can be used.
 */
export class QontoApi implements ICredentialType {
	name = 'qontoApi';

	displayName = 'Qonto API';

	icon: Icon = 'file:qonto.svg';

	documentationUrl = 'https://docs.qonto.com/get-started/business-api/authentication/api-key';

	properties: INodeProperties[] = [
		{
			displayName: 'Environment',
			name: 'environment',
			type: 'options',
			options: [
				{ name: 'Production', value: 'production' },
				{ name: 'Sandbox', value: 'sandbox' },
			],
			default: 'production',
		},
		{
			displayName: 'Login',
			name: 'login',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'e.g. acme-sas-1234',
			description: "The organization's login (its slug), shown next to the secret key in Qonto under Settings > Integrations & Partnerships > API key",
		},
		{
			displayName: 'Secret Key',
			name: 'secretKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'Regenerating the key in Qonto revokes the old one',
		},
		{
			displayName: 'Staging Token',
			name: 'stagingToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			displayOptions: { show: { environment: ['sandbox'] } },
			description: 'From the Qonto developer portal. Without it the sandbox answers every call with an HTML login page.',
		},
		{
			// A pasted signing secret lives in the credential, as in n8n's own Slack and Stripe credentials ("Signature
			// Secret"): n8n encrypts credentials, while node parameters are stored, exported and shared in clear text.
			displayName: 'Webhook Signing Secret',
			name: 'webhookSigningSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description:
				'Only for the Qonto Trigger: the secret of the webhook subscription that points at the trigger (32 to 128 characters). Deliveries whose X-Qonto-Signature does not match it are refused.',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: '',
			placeholder: `e.g. ${PRODUCTION_URL}`,
			description: `Leave empty for the environment's API (${PRODUCTION_URL} or ${SANDBOX_URL}); set it only for a proxy or a local stand-in`,
		},
	];

	/** Adds `Authorization: login:secret-key` and, in the sandbox, the staging token. */
	authenticate = async (credentials: ICredentialDataDecryptedObject, requestOptions: IHttpRequestOptions): Promise<IHttpRequestOptions> => {
		const login = String(credentials.login ?? '').trim();
		const secretKey = String(credentials.secretKey ?? '').trim();
		const stagingToken = credentials.environment === 'sandbox' ? String(credentials.stagingToken ?? '').trim() : '';
		return {
			...requestOptions,
			headers: {
				...requestOptions.headers,
				Authorization: `${login}:${secretKey}`,
				...(stagingToken ? { 'X-Qonto-Staging-Token': stagingToken } : {}),
			},
		};
	};

	test: ICredentialTestRequest = {
		request: {
			baseURL: `={{ $credentials.baseUrl ? $credentials.baseUrl.replace(/\\/+$/, "") : ($credentials.environment === "sandbox" ? "${SANDBOX_URL}" : "${PRODUCTION_URL}") }}`,
			url: '/v2/organization',
			headers: { Accept: 'application/json' },
		},
		rules: [
			{
				// The sandbox answers 200 with an HTML page when the staging token is missing or wrong.
				type: 'responseSuccessBody',
				properties: {
					key: 'organization.id',
					value: undefined,
					message: 'Qonto did not answer with the organization (an HTML page?): check the environment, the staging token and the base URL',
				},
			},
		],
	};
}
