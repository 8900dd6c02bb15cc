/** A small app schema touching every part of the generated file: enum, tables, relationship, view, function. */
export const APP_SCHEMA_SQL = `
create type public.todo_status as enum ('open', 'done');
create type public.point2 as (x double precision, y double precision);
create table public.todos (
	id bigint generated always as identity primary key,
	owner uuid not null references auth.users (id),
	title text not null,
	status public.todo_status not null default 'open',
	due_on date,
	tags text[] not null default '{}',
	details jsonb
);
create table public.comments (
	id bigint generated always as identity primary key,
	todo_id bigint not null unique references public.todos (id),
	body text not null
);
create view public.open_todos with (security_invoker = on) as select id, title from public.todos where status = 'open';
create function public.todo_count(owner_id uuid) returns bigint language sql stable set search_path = ''
	as 'select count(*) from public.todos where owner = owner_id';
`;

/** A program a developer would write against the generated types; must compile cleanly. */
export const CORRECT_PROGRAM = `
import {createClient} from '@supabase/supabase-js';
import type {Database, Enums, Tables, TablesInsert} from './database.types.js';
import {Constants} from './database.types.js';

const supabase = createClient<Database>('http://127.0.0.1:54321', 'anon-key');

export async function openTitles(): Promise<string[]> {
	const {data, error} = await supabase.from('todos').select('id, title').eq('status', 'open');
	if (error) throw error;
	return data.map((row) => row.title);
}

export async function withComment(): Promise<number | undefined> {
	const {data} = await supabase.from('todos').select('id, comments(body)').single();
	return data?.id;
}

export async function count(owner: string): Promise<number | null> {
	const {data} = await supabase.rpc('todo_count', {owner_id: owner});
	return data;
}

export const newTodo: TablesInsert<'todos'> = {owner: '00000000-0000-0000-0000-000000000000', title: 'write tests'};
export const row: Tables<'todos'> | null = null;
export const done: Enums<'todo_status'> = 'done';
export const statuses: readonly Enums<'todo_status'>[] = Constants.public.Enums.todo_status;
`;

/** The same query with the column misspelled, used the way code would use it. */
export const MISSPELLED_SELECT_PROGRAM = `
import {createClient} from '@supabase/supabase-js';
import type {Database} from './database.types.js';

const supabase = createClient<Database>('http://127.0.0.1:54321', 'anon-key');

export async function titles(): Promise<string[]> {
	const {data, error} = await supabase.from('todos').select('id, titel');
	if (error) throw error;
	return data.map((row) => row.titel);
}
`;

export const MISSPELLED_FILTER_PROGRAM = `
import {createClient} from '@supabase/supabase-js';
import type {Database} from './database.types.js';

const supabase = createClient<Database>('http://127.0.0.1:54321', 'anon-key');

export async function titles(): Promise<string[]> {
	const {data, error} = await supabase.from('todos').select('id, title').eq('titel', 'x');
	if (error) throw error;
	return data.map((row) => row.title);
}
`;
