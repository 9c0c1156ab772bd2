import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { overtakenBy } from '../../../src/conversation/ledger';
import { ledgerRowsOnSecondInput } from './common';

const show = { show: { operation: ['checkAttempt'] } };

export const INPUT_NAMES = ['Document', 'Ledger Row'] as const;
export const OUTPUT_NAMES = ['This Attempt', 'Overtaken'] as const;

export const description: INodeProperties[] = [
	{
		displayName:
			'Input 1 takes the document on its way to Qonto, input 2 its row of the "whatsapp_documents" Data Table. When the sweep has started a later attempt on the document, or another attempt finished it, the document goes to Overtaken (with <code>overtaken</code> saying why) and this execution stops there: only one attempt stores it.',
		name: 'checkAttemptNotice',
		type: 'notice',
		default: '',
		displayOptions: show,
	},
	{
		displayName: 'Message ID',
		name: 'messageId',
		type: 'string',
		default: "={{ $('Route Message').item.json.messageId }}",
		required: true,
		displayOptions: show,
	},
	{
		displayName: 'Attempt',
		name: 'attempt',
		type: 'number',
		default: 0,
		displayOptions: show,
		description: "This execution's attempt: 0 for the delivery itself, then the sweep's retry number (the Route Message item's retry.attempt)",
	},
];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const rows = ledgerRowsOnSecondInput(this);
	const [current, overtaken]: INodeExecutionData[][] = [[], []];
	this.getInputData(0).forEach((item, itemIndex) => {
		const reason = overtakenBy(rows, String(this.getNodeParameter('messageId', itemIndex, '')), Number(this.getNodeParameter('attempt', itemIndex, 0)) || 0);
		if (reason) overtaken.push({ json: { ...item.json, overtaken: reason }, pairedItem: { item: itemIndex } });
		else current.push({ ...item, pairedItem: { item: itemIndex } });
	});
	return [current, overtaken];
}
