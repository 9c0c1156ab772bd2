import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { TRANSACTION_INCLUDES } from '../../../../src/qonto/constants';
import { pathSegment } from '../../../../src/qonto/query';
import { normalizeTransaction } from '../../../../src/qonto/transactions';
import type { ExecutionState } from '../../helpers';
import { qontoRequest } from '../../transport';
import { transactionIdProperty } from '../common';

export const INCLUDE_OPTIONS = TRANSACTION_INCLUDES.map((value) => ({
	name: value === 'vat_details' ? 'VAT Details' : value.charAt(0).toUpperCase() + value.slice(1),
	value,
}));

const properties: INodeProperties[] = [
	transactionIdProperty('The UUID of the transaction (its "ID" field, not the "transaction_id" slug)'),
	{
		displayName: 'Include',
		name: 'includes',
		type: 'multiOptions',
		options: INCLUDE_OPTIONS,
		default: [],
		description: 'Related objects to embed in the transaction',
	},
];

export const description = updateDisplayOptions({ show: { resource: ['transaction'], operation: ['get'] } }, properties);

export function requiredId(context: IExecuteFunctions, itemIndex: number, name: string, label: string): string {
	const value = String(context.getNodeParameter(name, itemIndex, '') ?? '').trim();
	if (!value) throw new NodeOperationError(context.getNode(), `No ${label} given`, { itemIndex, description: `Set "${label}", e.g. from the previous node: {{ $json.id }}` });
	return value;
}

/** GET /v2/transactions/{id}. */
export async function execute(this: IExecuteFunctions, itemIndex: number, _state: ExecutionState): Promise<INodeExecutionData[]> {
	const id = requiredId(this, itemIndex, 'transactionId', 'Transaction ID');
	const includes = this.getNodeParameter('includes', itemIndex, []) as string[];
	const body = await qontoRequest(this, itemIndex, { method: 'GET', path: `/v2/transactions/${pathSegment(id)}`, query: { includes } });
	const transaction = (body as { transaction?: object } | null)?.transaction ?? {};
	return [{ json: { ...normalizeTransaction(transaction) } }];
}
