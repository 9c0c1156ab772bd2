import type { ICredentialType, INodeProperties, Icon } from 'n8n-workflow';

/**
 * The secret that signs member activation codes (HMAC-SHA256). Whoever holds it can make codes that link any
 * WhatsApp account to the organisations of this inbox, so it lives in an n8n credential (encrypted at rest), shared
 * by the inbox workflow (which checks codes) and the onboarding workflow (which makes them). Changing it voids every
 * activation link not used yet; links already used stay linked.
 */
export class InvoiceInboxActivationApi implements ICredentialType {
	name = 'invoiceInboxActivationApi';

	displayName = 'Invoice Inbox Activation API';

	icon: Icon = 'file:invoiceInbox.svg';

	documentationUrl = 'https://www.npmjs.com/package/n8n-nodes-qonto-whatsapp';

	properties: INodeProperties[] = [
		{
			displayName: 'Activation Secret',
			name: 'activationSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'A long random secret (at least 16 characters; e.g. the output of `openssl rand -hex 32`). Keep it the same in the inbox and onboarding workflows.',
		},
	];
}
