/**
 * The shipped workflows running in a real n8n against the contract fakes: the invoice inbox, one "Qonto · <organisation>"
 * workflow per organisation (ACME SAS and Globex GmbH, each with its own Qonto stand-in and credential) and the
 * onboarding form. Shared by the demo (scripts/demo.ts) and the end-to-end tests, so that what the demo shows is what
 * the tests prove. The second organisation is added exactly the way the README tells an admin to (addOrganisation).
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { buildActivationLink } from '../../src/conversation/links';
import {
	QontoFake,
	buildEnvelope,
	buttonReplyMessage,
	listReplyMessage,
	loadSampleReceipts,
	makeTransaction,
	metaJson,
	parseAmount,
	parseDayFirstDate,
	quickReplyMessage,
	sampleMessage,
	signWebhook,
	stamp,
	startAllFakes,
	type AllFakes,
	type SampleReceipt,
	type WebhookEnvelope,
} from '../contract-fakes';
import { REPO_ROOT, startN8n, type CredentialJson, type N8nInstance, type StartOptions, type WorkflowJson, type WorkflowNode } from '../harness';

export const WORKFLOWS_DIR = join(REPO_ROOT, 'workflows');
export const APP_SECRET = 'demo-app-secret';
export const VERIFY_TOKEN = 'demo-verify-token';
export const ACTIVATION_SECRET = 'demo-activation-secret-0123456789abcdef';
/** The secret of the Qonto transaction webhooks the admin created by hand (pasted into the Qonto credentials). */
export const QONTO_WEBHOOK_SECRET = 'demo-qonto-webhook-secret-0123456789abcdef';
/** The inbox's WhatsApp number, as the admin types it into the onboarding workflow. */
export const BUSINESS_NUMBER = '+33 1 84 80 00 00';
export const FORM_LOGIN = { user: 'inbox-admin', password: 'Onboarding-Passw0rd' };
/** The demo employee (a Malaysian number: the sample receipts are Malaysian; answered in the default language). */
export const SENDER = '60123456789';
/** Rough MYR → EUR rate for the card payments of the demo history. */
const EUR_PER_MYR = 0.2;

export interface OrganisationSetup {
	id: string;
	name: string;
	/** The id of its "Qonto · <name>" workflow. */
	workflowId: string;
	/** The id of its Qonto API credential. */
	credentialId: string;
	qonto: QontoFake;
	/** Active Qonto memberships (plus one revoked), as GET /v2/memberships lists them. */
	memberships: Array<{ id: string; first_name: string; last_name: string; role: string; status: string }>;
}

export interface Sender {
	waId: string | null;
	/** Meta's business-scoped user id. */
	userId: string | null;
	name: string;
}

export const ana: Sender = { waId: SENDER, userId: `US.${SENDER}`, name: 'Ana Martin' };

export interface DocumentOptions {
	/** What the media metadata announces. */
	declaredSize?: number;
	/** Repeats an earlier message, as Meta does when it delivers again. */
	messageId?: string;
	from?: Sender;
}

export interface SignedDelivery {
	messageId: string;
	body: string;
	headers: Record<string, string>;
}

