import { ascii, type ImageInfo, type Problem, problem, u16, u32, uint } from './bytes';

/**
 * HEIF (ISO/IEC 23008-12) inspection: brands from `ftyp`, then the `meta` box of the still image — primary item
 * (`pitm`), item types (`iinf`), derivations (`iref`), size and rotation (`ispe`, `irot` via `ipma`) and the data
 * extents (`iloc`). The type is decided from the coded content, not only the brand: an AVIF also lists `mif1`,
 * and MP4/MOV/3GP videos share the `ftyp` box.
 */

/** Brands of HEVC-coded HEIF files ("HEIC"): stills heic/heix (Main, Main 10/RExt), heim/heis (multi-layer, scalable), and the image-sequence brands. */
const HEVC_STILL_BRANDS = new Set(['heic', 'heix', 'heim', 'heis']);
const HEVC_SEQUENCE_BRANDS = new Set(['hevc', 'hevx', 'hevm', 'hevs']);
/** Generic, codec-neutral brands: mif1/mif2 image, msf1 sequence, miaf (MIAF profile). */
const GENERIC_STILL_BRANDS = new Set(['mif1', 'mif2', 'miaf']);
const GENERIC_SEQUENCE_BRANDS = new Set(['msf1']);
const OTHER_HEIF_BRANDS = new Set(['avif', 'avis', 'avci', 'avcs', 'jpeg', 'jpgs', 'vvic', 'vvis', 'j2ki', 'j2is']);

/** Major brands of ISO-BMFF files that are not HEIF images, with a name for the rejection. */
const VIDEO_AUDIO_BRANDS: Record<string, { type: string; mime: string }> = {
	'qt  ': { type: 'mov', mime: 'video/quicktime' },
	'M4A ': { type: 'm4a', mime: 'audio/mp4' },
	'M4B ': { type: 'm4a', mime: 'audio/mp4' },
	'M4P ': { type: 'm4a', mime: 'audio/mp4' },
	'M4V ': { type: 'm4v', mime: 'video/x-m4v' },
	'crx ': { type: 'cr3', mime: 'image/x-canon-cr3' },
};

export interface Brands {
	major: string;
	compatible: string[];
}

export function readBrands(bytes: Uint8Array): Brands | undefined {
	if (bytes.length < 16 || ascii(bytes, 4, 8) !== 'ftyp') return undefined;
	const size = Math.min(u32(bytes, 0), bytes.length);
	const compatible: string[] = [];
	for (let at = 16; at + 4 <= size; at += 4) compatible.push(ascii(bytes, at, at + 4));
	return { major: ascii(bytes, 8, 12), compatible };
}

function isHeifBrand(brand: string): boolean {
	return (
		HEVC_STILL_BRANDS.has(brand) ||
		HEVC_SEQUENCE_BRANDS.has(brand) ||
		GENERIC_STILL_BRANDS.has(brand) ||
		GENERIC_SEQUENCE_BRANDS.has(brand) ||
		OTHER_HEIF_BRANDS.has(brand)
	);
}

/** Whether the brands announce a HEIF/AVIF image container (then the content decides); otherwise it is video/audio or unknown. */
export function hasHeifBrand(brands: Brands): boolean {
	return isHeifBrand(brands.major) || brands.compatible.some(isHeifBrand);
}

/** Names a non-HEIF ISO-BMFF file (MP4, MOV, 3GP, M4A…) from its major brand. */
export function nameIsoMedia(brands: Brands): { type: string; mime: string } {
	const known = VIDEO_AUDIO_BRANDS[brands.major];
	if (known) return known;
	if (brands.major.startsWith('3g2')) return { type: '3g2', mime: 'video/3gpp2' };
	if (brands.major.startsWith('3gp') || brands.major.startsWith('3ge') || brands.major.startsWith('3gg')) {
		return { type: '3gp', mime: 'video/3gpp' };
	}
	if (brands.major === 'avif' || brands.major === 'avis') return { type: 'avif', mime: 'image/avif' };
	return { type: 'mp4', mime: 'video/mp4' };
}

interface Box {
	type: string;
	/** First byte of the content (after size, type and any 64-bit size). */
	content: number;
	end: number;
}

/** Lists the boxes in [start, end); `overrun` is set when a box claims more bytes than its container has. */
function readBoxes(bytes: Uint8Array, start: number, end: number): { boxes: Box[]; overrun?: string } {
	const boxes: Box[] = [];
	let pos = start;
	while (pos + 8 <= end) {
		let size = u32(bytes, pos);
		const type = ascii(bytes, pos + 4, pos + 8);
		let header = 8;
		if (size === 1) {
			if (pos + 16 > end) return { boxes, overrun: type };
			size = uint(bytes, pos + 8, 8);
			header = 16;
		} else if (size === 0) {
			size = end - pos; // extends to the end of the container
		}
		if (size < header) return { boxes, overrun: type };
		if (pos + size > end) return { boxes, overrun: type };
		boxes.push({ type, content: pos + header, end: pos + size });
		pos += size;
	}
	return { boxes };
}

