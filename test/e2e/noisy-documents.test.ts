// Reading and matching, not only wiring: the shipped invoice inbox in a real n8n, fed real sample receipts whose
// extraction is what an OCR gets wrong (dropped or confused characters, no date, the total before tax) and Qonto
// histories whose card payments read the way banks write them (uppercase, cut at 22 characters, a city after the
// name, SQ * / SUMUP * / PAYPAL *, the legal name instead of the trade name, a cryptic label with Qonto's clean
// counterparty name), with the everyday payments around them. The exact ground truth is one case among them.
//
// Each case says where a careful bookkeeper would attach the document, decided from the case itself: from what was
// read (the extraction) and the statement, knowing how receipts, OCR and card descriptors go wrong (and that Malaysian
// receipts of 2015–2018 add 6 % GST), but without world knowledge of which company runs which brand, and without
// looking at the image again. Where they would not be sure (two payments fit, an amount that ties to nothing, no
// date and several payments of that amount) they attach nothing and leave it to the sender. The stand-ins only
// answer with data: Mindee with the extraction, Qonto with the history; the decision is the workflow's.
import { makeTransaction, parseDayFirstDate, type ReceiptTruth, type SampleReceipt } from '../contract-fakes';
import { nodeOutput } from '../harness';
import { startInvoiceInbox, type InvoiceInbox } from '../support/invoiceInbox';

jest.setTimeout(300_000);

const DAY_MS = 24 * 3600 * 1000;
/** What the card payments of the history are booked at in the EUR account. */
const EUR_PER_MYR = 0.21;
const NOW = Date.now();

type ReceiptFile = 'sroie-060.jpg' | 'sroie-162.jpg' | 'sroie-200.jpg' | 'sroie-366.jpg' | 'sroie-404.jpg' | 'sroie-499.jpg';

/** A card payment in Malaysia as Qonto lists it: paid in MYR, booked in EUR. */
interface Payment {
	/** Names the payment a case expects the document on. */
	key?: string;
	label: string;
	/** Qonto's clean_counterparty_name, when it is not just the label. */
	counterparty?: string;
	myr: number;
	/** emitted_at. */
	at: string;
}

interface NoisyCase {
	name: string;
	/** The photographed receipt (test/fixtures/samples/receipts), sent as a file of its own. */
	receipt: ReceiptFile;
	/** What Mindee reads: the receipt's ground truth with these fields read differently ('' = not found). */
	read: Partial<ReceiptTruth>;
	statement: Payment[];
	/** The key of the payment a careful bookkeeper attaches the document to, or null: stored, attached to nothing. */
	attachTo: string | null;
}

const card = (label: string, myr: number, at: string, more: Pick<Payment, 'key' | 'counterparty'> = {}): Payment => ({ label, myr, at, ...more });
/** A moment `days` days before today (UTC), at hh:mm UTC: for receipts without a date, sent soon after paying. */
const daysAgo = (days: number, time: string) => new Date(`${new Date(NOW - days * DAY_MS).toISOString().slice(0, 10)}T${time}:00.000Z`).toISOString();

