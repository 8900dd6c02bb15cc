import {describe, expect, it} from 'vitest';
import {coloriseDiffLines, summariseSchemaDiff, unifiedDiff} from '../../source/preview/index.js';
import {readIdentifiers} from '../../source/preview/schema-hazards.js';

describe('schema diff summaries', () => {
	it.each([
		['+column public.t.a integer\n+column public.t.b text\n', '2 columns added'],
		['-policy public.t.p permissive for ALL to public\n', '1 policy removed'],
		['-index public.t.i: CREATE INDEX i ON public.t USING btree (a)\n+index public.t.i: CREATE INDEX i ON public.t USING btree (b)\n', '1 index changed'],
		['+table public."My Table" (rls off, force off)\n+grant public."My Table" to anon: SELECT\n', '1 table added, 1 grant added'],
		[
			'-function public.f(a integer) returns integer language sql volatile md5:1\n+function public.f(a integer) returns integer language sql volatile md5:2\n',
			'1 function changed',
		],
		['', ''],
		// Quoted names after a bare part (Postgres quotes a policy named with a colon or a space): each is its own object.
		[
			'+policy public.todos."todos: owners read" permissive for SELECT to authenticated using (true)\n+policy public.todos."todos: owners insert" permissive for INSERT to authenticated with check (true)\n',
			'2 policies added',
		],
		['+column public."My Table"."a.b" integer\n+column public."My Table"."a.c" integer\n+column public.t."x ""y""" text\n', '3 columns added'],
	])('summarises %j as %j', (body, expected) => {
		const diff = body ? `--- schema before\n+++ schema after\n@@ -1 +1 @@\n${body}` : '';
		expect(summariseSchemaDiff(diff)).toBe(expected);
	});
});

describe('dump identifiers', () => {
	it.each([
		['public.todos (rls on, force off)', 2, ['public', 'todos'], ' (rls on, force off)'],
		['public."My ""odd"" table".id bigint', 3, ['public', 'My "odd" table', 'id'], ' bigint'],
		['public.todos."own todos" permissive', 3, ['public', 'todos', 'own todos'], ' permissive'],
	])('reads %j', (text, count, names, rest) => {
		expect(readIdentifiers(text, count)).toEqual({names, rest});
	});

	it('refuses text that does not hold enough identifiers', () => {
		expect(readIdentifiers('public', 2)).toBeUndefined();
		expect(readIdentifiers('public."open', 2)).toBeUndefined();
	});
});

describe('unified diffs for the UI', () => {
	it('is empty for equal texts and classifies each line otherwise', () => {
		expect(unifiedDiff('a', 'b', 'x\n', 'x\n')).toBe('');
		expect(coloriseDiffLines(unifiedDiff('a', 'b', 'x\ny\n', 'x\nz\n')).map(l => l.kind)).toEqual(['header', 'header', 'hunk', 'context', 'remove', 'add']);
	});
});

describe('schema diff summaries agree with the diff they sit over', () => {
	// Every added line of a distinct object is one object added: the summary above a diff never says fewer.
	it('counts one added object per added line of distinct objects, whatever their names', () => {
		const names = ['p', '"p q"', '"p: q"', '"p.q"', '"P"', '"p ""q"""', '"ünïcode"', '"p\\q"'];
		const lines = names.flatMap(name => [`+policy public."T t".${name} permissive for ALL to public using (true)`, `+column public.t.${name} integer`]);
		const summary = summariseSchemaDiff(`--- schema before\n+++ schema after\n@@ -1 +1 @@\n${lines.join('\n')}\n`);
		expect(summary).toBe(`${names.length} columns added, ${names.length} policies added`);
	});
});