interface Item {
	type: string;
	hidden: boolean;
}

interface Reference {
	type: string;
	from: number;
	to: number[];
}

interface MetaBoxes {
	primary?: number;
	items: Map<number, Item>;
	references: Reference[];
	properties: Box[];
	associations: Map<number, number[]>;
	extents: { item: number; method: number; offset: number; length: number }[];
}

/** Full boxes start with a version byte and 24 flag bits. */
function versionOf(bytes: Uint8Array, box: Box): number {
	return bytes[box.content];
}

function flagsOf(bytes: Uint8Array, box: Box): number {
	return (bytes[box.content + 1] << 16) | (bytes[box.content + 2] << 8) | bytes[box.content + 3];
}

class Truncated extends Error {}

function need(box: Box, at: number, size: number): void {
	if (at + size > box.end) throw new Truncated(`'${box.type}' box is shorter than its fields`);
}

function parseMeta(bytes: Uint8Array, meta: Box): MetaBoxes | Problem {
	const children = readBoxes(bytes, meta.content + 4, meta.end);
	if (children.overrun) return problem('corrupt', `HEIF: '${children.overrun}' box overruns the 'meta' box`);
	const result: MetaBoxes = { items: new Map(), references: [], properties: [], associations: new Map(), extents: [] };
	const byType = new Map(children.boxes.map((box) => [box.type, box]));
	const hdlr = byType.get('hdlr');
	if (!hdlr || hdlr.end - hdlr.content < 12) return problem('corrupt', "HEIF: no 'hdlr' box in 'meta'");
	if (ascii(bytes, hdlr.content + 8, hdlr.content + 12) !== 'pict') {
		return problem('corrupt', `HEIF: 'meta' handler is '${ascii(bytes, hdlr.content + 8, hdlr.content + 12)}', not 'pict'`);
	}
	try {
		const pitm = byType.get('pitm');
		if (pitm) {
			const wide = versionOf(bytes, pitm) !== 0;
			need(pitm, pitm.content + 4, wide ? 4 : 2);
			result.primary = wide ? u32(bytes, pitm.content + 4) : u16(bytes, pitm.content + 4);
		}
		const iinf = byType.get('iinf');
		if (iinf) {
			const entriesAt = iinf.content + 4 + (versionOf(bytes, iinf) === 0 ? 2 : 4);
			const entries = readBoxes(bytes, entriesAt, iinf.end);
			for (const infe of entries.boxes.filter((box) => box.type === 'infe')) {
				const version = versionOf(bytes, infe);
				if (version < 2) continue; // pre-HEIF item entries carry no item type
				const idSize = version === 2 ? 2 : 4;
				need(infe, infe.content + 4, idSize + 6);
				const id = idSize === 2 ? u16(bytes, infe.content + 4) : u32(bytes, infe.content + 4);
				const typeAt = infe.content + 4 + idSize + 2;
				result.items.set(id, { type: ascii(bytes, typeAt, typeAt + 4), hidden: (flagsOf(bytes, infe) & 1) === 1 });
			}
		}
		const iref = byType.get('iref');
		if (iref) {
			const wide = versionOf(bytes, iref) !== 0;
			const idSize = wide ? 4 : 2;
			for (const ref of readBoxes(bytes, iref.content + 4, iref.end).boxes) {
				need(ref, ref.content, idSize + 2);
				const from = uint(bytes, ref.content, idSize);
				const count = u16(bytes, ref.content + idSize);
				need(ref, ref.content + idSize + 2, count * idSize);
				const to: number[] = [];
				for (let i = 0; i < count; i++) to.push(uint(bytes, ref.content + idSize + 2 + i * idSize, idSize));
				result.references.push({ type: ref.type, from, to });
			}
		}
		const iprp = byType.get('iprp');
		if (iprp) {
			const parts = readBoxes(bytes, iprp.content, iprp.end).boxes;
			const ipco = parts.find((box) => box.type === 'ipco');
			if (ipco) result.properties = readBoxes(bytes, ipco.content, ipco.end).boxes;
			for (const ipma of parts.filter((box) => box.type === 'ipma')) {
				const version = versionOf(bytes, ipma);
				const wideIndex = (flagsOf(bytes, ipma) & 1) === 1;
				need(ipma, ipma.content + 4, 4);
				const count = u32(bytes, ipma.content + 4);
				let at = ipma.content + 8;
				for (let e = 0; e < count; e++) {
					const idSize = version < 1 ? 2 : 4;
					need(ipma, at, idSize + 1);
					const id = uint(bytes, at, idSize);
					const associations = bytes[at + idSize];
					at += idSize + 1;
					const indices: number[] = [];
					for (let a = 0; a < associations; a++) {
						need(ipma, at, wideIndex ? 2 : 1);
						indices.push(wideIndex ? u16(bytes, at) & 0x7fff : bytes[at] & 0x7f);
						at += wideIndex ? 2 : 1;
					}
					result.associations.set(id, indices);
				}
			}
		}
		const iloc = byType.get('iloc');
		if (iloc) {
			const version = versionOf(bytes, iloc);
			need(iloc, iloc.content + 4, 2);
			const offsetSize = bytes[iloc.content + 4] >> 4;
			const lengthSize = bytes[iloc.content + 4] & 15;
			const baseOffsetSize = bytes[iloc.content + 5] >> 4;
			const indexSize = version === 1 || version === 2 ? bytes[iloc.content + 5] & 15 : 0;
			let at = iloc.content + 6;
			need(iloc, at, version < 2 ? 2 : 4);
			const count = version < 2 ? u16(bytes, at) : u32(bytes, at);
			at += version < 2 ? 2 : 4;
			for (let i = 0; i < count; i++) {
				const idSize = version < 2 ? 2 : 4;
				need(iloc, at, idSize);
				const item = uint(bytes, at, idSize);
				at += idSize;
				let method = 0;
				if (version === 1 || version === 2) {
					need(iloc, at, 2);
					method = u16(bytes, at) & 15;
					at += 2;
				}
				need(iloc, at, 2 + baseOffsetSize + 2);
				const base = uint(bytes, at + 2, baseOffsetSize);
				at += 2 + baseOffsetSize;
				const extentCount = u16(bytes, at);
				at += 2;
				for (let x = 0; x < extentCount; x++) {
					need(iloc, at, indexSize + offsetSize + lengthSize);
					const offset = uint(bytes, at + indexSize, offsetSize);
					const length = uint(bytes, at + indexSize + offsetSize, lengthSize);
					at += indexSize + offsetSize + lengthSize;
					result.extents.push({ item, method, offset: base + offset, length });
				}
			}
		}
	} catch (error) {
		if (error instanceof Truncated) return problem('corrupt', `HEIF: ${error.message}`);
		throw error;
	}
	return result;
}

