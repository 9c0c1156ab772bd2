/**
 * The Qonto Trigger's own webhook subscription (OAuth2 with the `webhook` scope): registered on activation, checked
 * when n8n starts, removed on deactivation. Calls go through the Qonto node's transport (same credentials, retries,
 * error messages).
 *
 * Kept in the node's static data, per callback URL: `{ subscriptions: { [callbackUrl]: { id, secret } } }`. The
 * production URL and the editor's test URL are different callback URLs, so listening for a test event does not
 * replace or remove the production subscription. The secret never leaves n8n except in the creation request.
 */
import { randomUUID } from 'node:crypto';
import type { IDataObject, IHookFunctions, IWebhookFunctions } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { isRecord } from '../../src/common/guards';
import { IDEMPOTENCY_HEADER, QONTO_REASONS } from '../../src/qonto/constants';
import { newWebhookSecret, QONTO_TRANSACTIONS_WEBHOOK, readWebhookSubscription, subscriptionRequestBody } from '../../src/qonto/webhook';
import { qontoRequest, qontoRequestAllItems } from '../Qonto/transport';

export const SUBSCRIPTIONS_PATH = '/v2/webhook_subscriptions';

export interface StoredSubscription {
	id: string;
	secret: string;
}

/** Whether this node registers its own subscription (OAuth2 + Subscription "Register Automatically"). */
export function registersItself(context: IHookFunctions | IWebhookFunctions): boolean {
	const parameters = context.getNode().parameters;
	return parameters.authentication !== 'apiKey' && parameters.subscription !== 'manual';
}

function store(context: IHookFunctions): IDataObject {
	const staticData = context.getWorkflowStaticData('node');
	if (!isRecord(staticData.subscriptions)) staticData.subscriptions = {};
	return staticData.subscriptions as IDataObject;
}

/** The subscriptions this node registered, by callback URL (reading leaves the static data as it is). */
export function storedSubscriptions(context: IHookFunctions | IWebhookFunctions): Map<string, StoredSubscription> {
	const stored = new Map<string, StoredSubscription>();
	const entries = context.getWorkflowStaticData('node').subscriptions;
	if (!isRecord(entries)) return stored;
	for (const [url, value] of Object.entries(entries)) {
		if (isRecord(value) && typeof value.id === 'string' && typeof value.secret === 'string') stored.set(url, { id: value.id, secret: value.secret });
	}
	return stored;
}

function remember(context: IHookFunctions, callbackUrl: string, subscription: StoredSubscription): void {
	store(context)[callbackUrl] = { id: subscription.id, secret: subscription.secret };
}

function forget(context: IHookFunctions, callbackUrl: string): void {
	delete store(context)[callbackUrl];
}

export function callbackUrlOf(context: IHookFunctions): string {
	const url = context.getNodeWebhookUrl('default');
	if (!url) throw new NodeOperationError(context.getNode(), 'n8n gave no webhook URL for the Qonto Trigger', { description: 'Check the WEBHOOK_URL setting of your n8n instance.' });
	return url;
}

function reasonOf(error: unknown): unknown {
	return error instanceof NodeApiError ? error.context.reason : undefined;
}

/** 404 counts as "already gone": a subscription removed in Qonto, or by another activation. */
async function deleteRemote(context: IHookFunctions, id: string): Promise<void> {
	try {
		await qontoRequest(context, 0, { method: 'DELETE', path: `${SUBSCRIPTIONS_PATH}/${encodeURIComponent(id)}` });
	} catch (error) {
		if (reasonOf(error) !== QONTO_REASONS.notFound) throw error;
	}
}

