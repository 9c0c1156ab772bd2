/**
 * Default data of the Qonto fake and the API views of its objects, shaped after fixtures/api/qonto
 * (docs_examples + the Postman collection's response examples).
 */
import { loadFixture } from './fixtures';
import { newUuid } from './sniff';

export type Json = Record<string, any>;

export interface StoredAttachment {
	id: string;
	/** Transaction it was attached to, if any. */
	transactionId?: string;
	fileName: string;
	contentType: string;
	bytes: Buffer;
	sha256: string;
	idempotencyKey?: string;
	createdAt: number;
	/** Qonto processes uploads in the background: the attachment shows on the transaction from this time on. */
	visibleAt: number;
}

export interface StoredSupplierInvoice {
	/** The API object, as GET /v2/supplier_invoices/{id} returns it. */
	invoice: Json;
	attachmentId: string;
	fileName: string;
	contentType: string;
	bytes?: Buffer;
	sha256?: string;
	idempotencyKey: string;
	skipAttachmentMatcher: boolean;
	source: string;
	meta: Json | null;
}

export const ORGANIZATION_ID = '3c90c3cc-0d44-4b50-8888-8dd25736052a';

export function defaultOrganization(): Json {
	return {
		id: ORGANIZATION_ID,
		name: 'ACME SAS',
		slug: 'acme-sas-1234',
		legal_name: 'ACME SAS',
		locale: 'fr',
		legal_share_capital: 10000,
		legal_country: 'FR',
		legal_registration_date: '2019-01-15',
		legal_form: 'SAS',
		legal_address: '12 rue de la Paix, 75002 Paris, France',
		legal_sector: '6201Z',
		contract_signed_at: '2019-01-20T10:00:00.000Z',
		legal_number: '812345678',
	};
}

/** The docs' bank account plus one connected external account (only listed when asked for). */
export function defaultBankAccounts(): Json[] {
	const main = loadFixture<{ bank_accounts: Json[] }>('qonto/docs_examples/bank_accounts_list.response.json').bank_accounts[0];
	const external = {
		...main,
		id: 'b7e2f4a1-6c3d-4e8f-9a0b-1c2d3e4f5a6b',
		name: 'Connected account (Bank XYZ)',
		main: false,
		iban: 'DE89370400440532013000',
		bic: 'COBADEFFXXX',
		balance: 2500.5,
		balance_cents: 250050,
		authorized_balance: 2500.5,
		authorized_balance_cents: 250050,
		is_external_account: true,
		account_number: 532013000,
	};
	return [{ ...main, slug: 'acme-sas-1234-bank-account-1' }, { ...external, slug: 'acme-sas-1234-bank-account-external-1' }];
}

const ORGANIZATION_ACCOUNT_KEYS = ['id', 'slug', 'iban', 'bic', 'currency', 'balance', 'balance_cents', 'authorized_balance', 'authorized_balance_cents', 'name', 'updated_at', 'status', 'main', 'is_external_account', 'account_number'];
const LIST_ACCOUNT_KEYS = ['id', 'name', 'organization_id', 'status', 'main', 'iban', 'bic', 'currency', 'balance', 'balance_cents', 'authorized_balance', 'authorized_balance_cents', 'updated_at', 'is_external_account', 'account_number'];

/** A bank account as embedded in GET /v2/organization. */
export function organizationAccountView(account: Json): Json {
	return pick(account, ORGANIZATION_ACCOUNT_KEYS);
}

/** A bank account as listed by GET /v2/bank_accounts. */
export function listAccountView(account: Json, organizationId: string): Json {
	return pick({ organization_id: organizationId, ...account }, LIST_ACCOUNT_KEYS);
}

function pick(source: Json, keys: string[]): Json {
	return Object.fromEntries(keys.filter((key) => key in source).map((key) => [key, source[key]]));
}

let transactionSequence = 7468;

/**
 * A transaction shaped like the docs' example, with the given fields. Amounts stay consistent: give amount_cents
 * (or amount) and the other follows; local amounts follow unless given.
 */
