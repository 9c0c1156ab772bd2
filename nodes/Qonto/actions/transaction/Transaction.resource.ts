import type { INodeProperties } from 'n8n-workflow';

import * as get from './get.operation';
import * as getMany from './getMany.operation';

export { get, getMany };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['transaction'] } },
		options: [
			{ name: 'Get', value: 'get', action: 'Get a transaction', description: 'Get one transaction by its ID' },
			{
				name: 'Get Many',
				value: 'getMany',
				action: 'Get many transactions',
				description: 'List the transactions of all or some bank accounts, optionally around a date',
			},
		],
		default: 'getMany',
	},
	...get.description,
	...getMany.description,
];
