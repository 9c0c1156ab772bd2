import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
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

/** This operation's entries in the shared Options collection. */
export const messageOptions = updateDisplayOptions({ show: { '/operation': ['sendTemplate'] } }, [
	{
		displayName: 'Quick Reply Payloads',
		name: 'quickReplyPayloads',
		type: 'string',
		default: '',
		placeholder: 'e.g. ["n:show"] or n:show, n:off',
		description: "What each of the template's quick-reply buttons sends back to the trigger, in the order of the buttons: a JSON list of texts or texts separated by commas",
	},
]);

/** A JSON list (typed or from an expression) or comma-separated texts; blanks are dropped. */
function quickReplyPayloadsOf(context: IExecuteFunctions, itemIndex: number, value: unknown): string[] {
	let list: unknown = value;
	if (typeof value === 'string') {
		const text = value.trim();
		if (text.startsWith('[')) {
			try {
				list = JSON.parse(text);
			} catch {
				throw new NodeOperationError(context.getNode(), 'Quick Reply Payloads is not a valid JSON list', { itemIndex, description: 'Give e.g. ["n:show"], or texts separated by commas' });
			}
		} else {
			list = text.split(',');
		}
	}
	return (Array.isArray(list) ? list : [list]).filter((payload) => payload !== undefined && payload !== null).map((payload) => String(payload).trim()).filter((payload) => payload !== '');
}

/** A pre-approved template: what WhatsApp delivers outside the 24 hours after the sender's last message. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const recipient = recipientOf(this, itemIndex);
	const name = String(this.getNodeParameter('templateName', itemIndex, '')).trim();
	if (!name) throw new NodeOperationError(this.getNode(), 'No Template Name given', { itemIndex });
	const languageCode = String(this.getNodeParameter('languageCode', itemIndex, 'en')).trim() || 'en';
	const raw = this.getNodeParameter('bodyParameters', itemIndex, []) as unknown;
	const bodyParameters = (Array.isArray(raw) ? raw : [raw]).filter((value) => value !== undefined && value !== null && value !== '').map(String);
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const quickReplyPayloads = quickReplyPayloadsOf(this, itemIndex, options.quickReplyPayloads ?? '');
	let body: ReturnType<typeof buildTemplate>;
	try {
		body = buildTemplate(recipient, { name, languageCode, bodyParameters, quickReplyPayloads });
	} catch (error) {
		// More payloads than a template has buttons: say so before anything is sent.
		if (error instanceof RangeError) throw new NodeOperationError(this.getNode(), error.message, { itemIndex });
		throw error;
	}
	// Not idempotent, like a text: a retry after a lost answer would deliver it twice.
	const response = await postMessage(this, itemIndex, body, false);
	return withWhatsAppResult(this, itemIndex, { operation: 'sendTemplate', to: recipient, template: name, messageId: sentMessageId(response) });
}
