/**
 * The helpers count UTC days whatever the server's zone. Dates sit near midnight on purpose: run this file also with
 * `TZ=Pacific/Kiritimati` (UTC+14, skipped 1994-12-31) and `TZ=America/Adak` (UTC−10/−9, DST on 2026-03-08), where a
 * local-time computation gives another day.
 */
import fc from 'fast-check';

import { calendarDayOf, dayOfIsoDate, dayOfParts, dayOfTime, dayWindow, isoDateOfDay, timestampOf } from '../../../src/common/dates';

const at = (iso: string): number => Date.parse(iso);

describe('UTC days', () => {
	it('gives the UTC day of a moment, changing exactly at UTC midnight', () => {
		expect(dayOfTime(0)).toBe(0);
		expect(dayOfTime(-1)).toBe(-1);
		expect(dayOfTime(at('2026-03-08T23:59:59.999Z'))).toBe(dayOfIsoDate('2026-03-08'));
		expect(dayOfTime(at('2026-03-09T00:00:00.000Z'))).toBe(dayOfIsoDate('2026-03-09'));
		// 23:30 in Paris is still the 10th there, but the 10th at 22:30 UTC.
		expect(isoDateOfDay(dayOfTime(at('2026-03-10T23:30:00+01:00')))).toBe('2026-03-10');
		expect(isoDateOfDay(dayOfTime(at('2026-03-11T00:30:00+01:00')))).toBe('2026-03-10');
	});

	it('validates year, month and day parts as a UTC calendar date', () => {
		expect(dayOfParts(1970, 1, 1)).toBe(0);
		expect(dayOfParts(2024, 2, 29)).toBe(19_782);
		expect(dayOfParts(2023, 2, 29)).toBeNull();
		expect(dayOfParts(2018, 2, 31)).toBeNull();
		expect(dayOfParts(2018, 13, 1)).toBeNull();
		expect(dayOfParts(2018, 0, 1)).toBeNull();
		expect(dayOfParts(2018, 1, 0)).toBeNull();
		expect(dayOfParts(50, 1, 1)).toBeNull();
		expect(dayOfParts(2018, 1.5, 1)).toBeNull();
		expect(dayOfParts(Number.NaN, 1, 1)).toBeNull();
		// Days some zones skipped exist in UTC.
		expect(dayOfParts(1994, 12, 31)).toBe(dayOfParts(1995, 1, 1)! - 1);
		expect(dayOfParts(2011, 12, 30)).toBe(dayOfParts(2011, 12, 31)! - 1);
	});

	it('reads the date a text starts with, as written', () => {
		expect(dayOfIsoDate('1994-12-31')).toBe(9_130);
		expect(dayOfIsoDate('2026-03-10T23:30:00-10:00')).toBe(dayOfIsoDate('2026-03-10'));
		expect(dayOfIsoDate('2026-03-10T00:30:00+14:00')).toBe(dayOfIsoDate('2026-03-10'));
		expect(dayOfIsoDate('2026-02-31')).toBeNull();
		expect(dayOfIsoDate('0050-01-01')).toBeNull();
		expect(dayOfIsoDate('10/03/2026')).toBeNull();
		expect(dayOfIsoDate(' 2026-03-10')).toBeNull();
	});

	it('writes a day back as YYYY-MM-DD, the inverse of reading it', () => {
		expect(isoDateOfDay(0)).toBe('1970-01-01');
		expect(isoDateOfDay(9_130)).toBe('1994-12-31');
		fc.assert(
			fc.property(fc.integer({ min: dayOfParts(1900, 1, 1)!, max: dayOfParts(2199, 12, 31)! }), (day) => dayOfIsoDate(isoDateOfDay(day)) === day),
		);
	});

	it('parses timestamps, or gives null', () => {
		expect(timestampOf('2026-03-10T23:30:00Z')).toBe(Date.UTC(2026, 2, 10, 23, 30));
		expect(timestampOf('2026-03-10')).toBe(Date.UTC(2026, 2, 10));
		expect(timestampOf('not a date')).toBeNull();
		expect(timestampOf(1_700_000_000_000)).toBeNull();
		expect(timestampOf(null)).toBeNull();
	});

	it('gives the calendar day of a date value as written', () => {
		expect(calendarDayOf('2026-03-10')).toBe('2026-03-10');
		expect(calendarDayOf('  2026-03-10T23:30:00+01:00 ')).toBe('2026-03-10');
		expect(calendarDayOf('2026-03-11T00:30:00+14:00')).toBe('2026-03-11');
		expect(calendarDayOf(new Date('2026-03-10T23:59:59.999Z'))).toBe('2026-03-10');
		expect(calendarDayOf(new Date('2026-03-11T00:00:00.000Z'))).toBe('2026-03-11');
		expect(calendarDayOf(new Date('1994-12-31T12:00:00Z'))).toBe('1994-12-31');
		expect(calendarDayOf({ toISO: () => '2024-02-29T08:00:00.000+01:00' })).toBe('2024-02-29');
		expect(calendarDayOf('March 3, 2026 12:00 UTC')).toBe('2026-03-03');
		expect(calendarDayOf('March 3, 2026 23:30 UTC')).toBe('2026-03-03');
		for (const invalid of ['2026-02-31', '0050-01-01', '', '   ', 'soon', new Date(Number.NaN), { toISO: () => null }, 20260310, null, undefined]) {
			expect(calendarDayOf(invalid)).toBeNull();
		}
	});

	it('windows from the first millisecond of the first day to the last of the last, in UTC', () => {
		const day = dayOfIsoDate('2026-03-10')!;
		expect(dayWindow(day, 3, 35)).toEqual({ from: '2026-03-07T00:00:00.000Z', to: '2026-04-14T23:59:59.999Z' });
		expect(dayWindow(day, 0, 0)).toEqual({ from: '2026-03-10T00:00:00.000Z', to: '2026-03-10T23:59:59.999Z' });
		// Across Adak's DST change (2026-03-08) and the day Kiritimati skipped: still whole UTC days.
		expect(dayWindow(dayOfIsoDate('2026-03-08')!, 1, 1)).toEqual({ from: '2026-03-07T00:00:00.000Z', to: '2026-03-09T23:59:59.999Z' });
		expect(dayWindow(dayOfIsoDate('1994-12-31')!, 0, 0)).toEqual({ from: '1994-12-31T00:00:00.000Z', to: '1994-12-31T23:59:59.999Z' });
		expect(dayWindow(dayOfIsoDate('2024-02-28')!, 0, 1).to).toBe('2024-02-29T23:59:59.999Z');
	});
});
