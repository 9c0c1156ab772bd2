import { toBuffer } from 'qrcode';

import { createActivationCode, findActivationCode } from './activation';

export interface ActivationLinkInput {
	businessNumber: string;
	organisationId: string;
	organisationName: string;
	membershipId: string;
	memberName: string;
	expiresAt: Date;
	messageTemplate: string;
}

export interface ActivationLink {
	memberName: string;
	membershipId: string;
	organisationId: string;
	code: string;
	message: string;
	url: string;
	/** ISO 8601, at the second the code really expires (codes carry whole seconds). */
	expiresAt: string;
}

const MIN_PHONE_DIGITS = 8;
// E.164 caps international numbers at 15 digits; wa.me wants exactly that form, without "+" or leading zeros.
const MAX_PHONE_DIGITS = 15;
const PLACEHOLDER = /\{(organisation|code|member)\}/g;

function phoneDigits(businessNumber: string): string {
	const digits = businessNumber.replace(/\D/g, '');
	if (digits.length < MIN_PHONE_DIGITS || digits.length > MAX_PHONE_DIGITS) {
		throw new RangeError(
			`The WhatsApp business number must hold ${MIN_PHONE_DIGITS} to ${MAX_PHONE_DIGITS} digits in international format (e.g. +33 6 12 34 56 78)`,
		);
	}
	return digits;
}

export function buildActivationLink(input: ActivationLinkInput, secret: string): ActivationLink {
	const digits = phoneDigits(input.businessNumber);
	const code = createActivationCode(
		{ organisationId: input.organisationId, membershipId: input.membershipId, expiresAt: input.expiresAt },
		secret,
	);
	const trimmed = input.messageTemplate.trimEnd();
	const template = trimmed.includes('{code}') ? trimmed : trimmed === '' ? '{code}' : `${trimmed} {code}`;
	// One pass with a function replacer: names are inserted literally (no `$&` expansion) and a name that happens to
	// contain "{code}" is not substituted again.
	const values: Record<string, string> = { organisation: input.organisationName, code, member: input.memberName };
	const message = template.replace(PLACEHOLDER, (_whole, key: string) => values[key]);
	// The workflow reads the first code in the message: refuse a template or name that would hide ours.
	if (findActivationCode(message) !== code) {
		throw new RangeError('The message template must leave the activation code separated from the surrounding words');
	}
	const expirySeconds = Math.floor(input.expiresAt.getTime() / 1000);
	return {
		memberName: input.memberName,
		membershipId: input.membershipId,
		organisationId: input.organisationId,
		code,
		message,
		url: `https://wa.me/${digits}?text=${encodeURIComponent(message)}`,
		expiresAt: new Date(expirySeconds * 1000).toISOString(),
	};
}

/** A PNG QR code for the link; level M and a 512 px image scan well from a screen or a printout. */
export async function qrCodePng(url: string): Promise<Buffer> {
	return await toBuffer(url, { type: 'png', errorCorrectionLevel: 'M', margin: 2, width: 512 });
}

