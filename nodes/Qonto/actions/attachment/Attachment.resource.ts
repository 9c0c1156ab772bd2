import type { INodeProperties } from 'n8n-workflow';

import * as attachToTransaction from './attachToTransaction.operation';
import * as listForTransaction from './listForTransaction.operation';

export { attachToTransaction, listForTransaction };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['attachment'] } },
		options: [
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
	...attachToTransaction.description,
	...listForTransaction.description,
];
