import type { IDataObject, INode, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { ReasonedError, reasonOf } from '../../src/common/failure';

/** Turns a ReasonedError into the n8n error an admin sees, keeping the reason code in its context. */
export function toNodeError(node: INode, error: unknown, itemIndex: number): Error {
	if (error instanceof ReasonedError) {
		const nodeError = new NodeOperationError(node, error.message, { itemIndex, description: error.hint });
		nodeError.context.reason = error.reason;
		nodeError.context.details = error.details;
		return nodeError;
	}
	return error as Error;
}

/**
 * The item emitted for a failed input when "On Error" continues. Only `error` and `details` keys, so that n8n's
 * "Continue (using error output)" recognises it and merges the input item's fields back in.
 */
export function failureItem(error: unknown, itemIndex: number): INodeExecutionData {
	const details: IDataObject = { reason: reasonOf(error) ?? 'error' };
	if (error instanceof ReasonedError) Object.assign(details, error.details, error.hint ? { hint: error.hint } : {});
	const description = (error as { description?: unknown }).description;
	if (typeof description === 'string' && description) details.description = description;
	return { json: { error: (error as Error).message ?? String(error), details }, pairedItem: { item: itemIndex } };
}
