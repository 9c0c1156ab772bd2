import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { buildText, sentMessageId } from '../../../src/whatsapp/outgoing';
import { postMessage } from '../transport';
import { recipientOf, withWhatsAppResult } from './common';

const properties: INodeProperties[] = [
	{
		displayName: 'Text',
		name: 'text',
		type: 'string',
		typeOptions: { rows: 3 },
		default: '',
		required: true,
		description: 'Up to 4096 characters; longer texts are cut',
	},
];

export const description = updateDisplayOptions({ show: { operation: ['sendText'] } }, properties);

/** This operation's own entries in the shared Options collection (Reply To Message ID is in sharedMessageOptions). */
export const messageOptions = updateDisplayOptions({ show: { '/operation': ['sendText'] } }, [
	{ displayName: 'Preview URL', name: 'previewUrl', type: 'boolean', default: false, description: 'Whether to show a preview of the first link in the text' },
]);

/** A text to the sender; WhatsApp only delivers it within 24 hours of their last message. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const recipient = recipientOf(this, itemIndex);
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const text = this.getNodeParameter('text', itemIndex) as string;
	const body = buildText(recipient, text, { previewUrl: options.previewUrl === true, replyToMessageId: (options.replyToMessageId as string) || undefined });
	// Not idempotent: a retry after a lost answer would show the sender the text twice.
	const response = await postMessage(this, itemIndex, body, false);
	return withWhatsAppResult(this, itemIndex, { operation: 'sendText', to: recipient, messageId: sentMessageId(response) });
}
