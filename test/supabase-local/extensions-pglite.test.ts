/** list_extensions and lazily loaded extensions on the embedded database. Shared cases: extensions-suite.ts. */
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {createPGliteHost} from '../../source/supabase-local/pglite-platform.js';
import {connectInMemory, type SupabaseMcpTestClient, unfence} from '../helpers/supabase-mcp-client.js';
import {describeExtensionSuite} from './extensions-suite.js';
import {sharedSnapshotCache} from './pglite-cache.js';

describeExtensionSuite('pglite');

describe('extensions in a database held in memory, whose previews run in a clone', () => {
	let client: SupabaseMcpTestClient;

	beforeAll(async () => {
		client = await connectInMemory({host: createPGliteHost({cacheDir: sharedSnapshotCache()})});
	});
	afterAll(async () => {
		await client?.close();
	});

	it('previews creating an extension the database does not have, then creates it for real', async () => {
		const query = `create extension seg schema extensions; create table public.ranges (r extensions.seg); insert into public.ranges values ('1 .. 2');`;
		const preview = await client.call('pgpair_preview_sql', {mode: 'sql', query});
		expect(preview.sandbox).toBe('clone');
		expect(preview.after).toContain('table public.ranges');
		await client.call('execute_sql', {query});
		const {result} = await client.call('execute_sql', {query: `select r::text as r from public.ranges`});
		expect(unfence(result).data).toEqual([{r: '1 .. 2'}]);
	});
});
