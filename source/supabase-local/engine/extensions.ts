/**
 * The extensions an embedded database offers: every one Supabase offers that PGlite ships. PGlite unpacks and
 * compiles each extension passed to `PGlite.create` while it starts; none is passed. Instead their files are written
 * into the engine's file system once it runs (tens of milliseconds for all of them), and Postgres loads an
 * extension's library only when something needs it: its `create extension`, or a later call into it.
 */
import {fileURLToPath} from 'node:url';
import {list} from 'tar';

/** PGlite's extension object, as far as we use it: where its bundle (a tar.gz of files) is. */
type PGliteExtension = {setup(pg: never, emscriptenOptions: object): Promise<{bundlePath?: URL}>};

/** PGlite's bundles, by the name of the module that exports each (`moddatetime`'s bundle is contrib/spi). */
const BUNDLES = {
	amcheck: async () => (await import('@electric-sql/pglite/contrib/amcheck')).amcheck,
	bloom: async () => (await import('@electric-sql/pglite/contrib/bloom')).bloom,
	btree_gin: async () => (await import('@electric-sql/pglite/contrib/btree_gin')).btree_gin,
	btree_gist: async () => (await import('@electric-sql/pglite/contrib/btree_gist')).btree_gist,
	citext: async () => (await import('@electric-sql/pglite/contrib/citext')).citext,
	cube: async () => (await import('@electric-sql/pglite/contrib/cube')).cube,
	dict_int: async () => (await import('@electric-sql/pglite/contrib/dict_int')).dict_int,
	dict_xsyn: async () => (await import('@electric-sql/pglite/contrib/dict_xsyn')).dict_xsyn,
	earthdistance: async () => (await import('@electric-sql/pglite/contrib/earthdistance')).earthdistance,
	file_fdw: async () => (await import('@electric-sql/pglite/contrib/file_fdw')).file_fdw,
	fuzzystrmatch: async () => (await import('@electric-sql/pglite/contrib/fuzzystrmatch')).fuzzystrmatch,
	hstore: async () => (await import('@electric-sql/pglite/contrib/hstore')).hstore,
	intarray: async () => (await import('@electric-sql/pglite/contrib/intarray')).intarray,
	isn: async () => (await import('@electric-sql/pglite/contrib/isn')).isn,
	lo: async () => (await import('@electric-sql/pglite/contrib/lo')).lo,
	ltree: async () => (await import('@electric-sql/pglite/contrib/ltree')).ltree,
	pageinspect: async () => (await import('@electric-sql/pglite/contrib/pageinspect')).pageinspect,
	pg_buffercache: async () => (await import('@electric-sql/pglite/contrib/pg_buffercache')).pg_buffercache,
	pg_freespacemap: async () => (await import('@electric-sql/pglite/contrib/pg_freespacemap')).pg_freespacemap,
	pg_surgery: async () => (await import('@electric-sql/pglite/contrib/pg_surgery')).pg_surgery,
	pg_trgm: async () => (await import('@electric-sql/pglite/contrib/pg_trgm')).pg_trgm,
	pg_visibility: async () => (await import('@electric-sql/pglite/contrib/pg_visibility')).pg_visibility,
	pg_walinspect: async () => (await import('@electric-sql/pglite/contrib/pg_walinspect')).pg_walinspect,
	pgcrypto: async () => (await import('@electric-sql/pglite/contrib/pgcrypto')).pgcrypto,
	seg: async () => (await import('@electric-sql/pglite/contrib/seg')).seg,
	spi: async () => (await import('@electric-sql/pglite/contrib/moddatetime')).moddatetime,
	tablefunc: async () => (await import('@electric-sql/pglite/contrib/tablefunc')).tablefunc,
	tcn: async () => (await import('@electric-sql/pglite/contrib/tcn')).tcn,
	tsm_system_rows: async () => (await import('@electric-sql/pglite/contrib/tsm_system_rows')).tsm_system_rows,
	tsm_system_time: async () => (await import('@electric-sql/pglite/contrib/tsm_system_time')).tsm_system_time,
	unaccent: async () => (await import('@electric-sql/pglite/contrib/unaccent')).unaccent,
	uuid_ossp: async () => (await import('@electric-sql/pglite/contrib/uuid_ossp')).uuid_ossp,
	vector: async () => (await import('@electric-sql/pglite-pgvector')).vector,
} satisfies Record<string, () => Promise<PGliteExtension>>;