export interface InvoiceInbox {
	fakes: AllFakes;
	organisations: { acme: OrganisationSetup; globex: OrganisationSetup };
	n8n: N8nInstance;
	/** The invoice-inbox workflow as imported (with both organisations). */
	workflow: WorkflowJson;
	onboardingWorkflow: WorkflowJson;
	/** ACME SAS's "Qonto · ACME SAS" workflow (the shipped qonto-organisation.json). */
	acmeWorkflow: WorkflowJson;
	/** The plain data of the imported credentials, by credential id. */
	credentialData: Record<string, Record<string, string>>;
	webhookUrl: string;
	receipts: SampleReceipt[];
	/**
	 * A signed webhook delivery of a document message from `from` (default the demo employee), its media registered
	 * with the WhatsApp stand-in, not posted yet: post it several times to play Meta delivering again.
	 */
	documentDelivery(bytes: Buffer, fileName: string, mimeType: string, options?: DocumentOptions): SignedDelivery;
	/** Posts a signed document message; returns its message id. */
	sendDocument(bytes: Buffer, fileName: string, mimeType: string, options?: DocumentOptions): Promise<string>;
	sendText(body: string, from?: Sender): Promise<string>;
	/** A reply to an interactive list (as WhatsApp sends it when a row is tapped, or as a forger would). */
	sendListReply(row: { id: string; title: string }, from?: Sender): Promise<string>;
	/** A tap on a reply button (`interactive.button_reply`). */
	sendButtonReply(button: { id: string; title: string }, from?: Sender): Promise<string>;
	/** A tap on a template's quick-reply button (`type: 'button'`, `button: {payload, text}`). */
	sendQuickReply(button: { payload: string; text: string }, from?: Sender): Promise<string>;
	/** Waits until the message carries ✅ or ❌ (or the time runs out) and returns it. */
	waitForFinalReaction(messageId: string, timeoutMs?: number): Promise<string | undefined>;
	/** Every reaction the inbox put on one of the demo employee's messages, oldest first. */
	reactionsOn(messageId: string): string[];
	/** Posts a text message and waits for the next text sent back to the sender (undefined if none comes). */
	sendTextAndWaitForAnswer(body: string, timeoutMs?: number, from?: Sender): Promise<{ messageId: string; answer: string | undefined }>;
	/** Waits for the text that answers this message (quoting it). */
	waitForReply(messageId: string, timeoutMs?: number, to?: Sender): Promise<string | undefined>;
	/** Waits until the execution that received this message has finished (to assert that nothing else happened). */
	waitUntilHandled(messageId: string, timeoutMs?: number): Promise<void>;
	/** What the workflow's Execution Data nodes saved on each finished execution for this message, oldest first. */
	executionTags(messageId: string): Promise<Array<Record<string, string>>>;
	/**
	 * Another file of the same receipt (as when it is photographed or exported again): the same image with a JPEG comment
	 * that makes its bytes, and so its sha256, different; Mindee's stand-in reads it like the original.
	 */
	rescan(receipt: SampleReceipt, label: string): SampleReceipt;
	/** The pre-filled activation message of a membership, made like the onboarding form makes it. */
	activationMessage(organisation: OrganisationSetup, membershipId: string, options?: { expiresAt?: Date; secret?: string }): string;
	/** Sends the activation message and waits for the welcome. */
	activate(sender: Sender, organisation: OrganisationSetup, membershipId: string): Promise<string | undefined>;
	stop(options?: { keep?: boolean }): Promise<void>;
}

/** Polls `probe` until it returns something or the time runs out. */
export async function waitFor<T>(probe: () => T | undefined | Promise<T | undefined>, timeoutMs: number, intervalMs = 100): Promise<T | undefined> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await probe();
		if (value !== undefined || Date.now() > deadline) return value;
		await new Promise((resolve) => setTimeout(resolve, intervalMs));
	}
}

export function loadWorkflow(file: string): WorkflowJson {
	return JSON.parse(readFileSync(join(WORKFLOWS_DIR, file), 'utf8')) as WorkflowJson;
}

export function findNode(workflow: WorkflowJson, name: string): WorkflowNode {
	const found = workflow.nodes.find((candidate) => candidate.name === name);
	if (!found) throw new Error(`workflow "${workflow.name}" has no node "${name}"`);
	return found;
}

type Connections = Record<string, { main: Array<Array<{ node: string; type: string; index: number }>> }>;

function connect(workflow: WorkflowJson, from: string, output: number, to: string): void {
	const connections = workflow.connections as Connections;
	const main = (connections[from] ??= { main: [] }).main;
	while (main.length <= output) main.push([]);
	main[output].push({ node: to, type: 'main', index: 0 });
}

/** Copies a node under a new name, next to the original, with its outgoing connections (the editor's copy-paste). */
function copyNode(workflow: WorkflowJson, name: string, newName: string, changes: (node: WorkflowNode) => void): WorkflowNode {
	const original = findNode(workflow, name);
	const copy: WorkflowNode = { ...structuredClone(original), id: undefined, name: newName, position: [original.position?.[0] ?? 0, (original.position?.[1] ?? 0) + 200] };
	delete copy.id;
	changes(copy);
	workflow.nodes.push(copy);
	const outgoing = (workflow.connections as Connections)[name]?.main ?? [];
	outgoing.forEach((targets, output) => targets.forEach((target) => connect(workflow, newName, output, target.node)));
	return copy;
}

