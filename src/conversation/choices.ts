/**
 * A message that offers choices (WhatsApp reply buttons or a list, whichever fits the number of rows). The same shape
 * as `ChoiceMessage` in src/whatsapp/outgoing.ts, which builds the request; the conversation only composes it.
 */
export interface ChoiceRow {
	/** Comes back as the reply's choice id, so it carries what was chosen (e.g. `q:<document>:<payment>`). */
	id: string;
	title: string;
	description?: string;
}

export interface ChoiceMessage {
	/** Reply buttons show no descriptions: the body must carry the details itself. */
	body: string;
	/** The list's button label (≤20 characters). */
	button: string;
	rows: ChoiceRow[];
	header?: string;
	footer?: string;
}
