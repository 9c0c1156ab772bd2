import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { buildTemplate, sentMessageId } from '../../../src/whatsapp/outgoing';
import { postMessage } from '../transport';
import { recipientOf, withWhatsAppResult } from './common';

const properties: INodeProperties[] = [
	{
		displayName: 'Template Name',
		name: 'templateName',
		type: 'string',
		default: '',
		required: true,
		description: 'The name of a template approved for your WhatsApp Business account (WhatsApp Manager → Message templates)',
	},
	{
		displayName: 'Language Code',
		name: 'languageCode',
		type: 'string',
		default: 'en',
		required: true,
		description: 'The language the template was approved in, e.g. en, en_US, fr, de',
	},
	{
		displayName: 'Body Parameters',
		name: 'bodyParameters',
		type: 'string',
		typeOptions: { multipleValues: true },
		default: [],
		description: "The values of the template body's {{1}}, {{2}}, … in order",
	},
];

export const description = updateDisplayOptions({ show: { operation: ['sendTemplate'] } }, properties);

/** A pre-approved template: what WhatsApp delivers outside the 24 hours after the sender's last message. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const recipient = recipientOf(this, itemIndex);
	const name = String(this.getNodeParameter('templateName', itemIndex, '')).trim();
	if (!name) throw new NodeOperationError(this.getNode(), 'No Template Name given', { itemIndex });
	const languageCode = String(this.getNodeParameter('languageCode', itemIndex, 'en')).trim() || 'en';
	const raw = this.getNodeParameter('bodyParameters', itemIndex, []) as unknown;
	const bodyParameters = (Array.isArray(raw) ? raw : [raw]).filter((value) => value !== undefined && value !== null && value !== '').map(String);
	// Not idempotent, like a text: a retry after a lost answer would deliver it twice.
	const response = await postMessage(this, itemIndex, buildTemplate(recipient, { name, languageCode, bodyParameters }), false);
	return withWhatsAppResult(this, itemIndex, { operation: 'sendTemplate', to: recipient, template: name, messageId: sentMessageId(response) });
}
