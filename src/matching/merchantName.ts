/**
 * Turns supplier names and bank descriptors into comparable token lists: upper case, no accents or punctuation,
 * card prefixes, payment processors, legal forms and OCR digit confusions removed.
 */

/** Legal forms, dropped wherever they appear (`(M)` is the Malaysian "Malaysia" marker). */
const LEGAL_FORMS = new Set([
	'SDN', 'BHD', 'BERHAD', 'SB', 'PLT', 'LTD', 'LIMITED', 'LLC', 'LLP', 'INC', 'INCORPORATED', 'CORP', 'CORPORATION',
	'CO', 'GMBH', 'MBH', 'AG', 'KG', 'OHG', 'UG', 'SAS', 'SASU', 'SARL', 'EURL', 'SA', 'SNC', 'SCI', 'SELARL', 'BV', 'NV',
	'PLC', 'PTE', 'PTY', 'SRL', 'SPA', 'SL', 'OY', 'AB', 'KK', 'TBK', 'PT',
]);
/** Words an OCR'd legal form turns into, only dropped at the end of a name (`SDH BHD`, cut `SDN BH`). */
const TRAILING_LEGAL_STEMS = ['SDN', 'BHD', 'SDH', 'BERHAD', 'LTD', 'LIMITED', 'GMBH', 'SARL', 'COMPANY', 'CORPORATION'];

/** Words that carry no identity. */
const STOP_WORDS = new Set(['THE', 'OF', 'AND', 'ET', 'UND', 'DIMILIKI', 'OLEH', 'OWNED', 'OWNER', 'BY', 'A', 'AN']);

/**
 * Words shared by many unrelated businesses (several languages): they count, but far less than a distinctive word,
 * so that "RESTORAN WAN SHENG" is not taken for "RESTORAN SIAM VILLAGE".
 */
const GENERIC_WORDS = new Set([
	// Food and drink
	'RESTORAN', 'RESTORANT', 'RESTAURANT', 'RESTAURANTS', 'RESTAURAN', 'CAFE', 'COFFEE', 'KOPI', 'BISTRO', 'BAR', 'BRASSERIE',
	'FOOD', 'FOODS', 'KITCHEN', 'NOODLE', 'NOODLES', 'SEAFOOD', 'BAKERY', 'BAKERIES', 'CONFECTIONERY', 'BOULANGERIE', 'CAKE',
	'CAKES', 'PIZZA', 'PIZZERIA', 'CHICKEN', 'RICE', 'TEA', 'VEGETARIAN', 'DELIGHTS', 'FRESH', 'CATERING',
	// Shops and trades (English, Malay, French, German)
	'KEDAI', 'SYARIKAT', 'PERNIAGAAN', 'PASARAYA', 'PASAR', 'RUNCIT', 'BORONG', 'PUSAT', 'TRADING', 'TRADERS', 'TRADE',
	'ENTERPRISE', 'ENTERPRISES', 'HARDWARE', 'STATIONERY', 'STATIONERS', 'MARKETING', 'SHOP', 'STORE', 'STORES', 'MART',
	'MARKET', 'SUPERMARKET', 'HYPERMARKET', 'MINIMARKET', 'MINI', 'SUPER', 'CENTRE', 'CENTER', 'INTERNATIONAL', 'GROUP',
	'HOLDINGS', 'HOLDING', 'SERVICES', 'SERVICE', 'INDUSTRIES', 'INDUSTRIAL', 'DISTRIBUTION', 'DISTRIBUTOR', 'DISTRIBUTORS',
	'SUPPLY', 'SUPPLIES', 'SUPPLIER', 'PRODUCTS', 'EQUIPMENT', 'MACHINERY', 'ENGINEERING', 'CONSTRUCTION', 'MANUFACTURING',
	'PHARMACY', 'PHARMACIE', 'FARMASI', 'CLINIC', 'KLINIK', 'DENTAL', 'MEDICAL', 'OPTICAL', 'BOOKSTORE', 'BOOKSTORES',
	'BOOKCENTRE', 'BOOKS', 'BOOK', 'ELECTRICAL', 'ELECTRIC', 'ELECTRONIC', 'ELECTRONICS', 'AUTO', 'MOTOR', 'MOTORS', 'TYRE',
	'SPORTS', 'FASHION', 'BOUTIQUE', 'SALON', 'LAUNDRY', 'FLORIST', 'FURNITURE', 'FURNISHING', 'GALLERY', 'PAPER',
	'PRINTING', 'PRINT', 'HANDICRAFT', 'BEAUTY', 'HEALTH', 'CARE', 'HEALTHCARE', 'HOME', 'HOUSE', 'CITY', 'MALL', 'PLAZA',
	'CORNER', 'EXPRESS', 'GLOBAL', 'SOLUTIONS', 'CASH', 'CARRY', 'COMPANY', 'SOCIETE', 'STE', 'ETS', 'ETABLISSEMENTS',
	'MAGASIN', 'SUPERMARCHE', 'GARAGE', 'STATION', 'PETROL', 'HOTEL', 'PARKING', 'TRAVEL', 'TOURS', 'AGENCY', 'DESIGN',
	'STUDIO', 'TRANSPORT', 'LOGISTICS', 'HANDEL', 'VERLAG',
	// Words many Malaysian business names share ("success", "progress", "new", "main", …)
	'JAYA', 'MAJU', 'BARU', 'RAYA', 'INDAH', 'UTAMA', 'SENTOSA', 'MAKMUR', 'SEJAHTERA', 'BERJAYA', 'TAMAN', 'NEW', 'GOLDEN',
	'GRAND', 'ROYAL', 'STAR',
]);

