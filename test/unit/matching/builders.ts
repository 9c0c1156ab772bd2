import type { MatchDocument, QontoTransaction } from '../../../src/matching';
import type { MatchCandidate } from '../../../src/matching/types';

let counter = 0;

/** A completed EUR card debit without attachment, dated 2018-03-12 12:00 UTC; override what the test is about. */
export function transaction(overrides: Partial<QontoTransaction> & Record<string, unknown> = {}): QontoTransaction & Record<string, unknown> {
	counter++;
	const amountCents = (overrides.amount_cents as number | undefined) ?? 1234;
	return {
		id: `00000000-0000-4000-8000-${String(counter).padStart(12, '0')}`,
		amount_cents: amountCents,
		amount: amountCents / 100,
		currency: 'EUR',
		local_amount_cents: amountCents,
		local_amount: amountCents / 100,
		local_currency: 'EUR',
		side: 'debit',
		operation_type: 'card',
		label: 'SANYU STATIONERY SHOP',
		clean_counterparty_name: 'Sanyu Stationery Shop',
		settled_at: '2018-03-13T09:00:00.000Z',
		emitted_at: '2018-03-12T12:00:00.000Z',
		status: 'completed',
		attachment_ids: [],
		category: 'office_supply',
		...overrides,
	};
}

export function receipt(overrides: Partial<MatchDocument> = {}): MatchDocument {
	return { supplierName: 'SANYU STATIONERY SHOP', date: '2018-03-12', totalAmountCents: 1234, currency: 'EUR', ...overrides };
}

/** Unrelated background spend: other merchants, other amounts, other days. */
export function background(): Array<QontoTransaction & Record<string, unknown>> {
	return [
		transaction({ label: 'SNCF INTERNET', clean_counterparty_name: 'SNCF', amount_cents: 10837, local_amount_cents: 10837, emitted_at: '2018-03-10T10:00:00.000Z', category: 'transport' }),
		transaction({ label: 'PRLV SEPA URSSAF', clean_counterparty_name: 'URSSAF', amount_cents: 250000, local_amount_cents: 250000, operation_type: 'direct_debit', emitted_at: '2018-03-05T08:00:00.000Z', category: 'tax' }),
		transaction({ label: 'ACME CLIENT SAS', clean_counterparty_name: 'Acme', side: 'credit', operation_type: 'income', amount_cents: 480000, local_amount_cents: 480000, emitted_at: '2018-03-11T08:00:00.000Z', category: 'sales' }),
		transaction({ label: 'MONOPRIX 992', clean_counterparty_name: 'Monoprix', amount_cents: 2317, local_amount_cents: 2317, emitted_at: '2018-03-12T18:00:00.000Z', category: 'food_and_grocery' }),
	];
}

/** A candidate payment as the matcher offers it when unsure (a card payment of 10.00 EUR on 2026-03-12). */
export function candidate(changes: Partial<MatchCandidate>): MatchCandidate {
	return {
		transactionId: 'tx-0',
		probability: 0.4,
		label: 'LABEL',
		counterpartyName: null,
		amountCents: 1000,
		currency: 'EUR',
		accountAmountCents: null,
		accountCurrency: null,
		date: '2026-03-12',
		emittedAt: '2026-03-12T08:00:00.000Z',
		cardLastDigits: null,
		paymentKind: 'card',
		amountKind: 'exact',
		dayOffset: 0,
		nameSimilarity: 0.9,
		...changes,
	};
}
