import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { type ExecutionState, limitOf } from '../../helpers';
import { qontoRequestAllItems } from '../../transport';
import { returnAllAndLimit } from '../common';

export const description: INodeProperties[] = [...returnAllAndLimit('membership', 'getMany')];

/** GET /v2/memberships, all pages or up to the limit. Qonto lists no phone number or email here. */
export async function execute(this: IExecuteFunctions, itemIndex: number, _state: ExecutionState): Promise<INodeExecutionData[]> {
	const memberships = await qontoRequestAllItems<IDataObject>(this, itemIndex, '/v2/memberships', 'memberships', {}, { limit: limitOf(this, itemIndex) });
	return memberships.map((membership) => ({ json: membership }));
}
