import type { INodeProperties } from 'n8n-workflow';

import * as attachSupplierInvoice from './attachSupplierInvoice.operation';
import * as attachToTransaction from './attachToTransaction.operation';
import * as listForTransaction from './listForTransaction.operation';

export { attachSupplierInvoice, attachToTransaction, listForTransaction };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['attachment'] } },
		options: [
			{
				name: 'Attach Supplier Invoice',
				value: 'attachSupplierInvoice',
				action: 'Attach a stored supplier invoice to a transaction',
				description: "Attach the file of a supplier invoice already in Qonto to a transaction (e.g. a payment that appeared later)",
			},
			{
				name: 'Attach to Transaction',
				value: 'attachToTransaction',
				action: 'Attach a file to a transaction',
				description: 'Upload a JPEG, PNG or PDF file as an attachment of a transaction',
			},
			{
				name: 'List for Transaction',
				value: 'listForTransaction',
				action: 'List the attachments of a transaction',
				description: 'List the files attached to a transaction',
			},
		],
		default: 'attachToTransaction',
	},
	...attachSupplierInvoice.description,
	...attachToTransaction.description,
	...listForTransaction.description,
];
