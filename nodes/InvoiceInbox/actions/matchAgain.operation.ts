import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { isRecord, textOf } from '../../../src/common/guards';
import { rematchBatch, type RematchBatch } from '../../../src/conversation/rematch';
import { jsonParameter } from './common';

const show = { show: { operation: ['matchAgain'] } };

export const OUTPUT_NAMES = ['Attach', 'Leave'] as const;

export const description: INodeProperties[] = [
	{
		displayName: 'Batch',
		name: 'batch',
		type: 'json',
		default: '={{ $json }}',
		required: true,
		displayOptions: show,
		description: 'A batch made by Plan Re-match: <code>organisationId</code>, <code>documents</code>',
	},
	{
		displayName: 'Transactions',
		name: 'transactions',
		type: 'json',
		default: '={{ $json.transactions }}',
		required: true,
		displayOptions: show,
		description: "The organisation's Qonto transactions of the batch's span (the Qonto node's Get Many, as one list)",
	},
];

/**
 * Each document of a batch matched again with its stored extraction. *Attach*: one item per document the matcher is
 * confident about, with the transaction; *Leave*: the others, with the reason for the ledger.
 */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const attach: INodeExecutionData[] = [];
	const leave: INodeExecutionData[] = [];
	const items = this.getInputData();
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		const batch = jsonParameter(this, 'batch', 'Batch', itemIndex) as RematchBatch;
		const transactions = jsonParameter(this, 'transactions', 'Transactions', itemIndex);
		if (!isRecord(batch) || !Array.isArray(batch.documents)) throw new NodeOperationError(this.getNode(), 'Batch is not a batch of Plan Re-match', { itemIndex });
		if (!Array.isArray(transactions)) throw new NodeOperationError(this.getNode(), 'Transactions is not a list', { itemIndex });
		for (const outcome of rematchBatch(batch, transactions, { now: new Date() })) {
			const document = batch.documents.find((candidate) => candidate.rowId === outcome.rowId);
			const json: IDataObject = {
				rowId: outcome.rowId,
				messageId: outcome.messageId,
				waId: document?.waId ?? '',
				userId: document?.userId ?? '',
				organisationId: batch.organisationId,
				supplierInvoiceId: outcome.supplierInvoiceId,
				transactionId: outcome.transactionId ?? '',
				reason: outcome.reason,
				explanation: outcome.decision.explanation,
			};
			if (outcome.transactionId) {
				json.transaction = transactions.find((transaction) => isRecord(transaction) && textOf(transaction.id) === outcome.transactionId) as IDataObject;
				attach.push({ json, pairedItem: { item: itemIndex } });
			} else {
				leave.push({ json, pairedItem: { item: itemIndex } });
			}
		}
	}
	return [attach, leave];
}
