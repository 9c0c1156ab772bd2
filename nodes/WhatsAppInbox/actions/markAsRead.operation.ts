import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { buildMarkAsRead } from '../../../src/whatsapp/outgoing';
import { postMessage } from '../transport';
import { withWhatsAppResult } from './common';

const properties: INodeProperties[] = [
	{
		displayName: 'Show Typing Indicator',
		name: 'typingIndicator',
		type: 'boolean',
		default: true,
		description: 'Whether to show "typing…" to the sender until the next reply or for 25 seconds',
	},
];

export const description = updateDisplayOptions({ show: { operation: ['markAsRead'] } }, properties);

/** Blue ticks on the received message (the Message ID parameter), optionally with "typing…". */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const messageId = this.getNodeParameter('messageId', itemIndex) as string;
	const typingIndicator = this.getNodeParameter('typingIndicator', itemIndex, true) as boolean;
	// Marking as read twice changes nothing: safe to retry.
	const response = await postMessage(this, itemIndex, buildMarkAsRead(messageId, typingIndicator), true);
	return withWhatsAppResult(this, itemIndex, { operation: 'markAsRead', messageId, success: response.success === true });
}
