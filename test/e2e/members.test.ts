// Who may use the inbox, for which organisation, in which language: the shipped workflows (inbox, one workflow per
// organisation, onboarding form) in a real n8n against the contract fakes. Every assertion reads what the stand-ins
// recorded (texts, lists, downloads, Mindee calls, Qonto invoices) or the Data Table rows n8n keeps.
import jsQR from 'jsqr';
import { PNG } from 'pngjs';

import { findActivationCode } from '../../src/conversation/activation';
import { ACCEPTED_FORMATS, DEFAULT_TEXTS, fillText } from '../../src/conversation/texts';
import { submitForm } from '../harness';
import { FORM_LOGIN, ana, startInvoiceInbox, waitFor, type InvoiceInbox, type Sender } from '../support/invoiceInbox';

jest.setTimeout(300_000);

const onboardingUrl = (inbox: InvoiceInbox) => inbox.n8n.formUrl(inbox.onboardingWorkflow.id as string, 'Onboarding Form');

/** The activation message inside a wa.me link (the text WhatsApp pre-fills when the member opens it). */
function prefilledMessage(url: string): string {
	const parsed = new URL(url);
	expect(parsed.origin).toBe('https://wa.me');
	return parsed.searchParams.get('text') ?? '';
}

function decodeQr(dataUrl: string): string | undefined {
	const png = PNG.sync.read(Buffer.from(dataUrl.replace(/^data:image\/png;base64,/, ''), 'base64'));
	return jsQR(new Uint8ClampedArray(png.data), png.width, png.height)?.data;
}

