import fc from 'fast-check';

import { matchTransaction, type MatchDocument, type QontoTransaction } from '../../../src/matching';

/** Merchants whose names share no word, so that a name-only candidate is never mistaken for another merchant. */
const MERCHANTS = [
	{ supplier: 'SANYU STATIONERY SHOP SDN BHD', label: 'SANYU STATIONERY SHOP' },
	{ supplier: 'GARDENIA BAKERIES (KL) SDN BHD', label: 'CARTE X1234 GARDENIA BAKERIES KL' },
	{ supplier: 'UNIHAKKA INTERNATIONAL SDN BHD', label: 'SUMUP *UNIHAKKA INTERNATIONAL' },
	{ supplier: 'KEDAI PAPAN YEW CHUAN', label: 'SQ *KEDAI PAPAN YEW CHUAN' },
	{ supplier: 'Boulangerie Dupont SARL', label: 'BOULANGERIE DUPONT PARIS' },
	{ supplier: 'Müller Bürobedarf GmbH', label: 'MULLER BUROBEDARF BERLIN' },
];
const OTHERS = ['SNCF INTERNET', 'MONOPRIX 992', 'AMZN MKTP FR*761574', 'UBER *TRIP', 'AIR FRANCE', 'EDF ENTREPRISES'];

const DAY_MS = 86_400_000;
const BASE_DAY = Date.UTC(2018, 2, 12);

const isoDay = (dayOffset: number, hour = 12) => new Date(BASE_DAY + dayOffset * DAY_MS + hour * 3_600_000).toISOString();

let sequence = 0;
function payment(fields: Partial<QontoTransaction>): QontoTransaction {
	sequence++;
	const cents = fields.amount_cents ?? 1000;
	return {
		id: `tx-${String(sequence).padStart(8, '0')}`,
		amount_cents: cents,
		currency: 'EUR',
		local_amount_cents: cents,
		local_currency: 'EUR',
		side: 'debit',
		operation_type: 'card',
		label: 'MONOPRIX 992',
		clean_counterparty_name: null,
		settled_at: isoDay(1),
		emitted_at: isoDay(0),
		status: 'completed',
		attachment_ids: [],
		category: 'other_expense',
		...fields,
	};
}

/** A payment from generated fields: settled the next day unless pending. */
function generatedPayment(fields: { label: string; amount: number; day: number; hour: number; status: string; side: string; attached: boolean; operation: string; category: string }) {
	return payment({
		label: fields.label,
		amount_cents: fields.amount,
		local_amount_cents: fields.amount,
		emitted_at: isoDay(fields.day, fields.hour),
		settled_at: fields.status === 'pending' ? null : isoDay(fields.day + 1),
		status: fields.status,
		side: fields.side,
		attachment_ids: fields.attached ? ['att'] : [],
		operation_type: fields.operation,
		category: fields.category,
	});
}

const amountArbitrary = fc.integer({ min: 150, max: 500_000 });
const merchantArbitrary = fc.integer({ min: 0, max: MERCHANTS.length - 1 });

/** A realistic candidate: any merchant, amount, day, status, side, attachment. */
const candidateArbitrary = fc
	.record({
		label: fc.constantFrom(...MERCHANTS.map((merchant) => merchant.label), ...OTHERS),
		amount: amountArbitrary,
		day: fc.integer({ min: -45, max: 45 }),
		hour: fc.integer({ min: 0, max: 23 }),
		status: fc.constantFrom('completed', 'completed', 'completed', 'pending', 'declined', 'reversed'),
		side: fc.constantFrom('debit', 'debit', 'debit', 'credit'),
		attached: fc.boolean(),
		operation: fc.constantFrom('card', 'card', 'card', 'transfer', 'direct_debit'),
		category: fc.constantFrom('restaurant_and_bar', 'office_supply', 'gas_station', 'food_and_grocery'),
	})
	.map(generatedPayment);

const documentArbitrary: fc.Arbitrary<MatchDocument> = fc.record({
	supplierName: fc.oneof(fc.constantFrom(...MERCHANTS.map((merchant) => merchant.supplier)), fc.constant(null), fc.string()),
	date: fc.oneof(fc.constant(isoDay(0).slice(0, 10)), fc.integer({ min: -10, max: 10 }).map((day) => isoDay(day).slice(0, 10)), fc.constant(null)),
	totalAmountCents: fc.oneof(amountArbitrary, amountArbitrary.map((cents) => -cents), fc.constant(null)),
	currency: fc.constantFrom('EUR', 'EUR', 'MYR', null),
});

