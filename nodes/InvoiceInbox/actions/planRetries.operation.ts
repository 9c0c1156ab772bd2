import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { DEFAULT_RETRY_SETTINGS, planRetries } from '../../../src/conversation/retries';

const show = { show: { operation: ['planRetries'] } };

export const description: INodeProperties[] = [
	{
		displayName:
			'Input: the "whatsapp_documents" rows still <code>processing</code>. Output: the messages to send through Route Message again (with <code>retry</code>: attempt, claim key, and whether to give up).',
		name: 'retriesNotice',
		type: 'notice',
		default: '',
		displayOptions: show,
	},
	{
		displayName: 'Abandoned After (Minutes)',
		name: 'abandonedAfterMinutes',
		type: 'number',
		typeOptions: { minValue: 0.05 },
		default: 5,
		displayOptions: show,
		description: 'A document without progress for this long is taken to be lost (n8n restarted or killed, a crashed execution) and is processed again',
	},
	{
		displayName: 'First Retry After (Minutes)',
		name: 'firstRetryMinutes',
		type: 'number',
		typeOptions: { minValue: 0.05 },
		default: 1,
		displayOptions: show,
		description: 'When Mindee or Qonto is down, the document waits this long, then twice as long, and so on (at most 10 minutes apart)',
	},
	{
		displayName: 'Give Up After (Minutes)',
		name: 'giveUpAfterMinutes',
		type: 'number',
		typeOptions: { minValue: 0.1 },
		default: 30,
		displayOptions: show,
		description: 'After this long since the message arrived, the document ends in ❌ with a reason',
	},
];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const rows = this.getInputData();
	if (rows.length === 0) return [[]];
	const number = (name: keyof typeof DEFAULT_RETRY_SETTINGS) => Number(this.getNodeParameter(name, 0, DEFAULT_RETRY_SETTINGS[name])) || DEFAULT_RETRY_SETTINGS[name];
	const plans = planRetries(
		rows.map((row) => row.json),
		{ abandonedAfterMinutes: number('abandonedAfterMinutes'), firstRetryMinutes: number('firstRetryMinutes'), giveUpAfterMinutes: number('giveUpAfterMinutes'), now: new Date() },
	);
	return [plans.map((plan) => ({ json: { ...plan.message, retry: { attempt: plan.attempt, claimKey: plan.claimKey, receivedAt: plan.receivedAt, reason: plan.reason, giveUp: plan.giveUp } }, pairedItem: { item: rows.findIndex((row) => row.json.messageId === plan.messageId) } }))];
}
