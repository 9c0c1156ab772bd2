import { isoDateOfDay } from '../common/dates';
import { formatMoney } from '../common/money';
import { createFuseFinder, type FuzzyFinder } from './fuzzy';
import { readDocument, readTransaction, type Candidate, type ReadDocument } from './input';
import { compareNames } from './nameSignal';
import { resolveMatchOptions } from './options';
import { amountKind, assessAmount, assessDate, inferFxRates, nameWeight, withinDateWindow } from './signals';
import type {
	CandidateAssessment,
	ExclusionReason,
	MatchCandidate,
	MatchDecision,
	MatchDocument,
	MatchOptions,
	MatchReason,
	MatchOutcome,
} from './types';

/**
 * Log-odds of "none of these transactions is the document's". A lone candidate needs about this much evidence
 * (plus ln(p / (1 − p)) for the wanted confidence p) to be attached.
 */
const NONE_PRIOR = 5;
/** Two candidates whose evidence differs by less than this are a coin toss. */
const AMBIGUITY_MARGIN = 1.5;
/** A set-aside transaction with this much evidence is worth telling the user about. */
const NOTABLE_EVIDENCE = 7;
/**
 * A candidate is worth asking the sender about when, alone against "none of them", it would be right at least this
 * often: one chance in four. That is evidence ≥ NONE_PRIOR + ln(1/3) ≈ 3.9 — more than an exact amount on the same
 * day from a merchant whose name clearly differs (5 + 2.5 − 4 = 3.5), which is what a cash purchase or a payment from
 * another account usually finds. Measured against "none" only, so twins or triplets of one payment are all offered
 * even though they share the probability among them.
 */
const ASK_FLOOR = 0.25;
const ASK_EVIDENCE = NONE_PRIOR + Math.log(ASK_FLOOR / (1 - ASK_FLOOR));

/** Transactions the caller passes may be typed loosely: anything that is not a transaction object is skipped. */
export type TransactionInput = unknown;

interface Scored {
	candidate: Candidate;
	evidence: number;
	assessment: Omit<CandidateAssessment, 'probability'>;
}

function exclusionOf(candidate: Candidate, document: ReadDocument, options: MatchOptions, asOfMs: number | null): ExclusionReason | null {
	// A payment made after the matcher's moment does not exist yet, whatever its status (the index never sees it).
	if (asOfMs !== null && candidate.emittedMs !== null && candidate.emittedMs > asOfMs) return 'after_as_of';
	if (candidate.status === 'declined') return 'declined';
	if (candidate.status === 'reversed') return 'reversed';
	if (candidate.status === 'pending' && !options.includePending) return 'pending_not_allowed';
	if (candidate.status !== 'completed' && candidate.status !== 'pending') return 'unknown_status';
	if (candidate.side !== (document.isCreditNote ? 'credit' : 'debit')) return 'wrong_side';
	if (candidate.hasAttachment) return 'already_attached';
	return null;
}

/** Whether the candidate's date and amount could fit at all (numbers only: the name is compared afterwards). */
function fits(candidate: Candidate, document: ReadDocument, options: MatchOptions, fxRates: Map<string, number>): boolean {
	return withinDateWindow(document, candidate, options) && amountKind(document, candidate, options, { fxRates }) !== 'none';
}

/** Scores one candidate that `fits`. */
function score(candidate: Candidate, document: ReadDocument, options: MatchOptions, fxRates: Map<string, number>, finder: FuzzyFinder): Scored {
	const date = assessDate(document, candidate, options);
	const amount = assessAmount(document, candidate, options, { fxRates });
	const reasons: MatchReason[] = [
		{ signal: 'amount', agrees: amount.kind !== 'unknown', weight: amount.weight, detail: amount.detail },
		{ signal: 'date', agrees: date.weight > 0, weight: date.weight, detail: date.detail },
	];
	let similarity: number | null = null;
	if (document.names.length > 0) {
		const name = compareNames(document.names, candidate.bankNames, finder);
		similarity = Math.round(name.similarity * 1000) / 1000;
		const weight = nameWeight(similarity);
		const agrees = similarity >= 0.5;
		const bankText = name.matchedText || candidate.label || 'no name';
		reasons.push({
			signal: 'name',
			agrees,
			weight,
			detail: `'${document.supplierName ?? ''}' ${agrees ? 'matches' : 'does not match'} '${bankText}' (${similarity.toFixed(2)})`,
		});
	} else {
		reasons.push({ signal: 'name', agrees: false, weight: 0, detail: 'the document shows no supplier name' });
	}
	if (document.currency === null) reasons.push({ signal: 'currency', agrees: true, weight: 0, detail: 'the document shows no currency: compared with the amount paid' });
	const evidence = reasons.reduce((sum, reason) => sum + reason.weight, 0);
	return {
		candidate,
		evidence,
		assessment: {
			transactionId: candidate.id,
			evidence: Math.round(evidence * 1000) / 1000,
			amountKind: amount.kind,
			dayOffset: date.offset,
			nameSimilarity: similarity,
			label: candidate.label,
			reasons,
		},
	};
}

