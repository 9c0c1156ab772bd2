export { matchTransaction, type TransactionInput } from './matchTransaction';
export { DEFAULT_MATCH_OPTIONS, matchOptionsFromCollection, paymentDays, resolveMatchOptions } from './options';
export { TransactionIndex, type TransactionIndexOptions } from './transactionIndex';
export { toMatchDocument, transactionList } from './input';
export type {
	AmountKind,
	CandidateAssessment,
	ExclusionReason,
	MatchDecision,
	MatchDocument,
	MatchOptions,
	MatchOutcome,
	MatchReason,
	QontoTransaction,
} from './types';