const IMAGE_ITEM_TYPES = new Set(['hvc1', 'grid', 'iovl', 'iden', 'av01', 'jpeg', 'avc1', 'unci', 'j2k1', 'vvc1', 'mski']);
const DERIVED_ITEM_TYPES = new Set(['grid', 'iovl', 'iden']);

/** Coded item types behind an item: itself, or the inputs of a derived image (grid tiles, overlay layers). */
function codedTypes(meta: MetaBoxes, id: number, depth = 0): Set<string> {
	const item = meta.items.get(id);
	const types = new Set<string>();
	if (!item) return types;
	if (!DERIVED_ITEM_TYPES.has(item.type) || depth > 3) {
		types.add(item.type);
		return types;
	}
	for (const ref of meta.references) {
		if (ref.type !== 'dimg' || ref.from !== id) continue;
		for (const input of ref.to) for (const type of codedTypes(meta, input, depth + 1)) types.add(type);
	}
	return types;
}

/** libheif's "top-level" images, in file order: not thumbnails, auxiliary images or inputs of derived images. */
function topLevelImages(meta: MetaBoxes): number[] {
	const excluded = new Set<number>();
	for (const ref of meta.references) {
		if (ref.type === 'thmb' || ref.type === 'auxl') excluded.add(ref.from);
		if (ref.type === 'dimg') for (const input of ref.to) excluded.add(input);
	}
	return [...meta.items.entries()]
		.filter(([id, item]) => IMAGE_ITEM_TYPES.has(item.type) && !item.hidden && !excluded.has(id))
		.map(([id]) => id);
}

export interface HeifInfo extends ImageInfo {
	type: 'heic' | 'heif';
	mimeType: string;
	brands: Brands;
}

