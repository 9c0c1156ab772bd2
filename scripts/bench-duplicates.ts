/**
 * Duplicate deliveries: the shipped inbox in a real n8n (on its own PostgreSQL by default), and one signed WhatsApp
 * delivery of a receipt posted N times at once — what Meta's retries look like at their worst. Prints what came out of
 * each round: deliveries sent, executions by status, supplier invoices, media downloads, Mindee extractions, lost
 * deliveries (no finished execution) and duplicated invoices, and the time until the final ✅. Not a test; the e2e test
 * test/e2e/exactly-once-postgres.test.ts asserts on the same rounds (deliverDuplicates below).
 *
 *   npm run bench:duplicates                              PostgreSQL, 1 round of 20 copies
 *   npm run bench:duplicates -- --sqlite                  the same on SQLite
 *   npm run bench:duplicates -- --rounds 5 --copies 20
 *
 * Exit code 1 when a delivery was lost, an invoice duplicated, or a round stored no invoice.
 */
import type { Execution, N8nInstance } from '../test/harness';
import type { SampleReceipt } from '../test/contract-fakes';
import { startInvoiceInbox, waitFor, type InvoiceInbox } from '../test/support/invoiceInbox';

type Row = Record<string, unknown>;

const TRIGGER = 'WhatsApp Inbox Trigger';

export interface DuplicateRound {
	messageId: string;
	file: SampleReceipt;
	/** Deliveries the trigger accepted (HTTP 200), and why the others were not. */
	sent: number;
	refused: string[];
	/** The finished executions of this round, oldest first. */
	executions: Execution[];
	/** Accepted deliveries without a finished execution when the wait ended. */
	lost: number;
	/** Ids of the executions that won the message's claim (the "Claim Won?" true branch). */
	claimWinners: string[];
	/** Supplier invoices stored for this file (in the sender's organisation). */
	invoices: number;
	/** Of those, attached to a payment. */
	attachments: number;
	downloads: number;
	extractions: number;
	/** Reactions on the message, in order; the last one, and when it became ✅ or ❌ (ms after the first post). */
	reactions: string[];
	finalReaction: string | undefined;
	msToFinal: number | undefined;
	/** The message's rows in the whatsapp_claims and whatsapp_documents Data Tables. */
	claims: Row[];
	ledger: Row[];
}

/**
 * Posts one signed delivery of `file` (as ACME's linked employee Ana) `copies` times at once, waits until every
 * accepted delivery's execution has finished (or `timeoutMs` passed), and collects what happened.
 */
