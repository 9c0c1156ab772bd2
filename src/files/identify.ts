/**
 * Names a refused file more precisely than our own signatures (a ZIP that is a DOCX, an MP4 that is M4A audio)
 * with file-type. Only used for the `detectedType` of rejections, never to accept a file.
 * file-type 21 is ESM-only: the dynamic import stays a real import() in the compiled CommonJS.
 */
export async function identifyWithFileType(bytes: Uint8Array): Promise<{ type: string; mimeType: string } | undefined> {
	try {
		const { fileTypeFromBuffer } = await import('file-type');
		const found = await fileTypeFromBuffer(bytes);
		return found ? { type: found.ext, mimeType: found.mime } : undefined;
	} catch {
		return undefined; // naming is best effort; the verdict does not depend on it
	}
}
