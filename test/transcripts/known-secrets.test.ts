import fs from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {argumentSecrets, collectKnownSecrets, mcpConfigSecrets, settingsSecrets} from '../../source/transcripts/known-secrets.js';
import {createTextRedactor} from '../../source/transcripts/redact.js';
import {tempWorkspace} from '../helpers/paths.js';

const SBP_ARG = 'sbp_0123456789abcdef0123456789abcdef01234567';
const SBP_ENV = 'sbp_fedcba9876543210fedcba9876543210fedcba98';

/** A `.mcp.json` as Supabase's docs and other servers write them, with credentials in every place one can go. */
const MCP_CONFIG = {
	mcpServers: {
		supabase: {
			command: 'npx',
			args: ['-y', '@supabase/mcp-server-supabase@latest', '--read-only', '--project-ref=abcdefghijklmnopqrst', '--access-token', SBP_ARG],
			env: {SUPABASE_ACCESS_TOKEN: SBP_ENV},
		},
		other: {
			command: 'node',
			args: ['server.js', '--access-token=Zq7vL2xP9kW4mT6r', 'postgresql://app:UrlPw-12345@db.internal/shop', 'API_SECRET=argSecret-42'],
		},
		remote: {
			type: 'http',
			url: 'https://mcp.example.com/mcp?apiKey=QueryKey-987654&project_ref=abc',
			headers: {Authorization: 'Bearer hdr-token-12345', 'X-Trace': 'trace-id-not-secret'},
		},
		vars: {command: 'x', env: {MY_TOKEN: '${SB_TOKEN}', NODE_ENV: 'production', NOTES_FILE: '/tmp/notes.txt'}},
	},
};

describe('secrets pgpair reads from .mcp.json', () => {
	const values = mcpConfigSecrets(MCP_CONFIG, {SB_TOKEN: 'expanded-token-value-1'}).map(secret => secret.value);

	it.each([
		['a token after --access-token', SBP_ARG],
		['a token in a server env value', SBP_ENV],
		['a token in --access-token=…', 'Zq7vL2xP9kW4mT6r'],
		['the password of a URL argument', 'UrlPw-12345'],
		['a KEY=value argument', 'argSecret-42'],
		['a query token in a server URL', 'QueryKey-987654'],
		['a bearer token in a header, scheme dropped', 'hdr-token-12345'],
		['the whole Authorization header value', 'Bearer hdr-token-12345'],
		['a ${VAR} expanded from the environment', 'expanded-token-value-1'],
	])('%s', (_name, value) => {
		expect(values).toContain(value);
	});

	it('leaves what is not a credential: flags, project refs, paths, ordinary headers', () => {
		for (const value of ['--read-only', 'abcdefghijklmnopqrst', 'production', '/tmp/notes.txt', 'trace-id-not-secret', 'server.js'])
			expect(values).not.toContain(value);
	});

	it('reads flags however they are written', () => {
		expect(argumentSecrets(['--api-key', 'k-123456789', '--password=pw-123456', '--token', '--verbose'])).toEqual(['k-123456789', 'pw-123456']);
	});
});

describe('secrets pgpair reads from settings', () => {
	it('takes the env block and secret-named fields, not commands or rules', () => {
		const values = settingsSecrets({
			env: {ANTHROPIC_AUTH_TOKEN: 'settings-auth-token-1', NODE_ENV: 'production', DATABASE_URL: 'postgresql://a:SettingsPw-9@h/db'},
			apiKeyHelper: '/usr/local/bin/print-key.sh',
			permissions: {allow: ['mcp__supabase__list_tables']},
		}).map(secret => secret.value);
		expect(values).toEqual(expect.arrayContaining(['settings-auth-token-1', 'SettingsPw-9']));
		expect(values).not.toContain('production');
		expect(values).not.toContain('/usr/local/bin/print-key.sh');
	});
});

describe('collectKnownSecrets', () => {
	it('reads .mcp.json and the settings files of the workspace and home, tolerating broken ones', () => {
		const dir = tempWorkspace();
		const home = tempWorkspace();
		fs.writeFileSync(path.join(dir, '.mcp.json'), JSON.stringify(MCP_CONFIG));
		fs.mkdirSync(path.join(dir, '.claude'));
		fs.writeFileSync(path.join(dir, '.claude', 'settings.local.json'), JSON.stringify({env: {SUPABASE_SERVICE_ROLE_KEY: 'local-service-role-1'}}));
		fs.mkdirSync(path.join(home, '.claude'));
		fs.writeFileSync(path.join(home, '.claude', 'settings.json'), '{ not json');
		const known = collectKnownSecrets({cwd: dir, env: {}, home});
		const redact = createTextRedactor({env: {}, known});
		expect(redact(`tokens ${SBP_ARG.slice(0, 20)}… and Zq7vL2xP9kW4mT6r and local-service-role-1`)).toBe(
			`tokens ${SBP_ARG.slice(0, 20)}… and [REDACTED:mcp:other] and [REDACTED:settings]`,
		);
	});

	it('reads the file given with --mcp-config instead', () => {
		const dir = tempWorkspace();
		fs.writeFileSync(path.join(dir, 'servers.json'), JSON.stringify({mcpServers: {a: {command: 'x', args: ['--access-token=OtherFile-777']}}}));
		expect(collectKnownSecrets({cwd: dir, env: {}, home: dir, mcpConfig: 'servers.json'}).map(s => s.value)).toContain('OtherFile-777');
	});
});
