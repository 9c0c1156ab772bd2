/**
 * A 12-megapixel HEIC built at run time from the small test receipt, for benchmarks: no HEVC encoder is available
 * here (libheif-js and sharp's libvips decode HEVC but cannot encode it), so the receipt's one HEVC tile is repeated
 * in a grid image, which is how phones store their photos (an iPhone HEIC is a grid of 512×512 tiles). Every tile is
 * really decoded, so the work is that of a real 12 MP photo; only the content repeats.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const RECEIPT = join(__dirname, '../test/fixtures/files/receipt.heic');

interface Box {
	type: string;
	start: number;
	end: number;
}

function boxes(bytes: Buffer, start: number, end: number): Box[] {
	const found: Box[] = [];
	for (let at = start; at + 8 <= end; ) {
		const size = bytes.readUInt32BE(at);
		found.push({ type: bytes.toString('latin1', at + 4, at + 8), start: at, end: at + size });
		at += size;
	}
	return found;
}

function find(list: Box[], type: string): Box {
	const box = list.find((b) => b.type === type);
	if (!box) throw new Error(`receipt.heic has no '${type}' box`);
	return box;
}

function box(type: string, ...parts: Buffer[]): Buffer {
	const body = Buffer.concat(parts);
	const header = Buffer.alloc(8);
	header.writeUInt32BE(8 + body.length);
	header.write(type, 4, 'latin1');
	return Buffer.concat([header, body]);
}

/** version (u8) + flags (u24) of a full box. */
function full(version: number, flags = 0): Buffer {
	return Buffer.from([version, flags >> 16, (flags >> 8) & 0xff, flags & 0xff]);
}

function u16(...values: number[]): Buffer {
	const out = Buffer.alloc(2 * values.length);
	values.forEach((v, i) => out.writeUInt16BE(v, 2 * i));
	return out;
}

function u32(...values: number[]): Buffer {
	const out = Buffer.alloc(4 * values.length);
	values.forEach((v, i) => out.writeUInt32BE(v, 4 * i));
	return out;
}

/** A HEIC of `width`×`height` pixels: a grid of copies of receipt.heic's HEVC tile (640×1438), cropped to size. */
export function makeGridHeic(width = 4000, height = 3000): Buffer {
	const receipt = readFileSync(RECEIPT);
	const top = boxes(receipt, 0, receipt.length);
	const meta = find(top, 'meta');
	const inMeta = boxes(receipt, meta.start + 12, meta.end);
	const ipco = find(boxes(receipt, find(inMeta, 'iprp').start + 8, find(inMeta, 'iprp').end), 'ipco');
	const properties = boxes(receipt, ipco.start + 8, ipco.end);
	const hvcC = find(properties, 'hvcC');
	const tileSize = find(properties, 'ispe');
	const tileWidth = receipt.readUInt32BE(tileSize.start + 12);
	const tileHeight = receipt.readUInt32BE(tileSize.start + 16);
	// The tile's coded data: the first iloc entry (version 1, 4-byte base offset, offsets and lengths) starts after the
	// box header (12), sizes (2) and item count (2) with item id, construction method, data reference (2 each), then
	// base offset (4), extent count (2), extent offset (4) and length (4).
	const entry = find(inMeta, 'iloc').start + 12 + 2 + 2;
	const tileOffset = receipt.readUInt32BE(entry + 6) + receipt.readUInt32BE(entry + 12);
	const tileLength = receipt.readUInt32BE(entry + 16);
	const tileData = receipt.subarray(tileOffset, tileOffset + tileLength);

	const columns = Math.ceil(width / tileWidth);
	const rows = Math.ceil(height / tileHeight);
	const tiles = Array.from({ length: rows * columns }, (_, i) => i + 1);
	const gridId = tiles.length + 1;
	const grid = Buffer.concat([Buffer.from([0, 1, rows - 1, columns - 1]), u32(width, height)]); // flags 1: 32-bit sizes
	const itemInfo = (id: number, type: string, hidden: boolean) => box('infe', full(2, hidden ? 1 : 0), u16(id, 0), Buffer.from(`${type}\0`, 'latin1'));
	const ftyp = receipt.subarray(find(top, 'ftyp').start, find(top, 'ftyp').end);

	const build = (mdatAt: number): Buffer => {
		const dataStart = mdatAt + 8;
		const locations = [
			...tiles.map((id) => Buffer.concat([u16(id, 0, 0), u32(0), u16(1), u32(dataStart, tileLength)])),
			Buffer.concat([u16(gridId, 1, 0), u32(0), u16(1), u32(0, grid.length)]),
		];
		const metaBox = box(
			'meta',
			full(0),
			receipt.subarray(find(inMeta, 'hdlr').start, find(inMeta, 'hdlr').end),
			box('pitm', full(0), u16(gridId)),
			box('idat', grid),
			box('iloc', full(1), Buffer.from([0x44, 0x40]), u16(tiles.length + 1), ...locations),
			box('iinf', full(0), u16(tiles.length + 1), ...tiles.map((id) => itemInfo(id, 'hvc1', true)), itemInfo(gridId, 'grid', false)),
			box(
				'iprp',
				box('ipco', receipt.subarray(hvcC.start, hvcC.end), receipt.subarray(tileSize.start, tileSize.end), box('ispe', full(0), u32(width, height))),
				// Property indexes are 1-based; 0x80 marks an essential one (the decoder configuration).
				box('ipma', full(0), u32(tiles.length + 1), ...tiles.map((id) => Buffer.concat([u16(id), Buffer.from([2, 0x81, 0x02])])), Buffer.concat([u16(gridId), Buffer.from([1, 0x03])])),
			),
			box('iref', full(0), box('dimg', u16(gridId, tiles.length, ...tiles))),
		);
		return Buffer.concat([ftyp, metaBox, box('mdat', tileData)]);
	};
	// Every tile points at the same coded data; its offset depends on the size of what comes before it.
	const draft = build(0);
	return build(draft.length - 8 - tileLength);
}
