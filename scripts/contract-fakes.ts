/**
 * Starts the WhatsApp, Mindee and Qonto contract fakes on 127.0.0.1 and prints their URLs and credentials as JSON.
 * Usage: npx tsx scripts/contract-fakes.ts [--whatsapp-port N] [--mindee-port N] [--qonto-port N]
 *   [--staging-token T]        Qonto sandbox mode: calls without this X-Qonto-Staging-Token get the HTML trap page
 *   [--mindee-link-origin URL] origin of Mindee's polling_url/result_url (default https://api-v2.mindee.net, as the
 *                              real API; pass the fake's own URL for clients that follow those links as given)
 * Stays up until Ctrl-C.
 */
import { startAllFakes } from '../test/contract-fakes';

function flag(name: string): string | undefined {
	const index = process.argv.indexOf(`--${name}`);
	return index >= 0 ? process.argv[index + 1] : undefined;
}

function port(name: string): number | undefined {
	const value = flag(name);
	if (value === undefined) return undefined;
	const parsed = Number(value);
	if (!Number.isInteger(parsed) || parsed < 0 || parsed > 65535) throw new Error(`--${name} must be a port number, got ${value}`);
	return parsed;
}

async function main(): Promise<void> {
	const stagingToken = flag('staging-token');
	const linkOrigin = flag('mindee-link-origin');
	const fakes = await startAllFakes({
		ports: { whatsapp: port('whatsapp-port'), mindee: port('mindee-port'), qonto: port('qonto-port') },
		qonto: stagingToken ? { stagingToken } : {},
		mindee: linkOrigin ? { linkOrigin } : {},
	});
	const samples = fakes.mindee.sampleReceipts().map((sample) => ({ file: sample.fileName, sha256: sample.sha256 }));
	process.stdout.write(`${JSON.stringify({ urls: fakes.urls, credentials: fakes.credentials, sampleReceipts: samples }, null, 2)}\n`);
	const shutdown = () => {
		void fakes.stop().then(() => process.exit(0));
	};
	process.once('SIGINT', shutdown);
	process.once('SIGTERM', shutdown);
}

main().catch((error) => {
	process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
	process.exit(1);
});