/** Turns Qonto's 403 into what to do about it: the scope, or a subscription created by hand. */
function explainRefusal(error: unknown): unknown {
	const reason = reasonOf(error);
	if (error instanceof NodeApiError && (reason === QONTO_REASONS.missingScope || reason === QONTO_REASONS.forbidden)) {
		error.description =
			'Registering a Qonto webhook needs OAuth2 with the "webhook" scope (and organization.read). Turn on "Allow Webhook Subscriptions" in the Qonto OAuth2 credential and reconnect it — your Qonto OAuth application must be allowed that scope — or set Subscription to "Created by Hand" and paste that subscription\'s secret into the credential.';
	}
	return error;
}

/** checkExists: the stored subscription still exists at Qonto and still points here. */
export async function subscriptionExists(context: IHookFunctions): Promise<boolean> {
	const callbackUrl = callbackUrlOf(context);
	const stored = storedSubscriptions(context).get(callbackUrl);
	if (!stored) return false;
	let remote;
	try {
		remote = readWebhookSubscription(await qontoRequest(context, 0, { method: 'GET', path: `${SUBSCRIPTIONS_PATH}/${encodeURIComponent(stored.id)}` }));
	} catch (error) {
		if (reasonOf(error) !== QONTO_REASONS.notFound) throw explainRefusal(error);
		context.logger.info(`Qonto Trigger: subscription ${stored.id} no longer exists at Qonto; registering a new one`);
		forget(context, callbackUrl);
		return false;
	}
	if (remote && remote.callbackUrl === callbackUrl && remote.types.includes(QONTO_TRANSACTIONS_WEBHOOK)) return true;
	// Changed at Qonto since: it is ours (by id), so it is replaced rather than left delivering elsewhere.
	context.logger.info(`Qonto Trigger: subscription ${stored.id} was changed at Qonto; replacing it`);
	await deleteRemote(context, stored.id);
	forget(context, callbackUrl);
	return false;
}

/**
 * create: removes subscriptions of this user and OAuth client that already point at this URL (left over when the
 * static data was lost; their secret is unknown, so their deliveries could only be refused), then registers a new
 * one with a fresh random secret.
 */
export async function createSubscription(context: IHookFunctions): Promise<void> {
	const callbackUrl = callbackUrlOf(context);
	try {
		const existing = await qontoRequestAllItems(context, 0, SUBSCRIPTIONS_PATH, 'subscriptions');
		for (const item of existing) {
			const subscription = readWebhookSubscription(item);
			if (subscription && subscription.callbackUrl === callbackUrl) {
				context.logger.info(`Qonto Trigger: removing subscription ${subscription.id}, left over for ${callbackUrl}`);
				await deleteRemote(context, subscription.id);
			}
		}
		const secret = newWebhookSecret();
		const workflow = context.getWorkflow();
		const description = `n8n Qonto Trigger, workflow "${workflow.name ?? workflow.id ?? ''}"`;
		const body = await qontoRequest(context, 0, {
			method: 'POST',
			path: SUBSCRIPTIONS_PATH,
			body: subscriptionRequestBody(callbackUrl, secret, description),
			// Not documented for this endpoint, but Qonto's writes take one: a retried POST then creates one subscription.
			headers: { [IDEMPOTENCY_HEADER]: randomUUID() },
		});
		const created = readWebhookSubscription(body);
		if (!created) {
			throw new NodeOperationError(context.getNode(), 'Qonto answered the subscription request without a subscription id', { description: 'Check the API Base URL of the Qonto OAuth2 credential.' });
		}
		remember(context, callbackUrl, { id: created.id, secret });
		context.logger.info(`Qonto Trigger: subscription ${created.id} registered for ${callbackUrl}`);
	} catch (error) {
		throw explainRefusal(error);
	}
}

/** delete: removes the subscription registered for this URL, if any (already gone at Qonto counts as removed). */
export async function deleteSubscription(context: IHookFunctions): Promise<void> {
	const callbackUrl = callbackUrlOf(context);
	const stored = storedSubscriptions(context).get(callbackUrl);
	if (!stored) return;
	await deleteRemote(context, stored.id);
	forget(context, callbackUrl);
	context.logger.info(`Qonto Trigger: subscription ${stored.id} removed`);
}
