/**
 * Asking the sender which payment a document is for, when the matcher was unsure: a few candidates and "none of
 * these", as buttons or a list. The question is kept on the document's ledger row, and the answer is checked against
 * it: a reply is just a message, anyone can forge one, so only a payment we offered, to the document's own sender,
 * while the question is open, is ever attached.
 */
import { addHours, isAfter } from 'date-fns';

import { timestampOf } from '../common/dates';
import { fromJsonColumn, isRecord, textOf } from '../common/guards';
import { LIST_LIMITS, type ChoiceMessage } from '../whatsapp/outgoing';
import { attachedText } from './attached';
import type { Language } from './languages';
import type { LedgerRow } from './ledger';
import { describePayment, offeredFromCandidate, readOfferedPayments, type OfferedPayment } from './offeredPayments';
import { fillText, type TextKey } from './texts';

/** Reply ids: `q:<documentMessageId>:<transactionId>`, and `q:<documentMessageId>:none`. */
export const ANSWER_PREFIX = 'q:';
export const NONE_CHOICE = 'none';
export const DEFAULT_QUESTION_LIFETIME_HOURS = 48;

/** The `question` column of the ledger (JSON). */
export interface QuestionRecord {
	askedAt: string;
	organisationId: string;
	waId: string;
	userId: string;
	payments: OfferedPayment[];
	answer?: { choice: string; at: string };
}

/** The `question` column read back (a JSON text or an object); null when empty or not a question. */
export function readQuestionRecord(value: unknown): QuestionRecord | null {
	const parsed = fromJsonColumn(value);
	if (!isRecord(parsed) || timestampOf(parsed.askedAt) === null) return null;
	const answer = isRecord(parsed.answer) && textOf(parsed.answer.choice) ? { choice: textOf(parsed.answer.choice), at: textOf(parsed.answer.at) } : undefined;
	return {
		askedAt: textOf(parsed.askedAt),
		organisationId: textOf(parsed.organisationId),
		waId: textOf(parsed.waId),
		userId: textOf(parsed.userId),
		payments: readOfferedPayments(parsed.payments),
		...(answer ? { answer } : {}),
	};
}

export interface QuestionInput {
	documentMessageId: string;
	organisationId: string;
	waId: string;
	userId: string;
	/** The matcher's candidates (`MatchCandidate`), best first; anything unreadable is left out. */
	candidates: readonly unknown[];
	language: Language;
	/** The sender's language's texts. */
	texts: Record<TextKey, string>;
	now: Date;
}

const answerId = (documentMessageId: string, choice: string) => `${ANSWER_PREFIX}${documentMessageId}:${choice}`;

/** The question to send and the record to keep, or null when there is nothing to ask about. */
export function composeQuestion(input: QuestionInput): { record: QuestionRecord; message: ChoiceMessage } | null {
	const payments: OfferedPayment[] = [];
	for (const candidate of input.candidates) {
		const payment = offeredFromCandidate(candidate);
		if (payment && !payments.some((known) => known.id === payment.id)) payments.push(payment);
	}
	// One list holds ten rows, and the last one is "none of these".
	payments.splice(LIST_LIMITS.rows - 1);
	if (payments.length === 0) return null;
	const described = payments.map((payment) => describePayment(payment, input.language, input.now));
	const message: ChoiceMessage = {
		body: fillText(input.texts.questionBody, { lines: described.map((description, index) => `${index + 1}. ${description.line}`).join('\n') }),
		button: input.texts.questionButton,
		rows: [
			...payments.map((payment, index) => ({ id: answerId(input.documentMessageId, payment.id), title: `${index + 1}. ${described[index].title}`, description: described[index].description })),
			{ id: answerId(input.documentMessageId, NONE_CHOICE), title: input.texts.questionNone },
		],
	};
	const record: QuestionRecord = {
		askedAt: input.now.toISOString(),
		organisationId: input.organisationId,
		waId: input.waId,
		userId: input.userId,
		payments,
	};
	return { record, message };
}

