import jsQR from 'jsqr';
import { PNG } from 'pngjs';

import { verifyActivationCode, findActivationCode } from '../../../src/conversation/activation';
import {
	activationCsv,
	activationPage,
	buildActivationLink,
	qrCodePng,
	type ActivationLink,
	type ActivationLinkInput,
} from '../../../src/conversation/links';

const SECRET = 'a-long-enough-activation-secret';
const NOW = new Date('2029-12-31T12:00:00Z');
// Drawing and decoding 512 px QR codes is CPU-bound and much slower under jest's VM modules than in plain node.
const QR_TIMEOUT = 60_000;
const TEMPLATE = 'Hello! I want to send my receipts to {organisation}. My activation code: {code}';

const base: ActivationLinkInput = {
	businessNumber: '+33 6 12 34 56 78',
	organisationId: 'acme-sas-1234',
	organisationName: 'ACME SAS',
	membershipId: 'c9f9f051-7558-451c-b310-f4b8521424aa',
	memberName: 'Alice Martin',
	expiresAt: new Date('2030-01-01T12:00:00.250Z'),
	messageTemplate: TEMPLATE,
};

function decodeQr(png: Buffer): string | null {
	const image = PNG.sync.read(png);
	return jsQR(new Uint8ClampedArray(image.data), image.width, image.height)?.data ?? null;
}

function textParameter(url: string): string {
	return new URL(url).searchParams.get('text') ?? '';
}

describe('activation links', () => {
	it('builds a wa.me link whose text holds a code that verifies', () => {
		const link = buildActivationLink(base, SECRET);
		expect(link.url.startsWith('https://wa.me/33612345678?text=')).toBe(true);
		expect(new URL(link.url).pathname).toBe('/33612345678');
		const text = textParameter(link.url);
		expect(text).toBe(link.message);
		expect(text).toBe(`Hello! I want to send my receipts to ACME SAS. My activation code: ${link.code}`);
		const code = findActivationCode(text);
		expect(code).toBe(link.code);
		expect(verifyActivationCode(code ?? '', SECRET, NOW)).toMatchObject({
			ok: true,
			organisationId: 'acme-sas-1234',
			membershipId: base.membershipId,
		});
		expect(link).toMatchObject({
			memberName: 'Alice Martin',
			membershipId: base.membershipId,
			organisationId: 'acme-sas-1234',
			expiresAt: '2030-01-01T12:00:00.000Z',
		});
	});

	it('appends the code when the template forgets it, and fills {member}', () => {
		const link = buildActivationLink({ ...base, messageTemplate: 'Hi {member}, welcome to {organisation}!  ' }, SECRET);
		expect(link.message).toBe(`Hi Alice Martin, welcome to ACME SAS! ${link.code}`);
		expect(buildActivationLink({ ...base, messageTemplate: '' }, SECRET).message).toMatch(/^QW1\./);
	});

	it('inserts names literally, once', () => {
		const link = buildActivationLink({ ...base, organisationName: "$& {code} $' Co", memberName: '{organisation}', messageTemplate: '{member} / {organisation} / {code}' }, SECRET);
		expect(link.message).toBe(`{organisation} / $& {code} $' Co / ${link.code}`);
		expect(findActivationCode(textParameter(link.url))).toBe(link.code);
	});

	it('refuses a template that glues the code to a word', () => {
		expect(() => buildActivationLink({ ...base, messageTemplate: 'code:{code}x' }, SECRET)).toThrow(RangeError);
	});

	it('keeps only the digits of the business number and refuses short ones', () => {
		expect(buildActivationLink({ ...base, businessNumber: '(+44) 20-7946-0958' }, SECRET).url).toMatch(/^https:\/\/wa\.me\/442079460958\?text=/);
		expect(() => buildActivationLink({ ...base, businessNumber: '+33 6 12' }, SECRET)).toThrow(RangeError);
		expect(() => buildActivationLink({ ...base, businessNumber: '' }, SECRET)).toThrow(RangeError);
		expect(() => buildActivationLink({ ...base, businessNumber: '1234567890123456' }, SECRET)).toThrow(RangeError);
	});

	it('passes activation-code errors through', () => {
		expect(() => buildActivationLink({ ...base, membershipId: 'not valid' }, SECRET)).toThrow(RangeError);
		expect(() => buildActivationLink(base, 'short')).toThrow(RangeError);
	});

	it('draws a QR code that decodes to exactly the URL', async () => {
		const link = buildActivationLink({ ...base, organisationName: 'Société Générale & Fils', memberName: 'Zoë' }, SECRET);
		const png = await qrCodePng(link.url);
		expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
		const image = PNG.sync.read(png);
		expect(image.width).toBeGreaterThanOrEqual(500);
		expect(decodeQr(png)).toBe(link.url);
	}, QR_TIMEOUT);
});

