/**
 * `/resume` and `pgpair --resume` without an id: this workspace's saved sessions, newest first (when it started, how
 * many turns, its first prompt). A transcript whose header cannot be read is listed, marked, and cannot be chosen.
 */
import {formatTimestamp} from '../transcripts/export-record.js';
import type {SessionListing, SessionSummary} from '../transcripts/reader.js';
import {type ChooserRow, ChooserScreen, chooserInner} from './chooser-screen.js';
import type {Context} from './keys/bindings.js';

export type ResumePickerProps = {
	/** Newest first; undefined while they are read. */
	listings: readonly SessionListing[] | undefined;
	/** The session open now, marked in the list. */
	currentId?: string;
	width: number;
	height: number;
	contexts: readonly Context[];
	/** Times are shown in this IANA zone (tests); else the machine's. */
	timeZone?: string;
	onChoose: (session: SessionSummary) => void;
	onClose: () => void;
};

/** Below this many columns inside the box, the date leaves out its year and the title its tail. */
const NARROW = 56;

/** The rows of the list at `inner` columns. */
export function resumeRows(listings: readonly SessionListing[], inner: number, currentId?: string, timeZone?: string): ChooserRow[] {
	const narrow = inner < NARROW;
	const when = (at: number | undefined) => (at === undefined ? '?'.repeat(narrow ? 11 : 16) : formatTimestamp(at, timeZone).slice(narrow ? 5 : 0, 16));
	const turns = (n: number) => `${n} turn${n === 1 ? '' : 's'}`;
	const turnsWidth = Math.max(0, ...listings.map(l => (l.kind === 'readable' ? turns(l.summary.turns).length : 0)));
	return listings.map(listing => {
		if (listing.kind === 'unreadable') return {key: listing.path, text: `${when(listing.startedAt)}  unreadable: ${listing.error}`, disabled: true};
		const {summary} = listing;
		const prompt = summary.firstPrompt?.replace(/\s+/g, ' ').trim() || '(no prompt)';
		const current = summary.id === currentId ? (narrow ? '(this) ' : '(this session) ') : '';
		return {key: summary.path, text: `${when(Date.parse(summary.createdAt))}  ${turns(summary.turns).padStart(turnsWidth)}  ${current}${prompt}`};
	});
}

export function ResumePicker({listings, currentId, width, height, contexts, timeZone, onChoose, onClose}: ResumePickerProps) {
	const inner = chooserInner(width);
	const rows = listings === undefined ? [] : resumeRows(listings, inner, currentId, timeZone);
	const narrow = inner < NARROW;
	const count = listings === undefined ? '' : ` · ${listings.length} saved${narrow ? '' : ', newest first'}`;
	return (
		<ChooserScreen
			title={`${narrow ? 'Resume' : 'Resume a session'}${count}`}
			rows={rows}
			{...(listings === undefined ? {loading: 'Reading the saved sessions…'} : {})}
			empty="No saved sessions for this workspace yet: each session is saved as you go."
			width={width}
			height={height}
			contexts={contexts}
			onChoose={index => {
				const listing = listings?.[index];
				if (listing?.kind === 'readable') onChoose(listing.summary);
			}}
			onClose={onClose}
		/>
	);
}
