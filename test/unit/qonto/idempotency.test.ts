import fc from 'fast-check';

import { sha256Hex } from '../../../src/common/hash';
import {
	deriveIdempotencyKey,
	IDEMPOTENCY_NAMESPACES,
	idempotencyName,
	identityFromItem,
	isUuid,
	uuidFromName,
} from '../../../src/qonto/idempotency';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const FILE_SHA = sha256Hex(Buffer.from('%PDF-1.7 invoice'));

describe('uuidFromName', () => {
	it('is a stable, UUID-v4-shaped value (known vector)', () => {
		const key = uuidFromName('ns', 'name');
		expect(key).toMatch(UUID_V4);
		expect(uuidFromName('ns', 'name')).toBe(key);
		// sha256("ns\0name") (computed independently) with the version and variant bits set; pinned so that a change
		// of the derivation, which would let a retried execution create a duplicate, cannot go unnoticed.
		expect(key).toBe('40620770-7c9e-4bf7-860e-95f7a24e8d61');
		expect(isUuid(key)).toBe(true);
	});

	it('is always v4-shaped, and differs for different names or namespaces', () => {
		fc.assert(
			fc.property(fc.string(), fc.string(), fc.string(), (namespace, a, b) => {
				expect(uuidFromName(namespace, a)).toMatch(UUID_V4);
				if (a !== b) expect(uuidFromName(namespace, a)).not.toBe(uuidFromName(namespace, b));
			}),
		);
		expect(uuidFromName('a', 'bc')).not.toBe(uuidFromName('ab', 'c')); // the separator keeps namespace and name apart
	});
});

describe('deriveIdempotencyKey', () => {
	const identity = { messageId: 'wamid.HBgM', organizationId: 'org-1', fileSha256: FILE_SHA };

	it('depends on the message id and organisation, not on the file bytes, when a message id is known', () => {
		const key = deriveIdempotencyKey(IDEMPOTENCY_NAMESPACES.supplierInvoiceUpload, identity);
		expect(key).toMatch(UUID_V4);
		expect(deriveIdempotencyKey(IDEMPOTENCY_NAMESPACES.supplierInvoiceUpload, { ...identity, fileSha256: sha256Hex(Buffer.from('re-encoded')) })).toBe(key);
		expect(deriveIdempotencyKey(IDEMPOTENCY_NAMESPACES.supplierInvoiceUpload, { ...identity, messageId: 'wamid.OTHER' })).not.toBe(key);
		expect(deriveIdempotencyKey(IDEMPOTENCY_NAMESPACES.supplierInvoiceUpload, { ...identity, organizationId: 'org-2' })).not.toBe(key);
		expect(idempotencyName(identity)).toBe('message:wamid.HBgM|organization:org-1');
	});

	it('falls back on the file hash without a message id', () => {
		const a = deriveIdempotencyKey(IDEMPOTENCY_NAMESPACES.supplierInvoiceUpload, { fileSha256: FILE_SHA, organizationId: 'org-1' });
		expect(a).toBe(deriveIdempotencyKey(IDEMPOTENCY_NAMESPACES.supplierInvoiceUpload, { fileSha256: FILE_SHA.toUpperCase(), organizationId: 'org-1', messageId: '  ' }));
		expect(a).not.toBe(deriveIdempotencyKey(IDEMPOTENCY_NAMESPACES.supplierInvoiceUpload, { fileSha256: sha256Hex(Buffer.from('other')), organizationId: 'org-1' }));
	});

	it('uses another namespace for attachments, and the transaction', () => {
		const upload = deriveIdempotencyKey(IDEMPOTENCY_NAMESPACES.supplierInvoiceUpload, identity);
		const attachA = deriveIdempotencyKey(IDEMPOTENCY_NAMESPACES.transactionAttachment, { ...identity, transactionId: 'tx-a' });
		const attachB = deriveIdempotencyKey(IDEMPOTENCY_NAMESPACES.transactionAttachment, { ...identity, transactionId: 'tx-b' });
		expect(new Set([upload, attachA, attachB]).size).toBe(3);
		expect(deriveIdempotencyKey(IDEMPOTENCY_NAMESPACES.transactionAttachment, { ...identity, transactionId: 'tx-a' })).toBe(attachA);
	});
});

describe('identityFromItem', () => {
	it('finds the message id and the organisation id where the nodes put them', () => {
		expect(identityFromItem({ messageId: 'wamid.1', organizationId: 'o' })).toEqual({ messageId: 'wamid.1', organizationId: 'o' });
		expect(identityFromItem({ message: { id: 'wamid.2' }, organization: { id: 'o2' } })).toEqual({ messageId: 'wamid.2', organizationId: 'o2' });
		expect(identityFromItem({ wamid: 'wamid.3', organisationId: 'o3' })).toEqual({ messageId: 'wamid.3', organizationId: 'o3' });
		expect(identityFromItem({ messageId: '', organization_id: 42 })).toEqual({ messageId: null, organizationId: '42' });
		expect(identityFromItem(null)).toEqual({ messageId: null, organizationId: null });
	});
});
