/**
 * The demo: the shipped workflows in a real n8n (installed on first use), with local stand-ins for WhatsApp, Mindee
 * and two Qonto organisations. The admin makes activation links with the onboarding form, a stranger is turned away,
 * an employee activates her WhatsApp, sends the sample receipts, a GIF and a question, then switches to her second
 * organisation and sends one more, answers "which payment is it?" when two payments fit, and gets the weekly list of
 * her card payments without a receipt; the demo prints what they see (reactions, replies) and what lands in each Qonto.
 *
 *   npm run demo              run the scenario, print the results, stop
 *   npm run demo -- --keep    leave n8n and the stand-ins running to explore the workflow in the n8n editor
 *   npm run demo -- --queue   the same in n8n's queue mode: main + 2 workers + a webhook process, on PostgreSQL and
 *                             Redis (installed from Debian's packages when missing)
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { makeTransaction } from '../test/contract-fakes';
import { submitForm } from '../test/harness';
import { FORM_LOGIN, SENDER, ana, receiptPayment, startInvoiceInbox, waitFor, type InvoiceInbox, type Sender } from '../test/support/invoiceInbox';

const keep = process.argv.includes('--keep');
const queueMode = process.argv.includes('--queue');
const say = (line = '') => process.stdout.write(`${line}\n`);

async function sendAndReport(inbox: InvoiceInbox, label: string, send: () => Promise<string>) {
	const started = Date.now();
	const messageId = await send();
	let processingAt: number | undefined;
	const watch = setInterval(() => {
		if (processingAt === undefined && inbox.fakes.whatsapp.reactionOn(messageId) === '🔎') processingAt = Date.now() - started;
	}, 20);
	const final = await inbox.waitForFinalReaction(messageId);
	clearInterval(watch);
	const doneAt = Date.now() - started;
	const reply = final === '❌' ? await inbox.waitForReply(messageId, 10_000) : undefined;
	const timing = `${processingAt === undefined ? '' : `🔎 after ${processingAt} ms, `}${final ?? 'no answer'} after ${doneAt} ms`;
	say(`  ${label.padEnd(34)} ${timing}${reply ? `\n  ${''.padEnd(34)} reply: "${reply}"` : ''}`);
}

async function main() {
	say('Starting the stand-ins for WhatsApp, Mindee and two Qonto organisations, and n8n with the shipped workflows…');
	// The weekly reminders are opt-in: turned on here the way the README says, to show them.
	const inbox = await startInvoiceInbox({ label: 'demo', activateSender: false, reminders: {}, ...(queueMode ? { queue: { workers: 2, webhookProcess: true } } : {}) });
	// The sweep may run once between n8n's start and the Data Tables' set-up, and fail for want of them: not the demo's.
	const readyAt = Date.now();
	let failed = false;
	const check = (ok: boolean, what: string) => {
		if (!ok) {
			failed = true;
			say(`  !! unexpected: ${what}`);
		}
	};
	try {
		const { acme, globex } = inbox.organisations;
		say(`n8n ${inbox.n8n.baseUrl} runs "${inbox.workflow.name}", "Qonto · ${acme.name}", "Qonto · ${globex.name}" and "${inbox.onboardingWorkflow.name}".`);
		if (queueMode) say(`Queue mode: ${inbox.n8n.processes().map((process) => process.name).join(', ')}; webhooks at ${inbox.n8n.webhookBaseUrl}.`);
		say();

		say('The admin opens the onboarding form (with its login) and picks ACME SAS:');
		const page = await submitForm(inbox.n8n.formUrl(inbox.onboardingWorkflow.id as string, 'Onboarding Form'), { 'field-0': acme.name }, { basicAuth: FORM_LOGIN });
		const links = [...new Set([...page.body.matchAll(/href="(https:\/\/wa\.me\/[^"]+)"/g)].map((match) => match[1].replace(/&amp;/g, '&')))];
		say(`  ${links.length} activation links with QR codes (HTTP ${page.status}), e.g. ${links[0]?.slice(0, 72)}…`);
		const withoutLogin = await submitForm(inbox.n8n.formUrl(inbox.onboardingWorkflow.id as string, 'Onboarding Form'), { 'field-0': acme.name });
		say(`  the same form without the login: HTTP ${withoutLogin.status}`);
		check(page.status === 200 && links.length === 3 && withoutLogin.status === 401, 'the onboarding form');

		say('\nA stranger writes to the number, twice:');
		const stranger: Sender = { waId: '12025550147', userId: 'US.12025550147', name: 'Stranger' };
		const strangerFirst = await inbox.sendDocument(inbox.receipts[0].bytes, 'receipt.jpg', 'image/jpeg', { from: stranger });
		const notice = await inbox.waitForReply(strangerFirst, 30_000, stranger);
		say(`  reply: "${notice ?? '(none)'}"`);
		const strangerSecond = await inbox.sendText('Hello?', stranger);
		await inbox.waitUntilHandled(strangerSecond);
		const strangerTexts = inbox.fakes.whatsapp.sentTexts(stranger.waId ?? '').length;
		say(`  second message: ${strangerTexts === 1 ? 'no answer (one a day), nothing downloaded or stored' : `${strangerTexts} answers`}`);
		check(Boolean(notice) && strangerTexts === 1, 'the stranger');

		say(`\nAna opens her link (the message WhatsApp pre-fills is sent):`);
		const anaLink = links.find((link) => decodeURIComponent(link).includes(acme.memberships[0].id));
		const { answer: welcome } = await inbox.sendTextAndWaitForAnswer(new URL(anaLink ?? links[0]).searchParams.get('text') ?? '', 30_000, ana);
		say(`  reply: "${welcome ?? '(none)'}"`);
		check(welcome?.startsWith('Welcome') === true, 'the activation');

		say(`\nAna sends documents to the WhatsApp number:`);
		for (const receipt of inbox.receipts) {
			await sendAndReport(inbox, `${receipt.fileName} (${receipt.truth.company.slice(0, 18)})`, () => inbox.sendDocument(receipt.bytes, receipt.fileName, 'image/jpeg'));
		}
		const gif = readFileSync(join(__dirname, '../test/fixtures/files/animation.gif'));
		await sendAndReport(inbox, 'animation.gif (sent as a photo)', () => inbox.sendDocument(gif, 'receipt.jpg', 'image/jpeg'));
		await sendAndReport(inbox, 'scan.pdf declared at 16 MB', () => inbox.sendDocument(Buffer.from('%PDF-1.7\n'), 'scan.pdf', 'application/pdf', { declaredSize: 16 * 1024 * 1024 }));
		const { answer } = await inbox.sendTextAndWaitForAnswer('Hi, can you help me with my card?');
		say(`  ${'"Hi, can you help me with my card?"'.padEnd(34)} reply: "${answer ?? '(none)'}"`);

		say(`\nAna is also a member of ${globex.name}: she activates it and picks it in the list:`);
		say(`  reply: "${(await inbox.activate(ana, globex, globex.memberships[0].id)) ?? '(none)'}"`);
		const listsBefore = inbox.fakes.whatsapp.sentLists(SENDER).length;
		await inbox.sendText('Switch company', ana);
		const list = await waitFor(() => inbox.fakes.whatsapp.sentLists(SENDER)[listsBefore], 30_000);
		say(`  list: "${list?.body ?? '(none)'}" [${list?.rows.map((row) => row.title).join(' | ') ?? ''}]`);
		const choice = await inbox.sendListReply({ id: `org:${globex.id}`, title: globex.name }, ana);
		say(`  she taps ${globex.name}; reply: "${(await inbox.waitForReply(choice, 30_000)) ?? '(none)'}"`);
		const globexReceipt = inbox.receipts[3];
		await sendAndReport(inbox, `${globexReceipt.fileName} for ${globex.name}`, () => inbox.sendDocument(globexReceipt.bytes, globexReceipt.fileName, 'image/jpeg'));

		say(`\nTwo card payments could both be her next receipt (same shop, same amount, two cards): Ana is asked which.`);
		const twinReceipt = inbox.rescan(inbox.receipts[inbox.receipts.length - 1], 'demo twins');
		const twin = makeTransaction({ ...receiptPayment(twinReceipt, String(globex.qonto.mainBankAccount.id)), card_last_digits: '1111' });
		const { id: _id, transaction_id: _slug, ...twinFields } = twin;
		const otherTwin = makeTransaction({ ...twinFields, card_last_digits: '2222' });
		globex.qonto.setTransactions([...globex.qonto.transactions(), twin, otherTwin]);
		const twinMessage = await inbox.sendDocument(twinReceipt.bytes, twinReceipt.fileName, 'image/jpeg');
		const question = await waitFor(() => inbox.fakes.whatsapp.choicesSentTo(SENDER).find((choices) => choices.rows.some((row) => row.id.startsWith(`q:${twinMessage}:`))), 60_000);
		say(`  ${twinReceipt.fileName} ${inbox.fakes.whatsapp.reactionOn(twinMessage) ?? ''} then: "${question?.body.replace(/\n/g, ' / ') ?? '(no question)'}" [${question?.rows.map((row) => row.title).join(' | ') ?? ''}]`);
		const picked = question?.rows.find((row) => row.id.endsWith(String(otherTwin.id)));
		const tap = await inbox.sendButtonReply({ id: picked?.id ?? '', title: picked?.title ?? '' }, ana);
		say(`  she taps "${picked?.title ?? ''}"; reply: "${(await inbox.waitForReply(tap, 30_000)) ?? '(none)'}"`);
		check(globex.qonto.attachmentsOf(String(otherTwin.id)).length === 1 && globex.qonto.attachmentsOf(String(twin.id)).length === 0, 'the answer to the question');

		say(`\nMonday 09:00, the weekly reminder (run now): her card payments of the last 30 days without a receipt.`);
		const daysAgo = (days: number) => new Date(Date.now() - days * 24 * 3600 * 1000).toISOString();
		const unreceipted = ([['PARKING INDIGO', 1200, 2], ['LE PETIT BISTRO', 4250, 5]] as const).map(([label, cents, days]) =>
			makeTransaction({ side: 'debit', operation_type: 'card', status: 'completed', label, clean_counterparty_name: label, amount_cents: cents, currency: 'EUR', emitted_at: daysAgo(days), settled_at: daysAgo(days), initiator_id: globex.memberships[0].id, card_last_digits: '4242', bank_account_id: globex.qonto.mainBankAccount.id }),
		);
		globex.qonto.setTransactions([...globex.qonto.transactions(), ...unreceipted]);
		const choicesBefore = inbox.fakes.whatsapp.choicesSentTo(SENDER).length;
		await inbox.n8n.runManualTrigger(globex.workflowId, 'Every Monday at 09:00');
		const reminder = await waitFor(() => inbox.fakes.whatsapp.choicesSentTo(SENDER)[choicesBefore], 30_000);
		say(`  list: "${reminder?.body ?? '(none)'}" [${reminder?.rows.map((row) => `${row.title}: ${row.description ?? ''}`).join(' | ') ?? ''}]`);
		const pick = await inbox.sendListReply({ id: `n:${String(unreceipted[0].id)}`, title: 'PARKING INDIGO' }, ana);
		say(`  she picks PARKING INDIGO; reply: "${(await inbox.waitForReply(pick, 30_000)) ?? '(none)'}"`);
		const parkingTicket = inbox.rescan(inbox.receipts[1], 'demo parking');
		await sendAndReport(inbox, `a photo (${parkingTicket.fileName})`, () => inbox.sendDocument(parkingTicket.bytes, parkingTicket.fileName, 'image/jpeg'));
		check(globex.qonto.attachmentsOf(String(unreceipted[0].id)).length === 1, 'the receipt sent after the pick');

		for (const organisation of [acme, globex]) {
			const { qonto } = organisation;
			const attached = qonto.attachments().filter((attachment) => attachment.transactionId);
			say(`\nIn Qonto, ${organisation.name}: ${qonto.supplierInvoices().length} supplier invoices stored`);
			for (const attachment of attached) {
				const payment = qonto.transactions().find((transaction) => transaction.id === attachment.transactionId);
				say(`  ${attachment.fileName.padEnd(16)} attached to the card payment "${String(payment?.label)}" of ${String(payment?.local_amount)} ${String(payment?.local_currency)} on ${String(payment?.emitted_at).slice(0, 10)}`);
			}
			if (organisation === acme) {
				const unmatched = inbox.receipts.filter((receipt) => !attached.some((attachment) => attachment.sha256 === receipt.sha256));
				for (const receipt of unmatched) say(`  ${receipt.fileName.padEnd(16)} stored, not attached: its payment is not in Qonto yet`);
				check(attached.length === inbox.receipts.length - 1, `${organisation.name} attachments`);
			} else {
				check(qonto.supplierInvoices().length === 3 && attached.length === 3, `${organisation.name} attachments`);
			}
		}
		const members = await inbox.n8n.dataTableRows('whatsapp_members');
		say(`\nData Table whatsapp_members: ${members.length} rows (${members.filter((row) => row.organisationId).length} links, ${members.filter((row) => !row.organisationId).length} contact).`);
		const executions = await inbox.n8n.listExecutions(inbox.workflow.id as string);
		const failures = executions.filter((execution) => execution.status !== 'success' && Date.parse(execution.startedAt ?? '') >= readyAt);
		say(`${executions.length} executions of the inbox workflow, ${failures.length} failed once the Data Tables were set up.`);
		if (queueMode) say(`Started by the workers: ${Object.entries(inbox.n8n.executionsByWorker()).map(([name, ids]) => `${name} ${ids.length}`).join(', ')} (all workflows).`);
		for (const failure of failures) {
			const { data } = await inbox.n8n.getExecution(failure.id);
			say(`  execution ${failure.id} failed in "${String(data?.resultData?.lastNodeExecuted)}": ${String(data?.resultData?.error?.message)}`);
		}
		check(failures.length === 0, 'failed executions');
		if (keep) {
			say(`\nStill running (Ctrl-C to stop). Open ${inbox.n8n.baseUrl} and sign in as ${inbox.n8n.auth.email} / ${inbox.n8n.auth.password}.`);
			say(`Onboarding form: ${inbox.n8n.formUrl(inbox.onboardingWorkflow.id as string, 'Onboarding Form')} (login ${FORM_LOGIN.user} / ${FORM_LOGIN.password})`);
			say(`Stand-ins: ${JSON.stringify({ ...inbox.fakes.urls, qontoGlobex: globex.qonto.url })}`);
			await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
		}
	} finally {
		await inbox.stop({ keep: false });
	}
	if (failed) {
		say('The demo did not end as expected; see above.');
		process.exitCode = 1;
	}
}

main().catch((error: Error) => {
	process.stderr.write(`${error.stack ?? error.message}\n`);
	process.exit(1);
});
