/**
 * Every sentence the bot sends, in every language it speaks. This is the default table: the Invoice Inbox node
 * shows it in its "Texts" parameter so that an admin can change any text in any language in the n8n editor, and
 * merges what they wrote over these defaults. Placeholders in braces are filled when a text is sent.
 */
import { LANGUAGES, type Language } from './languages';

export const TEXT_KEYS = [
	'accessHowTo',
	'welcome',
	'organisationAdded',
	'alreadyLinked',
	'activationInvalid',
	'activationExpired',
	'activationOtherOrganisation',
	'activationUsed',
	'documentsOnly',
	'pickerBody',
	'pickerButton',
	'pickerMore',
	'pickerSection',
	'organisationChosen',
	'organisationNotYours',
	'organisationUnavailable',
	'unsubscribed',
	'resubscribed',
	'languageChosen',
	'empty_file',
	'too_large',
	'unsupported_type',
	'truncated',
	'corrupt',
	'encrypted_pdf',
	'image_too_large',
	'conversion_failed',
	'notStored',
	'activationMessage',
] as const;
export type TextKey = (typeof TEXT_KEYS)[number];
export type TextTable = Record<Language, Record<TextKey, string>>;

export const DEFAULT_TEXTS: TextTable = {
	en: {
		accessHowTo: 'Hello! This WhatsApp number collects receipts and invoices for team members only. To get access, ask your admin for your activation link or QR code.',
		welcome: 'Welcome{name}! Your WhatsApp is now linked to {organisation}. Send a photo or a PDF of each receipt or supplier invoice ({formats}, up to {limitMb} MB) and it is filed in Qonto. Send STOP to stop.',
		organisationAdded: 'Your WhatsApp is now also linked to {organisation}. Your documents still go to {default}: write any message to choose another organisation.',
		alreadyLinked: 'Your WhatsApp is already linked to {organisation}. Just send your receipts and invoices.',
		activationInvalid: 'This activation code is not valid. Please ask your admin for a new link.',
		activationExpired: 'This activation code has expired. Please ask your admin for a new link.',
		activationOtherOrganisation: 'This activation code is for an organisation that this number does not serve. Please ask your admin for the right link.',
		activationUsed: 'This activation code is already used by another WhatsApp account. To move to a new phone, ask your admin for a new link.',
		documentsOnly: 'This number only takes receipts and supplier invoices: send a photo or a PDF file ({formats}, up to {limitMb} MB). It is not a support channel.',
		pickerBody: 'Which organisation should receive your documents? Now: {organisation}.',
		pickerButton: 'Organisations',
		pickerMore: 'More organisations…',
		pickerSection: 'Organisations',
		organisationChosen: 'Done: your documents now go to {organisation}.',
		organisationNotYours: 'You are not linked to this organisation: nothing was changed.',
		organisationUnavailable: 'Your documents cannot be filed for {organisation} at the moment. Please ask your admin.',
		unsubscribed: 'You are unsubscribed: this number will not process your messages any more. Send START to subscribe again.',
		resubscribed: 'You are subscribed again. Send your receipts and invoices as before; send STOP to stop.',
		languageChosen: 'From now on I answer in English.',
		empty_file: 'The file is empty. Please send it again.',
		too_large: 'The file is {sizeMb} MB, larger than the limit of {limitMb} MB. Please send a smaller file.',
		unsupported_type: 'This file type is not accepted. Please send a PDF, JPEG, PNG, HEIC or HEIF file.',
		truncated: 'The file is incomplete, it was probably cut off. Please send it again.',
		corrupt: 'The file is damaged and cannot be read. Please export it again and send it.',
		encrypted_pdf: 'The PDF is protected by a password. Please send a copy without a password.',
		image_too_large: 'The image is too big ({megapixels} megapixels, {width}×{height}). Please send a smaller photo or a PDF.',
		conversion_failed: 'The photo could not be converted. Please send it as a JPEG or a PDF.',
		notStored: 'Sorry, this document could not be stored in Qonto. Please send it again later.',
		activationMessage: 'Hello! I want to send my receipts to {organisation}. My activation code: {code}',
	},
	fr: {
		accessHowTo: 'Bonjour ! Ce numéro WhatsApp collecte les reçus et factures des membres de l’équipe uniquement. Pour y accéder, demandez à votre administrateur votre lien ou QR code d’activation.',
		welcome: 'Bienvenue{name} ! Votre WhatsApp est maintenant relié à {organisation}. Envoyez une photo ou un PDF de chaque reçu ou facture fournisseur ({formats}, jusqu’à {limitMb} Mo) : il sera classé dans Qonto. Envoyez STOP pour arrêter.',
		organisationAdded: 'Votre WhatsApp est maintenant aussi relié à {organisation}. Vos documents vont toujours à {default} : écrivez un message pour choisir une autre organisation.',
		alreadyLinked: 'Votre WhatsApp est déjà relié à {organisation}. Envoyez simplement vos reçus et factures.',
		activationInvalid: 'Ce code d’activation n’est pas valide. Demandez un nouveau lien à votre administrateur.',
		activationExpired: 'Ce code d’activation a expiré. Demandez un nouveau lien à votre administrateur.',
		activationOtherOrganisation: 'Ce code d’activation concerne une organisation que ce numéro ne gère pas. Demandez le bon lien à votre administrateur.',
		activationUsed: 'Ce code d’activation est déjà utilisé par un autre compte WhatsApp. Pour changer de téléphone, demandez un nouveau lien à votre administrateur.',
		documentsOnly: 'Ce numéro accepte uniquement les reçus et factures fournisseurs : envoyez une photo ou un PDF ({formats}, jusqu’à {limitMb} Mo). Ce n’est pas un service client.',
		pickerBody: 'Quelle organisation doit recevoir vos documents ? Actuellement : {organisation}.',
		pickerButton: 'Organisations',
		pickerMore: 'Autres organisations…',
		pickerSection: 'Organisations',
		organisationChosen: 'C’est fait : vos documents vont maintenant à {organisation}.',
		organisationNotYours: 'Vous n’êtes pas relié à cette organisation : rien n’a été modifié.',
		organisationUnavailable: 'Vos documents ne peuvent pas être classés pour {organisation} pour le moment. Contactez votre administrateur.',
		unsubscribed: 'Vous êtes désinscrit : ce numéro ne traitera plus vos messages. Envoyez START pour vous réinscrire.',
		resubscribed: 'Vous êtes de nouveau inscrit. Envoyez vos reçus et factures comme avant ; envoyez STOP pour arrêter.',
		languageChosen: 'Je vous réponds désormais en français.',
		empty_file: 'Le fichier est vide. Merci de l’envoyer à nouveau.',
		too_large: 'Le fichier fait {sizeMb} Mo, plus que la limite de {limitMb} Mo. Merci d’envoyer un fichier plus petit.',
		unsupported_type: 'Ce type de fichier n’est pas accepté. Merci d’envoyer un fichier PDF, JPEG, PNG, HEIC ou HEIF.',
		truncated: 'Le fichier est incomplet, il a sans doute été coupé. Merci de l’envoyer à nouveau.',
		corrupt: 'Le fichier est endommagé et illisible. Merci de l’exporter à nouveau et de l’envoyer.',
		encrypted_pdf: 'Le PDF est protégé par un mot de passe. Merci d’envoyer une copie sans mot de passe.',
		image_too_large: 'L’image est trop grande ({megapixels} mégapixels, {width}×{height}). Merci d’envoyer une photo plus petite ou un PDF.',
		conversion_failed: 'La photo n’a pas pu être convertie. Merci de l’envoyer en JPEG ou en PDF.',
		notStored: 'Désolé, ce document n’a pas pu être enregistré dans Qonto. Merci de le renvoyer plus tard.',
		activationMessage: 'Bonjour ! Je souhaite envoyer mes reçus à {organisation}. Mon code d’activation : {code}',
	},
	es: {
		accessHowTo: '¡Hola! Este número de WhatsApp recoge recibos y facturas solo de los miembros del equipo. Para acceder, pide a tu administrador tu enlace o código QR de activación.',
		welcome: '¡Bienvenido/a{name}! Tu WhatsApp ya está vinculado a {organisation}. Envía una foto o un PDF de cada recibo o factura de proveedor ({formats}, hasta {limitMb} MB) y se archivará en Qonto. Envía BAJA para darte de baja.',
		organisationAdded: 'Tu WhatsApp ahora también está vinculado a {organisation}. Tus documentos siguen yendo a {default}: escribe un mensaje para elegir otra organización.',
		alreadyLinked: 'Tu WhatsApp ya está vinculado a {organisation}. Solo tienes que enviar tus recibos y facturas.',
		activationInvalid: 'Este código de activación no es válido. Pide un enlace nuevo a tu administrador.',
		activationExpired: 'Este código de activación ha caducado. Pide un enlace nuevo a tu administrador.',
		activationOtherOrganisation: 'Este código de activación es de una organización que este número no gestiona. Pide el enlace correcto a tu administrador.',
		activationUsed: 'Este código de activación ya lo usa otra cuenta de WhatsApp. Para cambiar de teléfono, pide un enlace nuevo a tu administrador.',
		documentsOnly: 'Este número solo acepta recibos y facturas de proveedores: envía una foto o un PDF ({formats}, hasta {limitMb} MB). No es un canal de atención al cliente.',
		pickerBody: '¿Qué organización debe recibir tus documentos? Ahora: {organisation}.',
		pickerButton: 'Organizaciones',
		pickerMore: 'Más organizaciones…',
		pickerSection: 'Organizaciones',
		organisationChosen: 'Hecho: tus documentos van ahora a {organisation}.',
		organisationNotYours: 'No estás vinculado a esta organización: no se ha cambiado nada.',
		organisationUnavailable: 'Ahora mismo no se pueden archivar tus documentos para {organisation}. Consulta a tu administrador.',
		unsubscribed: 'Te has dado de baja: este número ya no procesará tus mensajes. Envía START para volver a darte de alta.',
		resubscribed: 'Vuelves a estar dado de alta. Envía tus recibos y facturas como antes; envía BAJA para darte de baja.',
		languageChosen: 'A partir de ahora te respondo en español.',
		empty_file: 'El archivo está vacío. Vuelve a enviarlo, por favor.',
		too_large: 'El archivo ocupa {sizeMb} MB, más que el límite de {limitMb} MB. Envía un archivo más pequeño, por favor.',
		unsupported_type: 'Este tipo de archivo no se acepta. Envía un archivo PDF, JPEG, PNG, HEIC o HEIF, por favor.',
		truncated: 'El archivo está incompleto, probablemente se cortó. Vuelve a enviarlo, por favor.',
		corrupt: 'El archivo está dañado y no se puede leer. Vuelve a exportarlo y envíalo, por favor.',
		encrypted_pdf: 'El PDF está protegido con contraseña. Envía una copia sin contraseña, por favor.',
		image_too_large: 'La imagen es demasiado grande ({megapixels} megapíxeles, {width}×{height}). Envía una foto más pequeña o un PDF, por favor.',
		conversion_failed: 'No se pudo convertir la foto. Envíala en JPEG o en PDF, por favor.',
		notStored: 'Lo sentimos, este documento no se pudo guardar en Qonto. Vuelve a enviarlo más tarde, por favor.',
		activationMessage: '¡Hola! Quiero enviar mis recibos a {organisation}. Mi código de activación: {code}',
	},
	de: {
		accessHowTo: 'Hallo! Diese WhatsApp-Nummer nimmt Belege und Rechnungen nur von Teammitgliedern an. Für den Zugang bitten Sie Ihre Administration um Ihren Aktivierungslink oder QR-Code.',
		welcome: 'Willkommen{name}! Ihr WhatsApp ist jetzt mit {organisation} verbunden. Senden Sie ein Foto oder PDF jedes Belegs oder jeder Lieferantenrechnung ({formats}, bis {limitMb} MB), es wird in Qonto abgelegt. Senden Sie STOP, um aufzuhören.',
		organisationAdded: 'Ihr WhatsApp ist jetzt auch mit {organisation} verbunden. Ihre Dokumente gehen weiterhin an {default}: Schreiben Sie eine Nachricht, um eine andere Organisation zu wählen.',
		alreadyLinked: 'Ihr WhatsApp ist bereits mit {organisation} verbunden. Senden Sie einfach Ihre Belege und Rechnungen.',
		activationInvalid: 'Dieser Aktivierungscode ist ungültig. Bitte fragen Sie Ihre Administration nach einem neuen Link.',
		activationExpired: 'Dieser Aktivierungscode ist abgelaufen. Bitte fragen Sie Ihre Administration nach einem neuen Link.',
		activationOtherOrganisation: 'Dieser Aktivierungscode gehört zu einer Organisation, die diese Nummer nicht betreut. Bitte fragen Sie Ihre Administration nach dem richtigen Link.',
		activationUsed: 'Dieser Aktivierungscode wird bereits von einem anderen WhatsApp-Konto verwendet. Für ein neues Telefon fragen Sie Ihre Administration nach einem neuen Link.',
		documentsOnly: 'Diese Nummer nimmt nur Belege und Lieferantenrechnungen an: Senden Sie ein Foto oder eine PDF-Datei ({formats}, bis {limitMb} MB). Sie ist kein Support-Kanal.',
		pickerBody: 'Welche Organisation soll Ihre Dokumente erhalten? Aktuell: {organisation}.',
		pickerButton: 'Organisationen',
		pickerMore: 'Weitere Organisationen…',
		pickerSection: 'Organisationen',
		organisationChosen: 'Erledigt: Ihre Dokumente gehen jetzt an {organisation}.',
		organisationNotYours: 'Sie sind nicht mit dieser Organisation verbunden: Es wurde nichts geändert.',
		organisationUnavailable: 'Ihre Dokumente können derzeit nicht für {organisation} abgelegt werden. Bitte wenden Sie sich an Ihre Administration.',
		unsubscribed: 'Sie sind abgemeldet: Diese Nummer verarbeitet Ihre Nachrichten nicht mehr. Senden Sie START, um sich wieder anzumelden.',
		resubscribed: 'Sie sind wieder angemeldet. Senden Sie Ihre Belege und Rechnungen wie bisher; senden Sie STOP, um aufzuhören.',
		languageChosen: 'Ab jetzt antworte ich auf Deutsch.',
		empty_file: 'Die Datei ist leer. Bitte senden Sie sie erneut.',
		too_large: 'Die Datei ist {sizeMb} MB groß, mehr als das Limit von {limitMb} MB. Bitte senden Sie eine kleinere Datei.',
		unsupported_type: 'Dieser Dateityp wird nicht angenommen. Bitte senden Sie eine PDF-, JPEG-, PNG-, HEIC- oder HEIF-Datei.',
		truncated: 'Die Datei ist unvollständig, sie wurde wahrscheinlich abgeschnitten. Bitte senden Sie sie erneut.',
		corrupt: 'Die Datei ist beschädigt und nicht lesbar. Bitte exportieren Sie sie erneut und senden Sie sie.',
		encrypted_pdf: 'Das PDF ist passwortgeschützt. Bitte senden Sie eine Kopie ohne Passwort.',
		image_too_large: 'Das Bild ist zu groß ({megapixels} Megapixel, {width}×{height}). Bitte senden Sie ein kleineres Foto oder ein PDF.',
		conversion_failed: 'Das Foto konnte nicht umgewandelt werden. Bitte senden Sie es als JPEG oder PDF.',
		notStored: 'Leider konnte dieses Dokument nicht in Qonto gespeichert werden. Bitte senden Sie es später erneut.',
		activationMessage: 'Hallo! Ich möchte meine Belege an {organisation} senden. Mein Aktivierungscode: {code}',
	},
	it: {
		accessHowTo: 'Ciao! Questo numero WhatsApp raccoglie ricevute e fatture solo dei membri del team. Per accedere, chiedi al tuo amministratore il tuo link o codice QR di attivazione.',
		welcome: 'Benvenuto/a{name}! Il tuo WhatsApp è ora collegato a {organisation}. Invia una foto o un PDF di ogni ricevuta o fattura fornitore ({formats}, fino a {limitMb} MB) e verrà archiviato in Qonto. Invia STOP per smettere.',
		organisationAdded: 'Il tuo WhatsApp è ora collegato anche a {organisation}. I tuoi documenti vanno ancora a {default}: scrivi un messaggio per scegliere un’altra organizzazione.',
		alreadyLinked: 'Il tuo WhatsApp è già collegato a {organisation}. Invia semplicemente le tue ricevute e fatture.',
		activationInvalid: 'Questo codice di attivazione non è valido. Chiedi un nuovo link al tuo amministratore.',
		activationExpired: 'Questo codice di attivazione è scaduto. Chiedi un nuovo link al tuo amministratore.',
		activationOtherOrganisation: 'Questo codice di attivazione è di un’organizzazione che questo numero non gestisce. Chiedi il link giusto al tuo amministratore.',
		activationUsed: 'Questo codice di attivazione è già usato da un altro account WhatsApp. Per passare a un nuovo telefono, chiedi un nuovo link al tuo amministratore.',
		documentsOnly: 'Questo numero accetta solo ricevute e fatture fornitori: invia una foto o un PDF ({formats}, fino a {limitMb} MB). Non è un canale di assistenza.',
		pickerBody: 'Quale organizzazione deve ricevere i tuoi documenti? Ora: {organisation}.',
		pickerButton: 'Organizzazioni',
		pickerMore: 'Altre organizzazioni…',
		pickerSection: 'Organizzazioni',
		organisationChosen: 'Fatto: i tuoi documenti ora vanno a {organisation}.',
		organisationNotYours: 'Non sei collegato a questa organizzazione: non è cambiato nulla.',
		organisationUnavailable: 'Al momento i tuoi documenti non possono essere archiviati per {organisation}. Rivolgiti al tuo amministratore.',
		unsubscribed: 'Sei disiscritto: questo numero non elaborerà più i tuoi messaggi. Invia START per iscriverti di nuovo.',
		resubscribed: 'Sei di nuovo iscritto. Invia le tue ricevute e fatture come prima; invia STOP per smettere.',
		languageChosen: 'D’ora in poi ti rispondo in italiano.',
		empty_file: 'Il file è vuoto. Invialo di nuovo, per favore.',
		too_large: 'Il file è di {sizeMb} MB, oltre il limite di {limitMb} MB. Invia un file più piccolo, per favore.',
		unsupported_type: 'Questo tipo di file non è accettato. Invia un file PDF, JPEG, PNG, HEIC o HEIF, per favore.',
		truncated: 'Il file è incompleto, probabilmente è stato tagliato. Invialo di nuovo, per favore.',
		corrupt: 'Il file è danneggiato e non si può leggere. Esportalo di nuovo e invialo, per favore.',
		encrypted_pdf: 'Il PDF è protetto da password. Invia una copia senza password, per favore.',
		image_too_large: 'L’immagine è troppo grande ({megapixels} megapixel, {width}×{height}). Invia una foto più piccola o un PDF, per favore.',
		conversion_failed: 'Non è stato possibile convertire la foto. Inviala in JPEG o in PDF, per favore.',
		notStored: 'Spiacenti, questo documento non è stato salvato in Qonto. Invialo di nuovo più tardi, per favore.',
		activationMessage: 'Ciao! Voglio inviare le mie ricevute a {organisation}. Il mio codice di attivazione: {code}',
	},
};

/** The accepted formats, as listed in texts (the file check decides from the bytes). */
export const ACCEPTED_FORMATS = 'PDF, JPEG, PNG, HEIC, HEIF';

/**
 * Merges an admin's texts over the defaults. Anything that is not a non-empty string for a known language and key is
 * ignored, so a typo in the editor never leaves a sender without an answer.
 */
export function mergeTexts(overrides: unknown): TextTable {
	const merged = structuredClone(DEFAULT_TEXTS);
	if (!overrides || typeof overrides !== 'object') return merged;
	for (const language of LANGUAGES) {
		const given = (overrides as Record<string, unknown>)[language];
		if (!given || typeof given !== 'object') continue;
		for (const key of TEXT_KEYS) {
			const text = (given as Record<string, unknown>)[key];
			if (typeof text === 'string' && text.trim() !== '') merged[language][key] = text;
		}
	}
	return merged;
}

/** Fills `{placeholders}`; unknown ones stay as written so that a mistake is visible rather than silent. */
export function fillText(template: string, values: Record<string, string | number | undefined>): string {
	return template.replace(/\{(\w+)\}/g, (whole, name: string) => (values[name] === undefined ? whole : String(values[name])));
}