export function inspectHeif(bytes: Uint8Array): HeifInfo | Problem {
	const brands = readBrands(bytes);
	if (!brands) return problem('corrupt', "HEIF: no 'ftyp' box");
	const top = readBoxes(bytes, 0, bytes.length);
	if (top.overrun) return problem('truncated', `HEIF: the '${top.overrun}' box runs past the end of the file`);
	const meta = top.boxes.find((box) => box.type === 'meta');
	if (!meta) {
		const moov = top.boxes.some((box) => box.type === 'moov');
		return {
			...problem('unsupported_type', moov ? 'HEIF brand but only a track (image sequence or video), no still image' : "HEIF: no 'meta' box"),
			reason: moov ? 'unsupported_type' : 'corrupt',
			detectedType: moov ? 'heif-sequence' : undefined,
			detectedMimeType: moov ? 'image/heif-sequence' : undefined,
		};
	}
	const parsed = parseMeta(bytes, meta);
	if ('ok' in parsed) return parsed;
	if (parsed.primary === undefined) return problem('corrupt', "HEIF: no primary item ('pitm')");
	const primary = parsed.items.get(parsed.primary);
	if (!primary) return problem('corrupt', `HEIF: primary item ${parsed.primary} is not in 'iinf'`);

	const codecs = codedTypes(parsed, parsed.primary);
	if (codecs.has('av01')) {
		return { ...problem('unsupported_type', 'AVIF (AV1-coded HEIF)'), detectedType: 'avif', detectedMimeType: 'image/avif' };
	}
	if (codecs.size === 0 || [...codecs].some((codec) => codec !== 'hvc1')) {
		const names = [...codecs].join(', ') || 'none';
		return {
			...problem('unsupported_type', `HEIF whose primary image is coded as ${names}; only HEVC (hvc1) is converted`),
			detectedType: `heif-${[...codecs][0] ?? 'unknown'}`,
			detectedMimeType: 'image/heif',
		};
	}

	// Every extent stored in the file itself must be there: a cut-off download loses the end of 'mdat'.
	for (const extent of parsed.extents) {
		if (extent.method !== 0) continue;
		const end = extent.length === 0 ? extent.offset : extent.offset + extent.length;
		if (end > bytes.length) return problem('truncated', `HEIF: item ${extent.item} data ends at byte ${end}, after the end of the file`);
	}

	const propertyIndices = parsed.associations.get(parsed.primary) ?? [];
	const properties = propertyIndices.map((index) => parsed.properties[index - 1]).filter((box): box is Box => box !== undefined);
	const ispe = properties.find((box) => box.type === 'ispe');
	if (!ispe || ispe.end - ispe.content < 12) return problem('corrupt', "HEIF: the primary image has no size ('ispe')");
	let width = u32(bytes, ispe.content + 4);
	let height = u32(bytes, ispe.content + 8);
	if (width === 0 || height === 0) return problem('corrupt', `HEIF: size ${width}×${height}`);
	const irot = properties.find((box) => box.type === 'irot');
	if (irot && irot.end > irot.content && (bytes[irot.content] & 1) === 1) [width, height] = [height, width];

	const notes: string[] = [];
	const topLevel = topLevelImages(parsed);
	if (topLevel.length > 1) {
		notes.push(`${topLevel.length} top-level images; primary item ${parsed.primary} is number ${topLevel.indexOf(parsed.primary) + 1}`);
	}
	const { type, mimeType } = heifTypeOf(brands);
	if (mimeType.endsWith('-sequence')) notes.push('image sequence brand: the primary still image is used');
	return { ok: true, width, height, notes, type, mimeType, brands };
}

/** "heic" when the major brand names HEVC, else the generic "heif"; the IANA mime type, "-sequence" for sequence brands. */
export function heifTypeOf(brands: Brands): { type: 'heic' | 'heif'; mimeType: string } {
	const type = HEVC_STILL_BRANDS.has(brands.major) || HEVC_SEQUENCE_BRANDS.has(brands.major) ? 'heic' : 'heif';
	const sequence = HEVC_SEQUENCE_BRANDS.has(brands.major) || GENERIC_SEQUENCE_BRANDS.has(brands.major);
	return { type, mimeType: `image/${type}${sequence ? '-sequence' : ''}` };
}

/** Position of the primary image among libheif's top-level images (0 = the one heic-convert decodes). */
export function primaryImagePosition(bytes: Uint8Array): number {
	const top = readBoxes(bytes, 0, bytes.length);
	const meta = top.boxes.find((box) => box.type === 'meta');
	if (!meta) return 0;
	const parsed = parseMeta(bytes, meta);
	if ('ok' in parsed || parsed.primary === undefined) return 0;
	return Math.max(0, topLevelImages(parsed).indexOf(parsed.primary));
}

/** The major brands heic-decode 2.x lets through; libheif itself reads the compatible brands. */
export const DECODER_MAJOR_BRANDS = new Set(['mif1', 'msf1', 'heic', 'heix', 'hevc', 'hevx']);
