/**
 * A small real MCP server over stdio for tool-host tests that should not wait for a database:
 * `echo` (read-only), `write_note` (writes a file), `clear_notes` (destructive), `crash` (exits mid-call),
 * `slow` (waits). With FIXTURE_LOG_CREDENTIALS set it writes its arguments and token variables to
 * stderr at start, as a careless server would (pgpair's debug log must redact them).
 */
import fs from 'node:fs';
import {McpServer} from '@modelcontextprotocol/sdk/server/mcp.js';
import {StdioServerTransport} from '@modelcontextprotocol/sdk/server/stdio.js';
import {z} from 'zod';

const server = new McpServer({name: 'fixture', version: '1.0.0'});

server.registerTool(
	'echo',
	{
		description: 'Echo the text back.',
		inputSchema: {text: z.string()},
		annotations: {readOnlyHint: true},
	},
	async ({text}) => ({content: [{type: 'text', text: `echo: ${text}`}]}),
);

server.registerTool(
	'write_note',
	{
		description: 'Append a line to the notes file named by NOTES_FILE.',
		inputSchema: {line: z.string()},
		annotations: {readOnlyHint: false, destructiveHint: false},
	},
	async ({line}) => {
		fs.appendFileSync(process.env['NOTES_FILE'] ?? 'notes.txt', `${line}\n`);
		return {content: [{type: 'text', text: 'noted'}]};
	},
);

server.registerTool(
	'clear_notes',
	{
		description: 'Delete the notes file named by NOTES_FILE.',
		inputSchema: {},
		annotations: {readOnlyHint: false, destructiveHint: true},
	},
	async () => {
		fs.rmSync(process.env['NOTES_FILE'] ?? 'notes.txt', {force: true});
		return {content: [{type: 'text', text: 'cleared'}]};
	},
);

server.registerTool(
	'crash',
	{
		description: 'Exit the server process in the middle of the call.',
		inputSchema: {},
		annotations: {readOnlyHint: true},
	},
	async () => {
		process.exit(3);
	},
);

server.registerTool(
	'slow',
	{
		description: 'Answer after ms milliseconds.',
		inputSchema: {ms: z.number()},
		annotations: {readOnlyHint: true},
	},
	async ({ms}) => {
		await new Promise(resolve => setTimeout(resolve, ms));
		return {content: [{type: 'text', text: `waited ${ms}`}]};
	},
);

if (process.env['FIXTURE_LOG_CREDENTIALS']) {
	const tokens = Object.entries(process.env)
		.filter(([name]) => name.endsWith('_TOKEN'))
		.map(([name, value]) => `${name}=${value}`);
	console.error(`fixture started with ${process.argv.slice(2).join(' ')} ${tokens.join(' ')}`);
}

await server.connect(new StdioServerTransport());
