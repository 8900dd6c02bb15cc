import type {SqlRunner} from './platform.js';

export type StorageBucket = {id: string; name: string; owner: string; created_at: string; updated_at: string; public: boolean};

export type StorageConfig = {
	fileSizeLimit: number;
	features: {imageTransformation: {enabled: boolean}; s3Protocol: {enabled: boolean}};
};

/** A new hosted project's settings: 50 MB uploads, image transformation off (a paid feature), the S3 protocol on. */
export const DEFAULT_STORAGE_CONFIG: StorageConfig = {
	fileSizeLimit: 52_428_800,
	features: {imageTransformation: {enabled: false}, s3Protocol: {enabled: true}},
};

/** The largest upload limit Supabase accepts (500 GB). */
export const MAX_FILE_SIZE_LIMIT = 536_870_912_000;

export async function listBuckets(db: Pick<SqlRunner, 'query'>): Promise<StorageBucket[]> {
	const {rows} = await db.query(
		`select id, name, coalesce(owner::text, owner_id, '') as owner, created_at, updated_at, coalesce(public, false) as public
		from storage.buckets order by created_at, name`,
	);
	return rows.map(row => ({
		id: String(row.id),
		name: String(row.name),
		owner: String(row.owner),
		created_at: new Date(row.created_at as string).toISOString(),
		updated_at: new Date(row.updated_at as string).toISOString(),
		public: row.public === true,
	}));
}

export async function getStorageConfig(db: Pick<SqlRunner, 'query'>): Promise<StorageConfig> {
	const {rows} = await db.query('select file_size_limit, image_transformation, s3_protocol from pgpair.storage_config');
	const row = rows[0];
	if (!row) return DEFAULT_STORAGE_CONFIG;
	return {
		fileSizeLimit: Number(row.file_size_limit),
		features: {imageTransformation: {enabled: row.image_transformation === true}, s3Protocol: {enabled: row.s3_protocol === true}},
	};
}

/** Refuses a limit Supabase would refuse (not a whole number of bytes, negative, over 500 GB); changes nothing then. */
export async function updateStorageConfig(db: Pick<SqlRunner, 'query'>, config: StorageConfig): Promise<void> {
	const limit = config.fileSizeLimit;
	if (!Number.isInteger(limit) || limit < 0 || limit > MAX_FILE_SIZE_LIMIT) {
		throw new Error(`fileSizeLimit must be a whole number of bytes from 0 to ${MAX_FILE_SIZE_LIMIT} (500 GB); got ${limit}.`);
	}
	await db.query(
		`insert into pgpair.storage_config (file_size_limit, image_transformation, s3_protocol) values ($1, $2, $3)
		on conflict (singleton) do update set file_size_limit = excluded.file_size_limit, image_transformation = excluded.image_transformation,
			s3_protocol = excluded.s3_protocol, updated_at = now()`,
		[limit, config.features.imageTransformation.enabled, config.features.s3Protocol.enabled],
	);
}
