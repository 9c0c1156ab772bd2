import { sniff } from '../../src/probeEsm';
test('esm', async () => {
	expect(await sniff(Buffer.from('%PDF-1.4\n%%EOF'))).toBe('application/pdf');
	const m = await import('mindee');
	expect(typeof m.Client).toBe('function');
});
