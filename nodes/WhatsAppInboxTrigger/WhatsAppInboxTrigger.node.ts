import type {
	IDataObject,
	IHookFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';

import { parseWebhookBody } from '../../src/whatsapp/inbound';
import { answerVerificationChallenge, verifyWebhookSignature } from '../../src/whatsapp/signature';
import { checkWithWebhookCredentials, secretMayBeOutdated } from '../shared/webhookCredentials';

const WEBHOOK_PATH = 'webhook';
const CREDENTIAL_TYPE = 'whatsAppCloudApi';

export class WhatsAppInboxTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'WhatsApp Inbox Trigger',
		name: 'whatsAppInboxTrigger',
		icon: 'file:whatsAppInbox.svg',
		group: ['trigger'],
		// Version 2 behaves exactly as 1. It exists because n8n evaluates an expression while it parses the body of a
		// version-1 trigger's request (the Webhook node's old "binary data" option): with the n8n setting
		// N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE=true, a version-2 delivery is answered without any expression isolate.
		version: [1, 2],
		defaultVersion: 2,
		subtitle: 'Messages to your WhatsApp number',
		description: 'Starts the workflow for each message sent to your WhatsApp Business number, after checking Meta\'s signature',
		defaults: { name: 'WhatsApp Inbox Trigger' },
		inputs: [],
		outputs: `={{ $parameter.emitStatusUpdates ? [{ type: "main", displayName: "Messages" }, { type: "main", displayName: "Status Updates" }] : [{ type: "main", displayName: "Messages" }] }}`,
		credentials: [{ name: CREDENTIAL_TYPE, required: true }],
		webhooks: [
			{ name: 'setup', httpMethod: 'GET', responseMode: 'onReceived', path: WEBHOOK_PATH },
			{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: WEBHOOK_PATH },
		],
		properties: [
			{
				displayName:
					'In your Meta app (WhatsApp > Configuration), set the Callback URL to this node\'s Production URL and the Verify Token to the one in the credential, then subscribe to the "messages" field. Meta keeps one callback URL per app, so use one such trigger per app. The workflow must be active when you click Verify and Save.',
				name: 'notice',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'Only Messages to This Number',
				name: 'onlyOwnNumber',
				type: 'boolean',
				default: true,
				description: "Whether to ignore messages sent to other phone numbers of the same Meta app (compared with the credential's Phone Number ID)",
			},
			{
				displayName: 'Emit Status Updates',
				name: 'emitStatusUpdates',
				type: 'boolean',
				default: false,
				description: 'Whether to emit sent/delivered/read/failed updates of outgoing messages, and other subscribed events, on a second output',
			},
		],
	};

	webhookMethods = {
		default: {
			// Meta has no per-URL subscription API for the Cloud API webhook: the callback URL is set once in the
			// app dashboard. These methods only remember which URL this node announced, and log it for the admin.
			async checkExists(this: IHookFunctions): Promise<boolean> {
				const staticData = this.getWorkflowStaticData('node');
				return staticData.callbackUrl === this.getNodeWebhookUrl('default');
			},
			async create(this: IHookFunctions): Promise<boolean> {
				const callbackUrl = this.getNodeWebhookUrl('default');
				this.getWorkflowStaticData('node').callbackUrl = callbackUrl;
				this.logger.info(`WhatsApp Inbox Trigger listens on ${callbackUrl}: set it as the Callback URL in the Meta app dashboard`);
				return true;
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				const staticData = this.getWorkflowStaticData('node');
				if (staticData.callbackUrl) this.logger.info(`WhatsApp Inbox Trigger stopped listening on ${String(staticData.callbackUrl)}; Meta will keep calling it until the app's Callback URL is changed`);
				delete staticData.callbackUrl;
				return true;
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const request = this.getRequestObject();
		const response = this.getResponseObject();

		// The credential comes from a short-lived cache (nodes/shared/webhookCredentials.ts): in the webhook phase each
		// getCredentials makes n8n start an expression isolate. A check that fails with the cached secret or token reads
		// the credential once more, so a secret just changed in n8n is not refused.
		if (this.getWebhookName() === 'setup') {
			const query = request.query as IDataObject;
			const { result: answer } = await checkWithWebhookCredentials(
				this,
				CREDENTIAL_TYPE,
				(credentials) => answerVerificationChallenge(query, credentials.verifyToken as string),
				// Only a refusal that another verify token could turn into an answer is worth a second read.
				(refusal) => refusal.status === 403 && typeof query['hub.verify_token'] === 'string',
			);
			response.status(answer.status).type('text/plain').send(answer.body);
			return { noWebhookResponse: true };
		}

		// The signature covers Meta's exact bytes; re-serialising the parsed body would break it for emoji.
		const rawBody: Buffer | string = request.rawBody ?? JSON.stringify(request.body ?? {});
		const { value: credentials, result: signature } = await checkWithWebhookCredentials(
			this,
			CREDENTIAL_TYPE,
			(candidate) => verifyWebhookSignature(candidate.appSecret as string, rawBody, request.headers['x-hub-signature-256']),
			secretMayBeOutdated,
		);
		if (!signature.valid) {
			this.logger.warn(`WhatsApp Inbox Trigger refused a delivery: signature ${signature.reason}`);
			response.status(401).type('text/plain').send('Invalid signature');
			return { noWebhookResponse: true };
		}

		const delivery = parseWebhookBody(rawBody);
		if (!delivery.ok) {
			// Signed by Meta but not JSON: a client error. A JSON envelope of another product: acknowledged, so
			// Meta does not retry something this trigger will never handle.
			const status = delivery.reason === 'invalid_json' ? 400 : 200;
			this.logger.warn(`WhatsApp Inbox Trigger ignored a delivery (${delivery.reason}): ${delivery.detail}`);
			response.status(status).type('text/plain').send(status === 400 ? 'Invalid JSON' : 'EVENT_RECEIVED');
			return { noWebhookResponse: true };
		}

		const ownNumber = String(credentials.phoneNumberId ?? '');
		const onlyOwnNumber = this.getNodeParameter('onlyOwnNumber', true) as boolean;
		const forUs = (phoneNumberId: string | null) => !onlyOwnNumber || !ownNumber || phoneNumberId === null || phoneNumberId === ownNumber;
		const messages: INodeExecutionData[] = delivery.messages
			.filter((message) => forUs(message.businessPhoneNumberId))
			.map((message) => ({ json: message as unknown as IDataObject }));
		const emitStatusUpdates = this.getNodeParameter('emitStatusUpdates', false) as boolean;
		const updates: INodeExecutionData[] = emitStatusUpdates
			? [
					...delivery.statuses.filter((status) => forUs(status.businessPhoneNumberId)).map((status) => ({ json: { event: 'status', ...status } as IDataObject })),
					...delivery.otherEvents.filter((event) => forUs(event.businessPhoneNumberId)).map((event) => ({ json: { event: event.field, ...event } as IDataObject })),
				]
			: [];

		// Acknowledge at once: Meta retries slow or failed deliveries, and the work runs after the answer.
		response.status(200).type('text/plain').send('EVENT_RECEIVED');
		if (messages.length === 0 && updates.length === 0) return { noWebhookResponse: true };
		return { noWebhookResponse: true, workflowData: emitStatusUpdates ? [messages, updates] : [messages] };
	}
}
