export async function sniff(buf: Buffer): Promise<string | undefined> {
	const { fileTypeFromBuffer } = await import('file-type');
	return (await fileTypeFromBuffer(buf))?.mime;
}
