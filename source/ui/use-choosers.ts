/**
 * The lists `/model` and `/resume` open in the prompt's place, and what choosing in them does: the session switches
 * its model, the switcher goes on with a saved session. What goes wrong is said under the prompt (`say`).
 */
import {useCallback, useState} from 'react';
import type {Session} from '../session/session.js';
import type {SessionListing} from '../transcripts/reader.js';

/** A list open in the prompt's place: `/model`'s, or `/resume`'s. */
export type Chooser = 'none' | 'model' | 'resume';

/** The saved sessions `/resume` lists, and the switch to one (the session host's; see session-host.ts). */
export type SessionSwitcher = {
	list(): Promise<SessionListing[]>;
	/** Goes on with a saved session (id, prefix or path) as `--resume` does; rejects with the reason, changing nothing. */
	resume(query: string): Promise<void>;
};

export type Say = (text: string, level?: 'info' | 'warn') => void;

export function useChoosers(session: Pick<Session, 'setModel'>, switcher: SessionSwitcher | undefined, say: Say) {
	const [chooser, setChooser] = useState<Chooser>('none');
	// `/resume`'s list, once read (undefined while it is read).
	const [listings, setListings] = useState<SessionListing[] | undefined>(undefined);
	const close = useCallback(() => setChooser('none'), []);
	const openModels = useCallback(() => setChooser('model'), []);
	const openSessions = useCallback(() => {
		if (!switcher) return;
		setListings(undefined);
		setChooser('resume');
		switcher.list().then(setListings, (error: unknown) => {
			setChooser('none');
			say(`The saved sessions could not be read: ${errorText(error)}`);
		});
	}, [switcher, say]);
	const resume = useCallback(
		(query: string) => {
			setChooser('none');
			// On success the app is replaced by the chosen session's; a refusal (no such session) is said here.
			switcher?.resume(query).catch((error: unknown) => say(errorText(error)));
		},
		[switcher, say],
	);
	const switchModel = useCallback(
		(name: string) => {
			setChooser('none');
			try {
				const outcome = session.setModel(name);
				// A change is a line in the chat (the log's); the same model again is said here only.
				if (!outcome.changed) say(`The model is ${outcome.model} already.`, 'info');
			} catch (error) {
				say(errorText(error));
			}
		},
		[session, say],
	);
	return {chooser, listings, close, openModels, openSessions, resume, switchModel};
}

export function errorText(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}
