/**
 * What a message asks for, read from the normalised WhatsApp item (see src/whatsapp/inbound.ts). Commands are one
 * word (or two) in any of our languages, compared without case or accents, so "Arrêt", "arret" and "ARRÊT" all stop.
 */
import { parsePickerChoice } from '../whatsapp/organisationPicker';
import { findActivationCode } from './activation';
import { languageFromWord, normaliseWord, type Language } from './languages';
import { NUDGE_PREFIX, NUDGE_SHOW_ID } from './nudges';
import { parseAnswerId } from './question';

/** The fields of a WhatsApp Inbox Trigger item that the conversation reads. */
export interface IncomingMessage {
	messageId: string;
	waId: string | null;
	userId: string | null;
	profileName: string | null;
	kind: string;
	text: { body: string } | null;
	choice: { id: string; title: string | null } | null;
}

export type Intent =
	| { type: 'document' }
	| { type: 'activation'; code: string }
	| { type: 'stop' }
	| { type: 'start' }
	| { type: 'language'; language: Language }
	| { type: 'chooseOrganisation'; organisationId: string }
	| { type: 'pickerPage'; page: number }
	/** A payment picked in a reminder list: the next document is its receipt. */
	| { type: 'nudgePick'; transactionId: string }
	/** The reminder template's button: send the list. */
	| { type: 'nudgeShow' }
	| { type: 'nudgesOff' }
	| { type: 'nudgesOn' }
	/** A reply to "which payment is this document for?" (checked against the ledger by the workflow). */
	| { type: 'answer'; documentMessageId: string; choice: string }
	| { type: 'text' }
	| { type: 'ignore' };

export const STOP_WORDS = [
	'STOP', 'STOPP', 'STOP ALL', 'UNSUBSCRIBE', 'END', 'QUIT',
	'ARRET', 'ARRETER', 'DESINSCRIRE', 'DESABONNER',
	'BAJA', 'ALTO', 'PARAR', 'CANCELAR',
	'ABMELDEN', 'ABBESTELLEN', 'HALT',
	'BASTA', 'DISISCRIVIMI', 'FERMA', 'ANNULLA',
] as const;

export const START_WORDS = [
	'START', 'RESTART', 'SUBSCRIBE', 'UNSTOP',
	'DEMARRER', 'REPRENDRE', 'COMMENCER',
	'ALTA', 'INICIO', 'EMPEZAR', 'REANUDAR',
	'ANMELDEN', 'STARTEN', 'WEITER',
	'INIZIA', 'ISCRIVIMI', 'RIPRENDI',
] as const;

export const NUDGES_OFF_WORDS = [
	'REMINDERS OFF', 'NO REMINDERS',
	'RAPPELS NON', 'PAS DE RAPPELS',
	'RECORDATORIOS NO', 'SIN RECORDATORIOS',
	'ERINNERUNGEN AUS', 'KEINE ERINNERUNGEN',
	'PROMEMORIA NO', 'NIENTE PROMEMORIA',
] as const;

export const NUDGES_ON_WORDS = ['REMINDERS ON', 'RAPPELS OUI', 'RECORDATORIOS SI', 'ERINNERUNGEN AN', 'PROMEMORIA SI'] as const;

const STOP = new Set<string>(STOP_WORDS);
const START = new Set<string>(START_WORDS);
const NUDGES_OFF = new Set<string>(NUDGES_OFF_WORDS);
const NUDGES_ON = new Set<string>(NUDGES_ON_WORDS);

export function readIntent(message: IncomingMessage): Intent {
	switch (message.kind) {
		case 'document':
			return { type: 'document' };
		case 'choice':
			return choiceIntent(message.choice?.id ?? '');
		case 'text':
			return textIntent(message.text?.body ?? '');
		case 'reaction':
			return { type: 'ignore' };
		default:
			// Locations, contacts, polls…: not a document, so they get the same answer as a text.
			return { type: 'text' };
	}
}

function choiceIntent(rowId: string): Intent {
	const choice = parsePickerChoice(rowId);
	if (choice.type === 'organisation') return { type: 'chooseOrganisation', organisationId: choice.organisationId };
	if (choice.type === 'page') return { type: 'pickerPage', page: choice.page };
	if (rowId === NUDGE_SHOW_ID) return { type: 'nudgeShow' };
	if (rowId.startsWith(NUDGE_PREFIX) && rowId.length > NUDGE_PREFIX.length) return { type: 'nudgePick', transactionId: rowId.slice(NUDGE_PREFIX.length) };
	const answer = parseAnswerId(rowId);
	if (answer) return { type: 'answer', ...answer };
	return { type: 'text' };
}

function textIntent(body: string): Intent {
	const code = findActivationCode(body);
	if (code) return { type: 'activation', code };
	const word = normaliseWord(body);
	if (STOP.has(word)) return { type: 'stop' };
	if (START.has(word)) return { type: 'start' };
	if (NUDGES_OFF.has(word)) return { type: 'nudgesOff' };
	if (NUDGES_ON.has(word)) return { type: 'nudgesOn' };
	const language = languageFromWord(body);
	if (language) return { type: 'language', language };
	return { type: 'text' };
}
