import type { IDisplayOptions, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { isRecord } from '../../../src/common/guards';
import { toMemberRow, type MemberRow } from '../../../src/conversation/directory';
import { toLedgerRow, type LedgerRow } from '../../../src/conversation/ledger';
import { jsonParameter } from '../../shared/jsonParameter';

export async function activationSecret(context: IExecuteFunctions): Promise<string> {
	const credentials = await context.getCredentials<{ activationSecret?: string }>('invoiceInboxActivationApi');
	const secret = credentials.activationSecret ?? '';
	if (secret.length < 16) {
		throw new NodeOperationError(context.getNode(), 'The activation secret is too short', {
			description: 'Give the Invoice Inbox Activation API credential a random secret of at least 16 characters',
		});
	}
	return secret;
}

/** Input 2 of the two-input operations; empty when unconnected or when its Data Table lookup found nothing. */
export function secondInput(context: IExecuteFunctions): INodeExecutionData[] {
	try {
		return context.getInputData(1) ?? [];
	} catch {
		return [];
	}
}

/** The "whatsapp_documents" rows on input 2 (an empty item from a lookup that found nothing is no row). */
export function ledgerRowsOnSecondInput(context: IExecuteFunctions): LedgerRow[] {
	return secondInput(context)
		.map((item) => toLedgerRow(item.json))
		.filter((row): row is LedgerRow => row !== null);
}

/** Shared with the WhatsApp Inbox node. */
export { jsonParameter };

/** A JSON parameter holding a list of rows or Qonto objects: the objects in it (anything else is no row). */
export function recordsParameter(context: IExecuteFunctions, name: string, label: string, itemIndex = 0): Array<Record<string, unknown>> {
	const value = jsonParameter(context, name, label, itemIndex);
	return Array.isArray(value) ? value.filter(isRecord) : [];
}

/** A JSON parameter holding rows of "whatsapp_members". */
export function memberRowsParameter(context: IExecuteFunctions, name: string, label: string, itemIndex = 0): MemberRow[] {
	return recordsParameter(context, name, label, itemIndex)
		.map((row) => toMemberRow(row))
		.filter((row): row is MemberRow => row !== null);
}

/** Whom a message about a document goes to: their phone number, or Meta's user ID for senders without one. */
export function senderParameters(displayOptions: IDisplayOptions, defaults: { waId: string; userId: string }): INodeProperties[] {
	const waId: INodeProperties = { displayName: 'Sender WhatsApp ID', name: 'waId', type: 'string', default: '', displayOptions };
	const userId: INodeProperties = { displayName: 'Sender User ID', name: 'userId', type: 'string', default: '', displayOptions, description: "Meta's business-scoped user ID, for senders without a phone number" };
	return [
		{ ...waId, default: defaults.waId },
		{ ...userId, default: defaults.userId },
	];
}

/** The inbox's texts, for an operation that writes to the sender. */
export function textsParameter(displayOptions: IDisplayOptions): INodeProperties {
	return {
		displayName: 'Texts',
		name: 'texts',
		type: 'json',
		default: '{}',
		displayOptions,
		description: "The inbox's texts (Route Message's <code>inbox.texts</code>, or the same per-language JSON as its Texts); missing ones are the built-in texts",
	};
}
