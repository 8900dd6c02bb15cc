import {describe, expect, it} from 'vitest';
import {McpConfigError, parseMcpConfig} from '../../source/tools/mcp-config.js';

const env = {HOME: '/home/me', TOKEN: 'abc123', EMPTY: ''};

describe('.mcp.json (Claude Code format)', () => {
	it('reads stdio and http servers and expands ${VAR} and ${VAR:-default}', () => {
		const servers = parseMcpConfig(
			JSON.stringify({
				mcpServers: {
					supabase: {command: 'npx', args: ['-y', '@supabase/mcp-server-supabase', '--project-ref=${REF:-local}'], env: {SUPABASE_ACCESS_TOKEN: '${TOKEN}'}},
					remote: {type: 'http', url: 'https://mcp.example.test/mcp', headers: {Authorization: 'Bearer ${TOKEN}'}},
				},
			}),
			'.mcp.json',
			env,
		);
		expect(servers['supabase']).toEqual({
			type: 'stdio',
			command: 'npx',
			args: ['-y', '@supabase/mcp-server-supabase', '--project-ref=local'],
			env: {SUPABASE_ACCESS_TOKEN: 'abc123'},
		});
		expect(servers['remote']).toEqual({type: 'http', url: 'https://mcp.example.test/mcp', headers: {Authorization: 'Bearer abc123'}});
	});

	it.each([
		['not json', '{', /not valid JSON/],
		['no mcpServers', '{}', /expected an object with "mcpServers"/],
		['missing command', '{"mcpServers":{"a":{"args":[]}}}', /mcpServers\.a: "command" must be a non-empty string/],
		['args not strings', '{"mcpServers":{"a":{"command":"x","args":[1]}}}', /"args" must be a list of strings/],
		['unset variable', '{"mcpServers":{"a":{"command":"${NOPE}"}}}', /environment variable NOPE is not set/],
		['empty variable without default', '{"mcpServers":{"a":{"command":"${EMPTY}"}}}', /EMPTY is not set/],
		['ambiguous server name', '{"mcpServers":{"a__b":{"command":"x"}}}', /no "__"/],
		['unknown type', '{"mcpServers":{"a":{"type":"sse2","command":"x"}}}', /unsupported type/],
	])('rejects %s with a clear error', (_name, text, message) => {
		expect(() => parseMcpConfig(text, '.mcp.json', env)).toThrow(McpConfigError);
		expect(() => parseMcpConfig(text, '.mcp.json', env)).toThrow(message);
	});
});