describe('activation page and CSV', () => {
	const members = [
		{ memberName: '<script>alert(1)</script> & "Bob"', membershipId: '11111111-1111-4111-8111-111111111111' },
		{ memberName: 'Élodie, "Lo" Durand', membershipId: '22222222-2222-4222-8222-222222222222' },
		{ memberName: 'Élodie, "Lo" Durand', membershipId: '33333333-3333-4333-8333-333333333333' },
	];
	let links: Array<ActivationLink & { qrPng: Buffer }>;
	let html: string;

	beforeAll(async () => {
		links = await Promise.all(
			members.map(async (member) => {
				const link = buildActivationLink({ ...base, ...member, messageTemplate: `Hi, I am {member}. ${TEMPLATE}` }, SECRET);
				return { ...link, qrPng: await qrCodePng(link.url) };
			}),
		);
		html = await activationPage(links, { organisationName: 'ACME <SAS>' });
	}, QR_TIMEOUT);

	it('is a self-contained UTF-8 document with the expected title', () => {
		expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
		expect(html).toContain('<meta charset="utf-8">');
		expect(html).toContain('<title>Activation links — ACME &#60;SAS&#62;</title>');
		// Images and downloads are inline data; the only outside address is each member's own wa.me link.
		for (const [, attribute, value] of html.matchAll(/\b(src|href)="([^"]*)"/g)) {
			expect(attribute === 'src' ? value.startsWith('data:image/png;base64,') : /^(data:|https:\/\/wa\.me\/)/.test(value)).toBe(true);
		}
		expect(html).not.toMatch(/<(link|script)\b/);
		expect(html).toMatch(/privately/);
		expect(html).toMatch(/one WhatsApp account/);
	});

	it('honours a custom title', async () => {
		expect(await activationPage([], { organisationName: 'ACME', title: 'Codes & links' })).toContain('<title>Codes &#38; links</title>');
	});

	it('escapes member names', () => {
		expect(html).not.toContain('<script>');
		expect(html).not.toContain('"Bob"');
		expect(html).toContain('&#60;script&#62;alert(1)&#60;/script&#62; &#38; &#34;Bob&#34;');
		expect(html).toContain('alt="QR code for &#60;script&#62;alert(1)&#60;/script&#62; &#38; &#34;Bob&#34;"');
	});

	it('holds one QR image per member that decodes to that member’s link', () => {
		const images = [...html.matchAll(/<img src="data:image\/png;base64,([A-Za-z0-9+/=]+)" alt="QR code for ([^"]*)"/g)];
		expect(images).toHaveLength(links.length);
		images.forEach((image, index) => {
			expect(decodeQr(Buffer.from(image[1], 'base64'))).toBe(links[index].url);
		});
	}, QR_TIMEOUT);

	it('links each member’s URL and offers the PNG and CSV downloads', () => {
		for (const link of links) {
			expect(html).toContain(`<a href="${link.url.replace(/'/g, '&#39;')}">`);
			expect(html).toContain(`datetime="${link.expiresAt}"`);
		}
		expect(html).toContain('2030-01-01 12:00 UTC');
		const downloads = [...html.matchAll(/<a download="([^"]+\.png)" href="data:image\/png;base64,([^"]+)"/g)];
		expect(downloads.map((d) => d[1])).toEqual(['qr-script-alert-1-script-Bob.png', 'qr-Elodie-Lo-Durand.png', 'qr-Elodie-Lo-Durand-2.png']);
		downloads.forEach((download, index) => expect(Buffer.from(download[2], 'base64').equals(links[index].qrPng)).toBe(true));
		const csv = /<a class="csv" download="activation-links-ACME-SAS\.csv" href="data:text\/csv;charset=utf-8,([^"]+)"/.exec(html);
		expect(csv).not.toBeNull();
		expect(decodeURIComponent(csv?.[1] ?? '')).toBe('\uFEFF' + activationCsv(links));
	});

	it('writes an RFC 4180 CSV', () => {
		const csv = activationCsv(links);
		const lines = csv.split('\r\n');
		expect(lines[0]).toBe('member,membership id,link,expires');
		expect(lines[2]).toBe(`"Élodie, ""Lo"" Durand",${members[1].membershipId},${links[1].url},2030-01-01T12:00:00.000Z`);
		expect(lines).toHaveLength(links.length + 2);
		expect(lines[lines.length - 1]).toBe('');
		expect(activationCsv([])).toBe('member,membership id,link,expires\r\n');
	});

	it('quotes line breaks and neutralises formulas in member names', () => {
		const [link] = links;
		const csv = activationCsv([{ ...link, memberName: '=HYPERLINK("http://x")' }, { ...link, memberName: 'two\nlines' }]);
		const lines = csv.split('\r\n');
		expect(lines[1].startsWith(`"'=HYPERLINK(""http://x"")",`)).toBe(true);
		expect(lines[2]).toBe(`"two\nlines",${link.membershipId},${link.url},${link.expiresAt}`);
	});
});
