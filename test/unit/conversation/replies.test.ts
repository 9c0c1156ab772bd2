// The reply to a document that failed, in the sender's language, from the file check's or the download's reason.
import { failureReply, waitingReason } from '../../../src/conversation/replies';
import { DEFAULT_TEXTS } from '../../../src/conversation/texts';

const inbox = (language: keyof typeof DEFAULT_TEXTS = 'en') => ({ texts: DEFAULT_TEXTS[language], maxFileSizeMb: 15 });

describe('failure replies', () => {
	test('a file refused by the file check gets its reason, with its values', () => {
		expect(failureReply({ fileCheck: { accepted: false, reason: 'unsupported_type', size: 1200, params: {} } }, inbox())).toEqual({
			reason: 'unsupported_type',
			text: 'This file type is not accepted. Please send a file in one of these formats: PDF, JPEG, PNG, HEIC, HEIF.',
			temporary: false,
			senderCanFix: true,
		});
		expect(failureReply({ fileCheck: { reason: 'image_too_large', size: 5, params: { megapixels: 120, width: 12000, height: 10000 } } }, inbox('de')).text).toBe(
			'Das Bild ist zu groß (120 Megapixel, 12000×10000). Bitte senden Sie ein kleineres Foto oder ein PDF.',
		);
		expect(failureReply({ fileCheck: { reason: 'too_large', size: 16 * 1024 * 1024, params: { limitMb: 15 } } }, inbox('fr')).text).toBe(
			'Le fichier fait 16 Mo, plus que la limite de 15 Mo. Merci d’envoyer un fichier plus petit.',
		);
	});

	test('a download refused for its declared size says the size and the limit', () => {
		const failed = { error: 'The file is 16 MB, larger than the limit of 15 MB', details: { reason: 'file_too_large', declaredBytes: 16 * 1024 * 1024, limitBytes: 15 * 1024 * 1024 } };
		expect(failureReply(failed, inbox())).toEqual({ reason: 'too_large', text: 'The file is 16 MB, larger than the limit of 15 MB. Please send a smaller file.', temporary: false, senderCanFix: true });
	});

	test('anything else (an outage after retries, an unknown reason) is "could not be stored"', () => {
		expect(failureReply({ error: 'Service unavailable', details: { reason: 'error' } }, inbox('it')).text).toBe(DEFAULT_TEXTS.it.notStored);
		expect(failureReply({ fileCheck: { reason: 'made_up' } }, inbox()).reason).toBe('notStored');
		expect(failureReply({}, inbox()).reason).toBe('notStored');
	});

	test('a Mindee failure says the document could not be read, not that Qonto failed', () => {
		expect(failureReply({ error: 'Mindee failed the job', details: { reason: 'mindee_job_failed' } }, inbox('fr'))).toEqual({ reason: 'notRead', text: DEFAULT_TEXTS.fr.notRead, temporary: false, senderCanFix: true });
	});

	test.each([
		['Mindee down', { error: 'Mindee answered 503', details: { reason: 'mindee_unavailable' } }],
		['Qonto down (from the organisation workflow)', { error: 'Qonto refused the request (HTTP 503): Internal server error (after 3 attempts)' }],
		['Qonto unreachable', { error: 'Qonto could not be reached (ECONNREFUSED): connect ECONNREFUSED' }],
		['a stalled host', { error: 'The connection was aborted, perhaps the server is offline' }],
	])('%s is temporary: worth waiting for', (_what, failed) => {
		expect(failureReply(failed, inbox()).temporary).toBe(true);
	});

	test.each([
		['a refused file', { fileCheck: { reason: 'corrupt' } }],
		['a Qonto refusal', { error: 'Qonto refused the request (HTTP 422): invalid file' }],
		['an expired WhatsApp token', { error: 'WhatsApp error 190: token expired' }],
	])('%s is not', (_what, failed) => {
		expect(failureReply(failed, inbox()).temporary).toBe(false);
	});

	test.each([
		['Mindee', { error: 'Mindee answered 503', details: { reason: 'mindee_unavailable' } }, 'mindee'],
		['the media download', { error: 'Could not download media 123: The operation was aborted due to timeout', details: { reason: 'download_failed' } }, 'whatsapp'],
		['the organisation workflow', { error: 'Qonto refused the request (HTTP 503): Internal server error (after 3 attempts)' }, 'qonto'],
	])('an outage of %s says which service the document waits for', (_what, failed, service) => {
		expect(failureReply(failed, inbox())).toMatchObject({ temporary: true, waitingFor: service });
	});

	test('when the sweep gives up, the reply names the service that stayed down and for how long', () => {
		const gaveUp = (service: 'mindee' | 'qonto' | 'whatsapp', language: keyof typeof DEFAULT_TEXTS = 'en') =>
			failureReply({ error: 'No success after 6 attempts', details: { reason: 'gave_up', waitedFor: waitingReason(service, 'HTTP 503'), minutes: 31 } }, inbox(language));
		expect(gaveUp('mindee')).toEqual({
			reason: 'readerUnavailable',
			text: 'Sorry, the document reading service did not answer for 31 minutes, so this document could not be read. Please send it again later.',
			temporary: false,
			senderCanFix: false,
		});
		expect(gaveUp('qonto').text).toBe('Sorry, Qonto did not answer for 31 minutes, so this document could not be stored. Please send it again later.');
		expect(gaveUp('whatsapp', 'de').text).toBe('Leider hat WhatsApp 31 Minuten lang nicht geantwortet, daher konnte dieses Dokument nicht gespeichert werden. Bitte senden Sie es später erneut.');
		// Abandoned by crashes, never waiting for a service: nothing to blame but "not stored".
		expect(failureReply({ details: { reason: 'gave_up', waitedFor: '', minutes: 30 } }, inbox()).reason).toBe('notStored');
	});

	test.each([
		['a node that threw', { error: "The item has no binary field 'dta'" }],
		['a Qonto refusal', { error: 'Qonto refused the request (HTTP 422): invalid file' }],
		['a service that stayed down', { details: { reason: 'gave_up', waitedFor: waitingReason('qonto', 'HTTP 503'), minutes: 30 } }],
	])('%s is for an admin to look at, not for the sender to fix', (_what, failed) => {
		expect(failureReply(failed, inbox()).senderCanFix).toBe(false);
	});
});
