import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { messageIdProperty, messageOptionsProperty, recipientProperty, sharedMessageOptions } from './actions/common';
import * as downloadMedia from './actions/downloadMedia.operation';
import * as markAsRead from './actions/markAsRead.operation';
import * as react from './actions/react.operation';
import { router } from './actions/router';
import * as sendChoices from './actions/sendChoices.operation';
import * as sendOrganisationPicker from './actions/sendOrganisationPicker.operation';
import * as sendTemplate from './actions/sendTemplate.operation';
import * as sendText from './actions/sendText.operation';
import { DEFAULT_TIMEOUT_SECONDS } from './transport';

/**
 * The WhatsApp Cloud API calls of the invoice inbox: download a sent document, react to it, mark it read and answer
 * the sender. Named apart from n8n's built-in WhatsApp nodes.
 */
export class WhatsAppInbox implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'WhatsApp Inbox',
		name: 'whatsAppInbox',
		icon: 'file:whatsAppInbox.svg',
		group: ['transform'],
		version: 1,
		subtitle: '={{ $parameter["operation"] }}',
		description: 'Download documents sent to your WhatsApp number, react to messages and answer senders',
		defaults: { name: 'WhatsApp Inbox' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'whatsAppCloudApi', required: true }],
		properties: [
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				default: 'downloadMedia',
				options: [
					{ name: 'Download Media', value: 'downloadMedia', action: 'Download media of a message', description: 'Download the file of a document or photo message, refusing files over the size limit before downloading' },
					{ name: 'Mark as Read', value: 'markAsRead', action: 'Mark a message as read', description: 'Show blue ticks, optionally with a typing indicator while the document is processed' },
					{ name: 'React', value: 'react', action: 'React to a message', description: 'Put an emoji reaction on a message, or remove it' },
					{ name: 'Send Choices', value: 'sendChoices', action: 'Send choices', description: 'Ask a question with 1 to 10 answers to tap: up to 3 as reply buttons, more as a list' },
					{ name: 'Send Organisation Picker', value: 'sendOrganisationPicker', action: 'Send an organisation picker', description: 'Send an interactive list of Qonto organisations to choose from' },
					{ name: 'Send Template', value: 'sendTemplate', action: 'Send a template message', description: 'Send a pre-approved template (the only message WhatsApp delivers more than 24 hours after the sender last wrote)' },
					{ name: 'Send Text', value: 'sendText', action: 'Send a text message', description: 'Send a text message to a sender (within 24 hours of their last message)' },
				],
			},
			recipientProperty,
			messageIdProperty,
			...react.description,
			...sendText.description,
			...sendTemplate.description,
			...sendChoices.description,
			...sendOrganisationPicker.description,
			...downloadMedia.description,
			...markAsRead.description,
			{
				displayName: 'Timeout (Seconds)',
				name: 'timeoutSeconds',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 600 },
				default: DEFAULT_TIMEOUT_SECONDS,
				description: 'How long to wait for WhatsApp to answer each request (and for a media download to arrive) before retrying or failing',
			},
			messageOptionsProperty([...sharedMessageOptions, ...sendOrganisationPicker.messageOptions, ...sendText.messageOptions, ...sendTemplate.messageOptions]),
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
