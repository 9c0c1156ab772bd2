import { lookup } from 'mime-types';

/** Extensions that already say the right thing for a type (kept as the sender wrote them). */
const SYNONYMS: Record<string, string[]> = {
	jpg: ['jpg', 'jpeg', 'jpe', 'jfif'],
	png: ['png'],
	pdf: ['pdf'],
	heic: ['heic'],
	heif: ['heif'],
};

const MAX_NAME_LENGTH = 200;

/**
 * The name to store a file under: the sender's name with an extension that matches the detected (or converted)
 * type — `receipt.heic` → `receipt.jpg`, a PDF named `x.heic` → `x.pdf` — or `document.pdf` / `image.jpg` when
 * there is no usable name. Only a recognised extension is replaced, so `Invoice 2024.03` becomes `Invoice 2024.03.pdf`.
 */
export function outputFileName(declared: string | undefined, extension: string): string {
	const fallback = extension === 'pdf' ? 'document' : 'image';
	// Names come from the sender's phone: drop folders and control characters.
	let name = (declared ?? '').split(/[\\/]/).pop() ?? '';
	name = name.replace(/[\u0000-\u001f\u007f]/g, '').trim();
	const dot = name.lastIndexOf('.');
	if (dot >= 0) {
		const current = name.slice(dot + 1).toLowerCase();
		if (dot > 0 && (SYNONYMS[extension] ?? [extension]).includes(current)) return shorten(name, dot, name.slice(dot + 1));
		if (lookup(current) !== false) name = name.slice(0, dot);
	}
	name = name.replace(/^\.+/, '').trim();
	if (name === '') name = fallback;
	return shorten(`${name}.${extension}`, name.length, extension);
}

function shorten(name: string, baseLength: number, extension: string): string {
	if (name.length <= MAX_NAME_LENGTH) return name;
	return `${name.slice(0, Math.min(baseLength, MAX_NAME_LENGTH - extension.length - 1))}.${extension}`;
}