// The receipts, as printed: sroie-060 B.I.G. (BENS INDEPENDENT GROCER SDN. BHD) 12/03/18 20:29 MYT, 77.20 incl. GST;
// sroie-162 99 SPEED MART S/B, outlet 1181-TMN SRI SINAR, Klang, 17-02-18 21:04 MYT, 213.00; sroie-200 MR. D.I.Y. (M)
// SDN BHD (IOI Puchong) 17-03-18 14:49 MYT, 42.90 incl. 2.43 GST; sroie-366 GARDENIA BAKERIES (KL) SDN BHD 19/10/2017
// 11:29 MYT, 68.63 payable ("Total 6% supplies (excl. GST): 16.80"); sroie-404 Aneka Intertrade Marketing Sdn Bhd
// (Wellmart @ KP2) 19/05/16 12:01 MYT, 6.85; sroie-499 SANYU STATIONERY SHOP, owned by SANYU SUPPLY SDN BHD,
// 19/07/2017, 5.00. Card payments are emitted at the receipt's time in UTC (MYT − 8 h).
const CASES: NoisyCase[] = [
	{
		name: 'the exact ground truth, its payment among a similar grocer and the same shop earlier',
		receipt: 'sroie-060.jpg',
		read: {},
		statement: [
			card('BENS INDEPENDENT GROCE', 77.2, '2018-03-12T12:29:59.000Z', { key: 'big' }),
			card('BENS INDEPENDENT GROCE', 23.7, '2018-03-09T11:02:00.000Z'),
			card('VILLAGE GROCER BANGSAR', 77.9, '2018-03-12T09:10:00.000Z'),
			card('GRAB *RIDE KUALA LUMPUR', 18.5, '2018-03-12T11:50:00.000Z'),
			card('STARBUCKS KLCC', 22.9, '2018-03-13T01:30:00.000Z'),
		],
		attachTo: 'big',
	},
	{
		name: 'OCR dropped letters (BENS INDEPNDENT GRCER); another grocer has the same amount the next day',
		receipt: 'sroie-060.jpg',
		read: { company: 'BENS INDEPNDENT GRCER SDN. BHD' },
		statement: [
			card('BENS INDEPENDENT GROCE', 77.2, '2018-03-12T12:29:59.000Z', { key: 'big' }),
			card('VILLAGE GROCER BANGSAR', 77.2, '2018-03-13T10:05:00.000Z'),
			card('GRAB *RIDE KUALA LUMPUR', 12.4, '2018-03-12T14:00:00.000Z'),
		],
		attachTo: 'big',
	},
	{
		name: 'OCR read O as 0 (SANYU STATI0NERY SH0P); a minimarket took the same 5.00 that day',
		receipt: 'sroie-499.jpg',
		read: { company: 'SANYU STATI0NERY SH0P' },
		statement: [
			card('SANYU STATIONERY SHOP', 5, '2017-07-19T02:15:00.000Z', { key: 'sanyu' }),
			card('FAMILYMART SETIA ALAM', 5, '2017-07-19T09:40:00.000Z'),
			card('SHELL SETIA ALAM', 80, '2017-07-18T23:50:00.000Z'),
		],
		attachTo: 'sanyu',
	},
	{
		name: 'OCR read I as 1 and l (GARDEN1A BAKERlES); a supermarket payment has the digits swapped',
		receipt: 'sroie-366.jpg',
		read: { company: 'GARDEN1A BAKERlES (KL) SDN BHD' },
		statement: [
			card('GARDENIA BAKERIES (KL)', 68.63, '2017-10-19T03:29:00.000Z', { key: 'gardenia' }),
			card('GARDENIA BAKERIES (KL)', 71.25, '2017-10-12T03:10:00.000Z'),
			card('TESCO SUBANG JAYA', 68.36, '2017-10-19T10:00:00.000Z'),
		],
		attachTo: 'gardenia',
	},
	{
		name: 'OCR read M as RN (99 SPEED RNART S/B); the same shop earlier in the week, fuel the same evening',
		receipt: 'sroie-162.jpg',
		read: { company: '99 SPEED RNART S/B' },
		statement: [
			card('99 SPEED MART KLANG', 213, '2018-02-17T13:04:00.000Z', { key: 'speedmart' }),
			card('99 SPEED MART KLANG', 8.4, '2018-02-15T03:00:00.000Z'),
			card('PETRONAS JALAN ANGSA', 60, '2018-02-17T12:40:00.000Z'),
		],
		attachTo: 'speedmart',
	},
	{
		name: 'one digit of the total misread (58.63 for 68.63); another shop took exactly 58.63 the next day',
		receipt: 'sroie-366.jpg',
		read: { total: '58.63' },
		statement: [
			card('GARDENIA BAKERIES (KL)', 68.63, '2017-10-19T03:29:00.000Z', { key: 'gardenia' }),
			card('TESCO SUBANG JAYA', 58.63, '2017-10-20T11:00:00.000Z'),
			card('GRAB *RIDE SUBANG JAYA', 9.8, '2017-10-18T23:10:00.000Z'),
		],
		attachTo: 'gardenia',
	},
	{
		name: 'no date read, but one MR DIY payment of that amount (the same amount elsewhere, MR DIY again for less)',
		receipt: 'sroie-200.jpg',
		read: { date: '' },
		statement: [
			card('MR DIY IOI PUCHONG', 42.9, daysAgo(1, '06:49'), { key: 'mrdiy' }),
			card('MR DIY IOI PUCHONG', 15.9, daysAgo(2, '10:00')),
			card('TESCO PUCHONG', 42.9, daysAgo(2, '11:30')),
			card('GRAB *RIDE KUALA LUMPUR', 18.5, daysAgo(1, '05:20')),
		],
		attachTo: 'mrdiy',
	},
	{
		name: 'no date read and two payments of 5.00 at that shop in the last days: nothing attached',
		receipt: 'sroie-499.jpg',
		read: { date: '' },
		statement: [
			card('SANYU STATIONERY SHOP', 5, daysAgo(2, '02:15')),
			card('SANYU STATIONERY SHOP', 5, daysAgo(1, '03:40')),
			card('FAMILYMART SETIA ALAM', 12.3, daysAgo(1, '09:00')),
		],
		attachTo: null,
	},
	{
		name: 'the total before GST read (40.47); the shop took 40.47 + 6 % = 42.90 that day',
		receipt: 'sroie-200.jpg',
		read: { total: '40.47' },
		statement: [
			card('MR DIY IOI PUCHONG', 42.9, '2018-03-17T06:49:00.000Z', { key: 'mrdiy' }),
			card('PETRONAS PUCHONG', 40, '2018-03-17T09:30:00.000Z'),
			card('GRAB *RIDE KUALA LUMPUR', 15.2, '2018-03-17T05:50:00.000Z'),
		],
		attachTo: 'mrdiy',
	},
	{
		name: 'a pre-tax subtotal read (16.80 of 68.63) that ties to no payment: nothing attached',
		receipt: 'sroie-366.jpg',
		read: { total: '16.80' },
		statement: [
			card('GARDENIA BAKERIES (KL)', 68.63, '2017-10-19T03:29:00.000Z'),
			card('TESCO SUBANG JAYA', 23.45, '2017-10-19T10:00:00.000Z'),
			card('GRAB *RIDE SUBANG JAYA', 9.8, '2017-10-18T23:10:00.000Z'),
		],
		attachTo: null,
	},
	{
		name: 'read in mixed case as printed; the bank writes it UPPERCASE and cut at 22 characters',
		receipt: 'sroie-404.jpg',
		read: { company: 'Aneka Intertrade Marketing Sdn Bhd' },
		statement: [
			card('ANEKA INTERTRADE MARKE', 6.85, '2016-05-19T04:01:00.000Z', { key: 'aneka' }),
			card('FAMILYMART SEKSYEN U5', 6.5, '2016-05-19T07:20:00.000Z'),
			card('MYNEWS.COM SHAH ALAM', 6.85, '2016-05-21T01:00:00.000Z'),
		],
		attachTo: 'aneka',
	},
	{
		name: 'the descriptor ends with the city (… KUALA LUMPUR); a ride in that city cost the same',
		receipt: 'sroie-060.jpg',
		read: {},
		statement: [
			card('BENS INDEPENDENT GROCE KUALA LUMPUR', 77.2, '2018-03-12T12:29:59.000Z', { key: 'big' }),
			card('GRAB *RIDE KUALA LUMPUR', 77.2, '2018-03-12T14:10:00.000Z'),
			card('STARBUCKS KLCC', 14.9, '2018-03-12T02:00:00.000Z'),
		],
		attachTo: 'big',
	},
	{
		name: 'a SumUp payment (SUMUP *SANYU STATIONERY, counterparty "SumUp"); another SumUp merchant took 5.00 too',
		receipt: 'sroie-499.jpg',
		read: {},
		statement: [
			card('SUMUP *SANYU STATIONERY', 5, '2017-07-19T02:15:00.000Z', { key: 'sanyu', counterparty: 'SumUp' }),
			card('SUMUP *KEDAI KOPI SETIA', 5, '2017-07-19T04:30:00.000Z', { counterparty: 'SumUp' }),
			card('SHELL SETIA ALAM', 60, '2017-07-18T23:50:00.000Z'),
		],
		attachTo: 'sanyu',
	},
	{
		name: 'a Square payment (SQ *ANEKA INTERTRADE); another Square merchant took 6.80',
		receipt: 'sroie-404.jpg',
		read: {},
		statement: [
			card('SQ *ANEKA INTERTRADE', 6.85, '2016-05-19T04:01:00.000Z', { key: 'aneka' }),
			card('SQ *NASI LEMAK ANTARAB', 6.8, '2016-05-19T05:30:00.000Z'),
			card('GRAB *RIDE SHAH ALAM', 14, '2016-05-19T01:00:00.000Z'),
		],
		attachTo: 'aneka',
	},
	{
		name: 'a PayPal payment (PAYPAL *GARDENIABAK, counterparty "PayPal"); another PayPal payment that day',
		receipt: 'sroie-366.jpg',
		read: {},
		statement: [
			card('PAYPAL *GARDENIABAK', 68.63, '2017-10-19T03:29:00.000Z', { key: 'gardenia', counterparty: 'PayPal' }),
			card('PAYPAL *LAZADA', 68, '2017-10-19T14:00:00.000Z', { counterparty: 'PayPal' }),
		],
		attachTo: 'gardenia',
	},
	{
		name: 'the receipt names the shop (SANYU STATIONERY SHOP), the bank its owner (SANYU SUPPLY SDN BHD)',
		receipt: 'sroie-499.jpg',
		read: {},
		statement: [
			card('SANYU SUPPLY SDN BHD', 5, '2017-07-19T02:15:00.000Z', { key: 'sanyu' }),
			card('GRAB *RIDE SETIA ALAM', 11, '2017-07-19T01:30:00.000Z'),
		],
		attachTo: 'sanyu',
	},
	{
		name: 'the label is the outlet code (1181-TMN SRI SINAR KLANG); Qonto cleaned it to "99 Speed Mart"',
		receipt: 'sroie-162.jpg',
		read: {},
		statement: [
			card('1181-TMN SRI SINAR KLANG', 213, '2018-02-17T13:04:00.000Z', { key: 'speedmart', counterparty: '99 Speed Mart' }),
			card('AEON BIG KLANG', 21.3, '2018-02-17T08:00:00.000Z'),
			card('PETRONAS JALAN ANGSA', 60, '2018-02-17T12:40:00.000Z'),
		],
		attachTo: 'speedmart',
	},
	{
		name: 'two identical payments at that shop on the receipt day: nothing attached',
		receipt: 'sroie-162.jpg',
		read: {},
		statement: [
			card('99 SPEED MART KLANG', 213, '2018-02-17T05:10:00.000Z'),
			card('99 SPEED MART KLANG', 213, '2018-02-17T13:04:00.000Z'),
			card('PETRONAS JALAN ANGSA', 60, '2018-02-17T12:40:00.000Z'),
		],
		attachTo: null,
	},
	{
		name: 'its payment is not in Qonto yet, another shop took the same 6.85 that day: nothing attached',
		receipt: 'sroie-404.jpg',
		read: {},
		statement: [
			card('FAMILYMART SEKSYEN U5', 6.85, '2016-05-19T06:10:00.000Z'),
			card('GRAB *RIDE SHAH ALAM', 14, '2016-05-19T01:00:00.000Z'),
		],
		attachTo: null,
	},
	{
		name: 'its payment is not in Qonto yet; another company sharing the words INTERTRADE and SDN BHD took 6.85: nothing attached',
		receipt: 'sroie-404.jpg',
		read: {},
		statement: [
			card('MAJU INTERTRADE SDN BHD', 6.85, '2016-05-19T04:20:00.000Z'),
			card('FAMILYMART SEKSYEN U5', 3.2, '2016-05-19T06:10:00.000Z'),
		],
		attachTo: null,
	},
];