/** Lines of a document that OCR sometimes returns instead of the supplier. */
const HEADING_WORDS = new Set([
	'TAX', 'INVOICE', 'RECEIPT', 'OFFICIAL', 'CASH', 'BILL', 'SALES', 'SIMPLIFIED', 'GST', 'VAT', 'FACTURE', 'TICKET',
	'RECU', 'QUITTANCE', 'NOTE', 'RECHNUNG', 'QUITTUNG', 'KASSENBON', 'BELEG', 'FACTURA', 'RECIBO', 'RICEVUTA',
	'SCONTRINO', 'FATTURA', 'COPY', 'CUSTOMER', 'DUPLICATE', 'ORIGINAL', 'NO', 'TABLE', 'CHECK', 'ORDER', 'DEBIT', 'CREDIT',
]);

/** Payment processors that put their own name before the merchant's (`SUMUP *SANYU`, `ZETTLE_*…`, `PAYPAL *…`). */
const PAYMENT_PROCESSORS = new Set([
	'SUMUP', 'SQ', 'SQUARE', 'SQU', 'ZETTLE', 'IZETTLE', 'IZ', 'PAYPAL', 'PP', 'STRIPE', 'SP', 'ADYEN', 'PAYPLUG', 'LYDIA',
	'MOLLIE', 'WORLDLINE', 'LYRA', 'PAYZEN',
]);
/** Clean counterparty names that name the processor instead of the merchant. */
const PROCESSOR_NAMES = new Set(['SUMUP', 'SQUARE', 'ZETTLE', 'IZETTLE', 'PAYPAL', 'STRIPE', 'ADYEN', 'PAYPLUG', 'MOLLIE', 'LYDIA']);

/** Bank wording before the merchant: `CARTE X1234 25/12`, `CB`, `PAIEMENT PAR CARTE`, `PRLV SEPA`, `VIR`. */
const DESCRIPTOR_PREFIX =
	/^(?:(?:PAIEMENT|ACHAT|FACTURE|RETRAIT|PAYMENT|PURCHASE|POS)\s+)?(?:PAR\s+)?(?:CARTE|CARD|CB|PRLV(?:\s+SEPA)?|VIR(?:EMENT)?(?:\s+SEPA)?(?:\s+(?:RECU|EMIS))?|SEPA(?:\s+DD)?|DD|TRANSFER|TRF)\b\s*(?:X+\d{2,4}\b\s*)?(?:\d{1,2}[/.-]\d{1,2}(?:[/.-]\d{2,4})?\b\s*)?/;

export interface NameTokens {
	tokens: string[];
	/** True when the text may have been cut at its end (a long card descriptor), so later words are unknown. */
	mayBeTruncated: boolean;
}

/** How much a word tells about identity: 0 for stop words, little for generic words, less for short ones. */
export function tokenWeight(token: string): number {
	if (STOP_WORDS.has(token)) return 0;
	if (GENERIC_WORDS.has(token)) return 0.3;
	if (/^\d+$/.test(token) || token.length <= 2) return 0.5;
	if (misreadGenericWord(token)) return 0.3;
	// Short words ("LEE", "SENG", "HWA") recur across unrelated names.
	return token.length === 3 ? 0.6 : token.length === 4 ? 0.8 : 1;
}

/** The weight of the shortest word that can identify a merchant on its own. */
export const DISTINCTIVE_WEIGHT = 0.6;

/** A word that can identify a merchant on its own: not generic, not a number, at least three letters. */
export function isDistinctive(token: string): boolean {
	return tokenWeight(token) >= DISTINCTIVE_WEIGHT;
}

/** Memo of the slow check below; bounded so that a long-running process does not grow it forever. */
const misreadGenericMemo = new Map<string, boolean>();

/** An OCR-misread generic word ("SYAPIKAT") is still generic. */
function misreadGenericWord(token: string): boolean {
	if (token.length < 5) return false;
	let known = misreadGenericMemo.get(token);
	if (known === undefined) {
		known = false;
		for (const generic of GENERIC_WORDS) if (oneEditApart(token, generic)) known = true;
		if (misreadGenericMemo.size > 10_000) misreadGenericMemo.clear();
		misreadGenericMemo.set(token, known);
	}
	return known;
}

/** Every prefix (3+ letters) of a generic word, so that a word OCR cut ("STAT") is known as generic. */
const GENERIC_PREFIXES = new Set([...GENERIC_WORDS].flatMap((word) => Array.from({ length: Math.max(0, word.length - 2) }, (_, index) => word.slice(0, index + 3))));

