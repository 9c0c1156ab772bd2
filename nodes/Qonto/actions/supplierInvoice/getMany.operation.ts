import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { SUPPLIER_INVOICE_STATUSES } from '../../../../src/qonto/constants';
import { normalizeSupplierInvoice, splitList, supplierInvoiceQuery } from '../../../../src/qonto/supplierInvoices';
import { type ExecutionState, limitOf } from '../../helpers';
import { qontoRequestAllItems } from '../../transport';
import { returnAllAndLimit } from '../common';

const title = (value: string) => value.split('_').map((word) => word.charAt(0).toUpperCase() + word.slice(1)).join(' ');

const properties: INodeProperties[] = [
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		options: [
			{
				displayName: 'Attachment IDs',
				name: 'attachmentIds',
				type: 'string',
				default: '',
				description: 'Comma-separated attachment IDs: find the invoice of an uploaded file',
			},
			{ displayName: 'Created At From', name: 'createdAtFrom', type: 'dateTime', default: '' },
			{ displayName: 'Created At To', name: 'createdAtTo', type: 'dateTime', default: '' },
			{
				displayName: 'Due Date',
				name: 'dueDate',
				type: 'options',
				options: [
					{ name: 'Future', value: 'future' },
					{ name: 'Missing', value: 'missing_date' },
					{ name: 'Past and Today', value: 'past_and_today' },
				],
				default: 'past_and_today',
			},
			{
				displayName: 'Matched to a Transaction',
				name: 'matchedTransactions',
				type: 'options',
				options: [
					{ name: 'Matched Only', value: 'true' },
					{ name: 'Unmatched Only', value: 'false' },
				],
				default: 'false',
			},
			{ displayName: 'Search', name: 'query', type: 'string', default: '', description: 'Text to search for (supplier name, invoice number, …)' },
			{
				displayName: 'Sort By',
				name: 'sortBy',
				type: 'options',
				options: [
					{ name: 'Created At, Newest First', value: 'created_at:desc' },
					{ name: 'Created At, Oldest First', value: 'created_at:asc' },
					{ name: 'Due Date, Soonest First', value: 'due_date:asc' },
					{ name: 'Supplier Name, A to Z', value: 'supplier_name:asc' },
					{ name: 'Total Amount, Largest First', value: 'total_amount:desc' },
				],
				default: 'created_at:desc',
			},
			{
				displayName: 'Statuses',
				name: 'statuses',
				type: 'multiOptions',
				options: SUPPLIER_INVOICE_STATUSES.map((value) => ({ name: title(value), value })),
				default: [],
			},
			{ displayName: 'Updated At From', name: 'updatedAtFrom', type: 'dateTime', default: '' },
			{ displayName: 'Updated At To', name: 'updatedAtTo', type: 'dateTime', default: '' },
		],
	},
];

export const description: INodeProperties[] = [
	...returnAllAndLimit('supplierInvoice', 'getMany'),
	...updateDisplayOptions({ show: { resource: ['supplierInvoice'], operation: ['getMany'] } }, properties),
];

const text = (value: unknown): string | null => (typeof value === 'string' && value.trim() !== '' ? value.trim() : null);

/** GET /v2/supplier_invoices with filters, all pages or up to the limit; amounts also as integer minor units. */
export async function execute(this: IExecuteFunctions, itemIndex: number, _state: ExecutionState): Promise<INodeExecutionData[]> {
	const filters = this.getNodeParameter('filters', itemIndex, {}) as IDataObject;
	const query = supplierInvoiceQuery({
		statuses: Array.isArray(filters.statuses) ? filters.statuses.map(String) : [],
		attachmentIds: splitList(filters.attachmentIds),
		createdAtFrom: text(filters.createdAtFrom),
		createdAtTo: text(filters.createdAtTo),
		updatedAtFrom: text(filters.updatedAtFrom),
		updatedAtTo: text(filters.updatedAtTo),
		dueDate: text(filters.dueDate),
		matchedTransactions: filters.matchedTransactions === 'true' ? true : filters.matchedTransactions === 'false' ? false : null,
		query: text(filters.query),
		sortBy: text(filters.sortBy),
	});
	const invoices = await qontoRequestAllItems<IDataObject>(this, itemIndex, '/v2/supplier_invoices', 'supplier_invoices', query, { limit: limitOf(this, itemIndex) });
	return invoices.map((invoice) => ({ json: normalizeSupplierInvoice(invoice) as IDataObject }));
}
