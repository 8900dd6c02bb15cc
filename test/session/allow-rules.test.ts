/**
 * The approval pane offers "allow" only for what is on screen; these attacks send the allow around the pane, straight
 * to the session, as a buggy key handler or a fast key (the `e` editor saved before the preview arrived) once did. The
 * session itself refuses: a forbidden call without its typed word, an edit whose own preview was never shown, and the
 * call as proposed once the screen shows an edit. Each is checked on the database, which must not have changed.
 */
import {afterEach, describe, expect, it} from 'vitest';
import {CONFIRM_WORD} from '../../source/core/classification.js';
import {waitFor} from '../helpers/wait-for.js';
import {openRig, type Rig} from './rig.js';

const SQL = 'mcp__supabase__execute_sql';
const rigs: Rig[] = [];
afterEach(async () => {
	for (const rig of rigs.splice(0).reverse()) await rig.close();
});

const call = (id: string, query: string, after = 'Done.') => [{text: '', tool_calls: [{name: SQL, input: {query}, id}]}, {text: after}];
const SETUP =
	'create table public.secrets (id int primary key); alter table public.secrets enable row level security; ' +
	'create table public.notes (id int primary key); alter table public.notes enable row level security';
const READ = "select relname, relrowsecurity as rls from pg_class where relname in ('notes', 'secrets') order by relname";

function refusals(rig: Rig): string[] {
	return rig.state().entries.flatMap(e => (e.kind === 'notice' && e.text.startsWith('That allow was not taken') ? [e.text] : []));
}

/** RLS per table, as the database says (the read runs as its own call and is allowed). */
async function rls(rig: Rig, callId: string): Promise<Record<string, boolean>> {
	rig.say('read');
	const waiting = await rig.waitingCall().catch(() => undefined);
	if (waiting?.callId === callId) rig.session.decide(callId, {decision: 'allow'});
	await rig.turnDone();
	const entry = rig.state().entries.find(e => e.kind === 'tool' && e.call.callId === callId);
	const result = JSON.parse(entry?.kind === 'tool' ? (entry.call.result ?? '{}') : '{}') as {result?: string};
	const rows = JSON.parse(/\[.*\]/s.exec(result.result ?? '')?.[0] ?? '[]') as Array<{relname: string; rls: boolean}>;
	return Object.fromEntries(rows.map(row => [row.relname, row.rls]));
}

describe('an allow sent around the approval pane', () => {
	it('is refused for a forbidden call without the typed word, for an unpreviewed edit and for the proposal behind an edit', {
		timeout: 240_000,
	}, async () => {
		const rig = await openRig(
			{
				turns: [
					...call('toolu_setup', SETUP),
					...call('toolu_forbidden', 'alter table public.secrets disable row level security'),
					...call('toolu_read1', READ),
					...call('toolu_edited', 'alter table public.secrets disable row level security'),
					...call('toolu_read2', READ),
				],
			},
			{builtinServer: true},
		);
		rigs.push(rig);
		rig.say('set up');
		rig.session.decide((await rig.waitingCall()).callId, {decision: 'allow'});
		await rig.turnDone();

		// 1. Forbidden, allowed without the word: refused, still waiting; then denied. RLS stays on.
		rig.say('open it up');
		const forbidden = await rig.waitingCall();
		expect(forbidden.classification?.violations?.join(' ')).toContain('public.secrets');
		rig.session.decide(forbidden.callId, {decision: 'allow'});
		await waitFor(() => refusals(rig).length === 1, 'the refusal');
		expect(refusals(rig)[0]).toContain(`needs "${CONFIRM_WORD}" typed to run`);
		expect(rig.state().openCalls.find(c => c.callId === forbidden.callId)?.status).toBe('awaiting_approval');
		rig.session.decide(forbidden.callId, {decision: 'deny'});
		await rig.turnDone();
		expect(await rls(rig, 'toolu_read1')).toEqual({notes: true, secrets: true});

		// 2. Edited to the other table and allowed (with the word) before the edit's own preview: refused.
		rig.say('open the other one');
		const proposed = await rig.waitingCall();
		const edit = {query: 'alter table public.notes disable row level security'};
		rig.session.decide(proposed.callId, {decision: 'allow', editedInput: edit, confirmation: CONFIRM_WORD});
		await waitFor(() => refusals(rig).length === 2, 'the second refusal');
		expect(refusals(rig)[1]).toContain('the preview on screen is not of this edit');

		// 3. Once the edit's preview is on screen, the proposal behind it cannot be allowed as it was.
		await rig.session.previewEdit(proposed.callId, edit);
		const previewed = await waitFor(
			() => rig.state().openCalls.find(c => c.callId === proposed.callId && c.preview?.input !== undefined),
			"the edit's preview",
		);
		expect(previewed.classification?.violations?.join(' ')).toContain('public.notes');
		expect(previewed.classification?.violations?.join(' ')).not.toContain('public.secrets');
		rig.session.decide(proposed.callId, {decision: 'allow', confirmation: CONFIRM_WORD});
		await waitFor(() => refusals(rig).length === 3, 'the third refusal');
		expect(refusals(rig)[2]).toContain('the preview on screen is of an edit');

		// The edit, as shown and confirmed, runs: only public.notes loses RLS.
		rig.session.decide(proposed.callId, {decision: 'allow', editedInput: edit, confirmation: CONFIRM_WORD});
		await rig.turnDone();
		expect(await rls(rig, 'toolu_read2')).toEqual({notes: false, secrets: true});
	});
});
