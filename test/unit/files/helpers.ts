import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const CORPUS = join(__dirname, '../../fixtures/files');

export function corpusFile(name: string): Buffer {
	return readFileSync(join(CORPUS, name));
}

/**
 * Grows a classic-xref PDF to exactly `size` bytes with comment lines placed before its `xref` table, and moves
 * `startxref` accordingly, so the result is still a valid PDF (used for the limit cases, which are not committed).
 */
export function padPdf(pdf: Buffer, size: number): Buffer {
	const text = pdf.toString('latin1');
	const xrefAt = text.lastIndexOf('\nxref\n') + 1;
	const startxref = /startxref\s+(\d+)/.exec(text.slice(xrefAt));
	if (xrefAt <= 0 || !startxref) throw new Error('not a classic-xref PDF');
	const build = (padding: number): Buffer => {
		const line = '%' + 'x'.repeat(1022) + '\n';
		let pad = line.repeat(Math.floor(padding / line.length));
		const rest = padding - pad.length;
		if (rest > 0) pad += rest === 1 ? '\n' : '%' + 'y'.repeat(rest - 2) + '\n';
		const tail = text.slice(xrefAt).replace(/startxref\s+\d+/, `startxref\n${xrefAt + padding}`);
		return Buffer.from(text.slice(0, xrefAt) + pad + tail, 'latin1');
	};
	let padding = size - pdf.length;
	let out = build(padding);
	for (let i = 0; out.length !== size && i < 4; i++) {
		padding += size - out.length;
		out = build(padding);
	}
	if (out.length !== size) throw new Error(`could not pad to ${size}`);
	return out;
}
