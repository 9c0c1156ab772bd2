// Exactly once on PostgreSQL: the message claim (insert a claim row, then read the message's first claim by id) is
// only trivially safe on SQLite, where n8n serialises every write. On Postgres, transactions run side by side
// (READ COMMITTED, ids not in commit order): the same signed delivery posted 20 times at once, 3 times over, must
// still be handled by exactly one execution (shared/docs/n8n-state.md §2 and §5). Qonto's stand-in forgets its
// idempotency keys after a few seconds, so that the claims and the ledger, not Qonto, are what keeps documents single.
import { deliverDuplicates, describeRound, type DuplicateRound } from '../../scripts/bench-duplicates';
import { expectRedeliveryAfterKeysForgotten, expectSameFileNotStoredAgain } from '../support/exactlyOnce';
import { SENDER, startInvoiceInbox, type InvoiceInbox } from '../support/invoiceInbox';

jest.setTimeout(600_000);

const ROUNDS = 3;
const COPIES = 20;
const QONTO_KEY_LIFETIME_MS = 3_000;

describe('exactly once on PostgreSQL', () => {
	let inbox: InvoiceInbox;
	beforeAll(async () => {
		inbox = await startInvoiceInbox({ label: 'exactly-once-pg', database: 'postgres', qontoIdempotencyTtlMs: QONTO_KEY_LIFETIME_MS });
	});
	afterAll(async () => await inbox?.stop());

	test(`the same delivery posted ${COPIES} times at once, ${ROUNDS} rounds: each one download, one extraction, one invoice, one attachment, one 🔎`, async () => {
		expect(inbox.n8n.database).toBe('postgres');
		// A different receipt each round (each with its card payment in Qonto): a file seen before would be "already received".
		expect(inbox.receipts.length).toBeGreaterThan(ROUNDS);
		for (let index = 0; index < ROUNDS; index++) {
			const receipt = inbox.receipts[index];
			const round = await deliverDuplicates(inbox, receipt, { messageId: `wamid.exactly-once-pg-${index + 1}-${Date.now()}`, copies: COPIES });
			try {
				expectExactlyOnce(round);
			} catch (error) {
				// The rows and executions are the finding: print them before failing.
				process.stderr.write(`[exactly-once-pg] round ${index + 1} was not exactly once:\n${describeRound(round)}\n`);
				throw error;
			}
		}
	});

	test("delivered again after Qonto forgot its idempotency keys: the same ✅, still one invoice", async () => {
		await expectRedeliveryAfterKeysForgotten(inbox, ROUNDS, QONTO_KEY_LIFETIME_MS);
	});

	test('the same file as a new message: ✅ and "already received", not read or stored again; another file of it is', async () => {
		// Receipt 0 was stored by the first round.
		await expectSameFileNotStoredAgain(inbox, 0);
	});

	function expectExactlyOnce(round: DuplicateRound) {
		const { file: receipt } = round;
		expect(round.sent).toBe(COPIES);
		expect(round.lost).toBe(0);
		expect(round.executions).toHaveLength(COPIES);
		expect(round.executions.every((execution) => execution.status === 'success')).toBe(true);
		expect(round.claimWinners).toHaveLength(1);
		expect(round.finalReaction).toBe('✅');
		// Every reaction after the single 🔎 is ✅: the claim's loser that came after the end repeats it, the others stay quiet.
		expect(round.reactions[0]).toBe('🔎');
		expect(round.reactions.filter((emoji) => emoji === '🔎')).toHaveLength(1);
		expect(round.reactions.slice(1).every((emoji) => emoji === '✅')).toBe(true);
		expect({ downloads: round.downloads, extractions: round.extractions, invoices: round.invoices, attachments: round.attachments }).toEqual({ downloads: 1, extractions: 1, invoices: 1, attachments: 1 });

		expect(round.claims).toHaveLength(COPIES);
		const invoice = inbox.fakes.qonto.supplierInvoices().find((candidate) => candidate.sha256 === receipt.sha256);
		expect(round.ledger).toEqual([
			expect.objectContaining({ state: 'matched', waId: SENDER, organisationId: 'acme-sas-1234', sha256: receipt.sha256, supplierInvoiceId: String(invoice?.invoice.id), fileName: receipt.fileName }),
		]);
		expect(JSON.parse(String(round.ledger[0].extraction))).toMatchObject({ currency: expect.any(String), totalAmountCents: expect.any(Number) });
		expect(round.ledger[0].transactionId).toBeTruthy();
	}
});
