import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { executePerItem } from '../../shared/perItem';
import { newExecutionState } from '../helpers';
import * as attachment from './attachment/Attachment.resource';
import type { OperationExecute } from './common';
import * as membership from './membership/Membership.resource';
import * as organization from './organization/Organization.resource';
import * as supplierInvoice from './supplierInvoice/SupplierInvoice.resource';
import * as transaction from './transaction/Transaction.resource';

/** resource → operation → execute; a Map so that parameter values never index an object. */
const OPERATIONS = new Map<string, Map<string, OperationExecute>>([
	['organization', new Map([['get', organization.get.execute]])],
	[
		'transaction',
		new Map([
			['get', transaction.get.execute],
			['getMany', transaction.getMany.execute],
		]),
	],
	[
		'supplierInvoice',
		new Map([
			['upload', supplierInvoice.upload.execute],
			['getMany', supplierInvoice.getMany.execute],
		]),
	],
	[
		'attachment',
		new Map([
			['attachSupplierInvoice', attachment.attachSupplierInvoice.execute],
			['attachToTransaction', attachment.attachToTransaction.execute],
			['listForTransaction', attachment.listForTransaction.execute],
		]),
	],
	[
		'membership',
		new Map([
			['getMany', membership.getMany.execute],
			['getCurrent', membership.getCurrent.execute],
		]),
	],
]);

/** One operation call per input item (see executePerItem: pairedItem on every output, continueOnFail honoured). */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const state = newExecutionState();
	return await executePerItem(this, async (itemIndex) => {
		const resource = this.getNodeParameter('resource', itemIndex) as string;
		const operation = this.getNodeParameter('operation', itemIndex) as string;
		const execute = OPERATIONS.get(resource)?.get(operation);
		if (!execute) {
			throw new NodeOperationError(this.getNode(), `The operation "${operation}" is not supported for "${resource}"`, { itemIndex });
		}
		return await execute.call(this, itemIndex, state);
	});
}