export async function deliverDuplicates(inbox: InvoiceInbox, file: SampleReceipt, options: { messageId: string; copies?: number; timeoutMs?: number }): Promise<DuplicateRound> {
	const { messageId, copies = 20, timeoutMs = 180_000 } = options;
	const { whatsapp, mindee, qonto } = inbox.fakes;
	const workflowId = inbox.workflow.id as string;
	const downloads = () => whatsapp.requests({ route: 'media.download' }).length;
	const extractions = () => mindee.requests({ route: 'v2.enqueue' }).length;
	const before = { downloads: downloads(), extractions: extractions(), lastExecution: Math.max(0, ...(await inbox.n8n.listExecutions(workflowId)).map((e) => Number(e.id))) };

	// One body, posted `copies` times: Meta redelivers the very same bytes (sendDocument would register new media each time).
	const { body, headers } = inbox.documentDelivery(file.bytes, file.fileName, 'image/jpeg', { messageId });

	const started = Date.now();
	let msToFinal: number | undefined;
	const isFinal = (reaction: string | undefined) => reaction === '✅' || reaction === '❌';
	const final = waitFor(() => (isFinal(whatsapp.reactionOn(messageId)) ? (msToFinal = Date.now() - started) : undefined), timeoutMs, 20);
	const posts = await Promise.allSettled(
		Array.from({ length: copies }, async () => {
			const response = await fetch(inbox.webhookUrl, { method: 'POST', headers, body });
			if (response.status !== 200) throw new Error(`HTTP ${response.status}: ${(await response.text()).slice(0, 200)}`);
		}),
	);
	const sent = posts.filter((post) => post.status === 'fulfilled').length;
	// The deliveries' executions: finished webhook executions (the workflow's sweep runs on a schedule) whose trigger
	// received this message; each is read once. An earlier message's execution may still be finishing: hence the check.
	const seen = new Map<string, Execution | null>();
	const roundExecutions = async () => {
		for (const summary of await inbox.n8n.listExecutions(workflowId)) {
			if (seen.has(summary.id) || summary.mode !== 'webhook' || Number(summary.id) <= before.lastExecution || summary.status === 'running' || summary.status === 'new') continue;
			const execution = await inbox.n8n.getExecution(summary.id);
			seen.set(summary.id, JSON.stringify(execution.data?.resultData?.runData?.[TRIGGER] ?? '').includes(messageId) ? execution : null);
		}
		return [...seen.values()].filter((execution): execution is Execution => execution !== null).sort((a, b) => Number(a.id) - Number(b.id));
	};
	await waitFor(async () => ((await roundExecutions()).length >= sent ? true : undefined), timeoutMs, 250);
	const executions = await roundExecutions();
	await final;

	const stored = qonto.supplierInvoices().filter((invoice) => invoice.sha256 === file.sha256);
	const byMessage = async (table: string) => (await inbox.n8n.dataTableRows(table)).filter((row) => row.messageId === messageId);
	return {
		messageId,
		file,
		sent,
		refused: posts.flatMap((post) => (post.status === 'rejected' ? [String((post.reason as Error).message)] : [])),
		executions,
		lost: Math.max(0, sent - executions.length),
		claimWinners: executions.filter((execution) => branchTaken(execution, 'Claim Won?', 0)).map((execution) => execution.id),
		invoices: stored.length,
		attachments: qonto.attachments().filter((attachment) => attachment.sha256 === file.sha256 && attachment.transactionId).length,
		downloads: downloads() - before.downloads,
		extractions: extractions() - before.extractions,
		reactions: inbox.reactionsOn(messageId),
		finalReaction: whatsapp.reactionOn(messageId),
		msToFinal,
		claims: await byMessage('whatsapp_claims'),
		ledger: await byMessage('whatsapp_documents'),
	};
}

/** Did the node's given output carry items in this execution (its first run)? */
function branchTaken(execution: Execution, node: string, output: number): boolean {
	return (execution.data?.resultData?.runData?.[node]?.[0]?.data?.main?.[output]?.length ?? 0) > 0;
}

export function countByStatus(executions: Execution[]): Record<string, number> {
	const counts: Record<string, number> = {};
	for (const execution of executions) counts[execution.status] = (counts[execution.status] ?? 0) + 1;
	return counts;
}

/** The round's evidence, for a failure report: the claim and ledger rows and every execution. */
export function describeRound(round: DuplicateRound): string {
	const executions = round.executions.map((execution) => {
		const error = execution.data?.resultData?.error?.message;
		const won = round.claimWinners.includes(execution.id) ? ' won the claim' : '';
		return `  #${execution.id} ${execution.status} ${execution.startedAt} → ${execution.stoppedAt}${won}${error ? ` (${execution.data?.resultData?.lastNodeExecuted}: ${error})` : ''}`;
	});
	return [
		`message ${round.messageId} (${round.file.fileName}): sent ${round.sent}, lost ${round.lost}, invoices ${round.invoices}, downloads ${round.downloads}, extractions ${round.extractions}, reactions ${round.reactions.join(' ')}`,
		`whatsapp_claims (${round.claims.length} rows):`,
		...round.claims.map((row) => `  ${JSON.stringify(row)}`),
		`whatsapp_documents (${round.ledger.length} rows):`,
		...round.ledger.map((row) => `  ${JSON.stringify(row)}`),
		`executions (${round.executions.length}):`,
		...executions,
	].join('\n');
}

// ---------------------------------------------------------------------------------------------------------------
// command line

const say = (line = '') => process.stdout.write(`${line}\n`);

function argument(name: string, fallback: number): number {
	const index = process.argv.indexOf(name);
	const value = index >= 0 ? Number(process.argv[index + 1]) : fallback;
	if (!Number.isInteger(value) || value < 1) throw new Error(`${name} needs a positive whole number`);
	return value;
}