/** Like `tokenWeight`, for a word OCR may have cut: "STAT" weighs what "STATIONERY" weighs. */
export function cutWordWeight(token: string): number {
	return isDistinctive(token) && GENERIC_PREFIXES.has(token) ? 0.3 : tokenWeight(token);
}

/** Upper case, accents and apostrophes removed, `D.I.Y.` → `DIY`, `S/B` → `SB`, other punctuation → spaces. */
function basicForm(text: string): string {
	return text
		.normalize('NFD')
		.replace(/[\u0300-\u036f]/g, '')
		.toUpperCase()
		.replace(/\(M\)/g, ' ')
		.replace(/['’`´]/g, '')
		.replace(/\b([A-Z0-9])\/([A-Z0-9])\b/g, '$1$2')
		.replace(/([A-Z0-9])\.(?=[A-Z0-9]\b)/g, '$1')
		.replace(/[^A-Z0-9*]+/g, ' ')
		.trim();
}

/** OCR confuses digits and letters inside words (`P4SARAYA`, `HOLDIN6S`, `S/8`): read such digits as letters. */
const DIGIT_AS_LETTER: Record<string, string> = { '0': 'O', '1': 'I', '2': 'Z', '4': 'A', '5': 'S', '6': 'G', '8': 'B' };
function foldDigitsInWord(token: string): string {
	if (!/[A-Z]/.test(token) || !/\d/.test(token)) return token;
	return token.replace(/\d/g, (digit) => DIGIT_AS_LETTER[digit] ?? digit);
}

/** Joins runs of single letters (`D I Y` → `DIY`, `S Y` → `SY`). */
function joinSingleLetters(tokens: string[]): string[] {
	const joined: string[] = [];
	let run = '';
	const flush = () => {
		if (run) joined.push(run);
		run = '';
	};
	for (const token of tokens) {
		if (token.length === 1 && /[A-Z]/.test(token)) run += token;
		else {
			flush();
			joined.push(token);
		}
	}
	flush();
	return joined;
}

function dropLegalForms(tokens: string[]): string[] {
	const kept = tokens.filter((token) => !LEGAL_FORMS.has(token));
	// Cut or misread legal forms at the end: "… SDH BHD", "… SDN BH", "… S".
	while (kept.length > 1) {
		const last = kept[kept.length - 1];
		const isStem = TRAILING_LEGAL_STEMS.some((stem) => (last.length <= 3 && stem.startsWith(last)) || oneEditApart(last, stem));
		if (!isStem) break;
		kept.pop();
	}
	return kept;
}

function oneEditApart(a: string, b: string): boolean {
	if (a === b) return true;
	if (a.length !== b.length || a.length < 3) return false;
	let differences = 0;
	for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) differences++;
	return differences === 1;
}

function tokenise(text: string): string[] {
	const words = text.split(/[\s*]+/).filter(Boolean).map(foldDigitsInWord);
	return dropLegalForms(joinSingleLetters(words));
}

/** The document's supplier name as tokens; empty when it is missing or only a heading like "TAX INVOICE". */
export function supplierTokens(name: string | null | undefined): string[] {
	if (!name) return [];
	const tokens = tokenise(basicForm(name));
	const meaningful = tokens.filter((token) => !HEADING_WORDS.has(token) && !STOP_WORDS.has(token));
	return meaningful.length === 0 ? [] : tokens;
}

/**
 * The merchant part of a bank descriptor: card prefixes and trailing dates dropped; for `PROCESSOR *MERCHANT`
 * the part after the star, for `MERCHANT*CITY 1234` the part before it.
 */
export function descriptorTokens(label: string | null | undefined): NameTokens {
	if (!label) return { tokens: [], mayBeTruncated: false };
	const upper = label.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toUpperCase().trim();
	let text = basicForm(upper.replace(DESCRIPTOR_PREFIX, ''));
	let mayBeTruncated = label.length >= 18;
	const star = text.indexOf('*');
	if (star >= 0) {
		const before = text.slice(0, star).trim();
		const after = text.slice(star + 1).trim();
		const beforeWords = before.split(/\s+/).filter(Boolean);
		const processor = beforeWords.length > 0 && PAYMENT_PROCESSORS.has(beforeWords[beforeWords.length - 1]);
		if (processor && after) {
			text = after;
		} else {
			// Merchant cut to fit before the city: always possibly truncated.
			text = before || after;
			mayBeTruncated = before.length >= 8;
		}
	}
	const tokens = tokenise(text).filter((token, index, all) => !(index === all.length - 1 && /^\d{6}$/.test(token)));
	return { tokens, mayBeTruncated };
}

/** Qonto's cleaned counterparty name, unless it only names the payment processor. */
export function counterpartyTokens(name: string | null | undefined): string[] {
	if (!name) return [];
	const tokens = tokenise(basicForm(name));
	if (tokens.length === 1 && PROCESSOR_NAMES.has(tokens[0])) return [];
	return tokens;
}
