import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { buildReaction, sentMessageId } from '../../../src/whatsapp/outgoing';
import { postMessage } from '../transport';
import { recipientOf, withWhatsAppResult } from './common';

/** The reactions the invoice inbox speaks with; an empty emoji removes ours. */
const REACTIONS = new Map([
	['processing', '🔎'],
	['stored', '✅'],
	['failed', '❌'],
	['remove', ''],
]);

const properties: INodeProperties[] = [
	{
		displayName: 'Reaction',
		name: 'reaction',
		type: 'options',
		default: 'processing',
		options: [
			{ name: 'Custom Emoji', value: 'custom' },
			{ name: 'Failed (Cross Mark)', value: 'failed' },
			{ name: 'Processing (Magnifying Glass)', value: 'processing' },
			{ name: 'Remove Reaction', value: 'remove' },
			{ name: 'Stored (Check Mark)', value: 'stored' },
		],
	},
	{
		displayName: 'Emoji',
		name: 'emoji',
		type: 'string',
		default: '',
		required: true,
		displayOptions: { show: { reaction: ['custom'] } },
		placeholder: 'e.g. 👍',
	},
];

export const description = updateDisplayOptions({ show: { operation: ['react'] } }, properties);

/** Puts an emoji reaction on the received message, or removes ours. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const recipient = recipientOf(this, itemIndex);
	const messageId = this.getNodeParameter('messageId', itemIndex) as string;
	const choice = this.getNodeParameter('reaction', itemIndex) as string;
	const emoji = choice === 'custom' ? (this.getNodeParameter('emoji', itemIndex) as string) : REACTIONS.get(choice);
	// A new reaction replaces the old one: safe to retry.
	const response = await postMessage(this, itemIndex, buildReaction(recipient, messageId, emoji as string), true);
	return withWhatsAppResult(this, itemIndex, { operation: 'react', to: recipient, reactedTo: messageId, emoji, messageId: sentMessageId(response) });
}