/** Adds a Switch rule whose output is placed before the fallback output ("Other"); returns the new output's index. */
function addSwitchRule(workflow: WorkflowJson, switchName: string, value: string, outputKey: string): number {
	const node = findNode(workflow, switchName);
	const values = (node.parameters as { rules: { values: Array<Record<string, unknown>> } }).rules.values;
	const rule = structuredClone(values[0]) as { conditions: { conditions: Array<{ id: string; rightValue: string }> }; outputKey: string };
	rule.conditions.conditions[0].rightValue = value;
	rule.conditions.conditions[0].id = `${rule.conditions.conditions[0].id.slice(0, 24)}${Buffer.from(value).toString('hex').slice(0, 12).padEnd(12, '0')}`;
	rule.outputKey = outputKey;
	values.push(rule);
	const index = values.length - 1;
	// The fallback output comes after the rules: shift its connections one output down.
	const main = (workflow.connections as Connections)[switchName].main;
	main.splice(index, 0, []);
	return index;
}

/**
 * The README's "add an organisation", done on the workflow JSON: a "Qonto · <name>" copy of the organisation workflow
 * with its own credential, a row in Route Message's Organisations, a rule in the Organisation Switch and a copy of
 * the "File in Qonto" node calling the new workflow; in the onboarding workflow, a form option, a Switch rule and a
 * copy of the two nodes that read memberships and make links.
 */
export function addOrganisation(workflows: { inbox: WorkflowJson; template: WorkflowJson; onboarding: WorkflowJson }, organisation: Pick<OrganisationSetup, 'id' | 'name' | 'workflowId' | 'credentialId'>): WorkflowJson {
	const qontoCredential = { qontoApi: { id: organisation.credentialId, name: `Qonto API · ${organisation.name}` } };
	const orgWorkflow: WorkflowJson = { ...structuredClone(workflows.template), id: organisation.workflowId, name: `Qonto · ${organisation.name}` };
	for (const node of orgWorkflow.nodes) if (node.credentials?.qontoApi) node.credentials = qontoCredential;
	// As the README says: the copy's Qonto trigger gets its own webhook id (two workflows cannot listen on one path).
	findNode(orgWorkflow, 'Qonto Payment Appeared').webhookId = randomUUID();

	const { inbox, onboarding } = workflows;
	const route = findNode(inbox, 'Route Message').parameters as { organisations: { organisation: Array<{ id: string; name: string }> } };
	route.organisations.organisation.push({ id: organisation.id, name: organisation.name });
	const output = addSwitchRule(inbox, 'Organisation Switch', organisation.id, organisation.name);
	const fileNode = `File in Qonto · ${organisation.name}`;
	copyNode(inbox, 'File in Qonto · ACME SAS', fileNode, (node) => {
		(node.parameters as { workflowId: Record<string, unknown> }).workflowId = { __rl: true, mode: 'list', value: organisation.workflowId, cachedResultName: orgWorkflow.name };
	});
	connect(inbox, 'Organisation Switch', output, fileNode);
	// Answers to "which payment?" reach the organisation through their own switch, the same way.
	const answerOutput = addSwitchRule(inbox, 'Answer for Organisation', organisation.id, organisation.name);
	const attachNode = `Attach in Qonto · ${organisation.name}`;
	copyNode(inbox, 'Attach in Qonto · ACME SAS', attachNode, (node) => {
		(node.parameters as { workflowId: Record<string, unknown> }).workflowId = { __rl: true, mode: 'list', value: organisation.workflowId, cachedResultName: orgWorkflow.name };
	});
	connect(inbox, 'Answer for Organisation', answerOutput, attachNode);

	const form = findNode(onboarding, 'Onboarding Form').parameters as { formFields: { values: Array<{ fieldOptions?: { values: Array<{ option: string }> } }> } };
	form.formFields.values[0].fieldOptions?.values.push({ option: organisation.name });
	const formOutput = addSwitchRule(onboarding, 'Organisation Switch', organisation.name, organisation.name);
	const membershipsNode = `Qonto Memberships · ${organisation.name}`;
	const linksNode = `Activation Links · ${organisation.name}`;
	copyNode(onboarding, 'Qonto Memberships · ACME SAS', membershipsNode, (node) => {
		node.credentials = qontoCredential;
	});
	const membershipConnections = (onboarding.connections as Connections)[membershipsNode].main;
	membershipConnections[0] = [];
	copyNode(onboarding, 'Activation Links · ACME SAS', linksNode, (node) => {
		Object.assign(node.parameters as Record<string, unknown>, { organisationId: organisation.id, organisationName: organisation.name });
	});
	connect(onboarding, 'Organisation Switch', formOutput, membershipsNode);
	connect(onboarding, membershipsNode, 0, linksNode);
	return orgWorkflow;
}

