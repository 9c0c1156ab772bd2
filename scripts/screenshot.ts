/**
 * The README's picture of the shipped inbox workflow, made from the demo's n8n: the stand-ins and n8n start as for
 * `npm run demo`, Debian's Chromium (installed with apt-get when missing) opens the workflow in the n8n editor as the
 * owner, fits it to the window and saves workflows/invoice-inbox.png.
 *
 *   npm run screenshot [-- --out FILE]
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { chromium } from 'playwright-core';

import { REPO_ROOT } from '../test/harness';
import { startInvoiceInbox } from '../test/support/invoiceInbox';

const CHROMIUM = '/usr/bin/chromium';
const VIEWPORT = { width: 1920, height: 1080 };
const say = (line: string) => process.stdout.write(`${line}\n`);

function flag(name: string): string | undefined {
	const index = process.argv.indexOf(`--${name}`);
	return index >= 0 ? process.argv[index + 1] : undefined;
}

/** Debian's chromium package, installed as root (or through sudo without a password) when it is missing. */
function ensureChromium(): void {
	if (existsSync(CHROMIUM)) return;
	const manual = 'apt-get update && apt-get install -y --no-install-recommends chromium';
	const prefix = process.getuid?.() === 0 ? [] : ['sudo', '-n'];
	say(`Chromium not found: installing Debian's chromium package${prefix.length ? ' through sudo' : ''}…`);
	for (const args of [['update'], ['install', '-y', '--no-install-recommends', 'chromium']]) {
		const [command, ...rest] = [...prefix, 'env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get', ...args];
		const result = spawnSync(command, rest, { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8', timeout: 15 * 60_000 });
		if (result.status !== 0) throw new Error(`Installing Chromium failed; run it yourself as root: ${manual}\n${result.stderr ?? result.error?.message ?? ''}`);
	}
}

async function main() {
	const out = flag('out') ?? join(REPO_ROOT, 'workflows', 'invoice-inbox.png');
	ensureChromium();
	say('Starting the stand-ins and n8n with the shipped workflows…');
	const inbox = await startInvoiceInbox({ label: 'screenshot', activateSender: false });
	const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
	try {
		const context = await browser.newContext({ viewport: VIEWPORT, deviceScaleFactor: 1 });
		const [name, ...value] = inbox.n8n.auth.cookie.split(';')[0].split('=');
		await context.addCookies([{ name, value: value.join('='), url: inbox.n8n.baseUrl }]);
		const page = await context.newPage();
		await page.goto(`${inbox.n8n.baseUrl}/workflow/${inbox.workflow.id}`, { waitUntil: 'networkidle' });
		// The canvas drawn, then n8n's own "zoom to fit".
		await page.locator('[data-test-id="canvas-node"]').first().waitFor({ timeout: 60_000 });
		// n8n's "Production Checklist" opens over the canvas for a published workflow: close it.
		const checklist = page.getByText('Production Checklist', { exact: true });
		const shown = await checklist.waitFor({ timeout: 10_000 }).then(() => true, () => false);
		if (shown) {
			const title = await checklist.boundingBox();
			// Its close button: the nearest button right of the title, on the title's row, inside the panel.
			for (const button of await page.locator('button').all()) {
				const box = await button.boundingBox();
				if (title && box && Math.abs(box.y + box.height / 2 - (title.y + title.height / 2)) < 12 && box.x > title.x && box.x < title.x + 400) {
					await button.click();
					break;
				}
			}
		}
		await page.locator('[data-test-id="zoom-to-fit"]').click();
		await page.waitForTimeout(1_000); // the fit is animated
		await page.screenshot({ path: out });
		say(`Saved ${out}`);
	} finally {
		await browser.close();
		await inbox.stop();
	}
}

main().catch((error: unknown) => {
	process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
	process.exit(1);
});
