// heic-convert 2.x ships no types; this covers the one call we make.
declare module 'heic-convert' {
	interface ConvertOptions {
		buffer: Uint8Array;
		format: 'JPEG' | 'PNG';
		/** 0–1, JPEG only. */
		quality?: number;
	}
	function convert(options: ConvertOptions): Promise<Uint8Array>;
	export = convert;
}