async function main() {
	const database = process.argv.includes('--sqlite') ? 'sqlite' : 'postgres';
	const rounds = argument('--rounds', 1);
	const copies = argument('--copies', 20);
	say(`Starting the stand-ins and n8n on ${database === 'postgres' ? 'its own PostgreSQL' : 'SQLite'} with the shipped workflows…`);
	const startedAt = Date.now();
	const inbox = await startInvoiceInbox({ label: `bench-duplicates-${database}`, database });
	const results: DuplicateRound[] = [];
	try {
		say(`n8n ${inbox.n8n.baseUrl} ready after ${((Date.now() - startedAt) / 1000).toFixed(1)} s; Ana is linked to ACME SAS.`);
		// The sample receipts with a card payment in Qonto (all but the last), each round a new file of one of them.
		const matchable = inbox.receipts.slice(0, -1);
		for (let index = 0; index < rounds; index++) {
			const file = inbox.rescan(matchable[index % matchable.length], `bench round ${index + 1} ${Date.now()}`);
			const round = await deliverDuplicates(inbox, file, { messageId: `wamid.bench-duplicates-${Date.now()}-${index + 1}`, copies });
			results.push(round);
			report(round, index + 1, copies, inbox.n8n);
		}
	} finally {
		await inbox.stop({ keep: false });
	}

	const total = (pick: (round: DuplicateRound) => number) => results.reduce((sum, round) => sum + pick(round), 0);
	const lost = total((round) => round.lost + (copies - round.sent));
	const duplicated = total((round) => Math.max(0, round.invoices - 1));
	const missing = results.filter((round) => round.invoices === 0).length;
	if (rounds > 1) {
		const times = results.flatMap((round) => (round.msToFinal === undefined ? [] : [round.msToFinal])).sort((a, b) => a - b);
		say(`\nAll ${rounds} rounds on ${database}: sent ${total((round) => round.sent)}, executions ${statusLine(results.flatMap((round) => round.executions))}, invoices ${total((round) => round.invoices)}, downloads ${total((round) => round.downloads)}, extractions ${total((round) => round.extractions)}, lost ${lost}, duplicated ${duplicated}; final reaction after ${times.length ? `${times[0]}–${times.at(-1)} ms` : 'never'}`);
	}
	if (lost > 0 || duplicated > 0 || missing > 0) {
		say(`\nNot exactly once: ${lost} lost, ${duplicated} duplicated, ${missing} round(s) without an invoice.`);
		process.exitCode = 1;
	}
}

function statusLine(executions: Execution[]): string {
	return `${executions.length} (${Object.entries(countByStatus(executions)).map(([status, count]) => `${count} ${status}`).join(', ') || 'none'})`;
}

function report(round: DuplicateRound, index: number, copies: number, n8n: N8nInstance) {
	const line = (label: string, value: string | number) => say(`  ${label.padEnd(22)} ${value}`);
	say(`\nRound ${index} on ${n8n.database}: one signed delivery of ${round.file.fileName} (${round.messageId}), ${copies} copies at once`);
	line('deliveries sent', `${round.sent}${round.refused.length ? ` (refused: ${[...new Set(round.refused)].join('; ')})` : ''}`);
	line('executions', statusLine(round.executions));
	line('claim won by', `${round.claimWinners.length} execution(s)${round.claimWinners.length ? ` (#${round.claimWinners.join(', #')})` : ''}; ${round.claims.length} claim rows`);
	line('supplier invoices', `${round.invoices} (${round.attachments} attached to a payment)`);
	line('media downloads', round.downloads);
	line('Mindee extractions', round.extractions);
	line('lost', round.lost + (copies - round.sent));
	line('duplicated', Math.max(0, round.invoices - 1));
	line('final reaction', round.msToFinal === undefined ? `none in time (reactions: ${round.reactions.join(' ') || 'none'})` : `${round.finalReaction} after ${round.msToFinal} ms (reactions: ${round.reactions.join(' ')})`);
	if (round.invoices !== 1 || round.lost > 0 || round.claimWinners.length !== 1) say(describeRound(round));
}

if (require.main === module) {
	main().catch((error: Error) => {
		process.stderr.write(`${error.stack ?? error.message}\n`);
		process.exit(1);
	});
}
