import type { INodeProperties } from 'n8n-workflow';

import * as getCurrent from './getCurrent.operation';
import * as getMany from './getMany.operation';

export { getCurrent, getMany };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['membership'] } },
		options: [
			{
				name: 'Get Current',
				value: 'getCurrent',
				action: 'Get the current membership',
				description: 'Get the user who connected the OAuth2 credential, with email and phone number (OAuth2 only)',
			},
			{ name: 'Get Many', value: 'getMany', action: 'Get many memberships', description: 'List the members of the organization' },
		],
		default: 'getMany',
	},
	...getCurrent.description,
	...getMany.description,
];
