/**
 * Which language the bot answers in: the sender's stored choice, else the country of their phone number, else the
 * workflow's default. Countries are read with libphonenumber-js (maintained metadata), never a prefix table.
 */
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/min';

export const LANGUAGES = ['en', 'fr', 'es', 'de', 'it'] as const;
export type Language = (typeof LANGUAGES)[number];

export function isLanguage(value: unknown): value is Language {
	return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

/**
 * Countries whose main language is one we speak. Multilingual countries get their majority language (Belgium: French
 * for Brussels' business community, Switzerland: German); a sender can always pick another one.
 */
const COUNTRY_LANGUAGE: Partial<Record<CountryCode, Language>> = {
	FR: 'fr', BE: 'fr', LU: 'fr', MC: 'fr', SN: 'fr', CI: 'fr', CM: 'fr', MA: 'fr', TN: 'fr', DZ: 'fr', RE: 'fr', GP: 'fr', MQ: 'fr', GF: 'fr', YT: 'fr', NC: 'fr', PF: 'fr',
	ES: 'es', MX: 'es', AR: 'es', CO: 'es', CL: 'es', PE: 'es', VE: 'es', EC: 'es', UY: 'es', PY: 'es', BO: 'es', CR: 'es', PA: 'es', DO: 'es', GT: 'es', HN: 'es', SV: 'es', NI: 'es', CU: 'es', PR: 'es',
	DE: 'de', AT: 'de', CH: 'de', LI: 'de',
	IT: 'it', SM: 'it', VA: 'it',
	GB: 'en', IE: 'en', US: 'en', CA: 'en', AU: 'en', NZ: 'en', MT: 'en',
};

/** The language of the country of a WhatsApp id (phone digits without "+"), or null when unknown or unsupported. */
export function languageOfPhoneNumber(waId: string | null | undefined): Language | null {
	if (!waId) return null;
	const country = parsePhoneNumberFromString(`+${waId.replace(/\D/g, '')}`)?.country;
	return (country && COUNTRY_LANGUAGE[country]) || null;
}

export function chooseLanguage(stored: string | null | undefined, waId: string | null | undefined, fallback: Language): Language {
	if (isLanguage(stored)) return stored;
	return languageOfPhoneNumber(waId) ?? fallback;
}

/** What a sender writes to pick a language: its own name, in any case, with or without accents. */
const LANGUAGE_WORDS: Record<string, Language> = {
	english: 'en', anglais: 'en', ingles: 'en', englisch: 'en', inglese: 'en',
	francais: 'fr', french: 'fr', frances: 'fr', franzosisch: 'fr', francese: 'fr',
	espanol: 'es', spanish: 'es', espagnol: 'es', spanisch: 'es', spagnolo: 'es', castellano: 'es',
	deutsch: 'de', german: 'de', allemand: 'de', aleman: 'de', tedesco: 'de',
	italiano: 'it', italian: 'it', italien: 'it', italienisch: 'it',
};

/** Upper-case letters without accents and surrounding punctuation, for comparing one-word commands. */
export function normaliseWord(text: string): string {
	return text
		.normalize('NFD')
		.replace(/\p{Diacritic}/gu, '')
		.replace(/[^\p{Letter}\p{Number} ]/gu, ' ')
		.replace(/\s+/g, ' ')
		.trim()
		.toUpperCase();
}

export function languageFromWord(text: string): Language | null {
	return LANGUAGE_WORDS[normaliseWord(text).toLowerCase()] ?? null;
}
