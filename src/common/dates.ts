/**
 * Calendar days in UTC, as day numbers (whole days since 1970-01-01).
 *
 * UTC only, on purpose: a receipt's date is a calendar date without a zone ("2024-05-03") and Qonto's timestamps are
 * UTC, so both are compared as UTC days, and the zone of the machine n8n runs on must not move a payment to another
 * day or make a date invalid. date-fns's calendar functions (`addDays`, `startOfDay`, `differenceInCalendarDays`,
 * `isExists`…) read and write a Date's *local* fields: on a server in America/Adak a UTC midnight is the afternoon
 * before, and Pacific/Kiritimati skipped 1994-12-31, so `isExists(1994, 11, 31)` is false there. So this module
 * takes only date-fns's zone-free parts and counts days on UTC timestamps; its unit test
 * (test/unit/common/dates.test.ts) is meant to pass under `TZ=Pacific/Kiritimati` and `TZ=America/Adak` too.
 */
import { isValid } from 'date-fns';
import { millisecondsInDay } from 'date-fns/constants';

/** `YYYY-MM-DD` at the start of a text: a date, or the date of an ISO timestamp as written. */
const ISO_DATE_PREFIX = /^(\d{4})-(\d{2})-(\d{2})/;

/** The UTC day of a moment given in milliseconds since 1970. */
export function dayOfTime(ms: number): number {
	return Math.floor(ms / millisecondsInDay);
}

/**
 * The day of a year, month (1–12) and day of the month when they name a real date, else null: 2018-02-31 is no date,
 * nor is a year before 100 (`Date.UTC` would read 50 as 1950).
 */
export function dayOfParts(year: number, month: number, day: number): number | null {
	const date = new Date(Date.UTC(year, month - 1, day));
	if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return null;
	return dayOfTime(date.getTime());
}

/** The day of the `YYYY-MM-DD` a text starts with (so the date of a timestamp as written, whatever its offset), or null. */
export function dayOfIsoDate(text: string): number | null {
	const match = ISO_DATE_PREFIX.exec(text);
	return match ? dayOfParts(Number(match[1]), Number(match[2]), Number(match[3])) : null;
}

/** `YYYY-MM-DD` of a day. */
export function isoDateOfDay(day: number): string {
	return new Date(day * millisecondsInDay).toISOString().slice(0, 10);
}

/**
 * Milliseconds since 1970 of a timestamp text, or null. As `Date.parse` reads it: a timestamp with `Z` or an offset
 * (what Qonto sends) is exact; one without a zone is read in the server's zone.
 */
export function timestampOf(value: unknown): number | null {
	if (typeof value !== 'string') return null;
	const time = Date.parse(value);
	return Number.isFinite(time) ? time : null;
}

/**
 * The calendar day (`YYYY-MM-DD`) of a date value as written (a receipt date, an ISO timestamp, a Date, a Luxon
 * DateTime): the date part of a text that starts with one, else the UTC day of what `Date.parse` reads. Null when it
 * is no date (2026-02-31, empty, not a date value).
 */
export function calendarDayOf(value: unknown): string | null {
	let text: string | null = null;
	if (value instanceof Date) text = isValid(value) ? value.toISOString() : null;
	else if (typeof value === 'string') text = value.trim();
	else if (typeof value === 'object' && value !== null && typeof (value as { toISO?: unknown }).toISO === 'function') {
		const iso = (value as { toISO: () => unknown }).toISO();
		text = typeof iso === 'string' ? iso : null;
	}
	if (!text) return null;
	const match = ISO_DATE_PREFIX.exec(text);
	if (!match) {
		const parsed = Date.parse(text);
		return Number.isNaN(parsed) ? null : isoDateOfDay(dayOfTime(parsed));
	}
	return dayOfIsoDate(text) === null ? null : match[0];
}

/**
 * From the first millisecond of the day `daysBefore` days before `day` to the last millisecond of the day `daysAfter`
 * days after it, both included, as ISO timestamps in UTC.
 */
export function dayWindow(day: number, daysBefore: number, daysAfter: number): { from: string; to: string } {
	return {
		from: new Date((day - daysBefore) * millisecondsInDay).toISOString(),
		to: new Date((day + daysAfter + 1) * millisecondsInDay - 1).toISOString(),
	};
}
