import type { INodeProperties } from 'n8n-workflow';

import * as getMany from './getMany.operation';
import * as upload from './upload.operation';

export { getMany, upload };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['supplierInvoice'] } },
		options: [
			{ name: 'Get Many', value: 'getMany', action: 'Get many supplier invoices', description: 'List supplier invoices with filters' },
			{
				name: 'Upload',
				value: 'upload',
				action: 'Upload a supplier invoice',
				description: 'Create a supplier invoice from a file (JPEG, PNG or PDF), safely retried with an idempotency key',
			},
		],
		default: 'upload',
	},
	...upload.description,
	...getMany.description,
];
