import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { DEFAULT_REMATCH_MAX_AGE_DAYS, planRematch } from '../../../src/conversation/rematch';

const show = { show: { operation: ['planRematch'] } };

export const description: INodeProperties[] = [
	{
		displayName:
			'Input: "whatsapp_documents" rows (e.g. those still <code>stored</code>, not attached). Output: one item per span of payments to list from Qonto (<code>from</code>, <code>to</code>) with its <code>documents</code>.',
		name: 'rematchNotice',
		type: 'notice',
		default: '',
		displayOptions: show,
	},
	{
		displayName: 'Max Age (Days)',
		name: 'maxAgeDays',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: DEFAULT_REMATCH_MAX_AGE_DAYS,
		displayOptions: show,
		description: 'Documents received longer ago than this are no longer matched again',
	},
];

/** Which stored, unattached documents to match again, grouped into spans of transactions to list (src/conversation/rematch.ts). */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const rows = this.getInputData();
	if (rows.length === 0) return [[]];
	const maxAgeDays = Number(this.getNodeParameter('maxAgeDays', 0, DEFAULT_REMATCH_MAX_AGE_DAYS)) || DEFAULT_REMATCH_MAX_AGE_DAYS;
	const plan = planRematch(rows.map((row) => row.json), { now: new Date(), maxAgeDays });
	const rowIndex = (rowId: number) => Math.max(0, rows.findIndex((row) => Number(row.json.id) === rowId));
	return [
		plan.batches.map((batch) => ({
			json: { ...batch, skipped: plan.skipped.filter((entry) => entry.organisationId === batch.organisationId) } as never,
			pairedItem: batch.documents.map((document) => ({ item: rowIndex(document.rowId) })),
		})),
	];
}
