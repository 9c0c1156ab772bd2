/**
 * How each language the bot speaks writes an amount and a day: "1 234,50 EUR" and "12 mars" in French, "12 de marzo"
 * in Spanish, "12. März" in German. Numbers follow the language's conventions (Intl), days are written with date-fns
 * locales; the year is added only when it is not the current one.
 */
import { format } from 'date-fns';
import type { Locale } from 'date-fns/locale';
import { de } from 'date-fns/locale/de';
import { enGB } from 'date-fns/locale/en-GB';
import { es } from 'date-fns/locale/es';
import { fr } from 'date-fns/locale/fr';
import { it } from 'date-fns/locale/it';

import { dayOfIsoDate } from '../common/dates';
import { formatMoneyIn } from '../common/money';
import type { Language } from './languages';

interface LanguageFormats {
	/** BCP 47 tag for numbers. British English: day before month, like the other four. */
	numbers: string;
	dates: Locale;
	/** A day of the current year; other years use the locale's long date (`PPP`: "12 de marzo de 2025"). */
	dayOfThisYear: string;
}

const FORMATS: Record<Language, LanguageFormats> = {
	en: { numbers: 'en-GB', dates: enGB, dayOfThisYear: 'd MMMM' },
	fr: { numbers: 'fr-FR', dates: fr, dayOfThisYear: 'd MMMM' },
	es: { numbers: 'es-ES', dates: es, dayOfThisYear: "d 'de' MMMM" },
	de: { numbers: 'de-DE', dates: de, dayOfThisYear: 'd. MMMM' },
	it: { numbers: 'it-IT', dates: it, dayOfThisYear: 'd MMMM' },
};

/** "23.90 EUR" (en), "23,90 EUR" (fr), "1.000 JPY" (de), "12,345 BHD" (it): the currency's ISO 4217 decimals, its code after. */
export function amountIn(language: Language, minor: number, currency: string | null): string {
	return formatMoneyIn(FORMATS[language].numbers, minor, currency);
}

/**
 * A calendar day (`YYYY-MM-DD`) as the language writes it: "12 March", "12 mars", "12 de marzo", "12. März",
 * "12 marzo"; with the year when it is not `now`'s year (UTC). Null when `day` is no date.
 */
export function dayIn(language: Language, day: string, now: Date): string | null {
	if (dayOfIsoDate(day) === null) return null;
	const [year, month, dayOfMonth] = day.slice(0, 10).split('-').map(Number);
	// date-fns writes a Date's local fields: noon of that day in the server's zone, away from midnight's DST gaps.
	const local = new Date(year, month - 1, dayOfMonth, 12);
	const { dates, dayOfThisYear } = FORMATS[language];
	return format(local, year === now.getUTCFullYear() ? dayOfThisYear : 'PPP', { locale: dates });
}
