import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { ReasonedError } from '../../src/common/failure';
import { sha256Hex } from '../../src/common/hash';
import { assertFileSize, fileNameFor, maxBytesFromMb, requireQontoFileType, type QontoFileType } from '../../src/qonto/files';
import { deriveIdempotencyKey, identityFromItem, type IdempotencyNamespace } from '../../src/qonto/idempotency';
import { qontoRequest } from './transport';

/** What the operations of one execution share: the organisation (with its bank accounts), fetched once. */
export interface ExecutionState {
	organizations: Map<string, Promise<IDataObject>>;
}

export function newExecutionState(): ExecutionState {
	return { organizations: new Map() };
}

/** `GET /v2/organization` (bank accounts included), once per execution and flag. */
export async function fetchOrganization(context: IExecuteFunctions, itemIndex: number, state: ExecutionState, includeExternalAccounts: boolean): Promise<IDataObject> {
	const cacheKey = includeExternalAccounts ? 'with-external' : 'qonto-only';
	let pending = state.organizations.get(cacheKey);
	if (!pending) {
		pending = (async () => {
			const body = await qontoRequest(context, itemIndex, {
				method: 'GET',
				path: '/v2/organization',
				query: includeExternalAccounts ? { include_external_accounts: true } : {},
			});
			const organization = (body as { organization?: unknown } | null)?.organization;
			if (typeof organization !== 'object' || organization === null) {
				throw new ReasonedError('qonto_unexpected_response', 'Qonto answered without the organisation', {}, 'Check the base URL of the credential.');
			}
			return organization as IDataObject;
		})();
		state.organizations.set(cacheKey, pending);
		// A failure is not remembered: the next item tries again.
		pending.catch(() => state.organizations.delete(cacheKey));
	}
	return await pending;
}

export interface InputFile {
	bytes: Buffer;
	type: QontoFileType;
	fileName: string;
}

/**
 * The file of an item's binary field, checked before anything is sent: JPEG/PNG/PDF by its bytes, and not larger
 * than the Max File Size option when one is set (Qonto's own limit is checked on the built request, see
 * assertRequestSize). The name keeps the given one but gets the extension of the real type.
 */
export async function readInputFile(context: IExecuteFunctions, itemIndex: number, binaryPropertyName: string, maxFileSizeMb: unknown, fileNameOverride?: string): Promise<InputFile> {
	const name = binaryPropertyName.trim();
	if (!name) {
		throw new NodeOperationError(context.getNode(), 'No input binary field given', { itemIndex, description: 'Set "Input Binary Field" to the field that holds the file, e.g. data' });
	}
	const binary = context.helpers.assertBinaryData(itemIndex, name);
	const bytes = await context.helpers.getBinaryDataBuffer(itemIndex, name);
	const stricterLimit = maxBytesFromMb(maxFileSizeMb);
	if (stricterLimit !== null) assertFileSize(bytes.length, stricterLimit);
	const type = requireQontoFileType(bytes);
	const fileName = fileNameFor(type, fileNameOverride?.trim() || binary.fileName, 'document');
	return { bytes, type, fileName };
}

/**
 * The idempotency key: the one given, or one derived from the item (WhatsApp message id, else the file's SHA-256)
 * and the organisation (from the item, else the credential's organisation), so a retried execution repeats it.
 */
export async function idempotencyKeyFor(
	context: IExecuteFunctions,
	itemIndex: number,
	state: ExecutionState,
	namespace: IdempotencyNamespace,
	bytes: Buffer,
	transactionId?: string,
): Promise<{ key: string; derivedFrom: 'parameter' | 'messageId' | 'fileSha256' }> {
	const given = String(context.getNodeParameter('idempotencyKey', itemIndex, '') ?? '').trim();
	if (given) return { key: given, derivedFrom: 'parameter' };
	const identity = identityFromItem(context.getInputData()[itemIndex]?.json);
	const organizationId = identity.organizationId ?? String((await fetchOrganization(context, itemIndex, state, false)).id ?? '');
	const key = deriveIdempotencyKey(namespace, { messageId: identity.messageId, organizationId, fileSha256: sha256Hex(bytes), transactionId });
	return { key, derivedFrom: identity.messageId ? 'messageId' : 'fileSha256' };
}

/** Return All / Limit, the n8n way. */
export function limitOf(context: IExecuteFunctions, itemIndex: number): number | undefined {
	return context.getNodeParameter('returnAll', itemIndex, false) ? undefined : (context.getNodeParameter('limit', itemIndex, 50) as number);
}

/** A JSON parameter given as text or as an object; null when empty. */
export function jsonParameter(context: IExecuteFunctions, itemIndex: number, value: unknown, label: string): Record<string, unknown> | null {
	if (value === undefined || value === null || value === '') return null;
	if (typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
	if (typeof value === 'string') {
		try {
			const parsed: unknown = JSON.parse(value);
			if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
		} catch {
			// reported below
		}
	}
	throw new NodeOperationError(context.getNode(), `${label} must be a JSON object`, { itemIndex, description: 'e.g. {"integration_type": "whatsapp", "connector": "n8n"}' });
}