export function makeTransaction(overrides: Json = {}): Json {
	const base = loadFixture<{ transactions: Json[] }>('qonto/docs_examples/transactions_list.response.json').transactions[0];
	const transaction: Json = { ...base, id: newUuid(), transaction_id: `super-transaction-${++transactionSequence}`, attachment_ids: [], ...overrides };
	if (overrides.amount_cents !== undefined && overrides.amount === undefined) transaction.amount = overrides.amount_cents / 100;
	if (overrides.amount !== undefined && overrides.amount_cents === undefined) transaction.amount_cents = Math.round(overrides.amount * 100);
	if (overrides.local_amount_cents === undefined && overrides.local_amount === undefined) {
		transaction.local_amount = transaction.amount;
		transaction.local_amount_cents = transaction.amount_cents;
	}
	if (overrides.local_currency === undefined) transaction.local_currency = transaction.currency;
	if (overrides.status === 'pending' && overrides.settled_at === undefined) transaction.settled_at = null;
	return transaction;
}

/** Fills what the docs list as always present but the docs example leaves out. */
export function normalizeTransaction(transaction: Json, mainAccountId: string): Json {
	return {
		...transaction,
		attachment_ids: transaction.attachment_ids ?? [],
		label_ids: transaction.label_ids ?? [],
		bank_account_id: transaction.bank_account_id ?? mainAccountId,
		is_external_transaction: transaction.is_external_transaction ?? false,
		clean_counterparty_name: transaction.clean_counterparty_name ?? transaction.label ?? null,
	};
}

export function defaultTransactions(): Json[] {
	return loadFixture<{ transactions: Json[] }>('qonto/docs_examples/transactions_list.response.json').transactions;
}

export function defaultMemberships(): Json[] {
	return loadFixture<{ memberships: Json[] }>('qonto/docs_examples/memberships_list.response.json').memberships;
}

export function defaultCurrentMembership(): Json {
	return loadFixture<{ membership: Json }>('qonto/docs_examples/membership_me.response.json').membership;
}

/** An attachment as GET /v2/attachments/{id} and includes[]=attachments show it. */
export function attachmentView(attachment: StoredAttachment, url: string): Json {
	return {
		id: attachment.id,
		created_at: new Date(attachment.createdAt).toISOString(),
		file_name: attachment.fileName,
		file_size: String(attachment.bytes.length),
		file_content_type: attachment.contentType,
		url,
		probative_attachment: { status: 'pending' },
	};
}

/** A supplier invoice as created by the bulk endpoint: status to_review, nothing read from the file yet. */
export function newSupplierInvoice(input: { organizationId: string; attachmentId: string; fileName: string; source: string; meta: Json | null; initiatorId: string | null; now: number }): Json {
	const template = loadFixture<{ supplier_invoices: Json[] }>('qonto/docs_examples/supplier_invoices_bulk.response.json').supplier_invoices[0];
	const at = new Date(input.now).toISOString();
	const empty = Object.fromEntries(Object.keys(template).map((key) => [key, null]));
	return {
		...empty,
		id: newUuid(),
		organization_id: input.organizationId,
		file_name: input.fileName,
		status: 'to_review',
		source_type: 'direct_upload',
		source: input.source,
		initiator_id: input.initiatorId,
		created_at: at,
		updated_at: at,
		attachment_id: input.attachmentId,
		display_attachment_id: input.attachmentId,
		is_einvoice: false,
		declined_note: null,
		has_discrepancies: false,
		vat_number: null,
		tin: null,
		issue_date: null,
		total_amount_excluding_taxes: null,
		total_tax_amount: null,
		payable_amount: null,
		has_duplicates: false,
		attachment_category: null,
		is_attachment_invoice: null,
		is_attachment_non_financial: null,
		matched_transactions: [],
		transfer_ids: [],
		einvoicing_lifecycle_events: [],
		e_invoice_type: null,
		meta: input.meta,
		available_actions: { delete: true, archive: true, unarchive: false, pay: false, reasons: { pay: ['missing_data'] } },
	};
}