function escapeHtml(text: string): string {
	return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A file name stem without accents, spaces or path characters. */
export function safeFileName(text: string, fallback: string): string {
	const slug = text
		.normalize('NFKD')
		.replace(/[\u0300-\u036f]/g, '')
		.replace(/[^A-Za-z0-9_-]+/g, '-')
		.replace(/-{2,}/g, '-')
		.replace(/^-|-$/g, '')
		.slice(0, 60);
	return slug === '' ? fallback : slug;
}

function displayDate(iso: string): string {
	// Fixed UTC rendering: the page is generated on a server whose locale and time zone say nothing of the reader's.
	return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

function csvField(value: string): string {
	return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** Spreadsheets run cells starting with these as formulas; member names come from Qonto, so neutralise them. */
function neutraliseFormula(value: string): string {
	return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/** RFC 4180: comma-separated, CRLF line ends, fields quoted when they hold a comma, quote or line break. */
export function activationCsv(links: ActivationLink[]): string {
	const rows = [['member', 'membership id', 'link', 'expires']];
	for (const link of links) rows.push([neutraliseFormula(link.memberName), link.membershipId, link.url, link.expiresAt]);
	return rows.map((row) => row.map(csvField).join(',')).join('\r\n') + '\r\n';
}

const STYLE = `
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:#1b1b1b;max-width:820px;margin:2rem auto;padding:0 1rem;line-height:1.45}
h1{font-size:1.6rem;margin-bottom:.5rem}
.notice{background:#fff7e0;border:1px solid #e6c35c;border-radius:6px;padding:.75rem 1rem}
.csv{display:inline-block;margin:.5rem 0 1.5rem}
section{border:1px solid #ddd;border-radius:8px;padding:1rem;margin:1rem 0;page-break-inside:avoid;break-inside:avoid}
section h2{font-size:1.2rem;margin:0 0 .5rem}
section img{display:block;width:256px;height:256px;image-rendering:pixelated}
.link{word-break:break-all;font-size:.85rem}
`.trim();

/** A self-contained page (no external resources, no script) with each member's link, QR code and expiry. */
export async function activationPage(
	links: Array<ActivationLink & { qrPng: Buffer }>,
	options: { organisationName: string; title?: string },
): Promise<string> {
	const organisation = options.organisationName;
	const title = options.title ?? `Activation links — ${organisation}`;
	// BOM so that spreadsheet programs read the accents in member names as UTF-8.
	const csvHref = `data:text/csv;charset=utf-8,${encodeURIComponent('\uFEFF' + activationCsv(links))}`;
	const csvName = `activation-links-${safeFileName(organisation, 'organisation')}.csv`;
	const usedNames = new Map<string, number>();
	const sections = links.map((link) => {
		const stem = `qr-${safeFileName(link.memberName, safeFileName(link.membershipId, 'member'))}`;
		const seen = (usedNames.get(stem) ?? 0) + 1;
		usedNames.set(stem, seen);
		const fileName = seen === 1 ? stem : `${stem}-${seen}`;
		const png = `data:image/png;base64,${link.qrPng.toString('base64')}`;
		const name = escapeHtml(link.memberName);
		return [
			'<section>',
			`<h2>${name}</h2>`,
			`<img src="${png}" alt="QR code for ${name}" width="256" height="256">`,
			`<p class="link"><a href="${escapeHtml(link.url)}">${escapeHtml(link.url)}</a></p>`,
			`<p>Expires: <time datetime="${escapeHtml(link.expiresAt)}">${escapeHtml(displayDate(link.expiresAt))}</time></p>`,
			`<p><a download="${escapeHtml(fileName)}.png" href="${png}">Download the QR code (PNG)</a></p>`,
			'</section>',
		].join('\n');
	});
	return [
		'<!DOCTYPE html>',
		'<html lang="en">',
		'<head>',
		'<meta charset="utf-8">',
		// Defence in depth: even if some text slipped through unescaped, no script or remote resource would load.
		`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'">`,
		'<meta name="viewport" content="width=device-width, initial-scale=1">',
		'<meta name="robots" content="noindex">',
		`<title>${escapeHtml(title)}</title>`,
		`<style>${STYLE}</style>`,
		'</head>',
		'<body>',
		`<h1>${escapeHtml(title)}</h1>`,
		'<p class="notice">Send each member <strong>their own</strong> link or QR code, privately: it is a key to ' +
			`${escapeHtml(organisation)}'s books. Each code works for one WhatsApp account and expires on the date shown.</p>`,
		`<a class="csv" download="${escapeHtml(csvName)}" href="${escapeHtml(csvHref)}">Download all links (CSV)</a>`,
		sections.length > 0 ? sections.join('\n') : '<p>No members.</p>',
		'</body>',
		'</html>',
		'',
	].join('\n');
}
