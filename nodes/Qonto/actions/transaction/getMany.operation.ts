import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { trimmedText } from '../../../../src/common/guards';
import { DEFAULT_TRANSACTION_STATUSES } from '../../../../src/qonto/constants';
import { splitList } from '../../../../src/qonto/supplierInvoices';
import {
	type AccountSelector,
	accountSelectorFrom,
	dateWindow,
	mergeTransactions,
	normalizeTransaction,
	transactionQuery,
	type TransactionFilters,
} from '../../../../src/qonto/transactions';
import { type ExecutionState, fetchOrganization, limitOf } from '../../helpers';
import { qontoRequestAllItems } from '../../transport';
import { returnAllAndLimit } from '../common';
import { INCLUDE_OPTIONS } from './get.operation';

const show = (extra: IDataObject = {}) => ({ show: { resource: ['transaction'], operation: ['getMany'], ...extra } });

const properties: INodeProperties[] = [
	{
		displayName: 'Bank Accounts',
		name: 'bankAccountScope',
		type: 'options',
		options: [
			{ name: 'All Accounts', value: 'all', description: "Every account of the organization: Qonto's API lists one account at a time, so the node asks for each" },
			{ name: 'Selected Accounts', value: 'selected' },
		],
		default: 'all',
	},
	{
		displayName: 'Include External Accounts',
		name: 'includeExternalAccounts',
		type: 'boolean',
		default: true,
		displayOptions: { show: { bankAccountScope: ['all'] } },
		description: 'Whether to include the connected (aggregated) accounts at other banks',
	},
	{
		displayName: 'Account Names or IDs',
		name: 'bankAccounts',
		type: 'multiOptions',
		typeOptions: { loadOptionsMethod: 'getBankAccounts' },
		default: [],
		required: true,
		displayOptions: { show: { bankAccountScope: ['selected'] } },
		description: 'Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>',
		hint: 'An expression may give IDs or IBANs, as a list or a comma-separated text',
	},
	{
		displayName: 'Statuses',
		name: 'statuses',
		type: 'multiOptions',
		options: [
			{ name: 'Completed', value: 'completed' },
			{ name: 'Declined', value: 'declined' },
			{ name: 'Pending', value: 'pending', description: 'Card payments not settled yet (settled_at is empty)' },
		],
		default: [...DEFAULT_TRANSACTION_STATUSES],
		description: 'Pending card payments are only listed when asked for; leave both Completed and Pending to match receipts paid recently',
	},
	{
		displayName: 'Window Around Date',
		name: 'useDateWindow',
		type: 'boolean',
		default: false,
		description: 'Whether to list only the transactions emitted from some days before to some days after a date (sets Emitted At From/To), e.g. around the date of a receipt',
	},
	{
		displayName: 'Date',
		name: 'windowDate',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. {{ $json.date }}',
		displayOptions: { show: { useDateWindow: [true] } },
		description: 'The date to look around: YYYY-MM-DD or an ISO 8601 timestamp (its calendar day is used, in UTC)',
	},
	{
		displayName: 'Days Before',
		name: 'windowDaysBefore',
		type: 'number',
		typeOptions: { minValue: 0 },
		default: 3,
		displayOptions: { show: { useDateWindow: [true] } },
		description: 'Card payments are authorised up to about 2 days before the date on the receipt',
	},
	{
		displayName: 'Days After',
		name: 'windowDaysAfter',
		type: 'number',
		typeOptions: { minValue: 0 },
		default: 35,
		displayOptions: { show: { useDateWindow: [true] } },
		description: 'Card payments show up to a week after the receipt; transfers for invoices up to about five weeks later',
	},
	{
		displayName: 'Output',
		name: 'output',
		type: 'options',
		options: [
			{ name: 'One Item per Transaction', value: 'perTransaction' },
			{
				name: 'One Item With All Transactions',
				value: 'single',
				description: 'One item {"transactions": […]} per input item: what the Transaction Match node reads',
			},
		],
		default: 'perTransaction',
	},
	{
		displayName: 'Include Input Fields',
		name: 'includeInputFields',
		type: 'boolean',
		default: false,
		displayOptions: { show: { output: ['single'] } },
		description: 'Whether to keep the fields and files of the input item (e.g. the extracted document and its file) next to "transactions", so the Transaction Match node finds both in one item',
	},
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		options: [
			{
				displayName: 'Attachments',
				name: 'withAttachments',
				type: 'options',
				options: [
					{ name: 'With Attachments Only', value: 'with' },
					{ name: 'Without Attachments Only', value: 'without' },
				],
				default: 'without',
			},
			{ displayName: 'Emitted At From', name: 'emittedAtFrom', type: 'dateTime', default: '', description: 'Ignored when Window Around Date is on' },
			{ displayName: 'Emitted At To', name: 'emittedAtTo', type: 'dateTime', default: '', description: 'Ignored when Window Around Date is on' },
			{ displayName: 'Include', name: 'includes', type: 'multiOptions', options: INCLUDE_OPTIONS, default: [], description: 'Related objects to embed in each transaction' },
			{
				displayName: 'Operation Types',
				name: 'operationTypes',
				type: 'string',
				default: '',
				placeholder: 'e.g. card, transfer, direct_debit',
				description: 'Comma-separated operation types (card, transfer, direct_debit, income, qonto_fee, …)',
			},
			{ displayName: 'Settled At From', name: 'settledAtFrom', type: 'dateTime', default: '' },
			{ displayName: 'Settled At To', name: 'settledAtTo', type: 'dateTime', default: '' },
			{
				displayName: 'Side',
				name: 'side',
				type: 'options',
				options: [
					{ name: 'Credit (Money In)', value: 'credit' },
					{ name: 'Debit (Money Out)', value: 'debit' },
				],
				default: 'debit',
			},
			{
				displayName: 'Sort By',
				name: 'sortBy',
				type: 'options',
				options: [
					{ name: 'Emitted At, Newest First', value: 'emitted_at:desc' },
					{ name: 'Emitted At, Oldest First', value: 'emitted_at:asc' },
					{ name: 'Settled At, Newest First', value: 'settled_at:desc' },
					{ name: 'Settled At, Oldest First', value: 'settled_at:asc' },
					{ name: 'Updated At, Newest First', value: 'updated_at:desc' },
					{ name: 'Updated At, Oldest First', value: 'updated_at:asc' },
				],
				default: 'settled_at:desc',
			},
			{ displayName: 'Updated At From', name: 'updatedAtFrom', type: 'dateTime', default: '' },
			{ displayName: 'Updated At To', name: 'updatedAtTo', type: 'dateTime', default: '' },
		],
	},
];