export interface QuestionAnswer {
	documentMessageId: string;
	/** A transaction id, or `none`. */
	choice: string;
}

/** A reply id of a question; null for any other id. Message ids may hold colons, transaction ids do not. */
export function parseAnswerId(id: string): QuestionAnswer | null {
	if (!id.startsWith(ANSWER_PREFIX)) return null;
	const rest = id.slice(ANSWER_PREFIX.length);
	const separator = rest.lastIndexOf(':');
	if (separator <= 0 || separator === rest.length - 1) return null;
	return { documentMessageId: rest.slice(0, separator), choice: rest.slice(separator + 1) };
}

export type AnswerRefusal = 'unknown_document' | 'not_yours' | 'not_offered' | 'expired' | 'already_attached' | 'already_answered' | 'payment_taken';

export type AnswerCheck =
	| { outcome: 'attach'; rowId: number; organisationId: string; supplierInvoiceId: string; payment: OfferedPayment; record: QuestionRecord; confirmText: string }
	| { outcome: 'keep'; rowId: number; record: QuestionRecord; replyText: string }
	| { outcome: 'refused'; reason: AnswerRefusal; replyText: string };

export interface AnswerCheckInput {
	answer: QuestionAnswer;
	sender: { waId?: string | null; userId?: string | null };
	/** The ledger rows of the document's message, and those attached to the chosen transaction. */
	rows: readonly LedgerRow[];
	now: Date;
	lifetimeHours?: number;
	language: Language;
	texts: Record<TextKey, string>;
}

const REFUSAL_TEXTS: Record<AnswerRefusal, TextKey> = {
	unknown_document: 'questionRefused',
	not_yours: 'questionRefused',
	not_offered: 'questionRefused',
	already_answered: 'questionRefused',
	expired: 'questionExpired',
	already_attached: 'questionAlreadyAttached',
	payment_taken: 'questionPaymentTaken',
};

function isAskedOf(record: QuestionRecord, sender: AnswerCheckInput['sender']): boolean {
	return Boolean((sender.userId && record.userId === sender.userId) || (sender.waId && record.waId === sender.waId));
}

/** Whether an answer may be acted on: attach the chosen payment, keep the document unattached, or refuse and why. */
export function checkAnswer(input: AnswerCheckInput): AnswerCheck {
	const { answer, now } = input;
	const refuse = (reason: AnswerRefusal): AnswerCheck => ({ outcome: 'refused', reason, replyText: input.texts[REFUSAL_TEXTS[reason]] });
	const row = input.rows.filter((candidate) => candidate.messageId === answer.documentMessageId).sort((a, b) => a.id - b.id)[0];
	const question = row?.question;
	if (!row || !question) return refuse('unknown_document');
	if (!isAskedOf(question, input.sender)) return refuse('not_yours');
	if (row.state === 'matched' || row.transactionId) return refuse('already_attached');
	// Only a document stored in Qonto can be attached (a question is only ever recorded after that).
	if (row.state !== 'stored' || !row.supplierInvoiceId) return refuse('unknown_document');
	if (question.answer) return refuse('already_answered');
	if (isAfter(now, addHours(new Date(question.askedAt), input.lifetimeHours ?? DEFAULT_QUESTION_LIFETIME_HOURS))) return refuse('expired');
	const record: QuestionRecord = { ...question, answer: { choice: answer.choice, at: now.toISOString() } };
	if (answer.choice === NONE_CHOICE) return { outcome: 'keep', rowId: row.id, record, replyText: input.texts.questionKept };
	const payment = question.payments.find((offered) => offered.id === answer.choice);
	if (!payment) return refuse('not_offered');
	const taken = input.rows.some((other) => other.messageId !== answer.documentMessageId && other.state === 'matched' && other.transactionId === answer.choice);
	if (taken) return refuse('payment_taken');
	return {
		outcome: 'attach',
		rowId: row.id,
		organisationId: question.organisationId || row.organisationId,
		supplierInvoiceId: row.supplierInvoiceId,
		payment,
		record,
		confirmText: attachedText(payment, input.language, input.texts, now) ?? '',
	};
}
