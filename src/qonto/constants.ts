/**
 * Facts of the Qonto Business API v2 that the package relies on (docs/api-contracts.md §1 and §4).
 */

export type QontoEnvironment = 'production' | 'sandbox';

/** API and OAuth hosts per environment (OpenAPI `servers:` blocks; OAuth token/refresh endpoint pages). */
export const QONTO_HOSTS: Readonly<Record<QontoEnvironment, { api: string; oauth: string }>> = Object.freeze({
	production: { api: 'https://thirdparty.qonto.com', oauth: 'https://oauth.qonto.com' },
	sandbox: { api: 'https://thirdparty-sandbox.staging.qonto.co', oauth: 'https://oauth-sandbox.staging.qonto.co' },
});

/**
 * OAuth scopes the Qonto node needs: organisation, bank accounts, transactions, attachments and the member list
 * (organization.read), attaching files (attachment.write), creating and listing supplier invoices, the authenticated
 * user's own membership (membership.read), and a refresh token (offline_access).
 */
export const QONTO_OAUTH_SCOPES = [
	'organization.read',
	'attachment.write',
	'supplier_invoice.write',
	'supplier_invoice.read',
	'membership.read',
	'offline_access',
] as const;

export const STAGING_TOKEN_HEADER = 'X-Qonto-Staging-Token';
export const IDEMPOTENCY_HEADER = 'X-Qonto-Idempotency-Key';
export const TRACE_ID_HEADER = 'x-tyk-trace-id';

/** `per_page` is 1…100 on every paginated endpoint. */
export const MAX_PER_PAGE = 100;

/**
 * Qonto documents "15 MB" for a whole supplier-invoice bulk request and for attachments. Qonto runs on Rails, where
 * `15.megabytes` is 15 × 1024 × 1024 bytes, and the WhatsApp Inbox node counts MB the same way. The limit is per
 * request: the file gets what the multipart envelope leaves (src/qonto/room.ts).
 */
export const MEGABYTE = 1024 * 1024;
export const MAX_REQUEST_BYTES = 15 * MEGABYTE;

/** Transaction statuses accepted by `status[]`. */
export const TRANSACTION_STATUSES = ['pending', 'declined', 'completed'] as const;
/** Statuses the node asks for unless told otherwise: pending card payments are matchable too. */
export const DEFAULT_TRANSACTION_STATUSES = ['completed', 'pending'] as const;

/** Values of `includes[]` on transactions. */
export const TRANSACTION_INCLUDES = ['labels', 'attachments', 'vat_details'] as const;

/** Supplier-invoice statuses (qontoctl's list; Qonto publishes no enum). */
export const SUPPLIER_INVOICE_STATUSES = [
	'to_review',
	'to_approve',
	'awaiting_payment',
	'pending',
	'scheduled',
	'paid',
	'archived',
	'rejected',
	'discarded',
] as const;

/** Values of the bulk upload's `source` field. */
export const SUPPLIER_INVOICE_SOURCES = ['pay_by_invoice', 'supplier_invoices', 'integration', 'transaction_attachment', 'generic_upload'] as const;

/** Reason codes carried by Qonto failures, so a workflow can branch on why something failed. */
export const QONTO_REASONS = {
	unauthorized: 'qonto_unauthorized',
	forbidden: 'qonto_forbidden',
	missingScope: 'qonto_missing_scope',
	notFound: 'qonto_not_found',
	invalidRequest: 'qonto_invalid_request',
	rateLimited: 'qonto_rate_limited',
	serverError: 'qonto_server_error',
	sandboxHtml: 'qonto_html_instead_of_json',
	unexpectedResponse: 'qonto_unexpected_response',
	network: 'qonto_unreachable',
	bulkItemFailed: 'qonto_supplier_invoice_refused',
	fileTooLarge: 'file_too_large',
	unsupportedFileType: 'unsupported_file_type',
} as const;

export type QontoReason = (typeof QONTO_REASONS)[keyof typeof QONTO_REASONS];
