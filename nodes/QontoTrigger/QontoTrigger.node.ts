import type { IDataObject, IHookFunctions, INodeType, INodeTypeDescription, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { describeSignatureFailure, parseTransactionEvent, QONTO_SIGNATURE_HEADER, type TransactionEventKind, verifyQontoSignature } from '../../src/qonto/webhook';
import { credentialTypeFor } from '../Qonto/transport';
import { checkWithWebhookCredentials, secretMayBeOutdated } from '../shared/webhookCredentials';
import { createSubscription, deleteSubscription, registersItself, storedSubscriptions, subscriptionExists } from './subscription';

const WEBHOOK_PATH = 'webhook';
const MANUAL_SETUP =
	"Create a Qonto webhook subscription (POST /v2/webhook_subscriptions, type v1/transactions) whose callback URL is this node's Production URL, and paste its secret into the credential's Webhook Signing Secret. Deliveries not signed with it are refused.";

/**
 * Qonto's `v1/transactions` webhook: one item per transaction created or updated, after checking X-Qonto-Signature
 * (HMAC over the raw body, 5-minute tolerance). Qonto waits at most 1 second for the answer, so the trigger answers
 * 200 at once and the workflow runs afterwards; a delivery that fails the check gets 401 and starts nothing.
 */
export class QontoTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Qonto Trigger',
		name: 'qontoTrigger',
		icon: 'file:qonto.svg',
		group: ['trigger'],
		// Version 2 behaves exactly as 1: n8n parses a version-2 trigger's request without evaluating an expression (see the
		// WhatsApp Inbox Trigger).
		version: [1, 2],
		defaultVersion: 2,
		subtitle: 'Transactions created or updated',
		description: 'Starts the workflow when a Qonto transaction is created or updated, after checking Qonto\'s signature',
		defaults: { name: 'Qonto Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{ name: 'qontoApi', required: true, displayOptions: { show: { authentication: ['apiKey'] } } },
			{ name: 'qontoOAuth2Api', required: true, displayOptions: { show: { authentication: ['oAuth2'] } } },
		],
		webhooks: [{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: WEBHOOK_PATH }],
		properties: [
			{
				displayName: 'Authentication',
				name: 'authentication',
				type: 'options',
				options: [
					{ name: 'API Key', value: 'apiKey', description: 'The subscription is created by hand; its secret goes into the credential' },
					{ name: 'OAuth2', value: 'oAuth2', description: 'Can register and remove the subscription itself (needs the "webhook" scope)' },
				],
				default: 'oAuth2',
			},
			{
				displayName: 'Subscription',
				name: 'subscription',
				type: 'options',
				displayOptions: { show: { authentication: ['oAuth2'] } },
				options: [
					{
						name: 'Register Automatically',
						value: 'automatic',
						description: 'On activation, subscribe this node\'s URL with a random secret kept by n8n; unsubscribe on deactivation. Turn on "Allow Webhook Subscriptions" in the credential.',
					},
					{ name: 'Created by Hand', value: 'manual', description: 'A subscription made outside n8n; paste its secret into the credential\'s Webhook Signing Secret' },
				],
				default: 'automatic',
			},
			{
				displayName: MANUAL_SETUP,
				name: 'manualNotice',
				type: 'notice',
				default: '',
				displayOptions: { show: { authentication: ['apiKey'] } },
			},
			{
				displayName: MANUAL_SETUP,
				name: 'manualNoticeOAuth2',
				type: 'notice',
				default: '',
				displayOptions: { show: { authentication: ['oAuth2'], subscription: ['manual'] } },
			},
			{
				displayName:
					'When the workflow is activated, n8n subscribes this node\'s Production URL with Qonto (it must be reachable from the internet over HTTPS) and removes the subscription when the workflow is deactivated.',
				name: 'automaticNotice',
				type: 'notice',
				default: '',
				displayOptions: { show: { authentication: ['oAuth2'], subscription: ['automatic'] } },
			},
			{
				displayName: 'Events',
				name: 'events',
				type: 'multiOptions',
				options: [
					{ name: 'Transaction Created', value: 'created', description: 'A new payment, card authorisation or income' },
					{ name: 'Transaction Updated', value: 'updated', description: 'A change: settled, attachment added, note, label…' },
				],
				default: ['created', 'updated'],
				required: true,
				description: 'Which transaction events start the workflow; the others are acknowledged and dropped',
			},
		],
	};

	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				// A subscription created by hand is not this node's to check or change.
				if (!registersItself(this)) return true;
				return await subscriptionExists(this);
			},
			async create(this: IHookFunctions): Promise<boolean> {
				if (registersItself(this)) await createSubscription(this);
				return true;
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				// Also when Subscription was switched to "Created by Hand" since: a subscription this node registered goes.
				if (this.getNode().parameters.authentication !== 'apiKey') await deleteSubscription(this);
				return true;
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const request = this.getRequestObject();
		const response = this.getResponseObject();

		// The signature covers Qonto's exact bytes, never a re-serialised body. A registered subscription's secret comes
		// from static data (one per callback URL this node registered: production, and the editor's test URL while
		// listening — all of them this node's own); a hand-made one's from the credential, read through a short-lived
		// cache (nodes/shared/webhookCredentials.ts: in the webhook phase each getCredentials makes n8n start an
		// expression isolate). A signature that does not match the cached secret reads the credential once more, so a
		// secret just changed in n8n is not refused.
		const rawBody: Buffer | string = request.rawBody ?? JSON.stringify(request.body ?? {});
		const verify = (secrets: string[]) => verifyQontoSignature(secrets, rawBody, request.headers[QONTO_SIGNATURE_HEADER], { nowMs: Date.now() });
		const check = registersItself(this)
			? verify([...storedSubscriptions(this).values()].map((subscription) => subscription.secret))
			: (
					await checkWithWebhookCredentials(
						this,
						credentialTypeFor(this.getNodeParameter('authentication', 'oAuth2')),
						(credentials) => verify([String(credentials.webhookSigningSecret ?? '').trim()]),
						secretMayBeOutdated,
					)
				).result;
		if (!check.valid) {
			this.logger.warn(`Qonto Trigger refused a delivery (401): ${describeSignatureFailure(check.reason)}`);
			response.status(401).type('text/plain').send('Invalid signature');
			return { noWebhookResponse: true };
		}

		const parsed = parseTransactionEvent(rawBody);
		if (!parsed.ok) {
			// Signed by Qonto but not JSON: a client error. Another event type or event: acknowledged, so Qonto does not
			// retry what this trigger will never handle.
			const status = parsed.reason === 'invalid_json' ? 400 : 200;
			this.logger.warn(`Qonto Trigger ignored a delivery (${parsed.reason}): ${parsed.detail}`);
			response.status(status).type('text/plain').send(status === 400 ? 'Invalid JSON' : 'OK');
			return { noWebhookResponse: true };
		}

		// Answer first: Qonto counts an answer slower than 1 second as a failure and delivers again.
		response.status(200).type('text/plain').send('OK');
		const wanted = this.getNodeParameter('events', ['created', 'updated']) as TransactionEventKind[];
		if (!wanted.includes(parsed.event.event)) return { noWebhookResponse: true };
		const { event } = parsed;
		const json: IDataObject = {
			event: event.event,
			organizationId: event.organizationId,
			transaction: event.transaction as IDataObject,
			deliveryId: event.deliveryId,
			subscriptionId: event.subscriptionId,
			membershipId: event.membershipId,
			createdAt: event.createdAt,
		};
		return { noWebhookResponse: true, workflowData: [[{ json }]] };
	}
}
