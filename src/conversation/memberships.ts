/**
 * The 09:00 run's membership refresh for one organisation: WhatsApp links whose Qonto membership is gone or no longer
 * active are removed, so that team members with access to Qonto can send documents and nobody else can; active
 * memberships that no WhatsApp is linked to yet are listed for the admin, who can send them their activation link.
 */
import { isRecord, textOf } from '../common/guards';
import type { MemberRow } from './directory';

export interface MembershipRefresh {
	/** Rows to save (by id), each with why: no longer a link, but still naming the membership it was (`unlinked`). */
	unlink: Array<{ row: MemberRow; reason: string }>;
	/** Active memberships no WhatsApp is linked to, as Qonto gave them: what Create Activation Links takes. */
	notActivated: Array<Record<string, unknown>>;
	/** Why nothing was unlinked although links exist, when Qonto's list cannot be complete. */
	warning?: string;
}

/**
 * The row after its link ended: no organisation any more (so it is no link: no document is stored for the sender),
 * the membership and organisation name kept, so that the sender hears their access ended rather than how to get one.
 */
export function unlinked(row: MemberRow): MemberRow {
	return { ...row, organisationId: '', isDefault: false };
}

/** `GET /v2/memberships` items, from the list or from a whole answer (`{ memberships: [...] }`). */
function membershipList(memberships: unknown): Array<Record<string, unknown>> {
	const list = Array.isArray(memberships) ? memberships : isRecord(memberships) && Array.isArray(memberships.memberships) ? memberships.memberships : [];
	return list.filter((membership): membership is Record<string, unknown> => isRecord(membership) && textOf(membership.id) !== '');
}

/** Compares the organisation's member rows with its Qonto memberships (all pages). */
export function refreshMemberships(rows: readonly MemberRow[], organisationId: string, memberships: unknown): MembershipRefresh {
	const links = rows.filter((row) => row.organisationId !== '' && row.organisationId === organisationId);
	const listed = membershipList(memberships);
	const statusOf = new Map(listed.map((membership) => [textOf(membership.id), textOf(membership.status).trim().toLowerCase()]));
	const linkedIds = new Set(links.map((row) => row.membershipId));
	const notActivated = listed.filter((membership) => statusOf.get(textOf(membership.id)) === 'active' && !linkedIds.has(textOf(membership.id)));
	// Every organisation has an owner: an empty list is a failed or filtered listing, not an organisation without members.
	if (listed.length === 0 && links.length > 0) {
		return { unlink: [], notActivated, warning: `Qonto listed no memberships for ${organisationId}: nobody was unlinked` };
	}
	const unlink = links.flatMap((row) => {
		const status = statusOf.get(row.membershipId);
		if (status === 'active') return [];
		const reason = row.membershipId === '' ? 'no membership id' : status === undefined ? 'membership not found in Qonto' : `membership ${status || 'without status'}`;
		return [{ row: unlinked(row), reason }];
	});
	return { unlink, notActivated };
}