describe('matchTransaction properties', () => {
	it('does not depend on the order of the candidates', () => {
		const candidatesAndPermutation = fc
			.array(candidateArbitrary, { minLength: 1, maxLength: 25 })
			.chain((candidates) => fc.tuple(fc.constant(candidates), fc.shuffledSubarray(candidates, { minLength: candidates.length, maxLength: candidates.length })));
		fc.assert(
			fc.property(documentArbitrary, candidatesAndPermutation, (document, [candidates, permuted]) => {
				expect(matchTransaction(document, permuted)).toEqual(matchTransaction(document, candidates));
			}),
			{ numRuns: 200 },
		);
	});

	/** The document, its exact payment, and candidates that each agree on one signal only. */
	const exactWithSingleSignalOthers = fc
		.record({
			merchant: merchantArbitrary,
			total: amountArbitrary,
			hour: fc.integer({ min: 6, max: 20 }),
			others: fc.array(
				fc.record({
					signal: fc.constantFrom('amount', 'name', 'date'),
					day: fc.integer({ min: -45, max: 45 }),
					other: fc.integer({ min: 0, max: OTHERS.length - 1 }),
				}),
				{ maxLength: 12 },
			),
		})
		.map(({ merchant, total, hour, others }) => {
			const { supplier, label } = MERCHANTS[merchant];
			const document: MatchDocument = { supplierName: supplier, date: isoDay(0).slice(0, 10), totalAmountCents: total, currency: 'EUR' };
			const exact = payment({ label, amount_cents: total, local_amount_cents: total, emitted_at: isoDay(0, hour) });
			const farDay = (day: number) => (day >= 0 ? 40 + (day % 5) : -40 - (-day % 5));
			const singles = others.map(({ signal, day, other }) => {
				if (signal === 'amount') return payment({ label: OTHERS[other], amount_cents: total, local_amount_cents: total, emitted_at: isoDay(farDay(day)) });
				// An amount no tip, VAT, rounding or misread digit explains.
				const unrelated = total * 3 + 100_007;
				if (signal === 'name') return payment({ label, amount_cents: unrelated, local_amount_cents: unrelated, emitted_at: isoDay(day % 3) });
				return payment({ label: OTHERS[other], amount_cents: unrelated, local_amount_cents: unrelated, emitted_at: isoDay(0, (hour + 3) % 24) });
			});
			return { document, exact, singles };
		});

	it('always picks the exact amount + date + name candidate over single-signal candidates', () => {
		fc.assert(
			fc.property(exactWithSingleSignalOthers, ({ document, exact, singles }) => {
				const decision = matchTransaction(document, [...singles, exact]);
				expect(decision.outcome).toBe('matched');
				expect(decision.transactionId).toBe(exact.id);
				expect(matchTransaction(document, [exact, ...singles.reverse()])).toEqual(decision);
			}),
			{ numRuns: 200 },
		);
	});

	it('becomes ambiguous (attaches nothing) when an identical twin of the winner is added', () => {
		fc.assert(
			fc.property(exactWithSingleSignalOthers, ({ document, exact, singles }) => {
				const twin = { ...exact, id: `${exact.id}-twin` };
				const decision = matchTransaction(document, [...singles, exact, twin]);
				expect(decision.outcome).toBe('ambiguous');
				expect(decision.transactionId).toBeNull();
				expect([decision.best?.transactionId, decision.runnerUp?.transactionId].sort()).toEqual([exact.id, twin.id].sort());
				// Both are offered to the sender, and nothing else is as likely.
				expect(decision.candidates.map((candidate) => candidate.transactionId).slice(0, 2).sort()).toEqual([exact.id, twin.id].sort());
			}),
			{ numRuns: 200 },
		);
	});

	it('offers every twin of the winner that carries no document, up to maxCandidates', () => {
		const twinsArbitrary = fc.tuple(exactWithSingleSignalOthers, fc.array(fc.boolean(), { minLength: 1, maxLength: 6 }), fc.integer({ min: 0, max: 12 }));
		fc.assert(
			fc.property(twinsArbitrary, ([{ document, exact, singles }, attachedTwins, maxCandidates]) => {
				const twins = attachedTwins.map((attached, index) => ({ ...exact, id: `${exact.id}-twin-${index}`, attachment_ids: attached ? ['att'] : [] }));
				const open = [exact, ...twins].filter((entry) => entry.attachment_ids?.length === 0).map((entry) => entry.id);
				const decision = matchTransaction(document, [...singles, ...twins, exact], { maxCandidates });
				const offered = decision.candidates.map((candidate) => candidate.transactionId);
				if (open.length === 1) {
					// Its twins all carry a document: the one left is attached, and nothing is asked.
					expect(decision.transactionId).toBe(exact.id);
					expect(offered).toEqual([]);
					return;
				}
				expect(decision.outcome).toBe('ambiguous');
				expect(offered).toHaveLength(Math.min(open.length, maxCandidates, 9));
				for (const id of offered) expect(open).toContain(id);
			}),
			{ numRuns: 200 },
		);
	});

	it('offers distinct candidates ranked by probability, never an attached or set-aside transaction, and none when it attaches', () => {
		// Look-alikes of the document's payment (its merchant or not, its amount or a near one, near its day, any status,
		// side or attachment) next to random spend, so that many documents end ambiguous or uncertain.
		const lookAlikes = fc
			.record({
				merchant: merchantArbitrary,
				total: amountArbitrary,
				named: fc.boolean(),
				dated: fc.boolean(),
				copies: fc.array(
					fc.record({
						sameMerchant: fc.constantFrom(true, true, false),
						other: fc.integer({ min: 0, max: OTHERS.length - 1 }),
						extra: fc.constantFrom(0, 0, 0, 3, 150, 1000),
						day: fc.integer({ min: -3, max: 8 }),
						hour: fc.integer({ min: 0, max: 23 }),
						status: fc.constantFrom('completed', 'completed', 'pending', 'declined', 'reversed'),
						side: fc.constantFrom('debit', 'debit', 'debit', 'credit'),
						attached: fc.constantFrom(false, false, true),
						operation: fc.constantFrom('card', 'card', 'transfer'),
						category: fc.constantFrom('restaurant_and_bar', 'office_supply'),
					}),
					{ minLength: 1, maxLength: 8 },
				),
			})
			.map(({ merchant, total, named, dated, copies }) => ({
				document: { supplierName: named ? MERCHANTS[merchant].supplier : null, date: dated ? isoDay(0).slice(0, 10) : null, totalAmountCents: total, currency: 'EUR' },
				candidates: copies.map((copy) =>
					generatedPayment({ ...copy, label: copy.sameMerchant ? MERCHANTS[merchant].label : OTHERS[copy.other], amount: total + copy.extra }),
				),
			}));
		const inputs = fc.tuple(
			fc.oneof(
				{ arbitrary: lookAlikes, weight: 3 },
				{ arbitrary: fc.record({ document: documentArbitrary, candidates: fc.array(candidateArbitrary, { maxLength: 30 }) }), weight: 1 },
			),
			fc.array(candidateArbitrary, { maxLength: 10 }),
			fc.integer({ min: -1, max: 12 }),
		);
		let asked = 0;
		fc.assert(
			fc.property(inputs, ([{ document, candidates: near }, spend, maxCandidates]) => {
				const candidates = [...near, ...spend];
				const decision = matchTransaction(document, candidates, { maxCandidates });
				const offered = decision.candidates.map((candidate) => candidate.transactionId);
				expect(new Set(offered).size).toBe(offered.length);
				expect(offered.length).toBeLessThanOrEqual(Math.max(0, maxCandidates));
				decision.candidates.forEach((candidate, index) => {
					expect(candidate.probability).toBeGreaterThanOrEqual(0);
					expect(candidate.probability).toBeLessThanOrEqual(index === 0 ? 1 : decision.candidates[index - 1].probability);
				});
				if (decision.transactionId !== null) expect(offered).toEqual([]);
				if (offered.length > 0) {
					expect(decision.outcome === 'ambiguous' || decision.outcome === 'low_confidence').toBe(true);
					expect(decision.candidates[0]).toMatchObject({ transactionId: decision.best?.transactionId, probability: decision.best?.probability });
				}
				const byId = new Map(candidates.map((entry) => [entry.id, entry]));
				for (const id of offered) {
					const entry = byId.get(id);
					expect(entry?.attachment_ids).toEqual([]);
					expect(['completed', 'pending']).toContain(entry?.status);
					expect(entry?.side).toBe('debit');
				}
				if (offered.length > 1) asked++;
			}),
			{ numRuns: 400 },
		);
		// The property is about lists: make sure the generator reaches them (about 30 times in 400 runs).
		expect(asked).toBeGreaterThanOrEqual(10);
	});

	it('never offers payments of other merchants that share only the amount and the day', () => {
		const unrelated = fc.record({
			merchant: merchantArbitrary,
			total: amountArbitrary,
			others: fc.array(fc.record({ other: fc.integer({ min: 0, max: OTHERS.length - 1 }), day: fc.integer({ min: -2, max: 7 }), hour: fc.integer({ min: 0, max: 23 }) }), {
				minLength: 1,
				maxLength: 6,
			}),
		});
		fc.assert(
			fc.property(unrelated, ({ merchant, total, others }) => {
				const document: MatchDocument = { supplierName: MERCHANTS[merchant].supplier, date: isoDay(0).slice(0, 10), totalAmountCents: total, currency: 'EUR' };
				const payments = others.map(({ other, day, hour }) => payment({ label: OTHERS[other], amount_cents: total, local_amount_cents: total, emitted_at: isoDay(day, hour) }));
				const decision = matchTransaction(document, payments, { maxCandidates: 9 });
				expect(decision.transactionId).toBeNull();
				expect(decision.candidates).toEqual([]);
			}),
			{ numRuns: 200 },
		);
	});

	it('keeps confidence and every probability in [0, 1]', () => {
		fc.assert(
			fc.property(documentArbitrary, fc.array(candidateArbitrary, { maxLength: 30 }), (document, candidates) => {
				const decision = matchTransaction(document, candidates);
				for (const value of [decision.confidence, decision.best?.probability ?? 0, decision.runnerUp?.probability ?? 0]) {
					expect(value).toBeGreaterThanOrEqual(0);
					expect(value).toBeLessThanOrEqual(1);
				}
				expect(decision.transactionId === null || decision.outcome === 'matched').toBe(true);
			}),
			{ numRuns: 300 },
		);
	});

	it('never throws, whatever it is given', () => {
		const looseTransaction = fc.record(
			{
				id: fc.oneof(fc.string(), fc.integer(), fc.constant(null)),
				amount_cents: fc.oneof(fc.integer(), fc.double(), fc.string(), fc.constant(null)),
				amount: fc.oneof(fc.double(), fc.string(), fc.constant(null)),
				local_amount_cents: fc.oneof(fc.integer(), fc.double(), fc.constant(null)),
				local_currency: fc.oneof(fc.string(), fc.constant(null)),
				currency: fc.oneof(fc.string(), fc.constant(null)),
				side: fc.oneof(fc.string(), fc.constant(null)),
				label: fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.constant(null)),
				clean_counterparty_name: fc.oneof(fc.string(), fc.constant(null)),
				emitted_at: fc.oneof(fc.string(), fc.date({ noInvalidDate: false }).map((date) => (Number.isNaN(date.getTime()) ? 'Invalid' : date.toISOString())), fc.constant(null)),
				settled_at: fc.oneof(fc.string(), fc.constant(null)),
				status: fc.oneof(fc.constantFrom('completed', 'pending', 'declined', 'reversed'), fc.string()),
				attachment_ids: fc.oneof(fc.array(fc.string()), fc.anything()),
				category: fc.oneof(fc.string(), fc.constant(null)),
			},
			{ requiredKeys: [] },
		);
		const looseDocument = fc.oneof(
			fc.anything(),
			fc.record(
				{
					supplierName: fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.anything()),
					date: fc.oneof(fc.string(), fc.constant('2018-02-31'), fc.constant('9999-99-99'), fc.anything()),
					totalAmountCents: fc.oneof(fc.integer(), fc.double(), fc.anything()),
					currency: fc.oneof(fc.string(), fc.anything()),
					tipAmountCents: fc.anything(),
					documentType: fc.anything(),
				},
				{ requiredKeys: [] },
			),
		);
		const looseOptions = fc.oneof(fc.constant(undefined), fc.anything(), fc.record({ minConfidence: fc.double(), vatRates: fc.anything(), asOf: fc.anything(), supplierAliases: fc.anything() }, { requiredKeys: [] }));
		fc.assert(
			fc.property(looseDocument, fc.oneof(fc.array(fc.oneof(looseTransaction, fc.anything()), { maxLength: 15 }), fc.anything()), looseOptions, (document, transactions, options) => {
				const decision = matchTransaction(document as MatchDocument, transactions as unknown[], options as never);
				expect(decision.confidence).toBeGreaterThanOrEqual(0);
				expect(decision.confidence).toBeLessThanOrEqual(1);
				expect(typeof decision.explanation).toBe('string');
			}),
			{ numRuns: 500 },
		);
	});
});
