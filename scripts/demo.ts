/**
 * The demo: the shipped workflow in a real n8n (installed on first use), with local stand-ins for WhatsApp, Mindee
 * and Qonto. An employee sends the sample receipts, a GIF and a question over "WhatsApp"; the demo prints what
 * they see (reactions, replies) and what lands in Qonto.
 *
 *   npm run demo              run the scenario, print the results, stop
 *   npm run demo -- --keep    leave n8n and the stand-ins running to explore the workflow in the n8n editor
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { startInvoiceInbox, type InvoiceInbox } from '../test/support/invoiceInbox';

const keep = process.argv.includes('--keep');
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
	say('Starting the stand-ins for WhatsApp, Mindee and Qonto, and n8n with the invoice-inbox workflow…');
	const inbox = await startInvoiceInbox({ label: 'demo' });
	let failed = false;
	try {
		say(`n8n ${inbox.n8n.baseUrl} is running the workflow "${inbox.workflow.name}".\n`);
		say('An employee sends documents to the WhatsApp number:');
		for (const receipt of inbox.receipts) {
			await sendAndReport(inbox, `${receipt.fileName} (${receipt.truth.company.slice(0, 18)})`, () => inbox.sendDocument(receipt.bytes, receipt.fileName, 'image/jpeg'));
		}
		const gif = readFileSync(join(__dirname, '../test/fixtures/files/animation.gif'));
		await sendAndReport(inbox, 'animation.gif (sent as a photo)', () => inbox.sendDocument(gif, 'receipt.jpg', 'image/jpeg'));
		await sendAndReport(inbox, 'scan.pdf declared at 16 MB', () => inbox.sendDocument(Buffer.from('%PDF-1.7\n'), 'scan.pdf', 'application/pdf', { declaredSize: 16 * 1024 * 1024 }));
		const { answer } = await inbox.sendTextAndWaitForAnswer('Hi, can you help me with my card?');
		say(`  ${'"Hi, can you help me with my card?"'.padEnd(34)} reply: "${answer ?? '(none)'}"`);

		const { qonto } = inbox.fakes;
		const attached = qonto.attachments().filter((attachment) => attachment.transactionId);
		say('\nIn Qonto:');
		say(`  ${qonto.supplierInvoices().length} supplier invoices stored`);
		for (const attachment of attached) {
			const payment = qonto.transactions().find((transaction) => transaction.id === attachment.transactionId);
			say(`  ${attachment.fileName.padEnd(16)} attached to the card payment "${String(payment?.label)}" of ${String(payment?.local_amount)} ${String(payment?.local_currency)} on ${String(payment?.emitted_at).slice(0, 10)}`);
		}
		const unmatched = inbox.receipts.filter((receipt) => !attached.some((attachment) => attachment.sha256 === receipt.sha256));
		for (const receipt of unmatched) say(`  ${receipt.fileName.padEnd(16)} stored, not attached: its payment is not in Qonto yet (the daily run will match it)`);
		const executions = await inbox.n8n.listExecutions(inbox.workflow.id!);
		const failures = executions.filter((execution) => execution.status !== 'success');
		say(`\n${executions.length} workflow executions, ${failures.length} failed.`);
		failed = failures.length > 0 || attached.length !== inbox.receipts.length - 1;
		if (keep) {
			say(`\nStill running (Ctrl-C to stop). Open ${inbox.n8n.baseUrl} and sign in as ${inbox.n8n.auth.email} / ${inbox.n8n.auth.password}.`);
			say(`Stand-ins: ${JSON.stringify(inbox.fakes.urls)}`);
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