export const description: INodeProperties[] = [
	...updateDisplayOptions(show(), properties),
	...returnAllAndLimit('transaction', 'getMany'),
];

/** The filters of the UI as the pure query builder takes them. */
export function filtersFrom(filters: IDataObject, statuses: string[], window: { from: string; to: string } | null): TransactionFilters {
	return {
		statuses,
		side: trimmedText(filters.side),
		operationTypes: splitList(filters.operationTypes),
		settledAtFrom: trimmedText(filters.settledAtFrom),
		settledAtTo: trimmedText(filters.settledAtTo),
		emittedAtFrom: window ? window.from : trimmedText(filters.emittedAtFrom),
		emittedAtTo: window ? window.to : trimmedText(filters.emittedAtTo),
		updatedAtFrom: trimmedText(filters.updatedAtFrom),
		updatedAtTo: trimmedText(filters.updatedAtTo),
		withAttachments: filters.withAttachments === 'with' ? true : filters.withAttachments === 'without' ? false : null,
		includes: Array.isArray(filters.includes) ? filters.includes.map(String) : [],
		sortBy: trimmedText(filters.sortBy),
	};
}

async function accountsToList(context: IExecuteFunctions, itemIndex: number, state: ExecutionState): Promise<AccountSelector[]> {
	if (context.getNodeParameter('bankAccountScope', itemIndex, 'all') === 'selected') {
		return splitList(context.getNodeParameter('bankAccounts', itemIndex, [])).map(accountSelectorFrom);
	}
	const includeExternal = context.getNodeParameter('includeExternalAccounts', itemIndex, true) as boolean;
	const organization = await fetchOrganization(context, itemIndex, state, includeExternal);
	const accounts = Array.isArray(organization.bank_accounts) ? (organization.bank_accounts as IDataObject[]) : [];
	return accounts.filter((account) => typeof account.id === 'string' && account.id).map((account) => ({ bankAccountId: String(account.id) }));
}

/**
 * GET /v2/transactions for each bank account (the API needs `bank_account_id` or `iban`), all pages or up to the
 * limit, merged into one list ordered like Qonto orders one account.
 */
export async function execute(this: IExecuteFunctions, itemIndex: number, state: ExecutionState): Promise<INodeExecutionData[]> {
	const limit = limitOf(this, itemIndex);
	const window = this.getNodeParameter('useDateWindow', itemIndex, false)
		? dateWindow(
				this.getNodeParameter('windowDate', itemIndex, ''),
				this.getNodeParameter('windowDaysBefore', itemIndex, 3) as number,
				this.getNodeParameter('windowDaysAfter', itemIndex, 35) as number,
			)
		: null;
	const statuses = (this.getNodeParameter('statuses', itemIndex, [...DEFAULT_TRANSACTION_STATUSES]) as string[]) ?? [];
	const filters = filtersFrom(this.getNodeParameter('filters', itemIndex, {}) as IDataObject, statuses, window);
	const accounts = await accountsToList(this, itemIndex, state);

	const lists: IDataObject[][] = [];
	for (const account of accounts) {
		lists.push(await qontoRequestAllItems<IDataObject>(this, itemIndex, '/v2/transactions', 'transactions', transactionQuery(account, filters), { limit }));
	}
	const transactions = mergeTransactions(lists, filters.sortBy ?? 'settled_at:desc', limit).map(normalizeTransaction);

	if (this.getNodeParameter('output', itemIndex, 'perTransaction') === 'single') {
		const inputItem = this.getNodeParameter('includeInputFields', itemIndex, false) ? this.getInputData()[itemIndex] : undefined;
		const input = inputItem?.json;
		const summary: IDataObject = {
			...(input ?? {}),
			transactions,
			count: transactions.length,
			bankAccounts: accounts.map((account) => ('iban' in account ? account.iban : account.bankAccountId)),
		};
		if (window) summary.window = { emittedAtFrom: window.from, emittedAtTo: window.to };
		// The file travels on with the document, for the upload after matching.
		return [{ json: summary, ...(inputItem?.binary ? { binary: inputItem.binary } : {}) }];
	}
	return transactions.map((transaction) => ({ json: transaction }));
}