/** A card payment in MYR, booked in EUR, settled the next day, `hours` after the receipt's date (noon UTC). */
function cardPayment(bankAccountId: string, receipt: SampleReceipt, label: string, localCents: number, hours: number) {
	const date = parseDayFirstDate(receipt.truth.date) as string;
	const emitted = new Date(new Date(`${date}T12:30:00.000Z`).getTime() + hours * 3600 * 1000);
	return makeTransaction({
		bank_account_id: bankAccountId,
		side: 'debit',
		operation_type: 'card',
		status: 'completed',
		label,
		clean_counterparty_name: null,
		currency: 'EUR',
		amount_cents: Math.round(localCents * EUR_PER_MYR),
		local_amount_cents: localCents,
		local_amount: localCents / 100,
		local_currency: 'MYR',
		emitted_at: emitted.toISOString(),
		settled_at: new Date(emitted.getTime() + 26 * 3600 * 1000).toISOString(),
		attachment_ids: [],
	});
}

/** The receipt's own card payment, as its bank would book it (label: the merchant cut to 22 characters). */
export function receiptPayment(receipt: SampleReceipt, bankAccountId: string) {
	return cardPayment(bankAccountId, receipt, receipt.truth.company.slice(0, 22), Math.round((parseAmount(receipt.truth.total) ?? 0) * 100), 0);
}

/**
 * A Qonto history for the sample receipts: the card payment of each (in MYR, booked in EUR, settled the next
 * day) except the last receipt's, which is "not in Qonto yet" — plus everyday spending around the same dates.
 */
export function demoTransactions(receipts: SampleReceipt[], bankAccountId: string) {
	return receipts.flatMap((receipt, index) => {
		if (!parseDayFirstDate(receipt.truth.date) || parseAmount(receipt.truth.total) === null) return [];
		const everyday = [cardPayment(bankAccountId, receipt, 'GRAB *RIDE KUALA LUMPUR', 1850, -20), cardPayment(bankAccountId, receipt, 'STARBUCKS KLCC', 2290, 30)];
		return index === receipts.length - 1 ? everyday : [receiptPayment(receipt, bankAccountId), ...everyday];
	});
}

const membership = (id: string, first_name: string, last_name: string, status = 'active') => ({ id, first_name, last_name, role: 'employee', status });

export interface InboxOptions {
	label?: string;
	/** Link the demo employee to ACME SAS before returning (default true). */
	activateSender?: boolean;
	/** How long the Qonto stand-ins remember idempotency keys (Qonto: 30 minutes). */
	qontoIdempotencyTtlMs?: number;
	/** n8n's database (default SQLite). */
	database?: StartOptions['database'];
	/** n8n in queue mode: main + workers (+ a webhook process), on PostgreSQL and Redis (see StartOptions.queue). */
	queue?: StartOptions['queue'];
	/** Extra environment for every n8n process. */
	n8nEnv?: StartOptions['env'];
	/** A faster sweep than the shipped one (every minute; abandoned after 5 min, first retry after 1, give up after 30). */
	sweep?: { everySeconds: number; abandonedAfterMinutes: number; firstRetryMinutes: number; giveUpAfterMinutes: number };
	/** The WhatsApp nodes' Timeout (Seconds), as an admin would set it (default 60). */
	whatsAppTimeoutSeconds?: number;
	/** Turn on the shipped admin alerts (workflows/admin-alerts.json) for this WhatsApp number, as the README says. */
	adminAlertsTo?: string;
	/** Another installed n8n than the pinned one (the 1.x smoke test). */
	n8nVersion?: string;
	/** Turn on the weekly reminders the way the README says (activate *Every Monday at 09:00*), with this template, if any. */
	reminders?: { templateName?: string };
	/** Status checks Mindee's stand-in answers "Processing" before the result (default 1; 0: done at the first check). */
	mindeePollsBeforeDone?: number;
	/** More workflows to import and publish next to the shipped ones (e.g. a reference workflow for a benchmark). */
	extraWorkflows?: WorkflowJson[];
}

