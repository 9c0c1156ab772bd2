export { matchTransaction, type TransactionInput } from './matchTransaction';
export { DEFAULT_MATCH_OPTIONS, MAX_CANDIDATES, matchOptionsFromCollection, paymentDays, resolveMatchOptions } from './options';
export { TransactionIndex, type TransactionIndexOptions } from './transactionIndex';
export { toMatchDocument, transactionList } from './input';
export type {
	AmountKind,
	CandidateAssessment,
	ExclusionReason,
	MatchCandidate,
	MatchDecision,
	MatchDocument,
	MatchOptions,
	MatchOutcome,
	MatchReason,
	QontoTransaction,
} from './types';
