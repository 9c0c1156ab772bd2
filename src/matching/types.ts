/**
 * Public types of the matcher: which Qonto transaction a receipt or invoice belongs to, or none.
 * Money is integer minor units (cents for EUR); dates are ISO strings.
 */

/** What the document says, as extracted by OCR (the Mindee node's normalised record maps onto it field by field). */
export interface MatchDocument {
	/** The supplier as printed on the document; may be noisy, truncated, or a heading read by mistake. */
	supplierName?: string | null;
	/** Document date: `YYYY-MM-DD`, or a full ISO timestamp of which only the date part is used. */
	date?: string | null;
	/** Total to pay, taxes and printed tip included, in minor units of `currency`. Negative for a credit note. */
	totalAmountCents?: number | null;
	/** ISO 4217 code of the total (`EUR`, `MYR`, …); null when OCR could not read it. */
	currency?: string | null;
	/** Tip printed on the document, in minor units, when there is one. */
	tipAmountCents?: number | null;
	/** `receipt`, `invoice` or `credit_note`; a credit note is matched against incoming money. */
	documentType?: string | null;
}

/** The fields of a Qonto `GET /v2/transactions` object that the matcher reads (others are ignored). */
export interface QontoTransaction {
	id: string;
	amount_cents?: number | null;
	/** Major units; only used when `amount_cents` is missing. */
	amount?: number | string | null;
	currency?: string | null;
	local_amount_cents?: number | null;
	local_amount?: number | string | null;
	local_currency?: string | null;
	side?: string | null;
	operation_type?: string | null;
	label?: string | null;
	clean_counterparty_name?: string | null;
	settled_at?: string | null;
	emitted_at?: string | null;
	status?: string | null;
	attachment_ids?: unknown[] | null;
	category?: string | null;
	reference?: string | null;
	/** The last digits of the card that paid (card payments); shown with a candidate so the sender recognises it. */
	card_last_digits?: string | null;
}

export interface MatchOptions {
	/** The moment the matcher runs; transactions emitted later are ignored. Default: no limit. */
	asOf?: string | null;
	/** Minimum probability that the chosen transaction is the right one before anything is attached. */
	minConfidence: number;
	/** Card payments: how many days before / after the document date the payment may be emitted. */
	cardDaysBefore: number;
	cardDaysAfter: number;
	/** Transfers and direct debits: same, paid later by hand. */
	transferDaysBefore: number;
	transferDaysAfter: number;
	/** An amount this close (minor units) counts as a rounding difference. */
	roundingToleranceCents: number;
	/** Restaurant tips: the charge may exceed the total by this share of it… */
	maxTipRatio: number;
	/** …or by this many minor units, whichever is larger. */
	maxTipCents: number;
	/** Pending fuel-pump pre-authorisations (minor units, account currency) that stand in for the real total. */
	fuelPreauthorisationCents: number[];
	/** VAT rates tried when OCR read the total before tax. */
	vatRates: number[];
	/** Whether pending card payments (`settled_at: null`) are candidates. */
	includePending: boolean;
	/** Extra names a supplier is known under, e.g. `{ 'IKANO HANDEL': ['IKEA'] }`; compared like the document's name. */
	supplierAliases: Record<string, string[]>;
	/**
	 * When nothing is attached, at most this many candidates worth asking the sender about (`MatchDecision.candidates`);
	 * 0 never asks.
	 */
	maxCandidates: number;
}

/** One signal's verdict on one candidate. `weight` is its contribution to the candidate's evidence (log-odds). */
export interface MatchReason {
	signal: 'amount' | 'date' | 'name' | 'currency';
	agrees: boolean;
	weight: number;
	detail: string;
}

export type AmountKind =
	| 'exact'
	| 'exact_local'
	| 'rounding'
	| 'tip'
	| 'vat_added'
	| 'fuel_preauthorisation'
	| 'digit_misread'
	| 'converted'
	| 'unknown'
	| 'none';

export interface CandidateAssessment {
	transactionId: string;
	/** Probability that this candidate is the document's transaction, against all others and "none". */
	probability: number;
	/** Sum of the reasons' weights. */
	evidence: number;
	amountKind: AmountKind;
	/** Days from the document date to `emitted_at` (UTC dates); null without a document date. */
	dayOffset: number | null;
	nameSimilarity: number | null;
	label: string;
	reasons: MatchReason[];
}

/**
 * A transaction worth asking the sender about, with what a person needs to recognise it on their statement: the
 * merchant as the bank shows it, the amount they paid (in the shop's currency abroad), the day, the card.
 */
export interface MatchCandidate {
	transactionId: string;
	/** Probability that this is the document's transaction (as in `CandidateAssessment`). In [0, 1]. */
	probability: number;
	/** The bank's descriptor (`label`), as on the statement. */
	label: string;
	/** Qonto's cleaned merchant name (`clean_counterparty_name`), when there is one. */
	counterpartyName: string | null;
	/**
	 * The amount as the sender paid it, in minor units of `currency` (positive): the card's local amount for a payment
	 * abroad, else the account amount.
	 */
	amountCents: number | null;
	currency: string | null;
	/** For a payment abroad: what the account was debited, in minor units of `accountCurrency`; else null. */
	accountAmountCents: number | null;
	accountCurrency: string | null;
	/** `YYYY-MM-DD` (UTC) of `emitted_at`, the day the payment was made. */
	date: string | null;
	/** `emitted_at` as an ISO timestamp, for callers that show the time in the sender's zone. */
	emittedAt: string | null;
	/** The card's last digits for a card payment that has them. */
	cardLastDigits: string | null;
	/** `card`, or `transfer` for transfers and direct debits. */
	paymentKind: 'card' | 'transfer';
	amountKind: AmountKind;
	dayOffset: number | null;
	nameSimilarity: number | null;
}

export type MatchOutcome =
	/** One candidate is clearly the document's transaction. */
	| 'matched'
	/** Two or more candidates fit about equally well: attaching either could be wrong. */
	| 'ambiguous'
	/** The best candidate fits, but not well enough. */
	| 'low_confidence'
	/** No candidate is plausible at all. */
	| 'no_candidate';

export type ExclusionReason = 'declined' | 'reversed' | 'unknown_status' | 'pending_not_allowed' | 'already_attached' | 'wrong_side' | 'after_as_of' | 'unreadable';

export interface MatchDecision {
	outcome: MatchOutcome;
	/** The Qonto transaction `id` (UUID) to attach the document to, or null. */
	transactionId: string | null;
	/** For a match: the probability it is right. Otherwise: the best candidate's probability. In [0, 1]. */
	confidence: number;
	/** The best candidate (the chosen one when matched). */
	best: CandidateAssessment | null;
	/** The next best candidate. */
	runnerUp: CandidateAssessment | null;
	/** One sentence for people: why this transaction, or why none. */
	explanation: string;
	/** Candidates set aside before scoring, counted by reason. */
	excluded: Partial<Record<ExclusionReason, number>>;
	/** A set-aside transaction that would otherwise fit, e.g. one that already carries a document. */
	notableExclusion: { transactionId: string; reason: ExclusionReason; label: string } | null;
	candidateCount: number;
	/**
	 * When nothing is attached: the transactions worth asking the sender about, best first, at most
	 * `maxCandidates`. Empty when the document is attached, or when no candidate is plausible enough to ask about.
	 */
	candidates: MatchCandidate[];
}
