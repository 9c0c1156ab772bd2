import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { type ExecutionState, fetchOrganization } from '../../helpers';

const properties: INodeProperties[] = [
	{
		displayName: 'Include External Accounts',
		name: 'includeExternalAccounts',
		type: 'boolean',
		default: false,
		description: 'Whether to list the connected (aggregated) accounts at other banks too, not only the Qonto accounts',
	},
];

export const description = updateDisplayOptions({ show: { resource: ['organization'], operation: ['get'] } }, properties);

/** GET /v2/organization: the organisation of the credential and its bank accounts. */
export async function execute(this: IExecuteFunctions, itemIndex: number, state: ExecutionState): Promise<INodeExecutionData[]> {
	const includeExternal = this.getNodeParameter('includeExternalAccounts', itemIndex, false) as boolean;
	const organization = await fetchOrganization(this, itemIndex, state, includeExternal);
	return [{ json: { ...organization } }];
}
