import {describe, expect, it} from 'vitest';
import {rlsTested} from '../../source/checklist/evaluators/rls-tested.js';
import {asAuthenticated, useLocalSession} from './session-harness.js';

describe('RLS tested and documented, through the local server', () => {
	const local = useLocalSession();

	it('does not apply while no table is exposed', async () => {
		expect(await rlsTested(local.session.events, local.server.evidence)).toEqual({state: 'done', evidence: 'not applicable: no tables in the exposed schemas'});
	});

	it('is open for a table without RLS', async () => {
		await local.session.migrate(
			'create_notes',
			'create table public.notes (id bigint generated always as identity primary key, user_id uuid references auth.users (id), body text);',
		);
		const result = await rlsTested(local.session.events, local.server.evidence);
		expect(result.state).toBe('open');
		expect(result.evidence).toBe('public.notes: RLS is off, never queried as anon or authenticated');
	});

	it('stays open with commented policies until a query runs as authenticated, not as the owner', async () => {
		await local.session.migrate(
			'notes_rls',
			`alter table public.notes enable row level security;
create policy "owners read notes" on public.notes for select to authenticated using ((select auth.uid()) = user_id);
create policy "owners add notes" on public.notes for insert to authenticated with check ((select auth.uid()) = user_id);
comment on policy "owners read notes" on public.notes is 'A signed-in user reads only their own notes.';
comment on policy "owners add notes" on public.notes is 'A signed-in user adds notes only as themselves.';`,
		);
		await local.session.sql('select count(*) from public.notes');
		const result = await rlsTested(local.session.events, local.server.evidence);
		expect(result).toEqual({state: 'open', evidence: 'public.notes: never queried as anon or authenticated'});
	});

	it('ticks after an RLS test query as authenticated', async () => {
		const rows = await local.session.sql(asAuthenticated('select count(*)::int as n from public.notes;'));
		expect(rows).toContain('[{\\"n\\":0}]');
		const result = await rlsTested(local.session.events, local.server.evidence);
		expect(result.state).toBe('done');
		expect(result.evidence).toMatch(/^RLS on with commented policies, tested: public\.notes \(2 commented policies, tested as authenticated at event \d+\)$/);
	});

	it('unticks when a later migration adds a policy without a comment', async () => {
		await local.session.migrate(
			'notes_delete_policy',
			'create policy "owners delete notes" on public.notes for delete to authenticated using ((select auth.uid()) = user_id);',
		);
		const result = await rlsTested(local.session.events, local.server.evidence);
		expect(result).toEqual({
			state: 'open',
			evidence: 'public.notes: policy "owners delete notes" has no comment, not queried as anon or authenticated since its last change',
		});
	});

	it('ticks again once the policy is documented and tested as anon', async () => {
		await local.session.migrate(
			'comment_delete_policy',
			`comment on policy "owners delete notes" on public.notes is 'A signed-in user deletes only their own notes.';`,
		);
		// A comment changes no behaviour: the earlier test still counts for it, but not for the new policy.
		expect((await rlsTested(local.session.events, local.server.evidence)).evidence).toBe(
			'public.notes: not queried as anon or authenticated since its last change',
		);
		await local.session.sql('set local role anon; select set_config(\'request.jwt.claims\', \'{"role":"anon"}\', true); select count(*) from notes;');
		const result = await rlsTested(local.session.events, local.server.evidence);
		expect(result.state).toBe('done');
		expect(result.evidence).toMatch(/3 commented policies, tested as anon/);
	});

	it('is open for a second table with RLS on but no policies', async () => {
		await local.session.migrate('create_tags', 'create table public.tags (id int primary key);\nalter table public.tags enable row level security;');
		const result = await rlsTested(local.session.events, local.server.evidence);
		expect(result.state).toBe('open');
		expect(result.evidence).toBe('public.tags: RLS is on but there are no policies, never queried as anon or authenticated');
	});
});