/** A scored transaction as the sender would recognise it. */
function toMatchCandidate(scored: Scored, probability: number): MatchCandidate {
	const { candidate, assessment } = scored;
	// As paid: the card's local amount (equal to the account amount at home), unless only the account amount is known.
	const local = candidate.localAmountCents !== null && candidate.localCurrency !== null;
	const abroad = local && candidate.currency !== null && candidate.localCurrency !== candidate.currency;
	return {
		transactionId: candidate.id,
		probability,
		label: candidate.label,
		counterpartyName: candidate.counterpartyName,
		amountCents: local ? candidate.localAmountCents : (candidate.amountCents ?? candidate.localAmountCents),
		currency: local ? candidate.localCurrency : candidate.amountCents !== null ? candidate.currency : null,
		accountAmountCents: abroad ? candidate.amountCents : null,
		accountCurrency: abroad ? candidate.currency : null,
		date: candidate.day === null ? null : isoDateOfDay(candidate.day),
		emittedAt: candidate.emittedMs === null ? null : new Date(candidate.emittedMs).toISOString(),
		cardLastDigits: candidate.isTransfer ? null : candidate.cardLastDigits,
		paymentKind: candidate.isTransfer ? 'transfer' : 'card',
		amountKind: assessment.amountKind,
		dayOffset: assessment.dayOffset,
		nameSimilarity: assessment.nameSimilarity,
	};
}

function byEvidence(a: Scored, b: Scored): number {
	return b.evidence - a.evidence || (a.candidate.id < b.candidate.id ? -1 : a.candidate.id > b.candidate.id ? 1 : 0);
}

function describe(scored: Scored): string {
	const { candidate } = scored;
	const amount = candidate.amountCents === null ? '' : ` ${formatMoney(candidate.amountCents, candidate.currency)}`;
	return `'${candidate.label || candidate.id}'${amount}`;
}

function explain(outcome: MatchOutcome, best: Scored | null, runnerUp: Scored | null, confidence: number, notable: MatchDecision['notableExclusion']): string {
	const percent = `${Math.round(confidence * 100)} %`;
	const why = (scored: Scored) => scored.assessment.reasons.map((reason) => reason.detail).join('; ');
	const note = notable
		? ` A transaction that fits, '${notable.label}', was set aside: ${notable.reason === 'already_attached' ? 'it already has a document attached' : `it is ${notable.reason}`}.`
		: '';
	if (outcome === 'matched' && best) return `Matched ${describe(best)} (confidence ${percent}): ${why(best)}.`;
	if (outcome === 'ambiguous' && best && runnerUp) {
		return `Not attached: ${describe(best)} and ${describe(runnerUp)} fit about equally well, so attaching either could be wrong.${note}`;
	}
	if (outcome === 'low_confidence' && best) return `Not attached: the best candidate ${describe(best)} is not certain enough (confidence ${percent}): ${why(best)}.${note}`;
	return `Not attached: no transaction has a fitting amount and date.${note}`;
}

/**
 * Picks the Qonto transaction a receipt or invoice belongs to, or none. Pure and deterministic: the result does not
 * depend on the order of `transactions`, and it never throws on malformed input (unreadable entries are skipped).
 *
 * Each candidate collects evidence (log-odds) from its amount, date and name; the probabilities compare every
 * candidate with all others and with "none of them". A document is attached only when one candidate alone reaches
 * `minConfidence`; two close candidates make the outcome `ambiguous`. When nothing is attached, `candidates` are the
 * ones worth asking the sender about (see `ASK_FLOOR`), best first, at most `maxCandidates`.
 */
export function matchTransaction(
	document: MatchDocument | null | undefined,
	transactions: readonly TransactionInput[] | null | undefined,
	partialOptions?: Partial<MatchOptions> | null,
): MatchDecision {
	const options = resolveMatchOptions(partialOptions);
	const candidates: Candidate[] = [];
	let unreadable = 0;
	for (const raw of Array.isArray(transactions) ? transactions : []) {
		const candidate = readTransaction(raw);
		if (candidate) candidates.push(candidate);
		else unreadable++;
	}
	return matchReadTransactions(readDocument(document, options.supplierAliases), candidates, options, unreadable);
}

