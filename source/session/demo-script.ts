/**
 * The offline demo: a scripted backend-engineer session that the scripted Messages-API server plays
 * against the real local Supabase server. Every call still waits for the person's approval.
 */
import type {Script} from '../model/scripted-server.js';

export const DEMO_PROMPT = 'Create a todos table where each user only sees their own rows.';

const MIGRATION = `-- Migration: create_todos
-- Description: per-user todo items, isolated by RLS

create table public.todos (
  id bigint generated always as identity primary key,
  user_id uuid not null references auth.users (id) on delete cascade,
  title text not null check (length(title) between 1 and 200),
  done boolean not null default false,
  created_at timestamptz not null default now()
);

create index todos_user_id_idx on public.todos (user_id);

alter table public.todos enable row level security;

create policy "todos: owners read" on public.todos
  for select to authenticated using ((select auth.uid()) = user_id);
comment on policy "todos: owners read" on public.todos is 'A user reads only their own todos.';

create policy "todos: owners insert" on public.todos
  for insert to authenticated with check ((select auth.uid()) = user_id);
comment on policy "todos: owners insert" on public.todos is 'A user can only create todos for themselves.';

-- migrate:down
-- drop table public.todos;
`;

const RLS_CHECK = `select set_config('request.jwt.claims', '{"sub":"00000000-0000-0000-0000-00000000000a","role":"authenticated"}', true);
set local role authenticated;
select count(*) as visible_todos from public.todos;`;

export const DEMO_SCRIPT: Script = {
	turns: [
		{
			text: "I'll start by looking at what is already in the database.",
			chunk: 6,
			delay_ms: 15,
			tool_calls: [{name: 'mcp__supabase__list_tables', input: {schemas: ['public']}}],
		},
		{
			text: 'The public schema has no todos table yet. Here is a migration that creates it with row level security: policies use `(select auth.uid())` so they are evaluated once per query, the foreign key is indexed, and a down section says how to roll it back.',
			chunk: 8,
			delay_ms: 15,
			tool_calls: [{name: 'mcp__supabase__apply_migration', input: {name: 'create_todos', query: MIGRATION}}],
		},
		{
			text: 'Now I test the policies the way a signed-in user would see them.',
			chunk: 6,
			delay_ms: 15,
			tool_calls: [{name: 'mcp__supabase__execute_sql', input: {query: RLS_CHECK}}],
		},
		{
			text: 'And I run the security advisors to be sure nothing is exposed.',
			chunk: 6,
			delay_ms: 15,
			tool_calls: [{name: 'mcp__supabase__get_advisors', input: {type: 'security'}}],
		},
		{
			text: 'Then the performance advisors, for missing indexes and policies that run per row.',
			chunk: 6,
			delay_ms: 15,
			tool_calls: [{name: 'mcp__supabase__get_advisors', input: {type: 'performance'}}],
		},
		{
			text: 'Last, the TypeScript types for the app, so `createClient<Database>()` knows the new table.',
			chunk: 6,
			delay_ms: 15,
			tool_calls: [{name: 'mcp__supabase__generate_typescript_types', input: {}}],
		},
		{
			text: 'Done. `public.todos` exists with RLS on, two commented policies scoped to `authenticated`, and an index on `user_id`. A signed-in user sees only their own rows.\n\nThis was the offline demo: the answers were scripted, but every tool call ran for real against the embedded database in `.pgpair/`, and only after you approved it. Set ANTHROPIC_API_KEY to pair with the real model.',
			chunk: 10,
			delay_ms: 10,
		},
	],
};