function qontoTransaction(payment: Payment): Record<string, unknown> {
	const emitted = Date.parse(payment.at);
	const localCents = Math.round(payment.myr * 100);
	return makeTransaction({
		side: 'debit',
		operation_type: 'card',
		status: 'completed',
		label: payment.label,
		clean_counterparty_name: payment.counterparty ?? null,
		currency: 'EUR',
		amount_cents: Math.round(localCents * EUR_PER_MYR),
		local_amount_cents: localCents,
		local_amount: localCents / 100,
		local_currency: 'MYR',
		emitted_at: new Date(emitted).toISOString(),
		settled_at: new Date(Math.min(emitted + 26 * 3600 * 1000, NOW - 60_000)).toISOString(),
		attachment_ids: [],
	});
}

const dayOf = (iso: string) => Math.floor(Date.parse(iso) / DAY_MS);

/**
 * The days a case's documents and payments can touch: the workflow lists payments from 3 days before to 35 after the
 * date read (today without one), one day more each side for time zones, plus the case's own payments.
 */
function spanOf(read: ReceiptTruth, statement: Payment[]): [number, number] {
	const date = parseDayFirstDate(read.date);
	const anchor = date ? dayOf(`${date}T00:00:00.000Z`) : Math.floor(NOW / DAY_MS);
	const days = statement.map((payment) => dayOf(payment.at));
	return [Math.min(anchor - 4, ...days), Math.max(anchor + 36, ...days)];
}