describe('members and organisations', () => {
	let inbox: InvoiceInbox;
	beforeAll(async () => {
		inbox = await startInvoiceInbox({ label: 'members-e2e' });
	});
	afterAll(async () => await inbox?.stop());

	const textsTo = (sender: Sender) => inbox.fakes.whatsapp.sentTexts(sender.waId ?? sender.userId ?? '');
	const sentCount = (sender: Sender) => inbox.fakes.whatsapp.sent({ to: sender.waId ?? sender.userId ?? '' }).length;

	test('the onboarding form refuses a request without the admin login', async () => {
		const url = onboardingUrl(inbox);
		expect((await fetch(url)).status).toBe(401);
		const executionsBefore = (await inbox.n8n.listExecutions(inbox.onboardingWorkflow.id as string)).length;
		const refused = await submitForm(url, { 'field-0': 'ACME SAS' });
		expect(refused.status).toBe(401);
		expect(refused.body).not.toContain('wa.me');
		const wrong = await submitForm(url, { 'field-0': 'ACME SAS' }, { basicAuth: { user: FORM_LOGIN.user, password: 'guess' } });
		expect(wrong.status).toBe(401);
		expect(await inbox.n8n.listExecutions(inbox.onboardingWorkflow.id as string)).toHaveLength(executionsBefore);
	});

	test('the onboarding form lists a link and a decodable QR code per active member; the pre-filled message activates', async () => {
		const { acme } = inbox.organisations;
		const page = await submitForm(onboardingUrl(inbox), { 'field-0': 'ACME SAS' }, { basicAuth: FORM_LOGIN });
		expect(page.status).toBe(200);
		expect(page.contentType).toMatch(/text\/html/);
		// Active members only: Carla's membership is revoked.
		for (const name of ['Ana Martin', 'Ben Okafor', 'Chloé Durand']) expect(page.body).toContain(name);
		expect(page.body).not.toContain('Carla Rossi');
		expect(inbox.organisations.acme.qonto.requests({ route: 'memberships.list' }).length).toBeGreaterThan(0);

		const links = [...page.body.matchAll(/href="(https:\/\/wa\.me\/[^"]+)"/g)].map((match) => match[1].replace(/&amp;/g, '&'));
		const qrCodes = [...page.body.matchAll(/<img src="(data:image\/png;base64,[^"]+)"/g)].map((match) => match[1]);
		expect(new Set(links).size).toBe(3);
		expect(qrCodes).toHaveLength(3);
		// Each QR code is the link next to it.
		expect(qrCodes.map(decodeQr).sort()).toEqual([...new Set(links)].sort());

		// Ben opens his link: WhatsApp pre-fills the message, he sends it.
		const benLink = [...new Set(links)].find((link) => findActivationCode(prefilledMessage(link))?.includes(acme.memberships[1].id));
		expect(benLink).toBeDefined();
		const ben: Sender = { waId: '447700900123', userId: 'US.447700900123', name: 'Ben Okafor' };
		const { answer } = await inbox.sendTextAndWaitForAnswer(prefilledMessage(benLink!), 30_000, ben);
		expect(answer).toMatch(/^Welcome, Ben Okafor! Your WhatsApp is now linked to ACME SAS\./);
		expect(answer).toContain('STOP');
		const rows = await inbox.n8n.dataTableRows('whatsapp_members');
		expect(rows.filter((row) => row.waId === ben.waId)).toEqual([
			expect.objectContaining({ organisationId: acme.id, membershipId: acme.memberships[1].id, isDefault: true, subscribed: true, userId: ben.userId }),
		]);

		// Sending the same code again is harmless; the same code from another phone is refused.
		expect((await inbox.sendTextAndWaitForAnswer(prefilledMessage(benLink!), 30_000, ben)).answer).toBe('Your WhatsApp is already linked to ACME SAS. Just send your receipts and invoices.');
		const other: Sender = { waId: '447700900999', userId: 'US.447700900999', name: 'Someone Else' };
		expect((await inbox.sendTextAndWaitForAnswer(prefilledMessage(benLink!), 30_000, other)).answer).toBe(DEFAULT_TEXTS.en.activationUsed);
		expect((await inbox.n8n.dataTableRows('whatsapp_members')).filter((row) => row.membershipId === acme.memberships[1].id)).toHaveLength(1);
	});

	test('a stranger gets one answer a day; their document is not downloaded, read or stored', async () => {
		const { whatsapp, mindee } = inbox.fakes;
		const stranger: Sender = { waId: '12025550147', userId: 'US.12025550147', name: 'Stranger' };
		const downloads = whatsapp.requests({ route: 'media.download' }).length;
		const lookups = whatsapp.requests({ route: 'media.get' }).length;
		const extractions = mindee.requests({ route: 'v2.enqueue' }).length;
		const invoices = inbox.organisations.acme.qonto.supplierInvoices().length + inbox.organisations.globex.qonto.supplierInvoices().length;

		const first = await inbox.sendDocument(inbox.receipts[0].bytes, 'receipt.jpg', 'image/jpeg', { from: stranger });
		expect(await inbox.waitForReply(first, 30_000, stranger)).toBe(DEFAULT_TEXTS.en.accessHowTo);
		const second = await inbox.sendDocument(inbox.receipts[1].bytes, 'receipt2.jpg', 'image/jpeg', { from: stranger });
		const third = await inbox.sendText('hello? please answer', stranger);
		await inbox.waitUntilHandled(second);
		await inbox.waitUntilHandled(third);

		expect(textsTo(stranger)).toHaveLength(1);
		expect(whatsapp.sentReactions(stranger.waId!)).toHaveLength(0);
		expect(whatsapp.requests({ route: 'media.download' })).toHaveLength(downloads);
		expect(whatsapp.requests({ route: 'media.get' })).toHaveLength(lookups);
		expect(mindee.requests({ route: 'v2.enqueue' })).toHaveLength(extractions);
		expect(inbox.organisations.acme.qonto.supplierInvoices().length + inbox.organisations.globex.qonto.supplierInvoices().length).toBe(invoices);
	});

	test('forged, altered and expired codes link nothing and are answered', async () => {
		const { acme } = inbox.organisations;
		const eve: Sender = { waId: '12025550188', userId: 'US.12025550188', name: 'Eve' };
		const forged = inbox.activationMessage(acme, acme.memberships[2].id, { secret: 'not-the-admins-secret-0123456789' });
		expect((await inbox.sendTextAndWaitForAnswer(forged, 30_000, eve)).answer).toBe(DEFAULT_TEXTS.en.activationInvalid);
		const genuine = inbox.activationMessage(acme, acme.memberships[2].id);
		const altered = genuine.replace(acme.memberships[2].id, acme.memberships[0].id);
		expect((await inbox.sendTextAndWaitForAnswer(altered, 30_000, eve)).answer).toBe(DEFAULT_TEXTS.en.activationInvalid);
		const expired = inbox.activationMessage(acme, acme.memberships[2].id, { expiresAt: new Date(Date.now() - 60_000) });
		expect((await inbox.sendTextAndWaitForAnswer(expired, 30_000, eve)).answer).toBe(DEFAULT_TEXTS.en.activationExpired);
		const rows = await inbox.n8n.dataTableRows('whatsapp_members');
		expect(rows.filter((row) => row.waId === eve.waId && row.organisationId)).toEqual([]);
	});

	test('a second organisation: linked, chosen in the list, and the next document lands in its Qonto', async () => {
		const { acme, globex } = inbox.organisations;
		const answer = await inbox.activate(ana, globex, globex.memberships[0].id);
		expect(answer).toBe('Your WhatsApp is now also linked to Globex GmbH. Your documents still go to ACME SAS: write any message to choose another organisation.');

		// Any text from a member of two organisations: the organisation picker.
		const listsBefore = inbox.fakes.whatsapp.sentLists(ana.waId!).length;
		await inbox.sendText('which company?', ana);
		const list = await waitFor(() => inbox.fakes.whatsapp.sentLists(ana.waId!)[listsBefore], 30_000);
		expect(list?.body).toBe('Which organisation should receive your documents? Now: ACME SAS.');
		expect(list?.rows.map((row) => [row.id, row.title])).toEqual([
			[`org:${acme.id}`, 'ACME SAS'],
			[`org:${globex.id}`, 'Globex GmbH'],
		]);

		const textsBefore = textsTo(ana).length;
		await inbox.sendListReply({ id: `org:${globex.id}`, title: 'Globex GmbH' }, ana);
		expect(await waitFor(() => textsTo(ana)[textsBefore]?.body, 30_000)).toBe('Done: your documents now go to Globex GmbH.');

		const acmeInvoices = acme.qonto.supplierInvoices().length;
		const globexInvoices = globex.qonto.supplierInvoices().length;
		const receipt = inbox.receipts[3];
		const messageId = await inbox.sendDocument(receipt.bytes, receipt.fileName, 'image/jpeg', { from: ana });
		expect(await inbox.waitForFinalReaction(messageId)).toBe('✅');
		expect(globex.qonto.supplierInvoices()).toHaveLength(globexInvoices + 1);
		expect(globex.qonto.supplierInvoices().at(-1)?.sha256).toBe(receipt.sha256);
		expect(acme.qonto.supplierInvoices()).toHaveLength(acmeInvoices);
		// Attached to Globex's own card payment.
		const payment = globex.qonto.transactions().find((transaction) => transaction.label === receipt.truth.company.slice(0, 22));
		expect(globex.qonto.attachmentsOf(String(payment?.id)).map((attachment) => attachment.sha256)).toEqual([receipt.sha256]);

		// Back to ACME for the other tests.
		await inbox.sendListReply({ id: `org:${acme.id}`, title: 'ACME SAS' }, ana);
		expect(await waitFor(() => textsTo(ana).find((text) => text.body === 'Done: your documents now go to ACME SAS.'), 30_000)).toBeDefined();
	});

	test('a forged list reply for an organisation the sender is not linked to changes nothing', async () => {
		const { globex } = inbox.organisations;
		const ben: Sender = { waId: '447700900123', userId: 'US.447700900123', name: 'Ben Okafor' };
		const before = await inbox.n8n.dataTableRows('whatsapp_members');
		const messageId = await inbox.sendListReply({ id: `org:${globex.id}`, title: 'Globex GmbH' }, ben);
		expect(await inbox.waitForReply(messageId, 30_000, ben)).toBe('You are not linked to this organisation: nothing was changed.');
		expect(await inbox.n8n.dataTableRows('whatsapp_members')).toEqual(before);
	});

	test('STOP, then a document (nothing processed, nothing sent), then START', async () => {
		const { whatsapp } = inbox.fakes;
		const stop = await inbox.sendText('Stop', ana);
		expect(await inbox.waitForReply(stop, 30_000, ana)).toBe(DEFAULT_TEXTS.en.unsubscribed);
		const rows = (await inbox.n8n.dataTableRows('whatsapp_members')).filter((row) => row.waId === ana.waId);
		expect(rows.length).toBeGreaterThan(0);
		expect(rows.every((row) => row.subscribed === false)).toBe(true);

		const sentBefore = sentCount(ana);
		const downloads = whatsapp.requests({ route: 'media.get' }).length;
		const document = await inbox.sendDocument(inbox.receipts[0].bytes, 'receipt.jpg', 'image/jpeg', { from: ana });
		const text = await inbox.sendText('hello?', ana);
		const stopAgain = await inbox.sendText('STOP', ana);
		for (const id of [document, text, stopAgain]) await inbox.waitUntilHandled(id);
		expect(sentCount(ana)).toBe(sentBefore);
		expect(whatsapp.reactionOn(document)).toBeUndefined();
		expect(whatsapp.requests({ route: 'media.get' })).toHaveLength(downloads);

		const start = await inbox.sendText('START', ana);
		expect(await inbox.waitForReply(start, 30_000, ana)).toBe(DEFAULT_TEXTS.en.resubscribed);
		const again = await inbox.sendDocument(inbox.receipts[0].bytes, 'receipt.jpg', 'image/jpeg', { from: ana });
		expect(await inbox.waitForFinalReaction(again)).toBe('✅');
	});

	test('a French and a German sender are answered in their language', async () => {
		const { acme } = inbox.organisations;
		const chloe: Sender = { waId: '33612345678', userId: 'US.33612345678', name: 'Chloé Durand' };
		expect(await inbox.activate(chloe, acme, acme.memberships[2].id)).toMatch(/^Bienvenue, Chloé Durand ! Votre WhatsApp est maintenant relié à ACME SAS\./);
		expect((await inbox.sendTextAndWaitForAnswer('Bonjour, une question sur ma carte', 30_000, chloe)).answer).toBe(
			'Ce numéro accepte uniquement les reçus et factures fournisseurs : envoyez une photo ou un PDF (PDF, JPEG, PNG, HEIC, HEIF, jusqu’à 15 Mo). Ce n’est pas un service client.',
		);
		const gif = Buffer.from('R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==', 'base64');
		const refused = await inbox.sendDocument(gif, 'beleg.jpg', 'image/jpeg', { from: chloe });
		expect(await inbox.waitForFinalReaction(refused)).toBe('❌');
		expect(await inbox.waitForReply(refused, 30_000, chloe)).toBe(fillText(DEFAULT_TEXTS.fr.unsupported_type, { formats: ACCEPTED_FORMATS }));

		const dieter: Sender = { waId: '4915123456789', userId: 'US.4915123456789', name: 'Dieter Braun' };
		expect((await inbox.sendTextAndWaitForAnswer('Hallo', 30_000, dieter)).answer).toBe(DEFAULT_TEXTS.de.accessHowTo);
	});

	test('a member whose phone number Meta no longer sends keeps access through the user id', async () => {
		const usernameOnly: Sender = { waId: null, userId: ana.userId, name: 'ana.m' };
		const receipt = inbox.receipts[4];
		const messageId = await inbox.sendDocument(receipt.bytes, receipt.fileName, 'image/jpeg', { from: usernameOnly });
		expect(await inbox.waitForFinalReaction(messageId)).toBe('✅');
	});

	test('the directory is a Data Table that survives a restart of n8n', async () => {
		const tables = await inbox.n8n.dataTables();
		expect(tables.map((table) => table.name)).toContain('whatsapp_members');
		const before = await inbox.n8n.dataTableRows('whatsapp_members');
		expect(before.length).toBeGreaterThanOrEqual(4);

		await inbox.n8n.restart();

		expect(await inbox.n8n.dataTableRows('whatsapp_members')).toEqual(before);
		// Members still have access, strangers still do not.
		const receipt = inbox.receipts[0];
		const messageId = await inbox.sendDocument(receipt.bytes, receipt.fileName, 'image/jpeg', { from: ana });
		expect(await inbox.waitForFinalReaction(messageId)).toBe('✅');
		const eve: Sender = { waId: '12025550188', userId: 'US.12025550188', name: 'Eve' };
		expect((await inbox.sendTextAndWaitForAnswer('hi', 30_000, eve)).answer).toBe(DEFAULT_TEXTS.en.accessHowTo);
	});
});
