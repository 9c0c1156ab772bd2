import type { IDataObject, ILoadOptionsFunctions, INodePropertyOptions, INodeType, INodeTypeDescription, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import * as attachment from './actions/attachment/Attachment.resource';
import * as membership from './actions/membership/Membership.resource';
import * as organization from './actions/organization/Organization.resource';
import { router } from './actions/router';
import * as supplierInvoice from './actions/supplierInvoice/SupplierInvoice.resource';
import * as transaction from './actions/transaction/Transaction.resource';
import { DEFAULT_TIMEOUT_SECONDS, qontoRequest } from './transport';

/**
 * Qonto Business API: organisation and bank accounts, transactions (to feed the Transaction Match node), supplier
 * invoices, transaction attachments and memberships. n8n has no built-in Qonto node, hence the plain name.
 */
export class Qonto implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Qonto',
		name: 'qonto',
		icon: 'file:qonto.svg',
		group: ['transform'],
		version: 1,
		subtitle: '={{ $parameter["operation"] + ": " + $parameter["resource"] }}',
		description: 'Read transactions and store supplier invoices and receipts in Qonto',
		defaults: { name: 'Qonto' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{ name: 'qontoApi', required: true, displayOptions: { show: { authentication: ['apiKey'] } } },
			{ name: 'qontoOAuth2Api', required: true, displayOptions: { show: { authentication: ['oAuth2'] } } },
		],
		properties: [
			{
				displayName: 'Authentication',
				name: 'authentication',
				type: 'options',
				options: [
					{ name: 'API Key', value: 'apiKey', description: 'Login and secret key of one organization (read-mostly, see the Qonto docs)' },
					{ name: 'OAuth2', value: 'oAuth2', description: 'A Qonto user consents; needed for Membership > Get Current' },
				],
				default: 'apiKey',
			},
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Attachment', value: 'attachment' },
					{ name: 'Membership', value: 'membership' },
					{ name: 'Organization', value: 'organization' },
					{ name: 'Supplier Invoice', value: 'supplierInvoice' },
					{ name: 'Transaction', value: 'transaction' },
				],
				default: 'transaction',
			},
			{
				displayName: 'Timeout (Seconds)',
				name: 'timeoutSeconds',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 600 },
				default: DEFAULT_TIMEOUT_SECONDS,
				description: 'How long to wait for Qonto to answer each request before retrying (writes carry idempotency keys, so a retry never stores twice) or failing',
			},
			...organization.description,
			...transaction.description,
			...supplierInvoice.description,
			...attachment.description,
			...membership.description,
		],
	};

	methods = {
		loadOptions: {
			/** The organisation's bank accounts, external ones included; a Qonto error reaches the user as is. */
			async getBankAccounts(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
				const body = await qontoRequest(this, 0, { method: 'GET', path: '/v2/organization', query: { include_external_accounts: true } });
				const accounts = ((body as { organization?: { bank_accounts?: IDataObject[] } } | null)?.organization?.bank_accounts ?? []).filter((account) => typeof account.id === 'string');
				return accounts.map((account) => ({
					name: [account.name, account.iban, account.is_external_account ? '(external)' : ''].filter(Boolean).join(' '),
					value: String(account.id),
					description: typeof account.status === 'string' ? `Status: ${account.status}` : undefined,
				}));
			},
		},
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