interface Prepared {
	testCase: NoisyCase;
	read: ReceiptTruth;
	transactions: Array<Record<string, unknown>>;
	/** Transaction id → payment key (or label and time). */
	names: Map<string, string>;
	span: [number, number];
	document?: SampleReceipt;
	messageId?: string;
	reaction?: string;
	/** What the Transaction Match node said, for the failure messages. */
	explanation?: string;
}

/** Cases whose spans do not overlap share a round: one Qonto history, their documents sent at once. */
function rounds(prepared: Prepared[]): Prepared[][] {
	const result: Prepared[][] = [];
	for (const entry of prepared) {
		const overlaps = (other: Prepared) => entry.span[0] <= other.span[1] && other.span[0] <= entry.span[1];
		const round = result.find((candidate) => !candidate.some(overlaps));
		if (round) round.push(entry);
		else result.push([entry]);
	}
	return result;
}

describe('noisy documents and bank-like descriptors through the invoice inbox', () => {
	let inbox: InvoiceInbox;
	const prepared = new Map<string, Prepared>();

	beforeAll(async () => {
		inbox = await startInvoiceInbox({ label: 'noisy-documents-e2e' });
		const { qonto } = inbox.organisations.acme;
		for (const [index, testCase] of CASES.entries()) {
			const receipt = inbox.receipts.find((candidate) => candidate.fileName === testCase.receipt);
			if (!receipt) throw new Error(`no sample receipt ${testCase.receipt}`);
			const read = { ...receipt.truth, ...testCase.read };
			const transactions = testCase.statement.map(qontoTransaction);
			const names = new Map(testCase.statement.map((payment, position) => [String(transactions[position].id), payment.key ?? `${payment.label} @ ${payment.at}`]));
			const entry: Prepared = { testCase, read, transactions, names, span: spanOf(read, testCase.statement) };
			entry.document = inbox.rescan({ ...receipt, truth: read }, `noisy case ${index + 1}`);
			prepared.set(testCase.name, entry);
		}
		for (const round of rounds([...prepared.values()])) {
			qonto.setTransactions(round.flatMap((entry) => entry.transactions));
			await Promise.all(
				round.map(async (entry) => {
					const document = entry.document as SampleReceipt;
					entry.messageId = await inbox.sendDocument(document.bytes, document.fileName, 'image/jpeg');
					entry.reaction = await inbox.waitForFinalReaction(entry.messageId, 120_000);
				}),
			);
		}
		// The matcher's explanation of each document, read from the organisation workflow's executions.
		const workflowId = inbox.organisations.acme.workflowId;
		for (const summary of await inbox.n8n.listExecutions(workflowId)) {
			const execution = await inbox.n8n.getExecution(summary.id);
			const entry = [...prepared.values()].find((candidate) => candidate.messageId && JSON.stringify(execution.data?.resultData?.runData ?? {}).includes(candidate.messageId));
			if (!entry) continue;
			// Output 1 is "Matched", output 2 "Not Matched".
			const ran = execution.data?.resultData?.runData?.['Transaction Match'] !== undefined;
			const items = ran ? [...nodeOutput(execution, 'Transaction Match', 0), ...nodeOutput(execution, 'Transaction Match', 1)] : [];
			entry.explanation = (items[0]?.match as { explanation?: string } | undefined)?.explanation ?? 'Transaction Match did not run';
		}
	}, 600_000);
	afterAll(async () => await inbox?.stop());

	/** The document ended in ✅ and was stored in Qonto's supplier invoices exactly once. */
	function expectStored(entry: Prepared): void {
		const document = entry.document as SampleReceipt;
		expect(entry.reaction).toBe('✅');
		expect(inbox.reactionsOn(entry.messageId as string)).toEqual(['🔎', '✅']);
		expect(inbox.organisations.acme.qonto.supplierInvoices().filter((invoice) => invoice.sha256 === document.sha256)).toHaveLength(1);
	}

	/** The file is on the case's payment and nowhere else (and that payment has no other file), or on no payment. */
	function expectAttachment(entry: Prepared): void {
		const { attachTo } = entry.testCase;
		const document = entry.document as SampleReceipt;
		const { qonto } = inbox.organisations.acme;
		const attachedTo = qonto
			.attachments()
			.filter((attachment) => attachment.sha256 === document.sha256 && attachment.transactionId)
			.map((attachment) => entry.names.get(attachment.transactionId as string) ?? `another case's ${attachment.transactionId}`);
		// The matcher's words come along (unchanged on both sides), so that a failure shows why.
		expect({ attachedTo, matcher: entry.explanation }).toEqual({ attachedTo: attachTo === null ? [] : [attachTo], matcher: entry.explanation });
		if (attachTo !== null) {
			const expectedId = [...entry.names].find(([, key]) => key === attachTo)?.[0] as string;
			expect(qonto.attachmentsOf(expectedId).map((attachment) => attachment.sha256)).toEqual([document.sha256]);
		}
	}

	test.each(CASES.map((testCase) => [testCase.name]))('%s', (name) => {
		const entry = prepared.get(name) as Prepared;
		expectStored(entry);
		expectAttachment(entry);
	});
});
