import fs from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {loadPermissions, SettingsError} from '../../source/session/permissions.js';
import {tempWorkspace} from '../helpers/paths.js';

function settings(files: Record<string, unknown>): {cwd: string; home: string} {
	const base = tempWorkspace('pgpair-settings-');
	const cwd = path.join(base, 'project');
	const home = path.join(base, 'home');
	for (const [file, content] of Object.entries(files)) {
		const full = path.join(base, file);
		fs.mkdirSync(path.dirname(full), {recursive: true});
		fs.writeFileSync(full, typeof content === 'string' ? content : JSON.stringify(content));
	}

	fs.mkdirSync(cwd, {recursive: true});
	return {cwd, home};
}

describe('the sandbox key of the settings files', () => {
	it('is off without one', () => {
		expect(loadPermissions(settings({})).sandbox).toEqual({enabled: false, allowedDomains: []});
	});

	it('is on when any file enables it, and allowed domains add up', () => {
		const loaded = loadPermissions(
			settings({
				'home/.claude/settings.json': {sandbox: {network: {allowedDomains: ['registry.npmjs.org']}}},
				'project/.claude/settings.json': {sandbox: {enabled: true, network: {allowedDomains: ['*.github.com']}}},
				'project/.claude/settings.local.json': {sandbox: {enabled: false}},
			}),
		);
		expect(loaded.sandbox).toEqual({enabled: true, allowedDomains: ['registry.npmjs.org', '*.github.com']});
	});

	it.each([
		[{sandbox: true}, /sandbox must be an object/],
		[{sandbox: {enabled: 'yes'}}, /sandbox.enabled must be true or false/],
		[{sandbox: {network: {allowedDomains: 'example.com'}}}, /allowedDomains must be a list/],
		[{sandbox: {network: {allowedDomains: ['']}}}, /allowedDomains must be a list/],
	])('refuses %j with a clear error', (content, message) => {
		const where = settings({'project/.claude/settings.json': content});
		expect(() => loadPermissions(where)).toThrow(SettingsError);
		expect(() => loadPermissions(where)).toThrow(message);
	});
});