/** What an admin does to opt in to the weekly reminders: activate the trigger, name their template. */
function turnOnReminders(organisationWorkflow: WorkflowJson, reminders: NonNullable<InboxOptions['reminders']>): void {
	delete findNode(organisationWorkflow, 'Every Monday at 09:00').disabled;
	Object.assign(findNode(organisationWorkflow, 'Plan Reminders').parameters as Record<string, unknown>, { templateName: reminders.templateName ?? '' });
}

/** The admin's settings of the sweep, changed the way they would change them in the editor. */
function setSweep(inbox: WorkflowJson, sweep: NonNullable<InboxOptions['sweep']>): void {
	const { everySeconds, ...retries } = sweep;
	findNode(inbox, 'Every Minute').parameters = { rule: { interval: [{ field: 'seconds', secondsInterval: everySeconds }] } };
	Object.assign(findNode(inbox, 'Plan Retries').parameters as Record<string, unknown>, retries);
}

/**
 * The README's first step: ▶ "Set Up Data Tables". n8n 1.x's Data Table node can neither create tables nor find one
 * by name, so there it is done the way the README tells 1.x users: the tables created by hand (the editor's REST
 * call, with the columns *Set Up Data Tables* lists), then picked from the list in every Data Table node.
 */
async function setUpDataTables(n8n: N8nInstance, inbox: WorkflowJson): Promise<void> {
	if (!n8n.version.startsWith('1.')) {
		const setup = await n8n.runManualTrigger(inbox.id as string, 'Set Up Data Tables');
		if (setup.status !== 'success') throw new Error(`Set Up Data Tables ended ${setup.status}`);
		return;
	}
	const personal = (await (await n8n.rest('/projects/personal')).json()) as { data: { id: string } };
	const dataTableNodes = inbox.nodes.filter((node) => node.type === 'n8n-nodes-base.dataTable');
	const tableIds = new Map<string, string>();
	for (const node of dataTableNodes.filter((candidate) => candidate.parameters?.resource === 'table')) {
		const { tableName, columns } = node.parameters as { tableName: string; columns: { column: Array<{ name: string; type: string }> } };
		const response = await n8n.rest(`/projects/${personal.data.id}/data-tables`, { method: 'POST', body: JSON.stringify({ name: tableName, columns: columns.column }) });
		if (!response.ok) throw new Error(`creating the Data Table ${tableName} answered ${response.status}: ${await response.text()}`);
		tableIds.set(tableName, ((await response.json()) as { data: { id: string } }).data.id);
	}
	for (const node of dataTableNodes) {
		const table = node.parameters?.dataTableId as { value: string } | undefined;
		if (table) node.parameters = { ...node.parameters, dataTableId: { __rl: true, mode: 'list', value: tableIds.get(table.value), cachedResultName: table.value } };
	}
	await n8n.updateWorkflow(inbox);
}

