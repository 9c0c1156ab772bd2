import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import type { ExecutionState } from '../../helpers';
import { qontoRequest } from '../../transport';

export const description: INodeProperties[] = [
	{
		displayName:
			'Only works with the Qonto OAuth2 API credential (scope membership.read): it returns the user who connected the credential. An API key belongs to an organization, not a user.',
		name: 'currentMembershipNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { resource: ['membership'], operation: ['getCurrent'] } },
	},
];

/** GET /v2/membership: the authenticated user, with email and phone number. */
export async function execute(this: IExecuteFunctions, itemIndex: number, _state: ExecutionState): Promise<INodeExecutionData[]> {
	const body = await qontoRequest(this, itemIndex, { method: 'GET', path: '/v2/membership' });
	const membership = (body as { membership?: object } | null)?.membership ?? {};
	return [{ json: { ...membership } }];
}