/**
 * Extension (SQL name) → the bundle that holds it: Supabase's list (supabase.com/docs/guides/database/extensions)
 * met with PGlite's. Left out although both have it: pg_stat_statements, which works only when loaded through
 * shared_preload_libraries at start-up, so it could not wait for its `create extension`. plpgsql is built in.
 */
export const OFFERED_EXTENSIONS: Readonly<Record<string, keyof typeof BUNDLES>> = {
	amcheck: 'amcheck',
	autoinc: 'spi',
	bloom: 'bloom',
	btree_gin: 'btree_gin',
	btree_gist: 'btree_gist',
	citext: 'citext',
	cube: 'cube',
	dict_int: 'dict_int',
	dict_xsyn: 'dict_xsyn',
	earthdistance: 'earthdistance',
	file_fdw: 'file_fdw',
	fuzzystrmatch: 'fuzzystrmatch',
	hstore: 'hstore',
	insert_username: 'spi',
	intarray: 'intarray',
	isn: 'isn',
	lo: 'lo',
	ltree: 'ltree',
	moddatetime: 'spi',
	pageinspect: 'pageinspect',
	pg_buffercache: 'pg_buffercache',
	pg_freespacemap: 'pg_freespacemap',
	pg_surgery: 'pg_surgery',
	pg_trgm: 'pg_trgm',
	pg_visibility: 'pg_visibility',
	pg_walinspect: 'pg_walinspect',
	pgcrypto: 'pgcrypto',
	refint: 'spi',
	seg: 'seg',
	tablefunc: 'tablefunc',
	tcn: 'tcn',
	tsm_system_rows: 'tsm_system_rows',
	tsm_system_time: 'tsm_system_time',
	unaccent: 'unaccent',
	'uuid-ossp': 'uuid_ossp',
	vector: 'vector',
};

/** A file of a bundle, by its path under the installation prefix (`lib/postgresql/citext.so`, …). */
export type ExtensionFile = {path: string; data: Uint8Array};

const EXTENSION_DIR = 'share/postgresql/extension/';

/**
 * Whether a bundle's file belongs on disk: libraries, text search data, and the control and script files of offered
 * extensions only (a bundle may carry others), so `pg_available_extensions` lists exactly what can be created.
 */
function wanted(file: string): boolean {
	if (file.startsWith('lib/postgresql/') || file.startsWith('share/postgresql/tsearch_data/')) return true;
	if (!file.startsWith(EXTENSION_DIR)) return false;
	const name = /^([^/]+?)(?:--[^/]*\.sql|\.control)$/.exec(file.slice(EXTENSION_DIR.length))?.[1];
	return name !== undefined && name in OFFERED_EXTENSIONS;
}

async function bundleFiles(bundle: keyof typeof BUNDLES): Promise<ExtensionFile[]> {
	const extension = await BUNDLES[bundle]();
	const {bundlePath} = await extension.setup(undefined as never, {});
	if (!bundlePath) throw new Error(`PGlite's ${bundle} extension names no bundle`);
	const files: ExtensionFile[] = [];
	await list({
		file: fileURLToPath(bundlePath),
		onReadEntry: entry => {
			if (entry.type !== 'File' || !wanted(entry.path)) return entry.resume();
			const chunks: Buffer[] = [];
			entry.on('data', (chunk: Buffer) => chunks.push(chunk));
			entry.on('end', () => files.push({path: entry.path, data: Buffer.concat(chunks)}));
		},
	});
	return files;
}

/** Every file the offered extensions need, read from PGlite's bundles (all bundles at once). */
export async function offeredExtensionFiles(): Promise<ExtensionFile[]> {
	const bundles = [...new Set(Object.values(OFFERED_EXTENSIONS))];
	return (await Promise.all(bundles.map(bundleFiles))).flat();
}

type EmscriptenFS = {analyzePath(path: string): {exists: boolean}; mkdirTree(path: string): void; writeFile(path: string, data: Uint8Array): void};

/** Writes the files under the engine's installation prefix (`/pglite`), where Postgres looks for extensions. */
export function writeExtensionFiles(fs: EmscriptenFS, prefix: string, files: readonly ExtensionFile[]): void {
	for (const file of files) {
		const target = `${prefix}/${file.path}`;
		const dir = target.slice(0, target.lastIndexOf('/'));
		if (!fs.analyzePath(dir).exists) fs.mkdirTree(dir);
		fs.writeFile(target, file.data);
	}
}
