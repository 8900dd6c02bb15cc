/** Typegen tests written once, run on PGlite and on a real Postgres. */
import {expect, it} from 'vitest';
import {generateTypescriptTypes, type Queryable} from '../../../source/supabase-local/typegen/index.js';
import {typeCheck} from './type-check.js';
import {CORRECT_PROGRAM, MISSPELLED_FILTER_PROGRAM, MISSPELLED_SELECT_PROGRAM} from './typegen-schema.js';

export type TypegenHarness = {db: Queryable; exec: (sql: string) => Promise<void>};

export function defineTypegenTests(harness: () => TypegenHarness): void {
	it('writes the file in the layout of `supabase gen types typescript`', async () => {
		const {types} = await generateTypescriptTypes(harness().db);
		expect(types.startsWith('export type Json =\n  | string\n')).toBe(true);
		// top-level declarations, in the CLI's order
		const declarations = types.match(/^(export )?(type|const) \w+/gm);
		expect(declarations).toEqual([
			'export type Json',
			'export type Database',
			'type DatabaseWithoutInternals',
			'type DefaultSchema',
			'export type Tables',
			'export type TablesInsert',
			'export type TablesUpdate',
			'export type Enums',
			'export type CompositeTypes',
			'export const Constants',
		]);
		expect(types).toContain('__InternalSupabase: {\n    PostgrestVersion: "12"\n  }');
		for (const part of ['Tables: {', 'Views: {', 'Functions: {', 'Enums: {', 'CompositeTypes: {', 'Row: {', 'Insert: {', 'Update: {', 'Relationships: [']) {
			expect(types).toContain(part);
		}
		expect(types).toContain('todo_status: "open" | "done"');
		expect(types).toContain('status: Database["public"]["Enums"]["todo_status"]\n');
		expect(types).toContain('todo_count: { Args: { owner_id: string }; Returns: number }');
		expect(types).toContain(
			'foreignKeyName: "comments_todo_id_fkey"\n            columns: ["todo_id"]\n            isOneToOne: true\n            referencedRelation: "todos"',
		);
		expect(types).toContain('Constants = {\n  public: {\n    Enums: {\n      todo_status: ["open", "done"],');
		expect(types.endsWith('} as const\n')).toBe(true);
		// auth is not exposed over the API, so it is not described
		expect(types).not.toMatch(/^ {2}auth: \{/m);
	});

	it('describes the schemas PostgREST exposes, or the ones asked for', async () => {
		const h = harness();
		await h.exec('begin');
		try {
			await h.exec(`create schema api; create table api.notes (id int primary key, body text); set local pgrst.db_schemas = 'public, api';`);
			const exposed = (await generateTypescriptTypes(h.db)).types;
			expect(exposed).toMatch(/^ {2}api: \{/m);
			expect(exposed).toMatch(/^ {2}public: \{/m);
			const onlyApi = (await generateTypescriptTypes(h.db, {schemas: ['api']})).types;
			expect(onlyApi).toMatch(/^ {2}api: \{/m);
			expect(onlyApi).not.toMatch(/^ {2}public: \{/m);
		} finally {
			await h.exec('rollback');
		}
	});

	it('produces types that compile under strict and type a correct supabase-js query', async () => {
		const {types} = await generateTypescriptTypes(harness().db);
		expect(typeCheck({'database.types.ts': types, 'main.ts': CORRECT_PROGRAM})).toEqual([]);
	});

	it('rejects a misspelled column in a select that is then used', async () => {
		const {types} = await generateTypescriptTypes(harness().db);
		const diagnostics = typeCheck({'database.types.ts': types, 'main.ts': MISSPELLED_SELECT_PROGRAM});
		expect(diagnostics).toContainEqual(
			expect.objectContaining({file: 'main.ts', message: expect.stringContaining("column 'titel' does not exist on 'todos'")}),
		);
	});

	it('rejects a misspelled column in a filter', async () => {
		const {types} = await generateTypescriptTypes(harness().db);
		const diagnostics = typeCheck({'database.types.ts': types, 'main.ts': MISSPELLED_FILTER_PROGRAM});
		expect(diagnostics).toContainEqual(expect.objectContaining({file: 'main.ts', message: expect.stringContaining('"titel"')}));
	});
}
