import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { failureReply, waitingReason } from '../../../src/conversation/replies';
import { TEXT_KEYS, type TextKey } from '../../../src/conversation/texts';

const show = { show: { operation: ['composeFailureReply'] } };

export const description: INodeProperties[] = [
	{
		displayName: 'Inbox',
		name: 'inbox',
		type: 'json',
		default: "={{ $('Route Message').item.json.inbox }}",
		required: true,
		displayOptions: show,
		description: "The <code>inbox</code> field that Route Message put on the document (the sender's language, texts and size limit)",
	},
	{
		displayName: 'Put Reply in Field',
		name: 'replyField',
		type: 'string',
		default: 'replyText',
		displayOptions: show,
	},
];

/**
 * One reply per failed item (see src/conversation/replies.ts), and whether the failure is an outage worth waiting
 * for; then `waitingReason` is what the ledger keeps while the document waits (the sweep reads it back).
 * `senderCanFix` is false for failures an admin should hear about (the workflow then fails its execution on purpose,
 * after the sender got their answer, so that n8n runs its error workflow).
 */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	return [
		items.map((item, itemIndex) => {
			const inbox = readInbox(this, itemIndex);
			const reply = failureReply(item.json, inbox);
			const field = (this.getNodeParameter('replyField', itemIndex, 'replyText') as string) || 'replyText';
			const waiting = reply.waitingFor ? { waitingReason: waitingReason(reply.waitingFor, String(item.json.error ?? reply.reason)) } : {};
			const json = { ...item.json, [field]: reply.text, failureReason: reply.reason, temporary: reply.temporary, senderCanFix: reply.senderCanFix, ...waiting };
			return { json, binary: item.binary, pairedItem: { item: itemIndex } };
		}),
	];
}

function readInbox(context: IExecuteFunctions, itemIndex: number) {
	const raw = context.getNodeParameter('inbox', itemIndex) as unknown;
	const inbox = (typeof raw === 'string' ? safeJson(raw) : raw) as IDataObject | null;
	const texts = inbox?.texts as Record<string, unknown> | undefined;
	if (!texts || !TEXT_KEYS.every((key) => typeof texts[key] === 'string')) {
		throw new NodeOperationError(context.getNode(), 'No inbox texts for this item', {
			itemIndex,
			description: "Map Inbox to the Route Message node's output, e.g. {{ $('Route Message').item.json.inbox }}",
		});
	}
	return { texts: texts as Record<TextKey, string>, maxFileSizeMb: Number(inbox?.maxFileSizeMb ?? 15) };
}

function safeJson(text: string): unknown {
	try {
		return JSON.parse(text);
	} catch {
		return null;
	}
}
