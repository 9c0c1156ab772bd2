import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { pathSegment } from '../../../../src/qonto/query';
import { type ExecutionState, limitOf } from '../../helpers';
import { qontoRequestAllItems } from '../../transport';
import { returnAllAndLimit, transactionIdProperty } from '../common';
import { requiredId } from '../transaction/get.operation';

const properties: INodeProperties[] = [
	transactionIdProperty('The UUID of the transaction (its "ID" field)'),
];

export const description: INodeProperties[] = [
	...updateDisplayOptions({ show: { resource: ['attachment'], operation: ['listForTransaction'] } }, properties),
	...returnAllAndLimit('attachment', 'listForTransaction'),
];

/** GET /v2/transactions/{id}/attachments. Files attached a moment ago may not be listed yet (Qonto processes them in the background). */
export async function execute(this: IExecuteFunctions, itemIndex: number, _state: ExecutionState): Promise<INodeExecutionData[]> {
	const transactionId = requiredId(this, itemIndex, 'transactionId', 'Transaction ID');
	const attachments = await qontoRequestAllItems<IDataObject>(this, itemIndex, `/v2/transactions/${pathSegment(transactionId)}/attachments`, 'attachments', {}, {
		limit: limitOf(this, itemIndex),
	});
	return attachments.map((attachment) => ({ json: { ...attachment, transaction_id: transactionId } }));
}
