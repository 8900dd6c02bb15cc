import type {McpServer} from '@modelcontextprotocol/sdk/server/mcp.js';
import {z} from 'zod';
import {getStorageConfig, listBuckets, updateStorageConfig} from '../storage.js';
import {DESTRUCTIVE, defineProjectReader, defineTool, projectId, SUCCESS, type ToolContext} from './util.js';

const enabled = (what: string) => z.strictObject({enabled: z.boolean().describe(`Whether ${what} is on.`)});

export function registerStorageTools(server: McpServer, context: ToolContext): void {
	const {local} = context;

	defineProjectReader(
		server,
		context,
		{
			name: 'list_storage_buckets',
			title: 'List storage buckets',
			description:
				"Lists the project's storage buckets (storage.buckets: id, name, owner, whether public, created and updated). " +
				'Locally there is no Storage API: buckets are the rows a migration or SQL put there, and their policies on ' +
				'storage.objects apply as on Supabase.',
		},
		async ({db}) => ({buckets: await listBuckets(db)}),
	);

	defineProjectReader(
		server,
		context,
		{
			name: 'get_storage_config',
			title: 'Get storage config',
			description: "Returns the project's storage settings: the upload size limit in bytes and whether image transformation and the S3 protocol are on.",
		},
		async ({db}) => getStorageConfig(db),
	);

	defineTool(
		server,
		context,
		{
			name: 'update_storage_config',
			title: 'Update storage config',
			description:
				"Changes the project's storage settings: the upload size limit in bytes (a whole number, at most 500 GB) and " +
				'whether image transformation and the S3 protocol are on. Every field is required; read the current ' +
				'settings with get_storage_config first.',
			input: z.strictObject({
				config: z.strictObject({
					fileSizeLimit: z.number().describe('The largest upload, in bytes.'),
					features: z.strictObject({
						imageTransformation: enabled('image transformation'),
						s3Protocol: enabled('the S3 protocol'),
					}),
				}),
				project_id: projectId,
			}),
			annotations: DESTRUCTIVE,
			writes: true,
		},
		async ({config, project_id}) =>
			local.exclusive(async () => {
				const {db, ref} = await local.project(project_id);
				const before = await getStorageConfig(db);
				await updateStorageConfig(db, config);
				local.logs.record(ref, 'storage', `storage settings changed: ${JSON.stringify(before)} -> ${JSON.stringify(config)}`, {
					file_size_limit: config.fileSizeLimit,
					image_transformation: config.features.imageTransformation.enabled,
					s3_protocol: config.features.s3Protocol.enabled,
				});
				return SUCCESS;
			}),
	);
}