export async function startInvoiceInbox(options: InboxOptions = {}): Promise<InvoiceInbox> {
	const idempotencyTtlMs = options.qontoIdempotencyTtlMs;
	const fakes = await startAllFakes({ qonto: { idempotencyTtlMs }, mindee: { pollsBeforeDone: options.mindeePollsBeforeDone } });
	const globexQonto = new QontoFake({ login: 'globex-gmbh-5678', secretKey: 'fake-globex-secret-key', idempotencyTtlMs });
	try {
		await globexQonto.start();
		globexQonto.setOrganization({ id: 'd3c1f6a2-5b4e-4a7d-9c8b-2e1f0a9b8c7d', name: 'Globex GmbH', slug: 'globex-gmbh-5678', legal_name: 'Globex GmbH', legal_country: 'DE', locale: 'de' });
		const receipts = loadSampleReceipts();
		const acme: OrganisationSetup = {
			id: 'acme-sas-1234',
			name: 'ACME SAS',
			workflowId: 'QontoAcmeSas0001',
			credentialId: 'qontoApiCredential',
			qonto: fakes.qonto,
			memberships: [
				membership('5a4e2c1b-8f3d-4b6a-9e7c-1d2f3a4b5c6d', 'Ana', 'Martin'),
				membership('7c9d1e2f-3a4b-4c5d-8e6f-7a8b9c0d1e2f', 'Ben', 'Okafor'),
				membership('9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b', 'Chloé', 'Durand'),
				membership('2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e', 'Carla', 'Rossi', 'revoked'),
			],
		};
		const globex: OrganisationSetup = {
			id: 'globex-gmbh-5678',
			name: 'Globex GmbH',
			workflowId: 'QontoGlobex00001',
			credentialId: 'qontoGlobexCredential',
			qonto: globexQonto,
			memberships: [membership('3d4e5f6a-7b8c-4d9e-8f0a-1b2c3d4e5f6a', 'Ana', 'Martin'), membership('4e5f6a7b-8c9d-4e0f-9a1b-2c3d4e5f6a7b', 'Dieter', 'Braun')],
		};
		for (const organisation of [acme, globex]) {
			organisation.qonto.setTransactions(demoTransactions(receipts, String(organisation.qonto.mainBankAccount.id)));
			organisation.qonto.setMemberships(organisation.memberships);
		}

		const inbox = loadWorkflow('invoice-inbox.json');
		const template = loadWorkflow('qonto-organisation.json');
		const onboarding = loadWorkflow('onboard-members.json');
		const globexWorkflow = addOrganisation({ inbox, template, onboarding }, globex);
		if (options.sweep) setSweep(inbox, options.sweep);
		if (options.reminders) for (const workflow of [template, globexWorkflow]) turnOnReminders(workflow, options.reminders);
		if (options.whatsAppTimeoutSeconds) {
			for (const node of inbox.nodes) if (node.type.endsWith('.whatsAppInbox')) (node.parameters as Record<string, unknown>).timeoutSeconds = options.whatsAppTimeoutSeconds;
		}
		for (const node of [...onboarding.nodes, ...template.nodes, ...globexWorkflow.nodes]) {
			if (node.name.startsWith('Activation Links') || node.name === 'Links for Not Activated') (node.parameters as Record<string, unknown>).businessNumber = BUSINESS_NUMBER;
		}
		const workflows = [inbox, template, globexWorkflow, onboarding];
		const alerts = options.adminAlertsTo ? loadWorkflow('admin-alerts.json') : undefined;
		if (alerts) {
			const alert = findNode(alerts, 'Alert').parameters as { assignments: { assignments: Array<{ name: string; value: string }> } };
			for (const assignment of alert.assignments.assignments) if (assignment.name === 'to') assignment.value = options.adminAlertsTo as string;
			inbox.settings = { ...inbox.settings, errorWorkflow: alerts.id };
		}

		const credentials = fakes.credentials;
		const credentialData: Record<string, Record<string, string>> = {
			whatsAppCloudApiCredential: { accessToken: credentials.whatsapp.accessToken, phoneNumberId: credentials.whatsapp.phoneNumberId, appSecret: APP_SECRET, verifyToken: VERIFY_TOKEN, baseUrl: credentials.whatsapp.graphBaseUrl, apiVersion: 'v24.0' },
			mindeeExtractionApiCredential: { apiKey: credentials.mindee.apiKey, modelId: credentials.mindee.modelId, baseUrl: credentials.mindee.baseUrl },
			qontoApiCredential: { environment: 'production', login: credentials.qonto.login, secretKey: credentials.qonto.secretKey, baseUrl: credentials.qonto.baseUrl, webhookSigningSecret: QONTO_WEBHOOK_SECRET },
			qontoGlobexCredential: { environment: 'production', login: globexQonto.login, secretKey: globexQonto.secretKey, baseUrl: globexQonto.url, webhookSigningSecret: QONTO_WEBHOOK_SECRET },
			invoiceInboxActivationCredential: { activationSecret: ACTIVATION_SECRET },
			onboardingFormCredential: { user: FORM_LOGIN.user, password: FORM_LOGIN.password },
		};
		const credential = (id: string, name: string, type: string): CredentialJson => ({ id, name, type, data: credentialData[id] });
		const n8n = await startN8n({
			label: options.label ?? 'invoice-inbox',
			database: options.database,
			queue: options.queue,
			env: options.n8nEnv,
			n8nVersion: options.n8nVersion,
			workflows: [...workflows, ...(alerts ? [alerts] : []), ...(options.extraWorkflows ?? [])],
			credentials: [
				credential('whatsAppCloudApiCredential', 'WhatsApp Cloud API', 'whatsAppCloudApi'),
				credential('mindeeExtractionApiCredential', 'Mindee Extraction API', 'mindeeExtractionApi'),
				credential('qontoApiCredential', 'Qonto API', 'qontoApi'),
				credential('qontoGlobexCredential', 'Qonto API · Globex GmbH', 'qontoApi'),
				credential('invoiceInboxActivationCredential', 'Invoice Inbox Activation', 'invoiceInboxActivationApi'),
				credential('onboardingFormCredential', 'Onboarding form login', 'httpBasicAuth'),
			],
		});
		await setUpDataTables(n8n, inbox);

		const webhookUrl = n8n.webhookUrl('WhatsApp Inbox Trigger');
		const signed = (message: Record<string, unknown>, from: Sender, messageId?: string): SignedDelivery => {
			const envelope = buildEnvelope({ messages: [stamp(message, { from: from.waId ?? '', messageId })] }, { phoneNumberId: fakes.whatsapp.phoneNumberId, from: from.waId ?? '', contactName: from.name, userId: from.userId ?? '' });
			const messages = envelope.entry[0].changes[0].value.messages as Array<Record<string, unknown>>;
			// Username-only senders (Meta's BSUID era): no phone number in the message nor in the contact.
			if (!from.waId) {
				delete messages[0].from;
				delete (envelope.entry[0].changes[0].value.contacts as Array<Record<string, unknown>>)[0].wa_id;
			}
			const body = metaJson(envelope);
			return { messageId: String(messages[0].id), body, headers: { 'content-type': 'application/json', 'x-hub-signature-256': signWebhook(APP_SECRET, body) } };
		};
		const post = async (delivery: SignedDelivery) => {
			const response = await fetch(webhookUrl, { method: 'POST', headers: delivery.headers, body: delivery.body });
			if (response.status !== 200) throw new Error(`The trigger answered HTTP ${response.status}: ${await response.text()}`);
			return delivery.messageId;
		};
		const deliver = async (message: Record<string, unknown>, from: Sender, messageId?: string) => await post(signed(message, from, messageId));
		// A reply built by the webhook helpers, re-signed as this sender (who may have no phone number).
		const deliverReply = async (envelope: WebhookEnvelope, from: Sender) => await deliver((envelope.entry[0].changes[0].value.messages as Array<Record<string, unknown>>)[0], from);
		const recipient = (sender: Sender) => sender.waId ?? sender.userId ?? '';
		const textsTo = (sender: Sender) => fakes.whatsapp.sentTexts(recipient(sender));
		const inspected = new Map<string, string>();
		const tagsByExecution = new Map<string, Record<string, string>>();

		const instance: InvoiceInbox = {
			fakes,
			organisations: { acme, globex },
			n8n,
			workflow: inbox,
			onboardingWorkflow: onboarding,
			acmeWorkflow: template,
			credentialData,
			webhookUrl,
			receipts,
			documentDelivery(bytes, fileName, mimeType, { declaredSize, messageId, from = ana } = {}) {
				const media = fakes.whatsapp.addMedia({ bytes, mimeType, fileName, declaredSize });
				const document = { ...sampleMessage('message__document.json'), context: undefined, document: { filename: fileName, mime_type: mimeType, sha256: media.sha256, id: media.id } };
				return signed(document, from, messageId);
			},
			async sendDocument(bytes, fileName, mimeType, options = {}) {
				return await post(instance.documentDelivery(bytes, fileName, mimeType, options));
			},
			async sendText(body, from = ana) {
				return await deliver({ ...sampleMessage('message__text.json'), text: { body } }, from);
			},
			async sendListReply(row, from = ana) {
				return await deliverReply(listReplyMessage(row, { from: from.waId ?? '' }), from);
			},
			async sendButtonReply(button, from = ana) {
				return await deliverReply(buttonReplyMessage(button, { from: from.waId ?? '' }), from);
			},
			async sendQuickReply(button, from = ana) {
				return await deliverReply(quickReplyMessage(button, { from: from.waId ?? '' }), from);
			},
			reactionsOn(messageId) {
				return fakes.whatsapp.sentReactions(recipient(ana)).filter((reaction) => reaction.messageId === messageId).map((reaction) => reaction.emoji);
			},
			async waitForFinalReaction(messageId, timeoutMs = 60_000) {
				const final = await waitFor(() => {
					const reaction = fakes.whatsapp.reactionOn(messageId);
					return reaction === '✅' || reaction === '❌' ? reaction : undefined;
				}, timeoutMs);
				return final ?? fakes.whatsapp.reactionOn(messageId);
			},
			async sendTextAndWaitForAnswer(body, timeoutMs = 30_000, from = ana) {
				const before = textsTo(from).length;
				const messageId = await instance.sendText(body, from);
				const answer = await waitFor(() => textsTo(from)[before]?.body, timeoutMs);
				return { messageId, answer };
			},
			async waitForReply(messageId, timeoutMs = 30_000, to = ana) {
				return await waitFor(() => textsTo(to).find((text) => text.replyTo === messageId)?.body, timeoutMs);
			},
			async waitUntilHandled(messageId, timeoutMs = 60_000) {
				const handled = await waitFor(
					async () => {
						for (const execution of await n8n.listExecutions(inbox.id as string)) {
							if (!execution.finished && execution.status === 'running') continue;
							if (!inspected.has(execution.id)) {
								const trigger = (await n8n.getExecution(execution.id)).data?.resultData?.runData?.['WhatsApp Inbox Trigger'];
								inspected.set(execution.id, JSON.stringify(trigger ?? ''));
							}
							if (inspected.get(execution.id)?.includes(messageId)) return true;
						}
						return undefined;
					},
					timeoutMs,
					250,
				);
				if (!handled) throw new Error(`no finished execution handled message ${messageId} in time`);
			},
			async executionTags(messageId) {
				for (const execution of await n8n.listExecutions(inbox.id as string)) {
					if ((!execution.finished && execution.status === 'running') || tagsByExecution.has(execution.id)) continue;
					tagsByExecution.set(execution.id, (await n8n.getExecution(execution.id)).data?.resultData?.metadata ?? {});
				}
				return [...tagsByExecution.entries()]
					.sort(([a], [b]) => Number(a) - Number(b))
					.map(([, tags]) => tags)
					.filter((tags) => tags.messageId === messageId);
			},
			rescan(receipt, label) {
				const comment = Buffer.from(`rescan ${label}`);
				const segment = Buffer.concat([Buffer.from([0xff, 0xfe, 0, comment.length + 2]), comment]);
				const bytes = Buffer.concat([receipt.bytes.subarray(0, 2), segment, receipt.bytes.subarray(2)]);
				return fakes.mindee.registerSample({ bytes, truth: receipt.truth, fileName: receipt.fileName });
			},
			activationMessage(organisation, membershipId, { expiresAt = new Date(Date.now() + 14 * 24 * 3600 * 1000), secret = ACTIVATION_SECRET } = {}) {
				const member = organisation.memberships.find((candidate) => candidate.id === membershipId);
				return buildActivationLink(
					{
						businessNumber: BUSINESS_NUMBER,
						organisationId: organisation.id,
						organisationName: organisation.name,
						membershipId,
						memberName: member ? `${member.first_name} ${member.last_name}` : membershipId,
						expiresAt,
						messageTemplate: 'Hello! I want to send my receipts to {organisation}. My activation code: {code}',
					},
					secret,
				).message;
			},
			async activate(sender, organisation, membershipId) {
				const { answer } = await instance.sendTextAndWaitForAnswer(instance.activationMessage(organisation, membershipId), 30_000, sender);
				return answer;
			},
			async stop(stopOptions = {}) {
				await n8n.stop(stopOptions);
				await Promise.all([fakes.stop(), globexQonto.stop()]);
			},
		};
		if (options.activateSender ?? true) {
			const welcome = await instance.activate(ana, acme, acme.memberships[0].id);
			if (!welcome?.startsWith('Welcome')) throw new Error(`activating the demo employee was answered: ${welcome ?? '(nothing)'}`);
		}
		return instance;
	} catch (error) {
		await Promise.all([fakes.stop(), globexQonto.stop()]);
		throw error;
	}
}