/** `matchTransaction` on transactions already read (the index keeps them read). */
export function matchReadTransactions(read: ReadDocument, readCandidates: readonly Candidate[], options: MatchOptions, unreadable = 0): MatchDecision {
	const asOfMs = options.asOf ? Date.parse(options.asOf) : NaN;
	const excluded: Partial<Record<ExclusionReason, number>> = {};
	const count = (reason: ExclusionReason) => (excluded[reason] = (excluded[reason] ?? 0) + 1);
	if (unreadable > 0) excluded.unreadable = unreadable;

	// Order independence: one entry per id, considered in id order.
	const byId = new Map<string, Candidate>();
	for (const candidate of readCandidates) {
		const previous = byId.get(candidate.id);
		if (!previous || JSON.stringify(candidate) < JSON.stringify(previous)) byId.set(candidate.id, candidate);
	}
	const candidates = [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

	const fxRates = inferFxRates(read, candidates, Number.isFinite(asOfMs) ? asOfMs : null);
	const fitting: Candidate[] = [];
	const setAside: Array<{ candidate: Candidate; reason: ExclusionReason }> = [];
	for (const candidate of candidates) {
		const reason = exclusionOf(candidate, read, options, Number.isFinite(asOfMs) ? asOfMs : null);
		if (reason) count(reason);
		if (!fits(candidate, read, options, fxRates)) continue;
		if (!reason) fitting.push(candidate);
		else if (reason === 'already_attached' || reason === 'declined' || reason === 'reversed') setAside.push({ candidate, reason });
	}

	// Names are compared last, and only for the few candidates whose amount and date fit.
	const bankTexts = [...fitting, ...setAside.map((entry) => entry.candidate)].flatMap((candidate) => candidate.bankNames.map((name) => name.tokens.join(' ')));
	const finder = createFuseFinder(bankTexts);
	const scored = fitting.map((candidate) => score(candidate, read, options, fxRates, finder));
	let notable: { scored: Scored; reason: ExclusionReason } | null = null;
	for (const { candidate, reason } of setAside) {
		const result = score(candidate, read, options, fxRates, finder);
		if (result.evidence >= NOTABLE_EVIDENCE && (!notable || byEvidence(result, notable.scored) < 0)) notable = { scored: result, reason };
	}
	scored.sort(byEvidence);

	// Softmax over the candidates and "none", shifted by the largest exponent for numerical safety.
	const shift = Math.max(NONE_PRIOR, scored[0]?.evidence ?? NONE_PRIOR);
	const noneMass = Math.exp(NONE_PRIOR - shift);
	const masses = scored.map((entry) => Math.exp(entry.evidence - shift));
	const total = masses.reduce((sum, mass) => sum + mass, noneMass);
	const probability = (index: number) => {
		const value = masses[index] / total;
		return Number.isFinite(value) ? Math.min(1, Math.max(0, value)) : 0;
	};
	const assessment = (index: number): CandidateAssessment | null =>
		scored[index] ? { ...scored[index].assessment, probability: Math.round(probability(index) * 10_000) / 10_000 } : null;

	const best = scored[0] ?? null;
	const runnerUp = scored[1] ?? null;
	const confidence = best ? probability(0) : 0;
	let outcome: MatchOutcome;
	if (!best) outcome = 'no_candidate';
	else if (confidence >= options.minConfidence && (!runnerUp || best.evidence - runnerUp.evidence >= AMBIGUITY_MARGIN)) outcome = 'matched';
	else if (runnerUp && best.evidence - runnerUp.evidence < AMBIGUITY_MARGIN) outcome = 'ambiguous';
	else outcome = 'low_confidence';

	// Nothing attached: the candidates worth a question, best first. Only candidates whose amount and date fit were
	// scored, so a payment whose amount disagrees is never offered, nor one set aside (already attached, declined…).
	const offered: MatchCandidate[] = [];
	if (outcome !== 'matched') {
		for (let index = 0; index < scored.length && offered.length < options.maxCandidates && scored[index].evidence >= ASK_EVIDENCE; index++) {
			offered.push(toMatchCandidate(scored[index], Math.round(probability(index) * 10_000) / 10_000));
		}
	}

	const notableExclusion =
		outcome !== 'matched' && notable ? { transactionId: notable.scored.candidate.id, reason: notable.reason, label: notable.scored.candidate.label } : null;
	return {
		outcome,
		transactionId: outcome === 'matched' && best ? best.candidate.id : null,
		confidence: Math.round(confidence * 10_000) / 10_000,
		best: assessment(0),
		runnerUp: assessment(1),
		explanation: explain(outcome, best, runnerUp, confidence, notableExclusion),
		excluded,
		notableExclusion,
		candidateCount: candidates.length,
		candidates: offered,
	};
}
