import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

export async function activationSecret(context: IExecuteFunctions): Promise<string> {
	const credentials = await context.getCredentials<{ activationSecret?: string }>('invoiceInboxActivationApi');
	const secret = credentials.activationSecret ?? '';
	if (secret.length < 16) {
		throw new NodeOperationError(context.getNode(), 'The activation secret is too short', {
			description: 'Give the Invoice Inbox Activation API credential a random secret of at least 16 characters',
		});
	}
	return secret;
}
