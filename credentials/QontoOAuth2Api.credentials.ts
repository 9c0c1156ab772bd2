import type { ICredentialType, INodeProperties, Icon } from 'n8n-workflow';

const SCOPES = 'organization.read attachment.write supplier_invoice.write supplier_invoice.read membership.read offline_access';
/** Asked for only when "Allow Webhook Subscriptions" is on: an OAuth application that was not granted it would fail the consent. */
const WEBHOOK_SCOPE = 'webhook';
const OAUTH_ROOT =
	'($self["oauthBaseUrl"] ? $self["oauthBaseUrl"].replace(/\\/+$/, "") : ($self["environment"] === "sandbox" ? "https://oauth-sandbox.staging.qonto.co" : "https://oauth.qonto.com"))';

/**
 * Qonto OAuth2 (authorization code): a Qonto user consents in the browser; n8n keeps the tokens and refreshes them
 * (access tokens live 1 hour; `offline_access` gives a refresh token, valid 90 days and rotated on each use).
 *
 * The sandbox wants X-Qonto-Staging-Token on every call. The Qonto node adds it to every API call; n8n's OAuth2 flow
 * cannot add a header to the token and refresh calls (it only supports extra body properties and authorisation-URL
 * query parameters), so a sandbox OAuth connection needs Qonto to accept the token call without it, or a proxy that
 * adds the header (set OAuth Server URL to the proxy).
 */
export class QontoOAuth2Api implements ICredentialType {
	name = 'qontoOAuth2Api';

	extends = ['oAuth2Api'];

	displayName = 'Qonto OAuth2 API';

	icon: Icon = 'file:qonto.svg';

	documentationUrl = 'https://docs.qonto.com/api-reference/business-api/authentication/oauth/token-endpoint';

	properties: INodeProperties[] = [
		{
			displayName: 'Grant Type',
			name: 'grantType',
			type: 'hidden',
			default: 'authorizationCode',
		},
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
			displayName: 'Staging Token',
			name: 'stagingToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			displayOptions: { show: { environment: ['sandbox'] } },
			description: 'From the Qonto developer portal; the Qonto node sends it as X-Qonto-Staging-Token on every API call',
		},
		{
			displayName: 'Allow Webhook Subscriptions',
			name: 'webhookScope',
			type: 'boolean',
			default: false,
			description:
				'Whether to also ask for the "webhook" scope, so that the Qonto Trigger registers and removes its own subscription. Your Qonto OAuth application must be allowed this scope. Reconnect the credential after changing this.',
		},
		{
			// As in the API-key credential: for a subscription created by hand, when the trigger does not register its own.
			displayName: 'Webhook Signing Secret',
			name: 'webhookSigningSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description:
				'Only for the Qonto Trigger with a subscription created by hand: that subscription\'s secret (32 to 128 characters). Not needed when the trigger registers its own subscription.',
		},
		{
			displayName: 'API Base URL',
			name: 'baseUrl',
			type: 'string',
			default: '',
			placeholder: 'e.g. https://thirdparty.qonto.com',
			description:
				"Leave empty for the environment's API (https://thirdparty.qonto.com or https://thirdparty-sandbox.staging.qonto.co); set it only for a proxy or a local stand-in",
		},
		{
			displayName: 'OAuth Server URL',
			name: 'oauthBaseUrl',
			type: 'string',
			default: '',
			placeholder: 'e.g. https://oauth.qonto.com',
			description:
				"Leave empty for the environment's OAuth server (https://oauth.qonto.com or https://oauth-sandbox.staging.qonto.co); /oauth2/auth and /oauth2/token are appended. Set it only for a proxy or a local stand-in.",
		},
		{
			displayName: 'Authorization URL',
			name: 'authUrl',
			type: 'hidden',
			default: `={{ ${OAUTH_ROOT} + "/oauth2/auth" }}`,
			required: true,
		},
		{
			displayName: 'Access Token URL',
			name: 'accessTokenUrl',
			type: 'hidden',
			default: `={{ ${OAUTH_ROOT} + "/oauth2/token" }}`,
			required: true,
		},
		{
			displayName: 'Scope',
			name: 'scope',
			type: 'hidden',
			default: `={{ "${SCOPES}" + ($self["webhookScope"] ? " ${WEBHOOK_SCOPE}" : "") }}`,
		},
		{
			displayName: 'Auth URI Query Parameters',
			name: 'authQueryParameters',
			type: 'hidden',
			default: '',
		},
		{
			displayName: 'Authentication',
			name: 'authentication',
			type: 'hidden',
			default: 'body',
		},
	];
}
