import type { IAuthenticateGeneric, ICredentialTestRequest, ICredentialType, INodeProperties, Icon } from 'n8n-workflow';

/**
 * One credential for everything WhatsApp: the token that sends and downloads, the business phone number,
 * and the two secrets of the inbound webhook (app secret for signatures, verify token for Meta's handshake).
 * The base URL and version are fields so the same workflow runs against Meta or a local stand-in.
 */
export class WhatsAppCloudApi implements ICredentialType {
	name = 'whatsAppCloudApi';

	displayName = 'WhatsApp Cloud API';

	icon: Icon = 'file:whatsAppCloud.svg';

	documentationUrl = 'https://developers.facebook.com/docs/whatsapp/cloud-api/get-started';

	properties: INodeProperties[] = [
		{
			displayName: 'Access Token',
			name: 'accessToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'A permanent system-user token with whatsapp_business_messaging and whatsapp_business_management. Temporary tokens from the App Dashboard expire after about 24 hours.',
		},
		{
			displayName: 'Phone Number ID',
			name: 'phoneNumberId',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'e.g. 106540352242922',
			description: 'The ID of the business phone number (WhatsApp Manager > API Setup), not the phone number itself',
		},
		{
			displayName: 'App Secret',
			name: 'appSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: "The Meta app's secret (App settings > Basic). Inbound webhooks whose X-Hub-Signature-256 does not match it are refused with 401.",
		},
		{
			displayName: 'Verify Token',
			name: 'verifyToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: "Any secret string; enter the same value as the webhook's Verify Token in the Meta app dashboard",
		},
		{
			displayName: 'Graph API Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://graph.facebook.com',
			description: 'Change only to use a proxy or a local stand-in for tests',
		},
		{
			displayName: 'Graph API Version',
			name: 'apiVersion',
			type: 'string',
			default: 'v24.0',
			placeholder: 'e.g. v24.0',
			description: 'Meta supports each version for about two years',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: { headers: { Authorization: '=Bearer {{$credentials.accessToken}}' } },
	};

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "")}}/{{$credentials.apiVersion}}',
			url: '=/{{$credentials.phoneNumberId}}',
			qs: { fields: 'display_phone_number,verified_name' },
		},
	};
}
